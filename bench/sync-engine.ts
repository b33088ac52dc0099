// bench:sync's engine side, run in a process of its own (bench/child-process.ts): each
// request unlocks a new engine on a data folder whose store is empty and times its sync.
// The process's store worker thread is reused from one engine to the next, as in the app.
import { fileURLToPath } from 'node:url';
import type { ApiEvent } from '../src/api/index.ts';
import type { EngineOptions } from '../src/client/index.ts';
import { startBenchChild, type BenchChild } from './child-process.ts';
import { nextEvent, PASSPHRASE, testEngine } from '../test/helpers/engine-harness.ts';

export interface EngineRun {
  readonly headersMs: number;
  /** Until a search answers, which first indexes what the sync queued for it. */
  readonly searchableMs: number;
  readonly verifiedMs: number;
}

/** What the engine's process is asked: a sync of `count` messages into `options.dataDir`. */
export interface SyncRequest {
  readonly options: EngineOptions;
  readonly count: number;
}

/** A word in the subject of every message bench:sync's fill sends. */
const SEARCHED_WORD = 'message';

/** A sync of 10,000 messages with their verification takes a few seconds. */
const SYNC_TIMEOUT_MS = 600_000;

/**
 * Unlocks a new engine on `options.dataDir` (an account whose store is empty) and times it
 * until every header is stored, then until a search finds them, then until every message
 * is verified; checks that all are in.
 */
export async function timeSync({ options, count }: SyncRequest): Promise<EngineRun> {
  const engine = await testEngine(options);
  try {
    const done = nextEvent(
      engine,
      (event): event is Extract<ApiEvent, { type: 'sync-progress' }> =>
        event.type === 'sync-progress' && event.phase === 'done',
      SYNC_TIMEOUT_MS,
    );
    const start = performance.now();
    await engine.unlock({ passphrase: PASSPHRASE });
    await done;
    const headersMs = performance.now() - start;
    const found = await engine.search({ query: SEARCHED_WORD, limit: 1 });
    const searchableMs = performance.now() - start;
    if (found.items.length === 0) throw new Error(`a search for '${SEARCHED_WORD}' found nothing`);
    await engine.syncNow({});
    const verifiedMs = performance.now() - start;
    const folders = await engine.listFolders({});
    const stored = folders.find((folder) => folder.id === 'inbox')?.total ?? 0;
    if (stored !== count) throw new Error(`the engine stored ${stored} of ${count} messages`);
    return { headersMs, searchableMs, verifiedMs };
  } finally {
    await engine.close();
  }
}

const CHILD = fileURLToPath(new URL('./sync-engine-child.ts', import.meta.url));

/** The engine's process, once it has loaded. */
export async function startEngineProcess(): Promise<{
  sync(request: SyncRequest): Promise<EngineRun>;
  stop(): Promise<void>;
}> {
  const child: BenchChild<SyncRequest, EngineRun> = await startBenchChild('engine', CHILD);
  return { sync: (request) => child.ask(request, SYNC_TIMEOUT_MS), stop: () => child.stop() };
}
