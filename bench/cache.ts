// npm run bench:cache — the client's local store on a real SQLite file: inserting
// 100,000 message summaries (1,000 per transaction) and indexing them for search (which
// the inserts queue), then the first page of a folder,
// a deep keyset page, full-text searches for a common and a rare word, folder counts,
// each in ms. Peers measured in the same run on the same file, as ratios:
//   - the same deep page read with LIMIT/OFFSET (what keyset paging replaces);
//   - the same common-word search ordered by the date column instead of by FTS rowid
//     (what the date-ordered rowids replace: every match is sorted);
//   - the first page through the worker facade, beside the direct call.
// Options: --count N (default 100000), --page N (default 50), --runs N (default 30).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  LocalStore,
  openLocalStoreWorker,
  type MessageInput,
  type PageRequest,
} from '../src/client/store/index.ts';
import { median } from './stats.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    page: { type: 'string', default: '50' },
    runs: { type: 'string', default: '30' },
  },
});
const COUNT = Number(values.count);
const PAGE = Number(values.page);
const RUNS = Number(values.runs);
const BATCH = 1000;
const ACCOUNT = 'bench@bench.example';
const COMMON = 'meeting';
const RARE = 'zanzibar';
const RARE_EVERY = 10_000;

const WORDS = (
  'report budget lunch project review draft update plan team notes invoice travel ' +
  'schedule question reply thanks agenda summary proposal contract release build test'
).split(' ');

/** Deterministic pseudo-random numbers (xorshift), so every run inserts the same data. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

const next = random(0x5eed);
const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
const envelopeXml = new Uint8Array(1200).fill(0x41);
const headersXml = new Uint8Array(900).fill(0x42);
const START_MS = Date.UTC(2020, 0, 1);
const SPAN_MS = 6 * 365 * 24 * 3600 * 1000;

function summary(index: number): MessageInput {
  const words = Array.from({ length: 5 }, () => pick(WORDS));
  if (index % 3 === 0) words.push(COMMON);
  if (index % RARE_EVERY === 7) words.push(RARE);
  return {
    accountId: ACCOUNT,
    msgId: `m${index}@bench.example`,
    folder: index % 10 === 0 ? 'sent' : 'inbox',
    server: { mailbox: 'INBOX', uid: index + 1, modseq: index + 1 },
    sizes: { envelope: envelopeXml.length, headers: headersXml.length, body: 4096 },
    serverFlags: next() < 0.8 ? ['seen'] : [],
    envelopeXml,
    headersXml,
    display: {
      fromName: `Sender ${index % 500}`,
      fromAddress: `sender${index % 500}@example.org`,
      to: [ACCOUNT],
      cc: [],
      subject: words.join(' '),
      // Arrival order is not date order: dates are random over six years.
      date: new Date(START_MS + Math.floor(next() * SPAN_MS)),
      hasAttachments: false,
      signed: true,
      encrypted: false,
      snippet: `${words.join(' ')} and some more text of the first lines`,
    },
  };
}

async function timeMs(operation: () => unknown): Promise<number> {
  for (let warmup = 0; warmup < 3; warmup++) await operation();
  const samples: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    await operation();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

const folder = mkdtempSync(join(tmpdir(), 'mt2-bench-cache-'));
const path = join(folder, 'store.sqlite');
try {
  const store = LocalStore.open({ path });
  store.ensureAccount(ACCOUNT);

  const insertStart = performance.now();
  for (let first = 0; first < COUNT; first += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, COUNT - first) }, (_, offset) =>
      summary(first + offset),
    );
    store.putMessages(batch);
  }
  const insertMs = performance.now() - insertStart;
  // Inserting queues the messages for the search index; indexing them is its own row.
  const indexStart = performance.now();
  store.indexQueued();
  const indexMs = performance.now() - indexStart;

  const inbox = { accountId: ACCOUNT, folder: 'inbox' } as const;
  const inboxTotal =
    store.folderCounts(ACCOUNT).find((count) => count.folder === 'inbox')?.total ?? 0;
  const depth = Math.floor(inboxTotal * 0.9);

  // Walk (untimed) to the cursor of the page that starts `depth` rows down.
  let deepCursor: string | undefined;
  for (let walked = 0; walked < depth;) {
    const step = Math.min(1000, depth - walked);
    const request: PageRequest =
      deepCursor === undefined ? { limit: step } : { limit: step, after: deepCursor };
    const page = store.listMessages(inbox, request);
    walked += page.items.length;
    deepCursor = page.next;
  }
  if (deepCursor === undefined) throw new Error('the folder is shorter than expected');
  const deepRequest: PageRequest = { limit: PAGE, after: deepCursor };

  const offsetPage = store.db.statement(
    `SELECT id, msg_id, subject, from_name, date_ms, flags FROM messages
     WHERE account_id = ? AND folder = ? ORDER BY id DESC LIMIT ? OFFSET ?`,
  );
  const keysetIds = store.listMessages(inbox, deepRequest).items.map((item) => item.msgId);
  const offsetIds = (offsetPage.all(ACCOUNT, 'inbox', PAGE, depth) as { msg_id: string }[]).map(
    (row) => row.msg_id,
  );
  if (JSON.stringify(keysetIds) !== JSON.stringify(offsetIds)) {
    throw new Error('keyset and OFFSET pages differ: the comparison would be unfair');
  }

  const searchByDate = store.db.statement(
    `SELECT m.msg_id FROM message_search s JOIN messages m ON m.id = s.rowid
     WHERE message_search MATCH ? AND m.account_id = ? ORDER BY m.date_ms DESC, m.id DESC LIMIT ?`,
  );
  const searchFirst = (text: string) =>
    store.searchMessages({ accountId: ACCOUNT, text }, { limit: PAGE });
  const commonMatches = Math.ceil(COUNT / 3);

  const figures = {
    firstPage: await timeMs(() => store.listMessages(inbox, { limit: PAGE })),
    deepKeyset: await timeMs(() => store.listMessages(inbox, deepRequest)),
    deepOffset: await timeMs(() => offsetPage.all(ACCOUNT, 'inbox', PAGE, depth)),
    unreadPage: await timeMs(() =>
      store.listMessages({ ...inbox, filter: 'unread' }, { limit: PAGE }),
    ),
    counts: await timeMs(() => store.folderCounts(ACCOUNT)),
    searchCommon: await timeMs(() => searchFirst(COMMON)),
    searchCommonByDate: await timeMs(() => searchByDate.all(`"${COMMON}"`, ACCOUNT, PAGE)),
    searchRare: await timeMs(() => searchFirst(RARE)),
  };
  const rareFound = searchFirst(RARE).items.length;
  store.close();

  const proxy = await openLocalStoreWorker({ path });
  const viaWorker = await timeMs(() => proxy.listMessages(inbox, { limit: PAGE }));
  await proxy.close();
  const direct = LocalStore.open({ path });
  const directAgain = await timeMs(() => direct.listMessages(inbox, { limit: PAGE }));
  direct.close();

  const fileMb = statSync(path).size / 1024 / 1024;
  const ms = (value: number) => value.toFixed(3);
  const ratio = (peer: number, ours: number) => `${(peer / ours).toFixed(1)}x`;
  console.log(
    `bench:cache — ${COUNT.toLocaleString('en')} summaries, pages of ${PAGE}, median of ${RUNS} runs, ` +
      `file ${fileMb.toFixed(0)} MB\n`,
  );
  console.log('| operation | ms | peer (same run) | peer ms | peer / ours |');
  console.log('| --- | ---: | --- | ---: | ---: |');
  console.log(
    `| insert ${COUNT.toLocaleString('en')} summaries (${BATCH} per transaction) | ${insertMs.toFixed(0)} (${Math.round((COUNT / insertMs) * 1000).toLocaleString('en')}/s) | | | |`,
  );
  console.log(
    `| index them for search (queued by the inserts) | ${indexMs.toFixed(0)} (${Math.round((COUNT / indexMs) * 1000).toLocaleString('en')}/s) | | | |`,
  );
  console.log(`| first page of inbox | ${ms(figures.firstPage)} | | | |`);
  console.log(
    `| keyset page ${depth.toLocaleString('en')} rows deep | ${ms(figures.deepKeyset)} | LIMIT/OFFSET, same rows | ${ms(figures.deepOffset)} | ${ratio(figures.deepOffset, figures.deepKeyset)} |`,
  );
  console.log(`| first page of unread | ${ms(figures.unreadPage)} | | | |`);
  console.log(`| folder counts | ${ms(figures.counts)} | | | |`);
  console.log(
    `| search common word (~${commonMatches.toLocaleString('en')} matches), first page | ${ms(figures.searchCommon)} | ORDER BY date column | ${ms(figures.searchCommonByDate)} | ${ratio(figures.searchCommonByDate, figures.searchCommon)} |`,
  );
  console.log(`| search rare word (${rareFound} matches) | ${ms(figures.searchRare)} | | | |`);
  console.log(
    `| first page through the worker | ${ms(viaWorker)} | direct call | ${ms(directAgain)} | ${ratio(directAgain, viaWorker)} |`,
  );
} finally {
  rmSync(folder, { recursive: true, force: true });
}
