// npm run bench:sync — a mailbox of 10,000 messages (4 KiB bodies) on a real mt2d
// process: time from an engine connecting until every header is in its local SQLite
// store (and, separately, until every message is verified), twice: a new engine into an
// empty store each time, the second with mt2d and the engine's code warm. Beside it, in
// the same run, imapflow fetches BODY.PEEK[HEADER] of the same number of messages from
// Dovecot into memory, timed from connect and the FETCH alone: without TLS twice
// (Dovecot's first fetch builds its index), then over IMAPS, as the engine always runs
// over TLS. Ratios pair first with first and repeat with repeat; > 1: the engine is faster.
//
// Run: npm run bench:sync [-- --count 10000 --body-bytes 4096]
import { cp } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { ApiEvent } from '../src/api/index.ts';
import type { EngineOptions } from '../src/client/index.ts';
import { checkRun, startDovecot, type HeaderFetchResult } from './peers/index.ts';
import {
  aliceSends,
  nextEvent,
  PASSPHRASE,
  remoteSetup,
  tempDir,
  testEngine,
} from '../test/helpers/engine-harness.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    'body-bytes': { type: 'string', default: '4096' },
  },
});
const count = Number(values.count);
const bodyBytes = Number(values['body-bytes']);
checkRun(count, bodyBytes);

/** Messages per pipelined batch while filling the mailbox. */
const FILL_BATCH = 1000;

interface EngineRun {
  readonly headersMs: number;
  readonly verifiedMs: number;
}

/**
 * Unlocks a new engine on `dataDir` (an account whose store is empty) and times it until
 * every header is stored, then until every message is verified; checks that all are in.
 */
async function timeSync(options: EngineOptions): Promise<EngineRun> {
  const engine = await testEngine(options);
  try {
    const done = nextEvent(
      engine,
      (event): event is Extract<ApiEvent, { type: 'sync-progress' }> =>
        event.type === 'sync-progress' && event.phase === 'done',
      600_000,
    );
    const start = performance.now();
    await engine.unlock({ passphrase: PASSPHRASE });
    await done;
    const headersMs = performance.now() - start;
    await engine.syncNow({});
    const verifiedMs = performance.now() - start;
    const folders = await engine.listFolders({});
    const stored = folders.find((folder) => folder.id === 'inbox')?.total ?? 0;
    if (stored !== count) throw new Error(`the engine stored ${stored} of ${count} messages`);
    return { headersMs, verifiedMs };
  } finally {
    await engine.close();
  }
}

/**
 * Two syncs of the whole mailbox, each by a new engine into a copy of the same empty
 * store: the first with mt2d and this process as they are after filling the mailbox,
 * the second after the first (mt2d and the engine's code warm, as Dovecot and imapflow
 * are on their second fetch; the store's worker is a new thread either way).
 */
async function engineSyncs(): Promise<{ first: EngineRun; second: EngineRun }> {
  const setup = await remoteSetup();
  const secondStore = await tempDir('mt2-bench-store-');
  try {
    await setup.engine.close();
    await cp(setup.data.dir, secondStore.dir, { recursive: true });
    const text = 'x'.repeat(bodyBytes - 2);
    for (let sent = 0; sent < count; sent += FILL_BATCH) {
      await aliceSends(setup, Math.min(FILL_BATCH, count - sent), { text });
    }
    const first = await timeSync(setup.engineOptions);
    const second = await timeSync({ ...setup.engineOptions, dataDir: secondStore.dir });
    return { first, second };
  } finally {
    await setup.cleanup();
    await secondStore.remove();
  }
}

interface ImapRun {
  /** The FETCH alone, after login and SELECT. */
  readonly fetchMs: number;
  /** From connect: login, SELECT and FETCH (what the engine's row counts, from unlock). */
  readonly sessionMs: number;
}

async function imapflowDovecot(): Promise<{
  first: ImapRun;
  warm: ImapRun;
  warmTls: ImapRun;
  fetched: number;
}> {
  const dovecot = await startDovecot({ count, bodyBytes });
  try {
    const first = await dovecot.fetchAllHeaders();
    const warm = await dovecot.fetchAllHeaders();
    const warmTls = await dovecot.fetchAllHeaders({ tls: true });
    if (first.encrypted || warm.encrypted || !warmTls.encrypted) {
      throw new Error('imapflow did not run over TLS exactly when asked');
    }
    const run = ({ elapsedMs, sessionMs }: HeaderFetchResult): ImapRun => ({
      fetchMs: elapsedMs,
      sessionMs,
    });
    if (warmTls.headers.length !== warm.headers.length) {
      throw new Error(`imapflow fetched ${warmTls.headers.length} headers over TLS`);
    }
    return {
      first: run(first),
      warm: run(warm),
      warmTls: run(warmTls),
      fetched: warm.headers.length,
    };
  } finally {
    await dovecot.stop();
  }
}

const mt2 = await engineSyncs();
const imap = await imapflowDovecot();
if (imap.fetched !== count) throw new Error(`imapflow fetched ${imap.fetched} of ${count} headers`);
const rows = [
  ['MT2 engine < mt2d', '1st sync: from unlock (connect), headers stored', mt2.first.headersMs],
  ['MT2 engine < mt2d', '1st sync: from unlock until all verified', mt2.first.verifiedMs],
  ['MT2 engine < mt2d', '2nd sync (warm): from unlock, headers stored', mt2.second.headersMs],
  ['MT2 engine < mt2d', '2nd sync (warm): from unlock until all verified', mt2.second.verifiedMs],
  ['imapflow < Dovecot', '1st (uncached): from connect, FETCH done', imap.first.sessionMs],
  ['imapflow < Dovecot', '1st (uncached): FETCH alone', imap.first.fetchMs],
  ['imapflow < Dovecot', '2nd (cached): from connect, FETCH done', imap.warm.sessionMs],
  ['imapflow < Dovecot', '2nd (cached): FETCH alone', imap.warm.fetchMs],
  ['imapflow < Dovecot', 'IMAPS, 3rd (cached): from connect, FETCH done', imap.warmTls.sessionMs],
  ['imapflow < Dovecot', 'IMAPS, 3rd (cached): FETCH alone', imap.warmTls.fetchMs],
] as const;
console.log(
  `bench:sync, ${count} messages, ${bodyBytes}-byte bodies (headers in memory for imapflow)`,
);
for (const [peer, work, ms] of rows) {
  console.log(
    `${peer.padEnd(20)} ${work.padEnd(48)} ${ms.toFixed(0).padStart(7)} ms  ${(count / (ms / 1000)).toFixed(0).padStart(7)} msg/s`,
  );
}
const ratio = (imapMs: number, mt2Ms: number) => (imapMs / mt2Ms).toFixed(2);
const { first, second } = mt2;
console.log('ratios, imapflow+Dovecot time / MT2 headers stored (> 1: the MT2 engine is faster):');
console.log(
  `  from connect, 1st / 1st (uncached, cold):  ${ratio(imap.first.sessionMs, first.headersMs)}x; FETCH alone ${ratio(imap.first.fetchMs, first.headersMs)}x`,
);
console.log(
  `  from connect, 2nd / 2nd (cached, warm):    ${ratio(imap.warm.sessionMs, second.headersMs)}x; FETCH alone ${ratio(imap.warm.fetchMs, second.headersMs)}x`,
);
console.log(
  `  over TLS on both sides, cached and warm:   ${ratio(imap.warmTls.sessionMs, second.headersMs)}x; FETCH alone ${ratio(imap.warmTls.fetchMs, second.headersMs)}x`,
);
console.log(
  `  the engine's 1st against Dovecot cached:   ${ratio(imap.warm.sessionMs, first.headersMs)}x (the ratio reported before the 2nd sync was timed)`,
);
