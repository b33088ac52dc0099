// npm run bench:sync — a mailbox of 10,000 messages (4 KiB bodies) on a real mt2d
// process: time from the engine connecting until every header is in its local SQLite
// store (and, separately, until every message is verified), beside imapflow fetching
// BODY.PEEK[HEADER] of the same number of messages from Dovecot into memory, measured
// in the same run. Ratio > 1: the engine is faster.
//
// Run: npm run bench:sync [-- --count 10000 --body-bytes 4096]
import { parseArgs } from 'node:util';
import type { ApiEvent } from '../src/api/index.ts';
import { checkRun, startDovecot } from './peers/index.ts';
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

async function imapflowDovecot(): Promise<{ firstMs: number; warmMs: number; fetched: number }> {
  const dovecot = await startDovecot({ count, bodyBytes });
  try {
    const first = await dovecot.fetchAllHeaders();
    const warm = await dovecot.fetchAllHeaders();
    return { firstMs: first.elapsedMs, warmMs: warm.elapsedMs, fetched: warm.headers.length };
  } finally {
    await dovecot.stop();
  }
}

const mt2 = await engineSync();
const imap = await imapflowDovecot();
if (mt2.stored !== count) throw new Error(`the engine stored ${mt2.stored} of ${count} messages`);
if (imap.fetched !== count) throw new Error(`imapflow fetched ${imap.fetched} of ${count} headers`);
const rows = [
  ['MT2 engine < mt2d', 'connect until all headers stored (SQLite)', mt2.headersMs],
  ['MT2 engine < mt2d', 'connect until all verified', mt2.verifiedMs],
  ['imapflow < Dovecot', 'FETCH HEADER, 1st (uncached), in memory', imap.firstMs],
  ['imapflow < Dovecot', 'FETCH HEADER, 2nd (cached), in memory', imap.warmMs],
] as const;
console.log(`bench:sync, ${count} messages, ${bodyBytes}-byte bodies`);
for (const [peer, work, ms] of rows) {
  console.log(
    `${peer.padEnd(20)} ${work.padEnd(44)} ${ms.toFixed(0).padStart(7)} ms  ${(count / (ms / 1000)).toFixed(0).padStart(7)} msg/s`,
  );
}
console.log(
  `ratio (imapflow+Dovecot cached / MT2 headers stored): ${(imap.warmMs / mt2.headersMs).toFixed(2)}x` +
    ` (> 1: the MT2 engine is faster)`,
);
console.log(
  `ratio (imapflow+Dovecot uncached / MT2 headers stored): ${(imap.firstMs / mt2.headersMs).toFixed(2)}x`,
);
