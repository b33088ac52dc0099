// npm run bench:sync — a mailbox of 10,000 messages (4 KiB bodies) on a real mt2d
// process: time from an engine connecting until every header is in its local SQLite
// store (and, separately, until a search finds them, the store having indexed what the
// sync queued for it, and until every message is verified), each time a new engine into
// a copy of the same empty store. Beside it, in the same run, imapflow fetches
// BODY.PEEK[HEADER] of the same number of messages from Dovecot into memory, timed from
// connect and the FETCH alone, over plain IMAP and over IMAPS (the engine always runs
// over TLS). Each client runs in a Node process of its own (bench/child-process.ts), the
// engine (sync-engine.ts) and imapflow (peers/imap-fetch-process.ts), started before
// anything is timed; this process fills the mailbox and takes the times in turn. First
// `--cold-rounds` cold rounds, each with both servers as just started and both clients
// in new processes: mt2d restarted (its code cold), then an engine's first sync;
// imapflow's first fetch from Dovecot without its index (built by that fetch, deleted
// after it). Then `--rounds` warm rounds with one warmed-up process each, an engine sync,
// a plain fetch and an IMAPS fetch in turn, so that both sides meet the same moments of
// a shared, noisy machine. The rows are medians; ratios pair cold with cold and warm
// with warm; > 1: the engine is faster.
//
// Run: npm run bench:sync [-- --count 10000 --body-bytes 4096 --cold-rounds 3 --rounds 5]
import { cp } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  checkRun,
  startDovecot,
  startImapFetchProcess,
  type DovecotServer,
  type ImapFetchProcess,
} from './peers/index.ts';
import { aliceSends, remoteSetup, tempDir } from '../test/helpers/engine-harness.ts';
import { startMt2dProcess, type Mt2dProcess } from '../test/helpers/mt2d-process.ts';
import type { EngineOptions } from '../src/client/index.ts';
import { startEngineProcess, type EngineRun } from './sync-engine.ts';
import { median } from './stats.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    'body-bytes': { type: 'string', default: '4096' },
    'cold-rounds': { type: 'string', default: '3' },
    rounds: { type: 'string', default: '5' },
  },
});
const count = Number(values.count);
const bodyBytes = Number(values['body-bytes']);
const coldRounds = Number(values['cold-rounds']);
const rounds = Number(values.rounds);
checkRun(count, bodyBytes);
if (!Number.isInteger(coldRounds) || coldRounds < 1)
  throw new Error('--cold-rounds must be a whole number from 1');
if (!Number.isInteger(rounds) || rounds < 1)
  throw new Error('--rounds must be a whole number from 1');

/** Messages per pipelined batch while filling the mailbox. */
const FILL_BATCH = 1000;

/**
 * Untimed syncs and fetches before the warm rounds: after one, either side's first timed
 * round was still slower than the rest (four runs, 6 Dec: Dovecot 391 to 434 ms against
 * about 250, the engine 227 to 246 against about 190).
 */
const WARM_UPS = 2;

interface ImapRun {
  /** The FETCH alone, after login and SELECT. */
  readonly fetchMs: number;
  /** From connect: login, SELECT and FETCH (what the engine's row counts, from unlock). */
  readonly sessionMs: number;
}

/** One imapflow fetch of every header, checked complete and over TLS exactly when asked. */
async function imapFetch(imap: ImapFetchProcess, tls: boolean): Promise<ImapRun> {
  const result = await imap.fetchAllHeaders({ tls });
  if (result.encrypted !== tls) throw new Error('imapflow did not run over TLS exactly when asked');
  if (result.headerCount !== count) {
    throw new Error(`imapflow fetched ${result.headerCount} of ${count} headers`);
  }
  return { fetchMs: result.elapsedMs, sessionMs: result.sessionMs };
}

interface Runs {
  readonly engineCold: EngineRun[];
  readonly imapCold: ImapRun[];
  readonly engineWarm: EngineRun[];
  readonly imapWarm: ImapRun[];
  readonly imapsWarm: ImapRun[];
}

type EngineProcess = Awaited<ReturnType<typeof startEngineProcess>>;

/** The engine's process syncs into a copy of the empty store `emptyDir`. */
async function syncIntoCopy(
  engine: EngineProcess,
  options: EngineOptions,
  emptyDir: string,
): Promise<EngineRun> {
  const store = await tempDir('mt2-bench-store-');
  try {
    await cp(emptyDir, store.dir, { recursive: true });
    return await engine.sync({ options: { ...options, dataDir: store.dir }, count });
  } finally {
    await store.remove();
  }
}

/** Runs `work` with a new process of `start`'s, stopped afterwards. */
async function inNewProcess<P extends { stop(): Promise<void> }, R>(
  start: () => Promise<P>,
  work: (child: P) => Promise<R>,
): Promise<R> {
  const child = await start();
  try {
    return await work(child);
  } finally {
    await child.stop();
  }
}

/**
 * Fills the mailbox on mt2d and starts Dovecot with the same number of messages, then
 * times the cold rounds and the warm rounds. Each engine sync is a new engine into a copy
 * of the same empty store. A cold round restarts mt2d (which loads its store, caches
 * included, as at any start) and fetches from Dovecot without its index (deleted after
 * each cold fetch, which built it); each client is a new process.
 * The warm rounds reuse one process per client (the engine's store worker thread too,
 * from one engine to the next), warmed up by WARM_UPS untimed syncs and fetches.
 */
async function measure(): Promise<Runs> {
  const setup = await remoteSetup();
  const emptyStore = await tempDir('mt2-bench-store-');
  let server: Mt2dProcess = setup.server;
  let dovecot: DovecotServer | undefined;
  let imap: ImapFetchProcess | undefined;
  let engine: EngineProcess | undefined;
  try {
    await setup.engine.close();
    await cp(setup.data.dir, emptyStore.dir, { recursive: true });
    const text = 'x'.repeat(bodyBytes - 2);
    for (let sent = 0; sent < count; sent += FILL_BATCH) {
      await aliceSends(setup, Math.min(FILL_BATCH, count - sent), { text });
    }
    const imapServer = await startDovecot({ count, bodyBytes });
    dovecot = imapServer;
    const runs: Runs = {
      engineCold: [],
      imapCold: [],
      engineWarm: [],
      imapWarm: [],
      imapsWarm: [],
    };
    for (let round = 0; round < coldRounds; round++) {
      const { port } = server;
      await server.stop();
      server = await startMt2dProcess(setup.mt2d.dir, { port });
      runs.engineCold.push(
        await inNewProcess(startEngineProcess, (cold) =>
          syncIntoCopy(cold, setup.engineOptions, emptyStore.dir),
        ),
      );
      runs.imapCold.push(
        await inNewProcess(
          () => startImapFetchProcess(imapServer),
          (cold) => imapFetch(cold, false),
        ),
      );
      // The next fetch builds the index again, as this one (the first: none yet) did.
      if ((await imapServer.dropIndex()).length === 0) {
        throw new Error('Dovecot kept no index in the maildir: the next fetch would not be cold');
      }
    }
    engine = await startEngineProcess();
    imap = await startImapFetchProcess(imapServer);
    for (let round = 0; round < WARM_UPS; round++) {
      await syncIntoCopy(engine, setup.engineOptions, emptyStore.dir);
      await imapFetch(imap, false);
    }
    for (let round = 0; round < rounds; round++) {
      runs.engineWarm.push(await syncIntoCopy(engine, setup.engineOptions, emptyStore.dir));
      runs.imapWarm.push(await imapFetch(imap, false));
      runs.imapsWarm.push(await imapFetch(imap, true));
    }
    return runs;
  } finally {
    await engine?.stop();
    await imap?.stop();
    await dovecot?.stop();
    if (server !== setup.server) await server.kill().catch(() => undefined);
    await setup.cleanup();
    await emptyStore.remove();
  }
}

const runs = await measure();
const engineMedians = (list: readonly EngineRun[]) => ({
  headersMs: median(list.map((run) => run.headersMs)),
  searchableMs: median(list.map((run) => run.searchableMs)),
  verifiedMs: median(list.map((run) => run.verifiedMs)),
});
const imapMedians = (list: readonly ImapRun[]) => ({
  sessionMs: median(list.map((run) => run.sessionMs)),
  fetchMs: median(list.map((run) => run.fetchMs)),
});
const engineCold = engineMedians(runs.engineCold);
const engineWarm = engineMedians(runs.engineWarm);
const imapCold = imapMedians(runs.imapCold);
const imapWarm = imapMedians(runs.imapWarm);
const imapsWarm = imapMedians(runs.imapsWarm);
type EngineMedians = ReturnType<typeof engineMedians>;
type ImapMedians = ReturnType<typeof imapMedians>;
type Row = readonly [peer: string, work: string, ms: number];
const engineRows = (when: string, times: EngineMedians): Row[] => [
  ['MT2 engine < mt2d', `${when}: from unlock (connect), headers stored`, times.headersMs],
  ['MT2 engine < mt2d', `${when}: from unlock until searchable`, times.searchableMs],
  ['MT2 engine < mt2d', `${when}: from unlock until all verified`, times.verifiedMs],
];
const imapRows = (when: string, times: ImapMedians): Row[] => [
  ['imapflow < Dovecot', `${when}: from connect, FETCH done`, times.sessionMs],
  ['imapflow < Dovecot', `${when}: FETCH alone`, times.fetchMs],
];
const rows = [
  ...engineRows('cold', engineCold),
  ...engineRows('warm', engineWarm),
  ...imapRows('cold (uncached)', imapCold),
  ...imapRows('warm (cached)', imapWarm),
  ...imapRows('IMAPS, warm', imapsWarm),
];
console.log(
  `bench:sync, ${count} messages, ${bodyBytes}-byte bodies (headers in memory for imapflow); ` +
    `medians of ${coldRounds} cold and ${rounds} warm rounds`,
);
for (const [peer, work, ms] of rows) {
  console.log(
    `${peer.padEnd(20)} ${work.padEnd(48)} ${ms.toFixed(0).padStart(7)} ms  ${(count / (ms / 1000)).toFixed(0).padStart(7)} msg/s`,
  );
}
const spread = (values: readonly number[]) => values.map((value) => value.toFixed(0)).join(' ');
console.log('each round, headers stored / from connect (ms), in order:');
console.log(`  cold engine:   ${spread(runs.engineCold.map((run) => run.headersMs))}`);
console.log(`  cold imapflow: ${spread(runs.imapCold.map((run) => run.sessionMs))}`);
console.log(`  warm engine:   ${spread(runs.engineWarm.map((run) => run.headersMs))}`);
console.log(`  warm imapflow: ${spread(runs.imapWarm.map((run) => run.sessionMs))}`);
console.log(`  warm IMAPS:    ${spread(runs.imapsWarm.map((run) => run.sessionMs))}`);
const ratio = (imapMs: number, mt2Ms: number) => (imapMs / mt2Ms).toFixed(2);
console.log(
  'ratios of medians, imapflow+Dovecot / MT2 headers stored (> 1: the engine is faster):',
);
console.log(
  `  from connect, cold / cold (uncached):   ${ratio(imapCold.sessionMs, engineCold.headersMs)}x; FETCH alone ${ratio(imapCold.fetchMs, engineCold.headersMs)}x`,
);
console.log(
  `  from connect, warm / warm:              ${ratio(imapWarm.sessionMs, engineWarm.headersMs)}x; FETCH alone ${ratio(imapWarm.fetchMs, engineWarm.headersMs)}x`,
);
console.log(
  `  over TLS on both sides, warm / warm:    ${ratio(imapsWarm.sessionMs, engineWarm.headersMs)}x; FETCH alone ${ratio(imapsWarm.fetchMs, engineWarm.headersMs)}x`,
);
