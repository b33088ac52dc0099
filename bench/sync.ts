// npm run bench:sync — a mailbox of 10,000 messages (4 KiB bodies) on a real mt2d
// process: time from the engine connecting until every header is in its local SQLite
// store (and, separately, until every message is verified), beside imapflow fetching
// BODY.PEEK[HEADER] of the same number of messages from Dovecot into memory, measured
// in the same run, both from connect and the FETCH alone, without TLS (twice: Dovecot's
// first fetch builds its index) and then over IMAPS, as the engine always runs over TLS.
// Ratio > 1: the engine is faster.
//
// Run: npm run bench:sync [-- --count 10000 --body-bytes 4096]
import { parseArgs } from 'node:util';
import type { ApiEvent } from '../src/api/index.ts';
import { checkRun, startDovecot, type HeaderFetchResult } from './peers/index.ts';
import { aliceSends, nextEvent, PASSPHRASE, remoteSetup } from '../test/helpers/engine-harness.ts';

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

async function engineSync(): Promise<{ headersMs: number; verifiedMs: number; stored: number }> {
  const setup = await remoteSetup();
  try {
    await setup.engine.close();
    const text = 'x'.repeat(bodyBytes - 2);
    for (let sent = 0; sent < count; sent += FILL_BATCH) {
      await aliceSends(setup, Math.min(FILL_BATCH, count - sent), { text });
    }
    const engine = await setup.reopen();
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
      return { headersMs, verifiedMs, stored };
    } finally {
      await engine.close();
    }
  } finally {
    await setup.cleanup();
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

const mt2 = await engineSync();
const imap = await imapflowDovecot();
if (mt2.stored !== count) throw new Error(`the engine stored ${mt2.stored} of ${count} messages`);
if (imap.fetched !== count) throw new Error(`imapflow fetched ${imap.fetched} of ${count} headers`);
const rows = [
  ['MT2 engine < mt2d', 'from unlock (connect) until all headers stored', mt2.headersMs],
  ['MT2 engine < mt2d', 'from unlock until all verified', mt2.verifiedMs],
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
const ratio = (imapMs: number) => (imapMs / mt2.headersMs).toFixed(2);
console.log('ratios, imapflow+Dovecot time / MT2 headers stored (> 1: the MT2 engine is faster):');
console.log(
  `  from connect, like for like: ${ratio(imap.warm.sessionMs)}x cached, ${ratio(imap.first.sessionMs)}x uncached`,
);
console.log(
  `  against the FETCH alone:     ${ratio(imap.warm.fetchMs)}x cached, ${ratio(imap.first.fetchMs)}x uncached`,
);
console.log(
  `  over TLS on both sides:      ${ratio(imap.warmTls.sessionMs)}x cached from connect, ${ratio(imap.warmTls.fetchMs)}x against the FETCH alone`,
);
