// The engine's process of bench:sync (sync-engine.ts): one timed sync per request.
import { serveRequests } from './child-process.ts';
import { timeSync } from './sync-engine.ts';

serveRequests(timeSync);
