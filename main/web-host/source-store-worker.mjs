// The local store's worker when the web host runs from TypeScript sources (`npm run
// web`): Node 20 does not apply tsx to worker threads, so this plain-JS entry registers
// tsx in the worker first, then loads the store's worker module.
import { register } from 'tsx/esm/api';

register();
await import('../../src/client/store/worker.ts');
