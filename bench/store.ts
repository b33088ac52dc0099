// npm run bench:store — writing LIST pages into the client's local store, as the sync
// engine does: pages of 1,000 new messages with the envelope and headers sizes of a
// signed MT2 message (7,418 and 336 bytes), each page one applyListPage call (one
// transaction with its cursor; its messages queued for the search index, which the
// store fills once idle: bench:cache times that). Measured in the same run, in turn, each
// on a fresh file:
//   - LocalStore.applyListPage called directly;
//   - the same through the store's worker (openLocalStoreWorker), as the engine calls it;
//   - the peer: plain better-sqlite3 inserting the same rows into one minimal table
//     (msg-id unique, the two blobs, subject, sender, date; no FTS, no other index, no
//     validation), one transaction per page, with the settings the store uses for LIST
//     pages (16 KiB pages, WAL, synchronous = NORMAL, checkpoints deferred): the floor;
//   - the same peer with SQLite's defaults (4 KiB pages, a checkpoint every 1,000 WAL
//     pages) and synchronous = FULL (every commit waits for the disk): the settings the
//     store used for pages before.
// Reported: ms per page (median over all pages of all rounds) and the ratio to the peer;
// for the worker, also the CPU time per page of the caller's thread (building and
// posting the call, taking the answer) and of the worker's thread (Linux per-thread
// counters, /proc/<pid>/task/<tid>/schedstat).
// Options: --pages N (default 10), --page-size N (1000), --envelope-bytes N (7418),
//          --headers-bytes N (336), --rounds N (3). With --envelope-bytes 0 the pages are
// those of a headers-first sync: no envelope yet, so no sender and not shown as signed.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import {
  LocalStore,
  openLocalStoreWorker,
  type ListPage,
  type MessageInput,
} from '../src/client/store/index.ts';
import { NEW_FILE_PAGE_SIZE, WAL_AUTOCHECKPOINT_BYTES } from '../src/client/store/open-database.ts';
import { median } from './stats.ts';

const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '10' },
    'page-size': { type: 'string', default: '1000' },
    'envelope-bytes': { type: 'string', default: '7418' },
    'headers-bytes': { type: 'string', default: '336' },
    rounds: { type: 'string', default: '3' },
  },
});
const PAGES = Number(values.pages);
const PAGE_SIZE = Number(values['page-size']);
const ENVELOPE_BYTES = Number(values['envelope-bytes']);
const HEADERS_BYTES = Number(values['headers-bytes']);
const ROUNDS = Number(values.rounds);
for (const [name, value] of Object.entries({ PAGES, PAGE_SIZE, ROUNDS })) {
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a count`);
}

const ACCOUNT = 'alice@alpha.example';
const MAILBOX = 'INBOX';
const START_MS = Date.UTC(2026, 0, 5, 9, 0, 0);

/** Deterministic pseudo-random bytes in the base64 alphabet (envelopes are XML with base64). */
function randomText(length: number, seed: number): Uint8Array {
  const alphabet = new TextEncoder().encode(
    'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
  );
  let state = seed | 1;
  return Uint8Array.from({ length }, () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return alphabet[(state >>> 0) % 64] ?? 0x41;
  });
}

/**
 * Msg-ids as MT2 makes them (`${randomUUID()}@domain`, src/client/send/compose.ts),
 * made from a hash of the index: random, so each page's inserts land all over the msg-id index.
 */
function msgId(index: number): string {
  const text = createHash('sha256').update(String(index)).digest('hex');
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-4${text.slice(13, 16)}-a${text.slice(17, 20)}-${text.slice(20, 32)}@beta.example`;
}

const ENVELOPES = Array.from({ length: 16 }, (_, index) => randomText(ENVELOPE_BYTES, index + 1));
const HEADERS = Array.from({ length: 16 }, (_, index) => randomText(HEADERS_BYTES, index + 101));

/** Up to 10 s either side of arrival: senders' clocks and delivery delays differ. */
const DATE_JITTER_MS = 10_000;

/**
 * Message `index`: its own byte arrays (as decoded from the wire), arriving 37 ms after the
 * previous one, dated within DATE_JITTER_MS of its arrival (so not quite in date order).
 */
function message(index: number): MessageInput {
  return {
    accountId: ACCOUNT,
    msgId: msgId(index),
    folder: 'inbox',
    server: { mailbox: MAILBOX, uid: index + 1, modseq: index + 1 },
    sizes: { envelope: ENVELOPE_BYTES, headers: HEADERS_BYTES, body: 4346 },
    serverFlags: index % 5 === 0 ? ['seen'] : [],
    envelopeXml: (ENVELOPES[index % ENVELOPES.length] ?? new Uint8Array()).slice(),
    headersXml: (HEADERS[index % HEADERS.length] ?? new Uint8Array()).slice(),
    display: {
      // The headers name the sender: the display a headers-first sync stores.
      fromName: `Sender ${index % 97}`,
      fromAddress: `sender${index % 97}@beta.example`,
      to: [ACCOUNT],
      cc: index % 4 === 0 ? [`team${index % 13}@alpha.example`] : [],
      subject: `Report ${index}: quarterly numbers and the plan for week ${index % 52}`,
      date: new Date(
        START_MS + index * 37 + ((index * 7919) % (2 * DATE_JITTER_MS)) - DATE_JITTER_MS,
      ),
      hasAttachments: false,
      signed: ENVELOPE_BYTES > 0,
      encrypted: false,
      snippet: '',
    },
  };
}

function listPage(page: number): ListPage {
  const first = page * PAGE_SIZE;
  return {
    accountId: ACCOUNT,
    mailbox: MAILBOX,
    cursor: first + PAGE_SIZE,
    messages: Array.from({ length: PAGE_SIZE }, (_, offset) => message(first + offset)),
  };
}

type PageWriter = (page: ListPage) => unknown;

/** Writes every page with `write`, timing each call; the pages are built untimed. */
async function timePages(write: PageWriter): Promise<number[]> {
  const samples: number[] = [];
  for (let page = 0; page < PAGES; page++) {
    const input = listPage(page);
    const start = performance.now();
    await write(input);
    samples.push(performance.now() - start);
  }
  return samples;
}

async function direct(path: string): Promise<number[]> {
  const store = LocalStore.open({ path });
  try {
    store.ensureAccount(ACCOUNT);
    const samples = await timePages((page) => store.applyListPage(page));
    const stored = store.folderCounts(ACCOUNT).find((count) => count.folder === 'inbox')?.total;
    if (stored !== PAGES * PAGE_SIZE) throw new Error(`stored ${stored} messages`);
    return samples;
  } finally {
    store.close();
  }
}

/** The threads of this process, by id (Linux). */
function threadIds(): Set<string> {
  return new Set(readdirSync(`/proc/${process.pid}/task`));
}

/** CPU time a thread has run so far, in ms (schedstat's first field is in ns). */
function threadCpuMs(tid: string): number {
  const [ns] = readFileSync(`/proc/${process.pid}/task/${tid}/schedstat`, 'utf8').split(' ');
  return Number(ns) / 1e6;
}

/**
 * CPU ms spent through the worker, by the caller's thread and by the worker's, and the
 * pages written. Summed, not a median per page: the kernel counts in scheduler ticks.
 */
const workerCpu = { caller: 0, worker: 0, pages: 0 };

async function viaWorker(path: string): Promise<number[]> {
  const before = threadIds();
  const store = await openLocalStoreWorker({ path });
  // The thread that appeared with the store is its worker (Node starts one per Worker).
  const started = [...threadIds()].filter((tid) => !before.has(tid));
  const workerCpuMs = () => started.reduce((sum, tid) => sum + threadCpuMs(tid), 0);
  const caller = String(process.pid);
  try {
    await store.ensureAccount(ACCOUNT);
    const samples = await timePages(async (page) => {
      const callerStart = threadCpuMs(caller);
      const workerStart = workerCpuMs();
      await store.applyListPage(page);
      workerCpu.caller += threadCpuMs(caller) - callerStart;
      workerCpu.worker += workerCpuMs() - workerStart;
      workerCpu.pages += 1;
    });
    const counts = await store.folderCounts(ACCOUNT);
    const stored = counts.find((count) => count.folder === 'inbox')?.total;
    if (stored !== PAGES * PAGE_SIZE) throw new Error(`stored ${stored} messages`);
    return samples;
  } finally {
    await store.close();
  }
}

interface PeerSettings {
  readonly pageSize: number;
  readonly synchronous: 'FULL' | 'NORMAL';
  /** WAL pages that make a commit checkpoint (SQLite's default: 1000). */
  readonly autocheckpoint: number;
}

async function plainSqlite(path: string, settings: PeerSettings): Promise<number[]> {
  const db = new Database(path);
  try {
    db.pragma(`page_size = ${settings.pageSize}`);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${settings.synchronous}`);
    db.pragma(`wal_autocheckpoint = ${settings.autocheckpoint}`);
    db.exec(`CREATE TABLE messages (
      id INTEGER PRIMARY KEY, msg_id TEXT NOT NULL UNIQUE, subject TEXT NOT NULL,
      from_address TEXT NOT NULL, date_ms INTEGER NOT NULL,
      envelope_xml BLOB NOT NULL, headers_xml BLOB)`);
    const insert = db.prepare(
      `INSERT INTO messages (msg_id, subject, from_address, date_ms, envelope_xml, headers_xml)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    const writePage = db.transaction((page: ListPage) => {
      for (const input of page.messages ?? []) {
        const { display } = input;
        // This benchmark's pages carry their display (pageOf); the peer has no headers reader.
        if ('fromHeaders' in display) throw new Error('a page left its display to the store');
        insert.run(
          input.msgId,
          display.subject,
          display.fromAddress,
          display.date.getTime(),
          input.envelopeXml,
          input.headersXml ?? null,
        );
      }
    });
    return await timePages((page) => {
      writePage(page);
    });
  } finally {
    db.close();
  }
}

const RUNNERS = [
  [
    'peer: plain better-sqlite3, minimal table, same settings',
    (path: string) =>
      plainSqlite(path, {
        pageSize: NEW_FILE_PAGE_SIZE,
        synchronous: 'NORMAL',
        autocheckpoint: WAL_AUTOCHECKPOINT_BYTES / NEW_FILE_PAGE_SIZE,
      }),
  ],
  [
    'plain better-sqlite3, minimal table, FULL + default checkpoints',
    (path: string) =>
      plainSqlite(path, { pageSize: 4096, synchronous: 'FULL', autocheckpoint: 1000 }),
  ],
  ['LocalStore.applyListPage, direct', direct],
  ['applyListPage through the worker', viaWorker],
] as const;

const folder = mkdtempSync(join(tmpdir(), 'mt2-bench-store-'));
try {
  const samples = new Map<string, number[]>(RUNNERS.map(([name]) => [name, []]));
  let file = 0;
  // Rounds alternate the three, so a burst of load from elsewhere hits each alike.
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of RUNNERS) {
      file += 1;
      samples.get(name)?.push(...(await run(join(folder, `store-${file}.sqlite`))));
    }
  }
  const peer = median(samples.get(RUNNERS[0][0]) ?? []);
  console.log(
    `bench:store — ${ROUNDS} rounds of ${PAGES} pages x ${PAGE_SIZE.toLocaleString('en')} new messages ` +
      `(envelope ${ENVELOPE_BYTES.toLocaleString('en')} B, headers ${HEADERS_BYTES} B), ` +
      `median ms per page\n`,
  );
  console.log('| writer | ms per page (median) | fastest page | messages/s | ÷ peer |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const [name] of RUNNERS) {
    const list = samples.get(name) ?? [];
    const ms = median(list);
    console.log(
      `| ${name} | ${ms.toFixed(1)} | ${Math.min(...list).toFixed(1)} | ` +
        `${Math.round((PAGE_SIZE / ms) * 1000).toLocaleString('en')} | ${(ms / peer).toFixed(2)} |`,
    );
  }
  console.log(
    `\nCPU per page through the worker (mean ms): caller's thread ` +
      `${(workerCpu.caller / workerCpu.pages).toFixed(1)}, ` +
      `worker's thread ${(workerCpu.worker / workerCpu.pages).toFixed(1)}`,
  );
} finally {
  rmSync(folder, { recursive: true, force: true });
}
