// The local store's worker under tsx: Node 20 does not apply `--import tsx` to worker
// threads, so this plain-JS entry registers tsx in the worker, then loads the store's
// TypeScript worker. Only for running from sources (tests, benchmarks).
import { register } from 'tsx/esm/api';

register();
await import('../../src/client/store/worker.ts');
