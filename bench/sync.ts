// npm run bench:sync — a mailbox of 10,000 messages (4 KiB bodies) on a real mt2d
// process: time from an engine connecting until every header is in its local SQLite
// store (and, separately, until a search finds them, the store having indexed what the
// sync queued for it, and until every message is verified), each time a new engine into
// a copy of the same empty store. Beside it, in the same run, imapflow fetches
// BODY.PEEK[HEADER] of the same number of messages from Dovecot into memory, timed from
// connect and the FETCH alone, over plain IMAP and over IMAPS (the engine always runs
// over TLS). Each client runs in a Node process of its own (bench/child-process.ts),
// started before anything is timed and kept for the whole run, the engine
// (sync-engine.ts) and imapflow (peers/imap-fetch-process.ts); this process fills the
// mailbox and takes the times in turn. First the engine's first sync and Dovecot's
// first fetch (which builds its index), both clients cold; then `--rounds` warm rounds,
// each an engine sync, a plain fetch and an IMAPS fetch in turn, so that both sides meet
// the same moments of a shared, noisy machine; the warm rows are medians. Ratios pair
// first with first and warm with warm; > 1: the engine is faster.
//
// Run: npm run bench:sync [-- --count 10000 --body-bytes 4096 --rounds 5]
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
import { startEngineProcess, type EngineRun } from './sync-engine.ts';
import { median } from './stats.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    'body-bytes': { type: 'string', default: '4096' },
    rounds: { type: 'string', default: '5' },
  },
});
const count = Number(values.count);
const bodyBytes = Number(values['body-bytes']);
const rounds = Number(values.rounds);
checkRun(count, bodyBytes);
if (!Number.isInteger(rounds) || rounds < 1)
  throw new Error('--rounds must be a whole number from 1');

/** Messages per pipelined batch while filling the mailbox. */
const FILL_BATCH = 1000;

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
  readonly engineFirst: EngineRun;
  readonly imapFirst: ImapRun;
  readonly engineWarm: EngineRun[];
  readonly imapWarm: ImapRun[];
  readonly imapsWarm: ImapRun[];
}

/**
 * Fills the mailbox on mt2d and starts Dovecot with the same number of messages, then
 * times the first runs and the warm rounds. Each engine sync is a new engine into a copy
 * of the same empty store; mt2d and the engine's process (its store's worker thread too,
 * reused from one engine to the next) are warm from the second on, as Dovecot and
 * imapflow's process are.
 */
async function measure(): Promise<Runs> {
  const setup = await remoteSetup();
  const emptyStore = await tempDir('mt2-bench-store-');
  let dovecot: DovecotServer | undefined;
  let imap: ImapFetchProcess | undefined;
  let engine: Awaited<ReturnType<typeof startEngineProcess>> | undefined;
  try {
    await setup.engine.close();
    await cp(setup.data.dir, emptyStore.dir, { recursive: true });
    const text = 'x'.repeat(bodyBytes - 2);
    for (let sent = 0; sent < count; sent += FILL_BATCH) {
      await aliceSends(setup, Math.min(FILL_BATCH, count - sent), { text });
    }
    dovecot = await startDovecot({ count, bodyBytes });
    imap = await startImapFetchProcess(dovecot);
    engine = await startEngineProcess();
    const engineFirst = await engine.sync({ options: setup.engineOptions, count });
    const imapFirst = await imapFetch(imap, false);
    const runs: Runs = { engineFirst, imapFirst, engineWarm: [], imapWarm: [], imapsWarm: [] };
    for (let round = 0; round < rounds; round++) {
      const store = await tempDir('mt2-bench-store-');
      try {
        await cp(emptyStore.dir, store.dir, { recursive: true });
        runs.engineWarm.push(
          await engine.sync({ options: { ...setup.engineOptions, dataDir: store.dir }, count }),
        );
      } finally {
        await store.remove();
      }
      runs.imapWarm.push(await imapFetch(imap, false));
      runs.imapsWarm.push(await imapFetch(imap, true));
    }
    return runs;
  } finally {
    await engine?.stop();
    await imap?.stop();
    await dovecot?.stop();
    await setup.cleanup();
    await emptyStore.remove();
  }
}

const runs = await measure();
const warm = {
  headersMs: median(runs.engineWarm.map((run) => run.headersMs)),
  searchableMs: median(runs.engineWarm.map((run) => run.searchableMs)),
  verifiedMs: median(runs.engineWarm.map((run) => run.verifiedMs)),
  imapSessionMs: median(runs.imapWarm.map((run) => run.sessionMs)),
  imapFetchMs: median(runs.imapWarm.map((run) => run.fetchMs)),
  imapsSessionMs: median(runs.imapsWarm.map((run) => run.sessionMs)),
  imapsFetchMs: median(runs.imapsWarm.map((run) => run.fetchMs)),
};
const rows = [
  [
    'MT2 engine < mt2d',
    '1st sync: from unlock (connect), headers stored',
    runs.engineFirst.headersMs,
  ],
  ['MT2 engine < mt2d', '1st sync: from unlock until searchable', runs.engineFirst.searchableMs],
  ['MT2 engine < mt2d', '1st sync: from unlock until all verified', runs.engineFirst.verifiedMs],
  ['MT2 engine < mt2d', 'warm sync: from unlock, headers stored', warm.headersMs],
  ['MT2 engine < mt2d', 'warm sync: from unlock until searchable', warm.searchableMs],
  ['MT2 engine < mt2d', 'warm sync: from unlock until all verified', warm.verifiedMs],
  ['imapflow < Dovecot', '1st (uncached): from connect, FETCH done', runs.imapFirst.sessionMs],
  ['imapflow < Dovecot', '1st (uncached): FETCH alone', runs.imapFirst.fetchMs],
  ['imapflow < Dovecot', 'warm (cached): from connect, FETCH done', warm.imapSessionMs],
  ['imapflow < Dovecot', 'warm (cached): FETCH alone', warm.imapFetchMs],
  ['imapflow < Dovecot', 'IMAPS, warm: from connect, FETCH done', warm.imapsSessionMs],
  ['imapflow < Dovecot', 'IMAPS, warm: FETCH alone', warm.imapsFetchMs],
] as const;
console.log(
  `bench:sync, ${count} messages, ${bodyBytes}-byte bodies (headers in memory for imapflow); ` +
    `warm rows: medians of ${rounds} rounds`,
);
for (const [peer, work, ms] of rows) {
  console.log(
    `${peer.padEnd(20)} ${work.padEnd(48)} ${ms.toFixed(0).padStart(7)} ms  ${(count / (ms / 1000)).toFixed(0).padStart(7)} msg/s`,
  );
}
const spread = (values: readonly number[]) => values.map((value) => value.toFixed(0)).join(' ');
console.log(`warm rounds, headers stored / from connect (ms), in order:`);
console.log(`  engine:   ${spread(runs.engineWarm.map((run) => run.headersMs))}`);
console.log(`  imapflow: ${spread(runs.imapWarm.map((run) => run.sessionMs))}`);
console.log(`  IMAPS:    ${spread(runs.imapsWarm.map((run) => run.sessionMs))}`);
const ratio = (imapMs: number, mt2Ms: number) => (imapMs / mt2Ms).toFixed(2);
console.log('ratios, imapflow+Dovecot time / MT2 headers stored (> 1: the MT2 engine is faster):');
console.log(
  `  from connect, 1st / 1st (uncached, cold):  ${ratio(runs.imapFirst.sessionMs, runs.engineFirst.headersMs)}x; FETCH alone ${ratio(runs.imapFirst.fetchMs, runs.engineFirst.headersMs)}x`,
);
console.log(
  `  from connect, warm / warm (medians):       ${ratio(warm.imapSessionMs, warm.headersMs)}x; FETCH alone ${ratio(warm.imapFetchMs, warm.headersMs)}x`,
);
console.log(
  `  over TLS on both sides, warm (medians):    ${ratio(warm.imapsSessionMs, warm.headersMs)}x; FETCH alone ${ratio(warm.imapsFetchMs, warm.headersMs)}x`,
);
