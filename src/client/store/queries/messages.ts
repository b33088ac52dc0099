// Writing and reading single messages: insert or replace, server state, bodies,
// verification, folders, removal.
import { LocalStoreError } from '../errors.ts';
import { BY_MSG_ID, byMsgId, msgKey } from '../msg-key.ts';
import {
  ACCOUNT_ID,
  BITS,
  BODY_SIZE,
  CC_JSON,
  DATE_MS,
  ENCRYPTED,
  ENVELOPE_AT,
  ENVELOPE_LENGTH,
  ENVELOPE_SIZE,
  HEADERS_AT,
  HEADERS_LENGTH,
  FLAGGED,
  FOLDER,
  FROM_ADDRESS,
  FROM_NAME,
  HAS_ATTACHMENTS,
  HAS_SERVER,
  HEADERS_SIZE,
  MAILBOX,
  MODSEQ,
  MSG_ID,
  NUMBER_FIELDS,
  SERVER_FLAGS_JSON,
  SIGNED,
  SNIPPET,
  SUBJECT,
  TEXT_FIELDS,
  TO_JSON,
  UID,
  UNREAD,
  VERIFICATION_JSON,
  batchNumber,
  batchPart,
  batchText,
  type MessageBatch,
} from '../message-batch.ts';
import { fillDisplayFromHeaders } from '../headers-display.ts';
import type { EnvelopeColumns, ServerColumns } from '../message-input.ts';
import { SortKeyAllocator, inBlock } from '../sort-key.ts';
import type { StoreDb } from '../store-db.ts';
import type { Folder, StoredBody, StoredMessage } from '../types.ts';
import { hasPendingFlagChange } from './flags.ts';
import {
  SUMMARY_COLUMNS,
  bytesView,
  flagColumns,
  listJson,
  toStoredMessage,
  type StoredRow,
} from './message-rows.ts';
import { queueForIndex, reindexMessage, unindexMessage } from './search-index.ts';

/** The sort key of a stored message, or undefined. */
export function findMessageId(db: StoreDb, accountId: string, msgId: string): number | undefined {
  return db
    .statement(`SELECT id FROM messages WHERE ${BY_MSG_ID}`)
    .pluck()
    .get(...byMsgId(accountId, msgId)) as number | undefined;
}

/** The sort key of a stored message; LOCAL_STORE_NOT_FOUND when there is none. */
export function requireMessageId(db: StoreDb, accountId: string, msgId: string): number {
  const id = findMessageId(db, accountId, msgId);
  if (id === undefined) {
    throw new LocalStoreError(
      'LOCAL_STORE_NOT_FOUND',
      `no message ${msgId} in account ${accountId}`,
    );
  }
  return id;
}

/** The named values of SET_DISPLAY for the message at `index` of `batch`. */
function displayParams(batch: MessageBatch, index: number) {
  const bits = batchNumber(batch, index, BITS);
  const server = (bits & HAS_SERVER) !== 0;
  return {
    folder: batchText(batch, index, FOLDER),
    mailbox: batch.texts[index * TEXT_FIELDS + MAILBOX] ?? null,
    uid: server ? batchNumber(batch, index, UID) : null,
    modseq: server ? batchNumber(batch, index, MODSEQ) : null,
    envelope_size: batchNumber(batch, index, ENVELOPE_SIZE),
    headers_size: batchNumber(batch, index, HEADERS_SIZE),
    body_size: batchNumber(batch, index, BODY_SIZE),
    server_flags: batchText(batch, index, SERVER_FLAGS_JSON),
    from_name: batchText(batch, index, FROM_NAME),
    from_address: batchText(batch, index, FROM_ADDRESS),
    to_addresses: batchText(batch, index, TO_JSON),
    cc_addresses: batchText(batch, index, CC_JSON),
    subject: batchText(batch, index, SUBJECT),
    date_ms: batchNumber(batch, index, DATE_MS),
    has_attachments: (bits & HAS_ATTACHMENTS) === 0 ? 0 : 1,
    signed: (bits & SIGNED) === 0 ? 0 : 1,
    encrypted: (bits & ENCRYPTED) === 0 ? 0 : 1,
    snippet: batchText(batch, index, SNIPPET),
  };
}

const SET_DISPLAY = `folder = :folder, mailbox = :mailbox, uid = :uid, modseq = :modseq,
  envelope_size = :envelope_size, headers_size = :headers_size, body_size = :body_size,
  server_flags = :server_flags, from_name = :from_name, from_address = :from_address,
  to_addresses = :to_addresses, cc_addresses = :cc_addresses, subject = :subject,
  date_ms = :date_ms, has_attachments = :has_attachments, signed = :signed,
  encrypted = :encrypted, snippet = :snippet`;

// Positional, and as arguments: a page binds 1,000 rows; named parameters cost two
// objects per row, and an array of values one property read per value in the binding.
const INSERT_MESSAGE = `INSERT INTO messages (id, account_id, msg_id, msg_key, folder, mailbox,
    uid, modseq, envelope_size, headers_size, body_size, server_flags, flags, unread, flagged,
    from_name, from_address, to_addresses, cc_addresses, subject, date_ms, has_attachments,
    signed, encrypted, snippet)
  VALUES (${new Array(25).fill('?').join(', ')})`;

const INSERT_PARTS =
  'INSERT INTO message_parts (message_id, envelope_xml, headers_xml, verification) VALUES (?, ?, ?, ?)';

/** In putMessageBatch's ids: the message at that index is not inserted. */
const NOT_NEW = -1;

/**
 * Inserts or replaces (by account and msg-id) every message of `batch`, as if one after
 * the other: a msg-id given twice is inserted, then replaced by its later copy. Returns
 * how many were new. The new ones are written once the batch is sorted out, in id order,
 * one table after the other, and queued for the full-text index (search-index.ts).
 */
export function putMessageBatch(db: StoreDb, batch: MessageBatch): number {
  // First: a message's sort key comes from its date, which its headers may give.
  fillDisplayFromHeaders(batch);
  const keys = new SortKeyAllocator(db);
  const { stored, msgKeys } = storedIds(db, batch);
  /** The id each new message is inserted with (0 and up); NOT_NEW for the others. */
  const ids = new Float64Array(batch.count).fill(NOT_NEW);
  /** By account, then msg-id: the index of its copy to insert. */
  const fresh = new Map<string, Map<string, number>>();
  let inserted = 0;
  const { numbers, texts } = batch;
  for (let index = 0; index < batch.count; index++) {
    const accountId = texts[index * TEXT_FIELDS + ACCOUNT_ID] as string;
    const msgId = texts[index * TEXT_FIELDS + MSG_ID] as string;
    const dateMs = numbers[index * NUMBER_FIELDS + DATE_MS] as number;
    let ofAccount = fresh.get(accountId);
    if (ofAccount === undefined) {
      ofAccount = new Map();
      fresh.set(accountId, ofAccount);
    }
    const earlier = ofAccount.get(msgId);
    if (earlier !== undefined) {
      // Not written yet, and without a body or local flags to keep: the later copy wins.
      const id = ids[earlier] as number;
      ids[earlier] = NOT_NEW;
      ids[index] = inBlock(id, dateMs) ? id : keys.next(dateMs);
      ofAccount.set(msgId, index);
      continue;
    }
    const storedOfAccount = stored.get(accountId);
    const storedId = storedOfAccount?.get(msgId);
    if (storedId === undefined) {
      ids[index] = keys.next(dateMs);
      ofAccount.set(msgId, index);
      inserted++;
    } else {
      // A re-dated message gets a new id, under which a later copy in the batch finds it.
      storedOfAccount?.set(msgId, replaceMessage(db, keys, storedId, batch, index));
    }
  }
  insertNew(db, batch, msgKeys, ids);
  return inserted;
}

/**
 * The messages of an account with a msg_key in a JSON array. CROSS JOIN keeps the keys
 * the outer loop, one index seek each; left to itself the planner walks every message
 * of the account (query-plans.test.ts checks the plan).
 */
export const STORED_IDS_SQL = `SELECT m.msg_id, m.id FROM json_each(?) k
  CROSS JOIN messages m ON m.msg_key = k.value WHERE m.account_id = ?`;

/**
 * The ids of the batch's messages already stored, by account and msg-id (one query per
 * account of the batch instead of one per message), and the msg_key of every message.
 */
function storedIds(
  db: StoreDb,
  batch: MessageBatch,
): { stored: Map<string, Map<string, number>>; msgKeys: Float64Array } {
  const msgKeys = new Float64Array(batch.count);
  const byAccount = new Map<string, { msgIds: Set<string>; keys: number[] }>();
  const { texts } = batch;
  for (let index = 0; index < batch.count; index++) {
    const accountId = texts[index * TEXT_FIELDS + ACCOUNT_ID] as string;
    const msgId = texts[index * TEXT_FIELDS + MSG_ID] as string;
    let ofAccount = byAccount.get(accountId);
    if (ofAccount === undefined) {
      ofAccount = { msgIds: new Set(), keys: [] };
      byAccount.set(accountId, ofAccount);
    }
    const key = msgKey(msgId);
    msgKeys[index] = key;
    ofAccount.msgIds.add(msgId);
    ofAccount.keys[ofAccount.keys.length] = key;
  }
  const stored = new Map<string, Map<string, number>>();
  for (const [accountId, { msgIds, keys }] of byAccount) {
    stored.set(accountId, storedIdsByKeys(db, accountId, msgIds, keys));
  }
  return { stored, msgKeys };
}

/**
 * The sort keys of those of `msgIds` stored in the account, by msg-id, in one query (the
 * msg_keys in one JSON array).
 */
export function storedIdsOfAccount(
  db: StoreDb,
  accountId: string,
  msgIds: ReadonlySet<string>,
): Map<string, number> {
  return storedIdsByKeys(db, accountId, msgIds, Array.from(msgIds, msgKey));
}

/** storedIdsOfAccount with the msg_keys of `msgIds` worked out already. */
function storedIdsByKeys(
  db: StoreDb,
  accountId: string,
  msgIds: ReadonlySet<string>,
  keys: readonly number[],
): Map<string, number> {
  const rows = db.statement(STORED_IDS_SQL).all(JSON.stringify(keys), accountId) as {
    msg_id: string;
    id: number;
  }[];
  const stored = new Map<string, number>();
  // A msg_key shared with another msg-id (a hash collision) brings that one too.
  for (const row of rows) if (msgIds.has(row.msg_id)) stored.set(row.msg_id, row.id);
  return stored;
}

/**
 * Inserts the messages of the batch given an id in `ids`, in id order: their rows (counted
 * in their folders), their parts; and queues them for the full-text index. Read straight
 * from the columns (see message-batch.ts).
 */
function insertNew(
  db: StoreDb,
  batch: MessageBatch,
  msgKeys: Float64Array,
  ids: Float64Array,
): void {
  const order: number[] = [];
  for (let index = 0; index < batch.count; index++)
    if (ids[index] !== NOT_NEW) order[order.length] = index;
  // Nothing to write, and no empty array of ids: beside the pages' arrays of doubles, one
  // sent V8's optimized insert path back to the interpreter in a first sync.
  if (order.length === 0) return;
  order.sort((a, b) => (ids[a] as number) - (ids[b] as number));
  const { numbers, texts } = batch;
  const insertMessage = db.statement(INSERT_MESSAGE);
  // By folder and account (a folder name has no blank: the blank sets the account apart).
  const counts = new Map<string, FolderCount>();
  for (const index of order) {
    const at = index * NUMBER_FIELDS;
    const text = index * TEXT_FIELDS;
    const bits = numbers[at + BITS] as number;
    const server = (bits & HAS_SERVER) !== 0;
    const accountId = texts[text + ACCOUNT_ID] as string;
    const folder = texts[text + FOLDER] as string;
    const countKey = `${folder} ${accountId}`;
    let count = counts.get(countKey);
    if (count === undefined) {
      count = { accountId, folder, total: 0, unread: 0 };
      counts.set(countKey, count);
    }
    count.total++;
    if ((bits & UNREAD) !== 0) count.unread++;
    // A new message's flags are the server's (server_flags and flags hold the same JSON).
    const flags = texts[text + SERVER_FLAGS_JSON];
    insertMessage.run(
      ids[index],
      accountId,
      texts[text + MSG_ID],
      msgKeys[index],
      folder,
      texts[text + MAILBOX],
      server ? numbers[at + UID] : null,
      server ? numbers[at + MODSEQ] : null,
      numbers[at + ENVELOPE_SIZE],
      numbers[at + HEADERS_SIZE],
      numbers[at + BODY_SIZE],
      flags,
      flags,
      (bits & UNREAD) === 0 ? 0 : 1,
      (bits & FLAGGED) === 0 ? 0 : 1,
      texts[text + FROM_NAME],
      texts[text + FROM_ADDRESS],
      texts[text + TO_JSON],
      texts[text + CC_JSON],
      texts[text + SUBJECT],
      numbers[at + DATE_MS],
      (bits & HAS_ATTACHMENTS) === 0 ? 0 : 1,
      (bits & SIGNED) === 0 ? 0 : 1,
      (bits & ENCRYPTED) === 0 ? 0 : 1,
      texts[text + SNIPPET],
    );
  }
  addCounts(db, counts.values());
  const insertParts = db.statement(INSERT_PARTS);
  const { parts } = batch;
  for (const index of order) {
    const at = index * NUMBER_FIELDS;
    const headersLength = numbers[at + HEADERS_LENGTH] as number;
    insertParts.run(
      ids[index],
      new Uint8Array(parts, numbers[at + ENVELOPE_AT], numbers[at + ENVELOPE_LENGTH]),
      headersLength < 0 ? null : new Uint8Array(parts, numbers[at + HEADERS_AT], headersLength),
      texts[index * TEXT_FIELDS + VERIFICATION_JSON],
    );
  }
  queueForIndex(
    db,
    order.map((index) => ids[index] as number),
  );
}

/** New messages of one account and folder. */
interface FolderCount {
  readonly accountId: string;
  readonly folder: string;
  total: number;
  unread: number;
}

/**
 * Adds inserted messages to folder_counts, one upsert per account and folder (no trigger
 * counts inserts: messages are inserted here only).
 */
function addCounts(db: StoreDb, counts: Iterable<FolderCount>): void {
  const add = db.statement(
    `INSERT INTO folder_counts (account_id, folder, total, unread) VALUES (?, ?, ?, ?)
     ON CONFLICT (account_id, folder)
     DO UPDATE SET total = total + excluded.total, unread = unread + excluded.unread`,
  );
  for (const { accountId, folder, total, unread } of counts)
    add.run(accountId, folder, total, unread);
}

/**
 * Replaces a stored message by the message at `index` of `batch`; returns its id (a new
 * one when its date changed).
 */
function replaceMessage(
  db: StoreDb,
  keys: SortKeyAllocator,
  storedId: number,
  batch: MessageBatch,
  index: number,
): number {
  let id = storedId;
  const dateMs = batchNumber(batch, index, DATE_MS);
  if (!inBlock(id, dateMs)) {
    // The date changed: the message moves to a key in its new date's block.
    unindexMessage(db, id);
    const newId = keys.next(dateMs);
    db.statement('UPDATE messages SET id = ? WHERE id = ?').run(newId, id);
    id = newId;
  }
  const pending = hasPendingFlagChange(db, id);
  const bits = batchNumber(batch, index, BITS);
  const display = displayParams(batch, index);
  db.statement(
    `UPDATE messages SET ${SET_DISPLAY}${pending ? '' : ', flags = :flags, unread = :unread, flagged = :flagged'}
     WHERE id = :id`,
  ).run({
    id,
    ...display,
    ...(pending
      ? {}
      : {
          flags: display.server_flags,
          unread: (bits & UNREAD) === 0 ? 0 : 1,
          flagged: (bits & FLAGGED) === 0 ? 0 : 1,
        }),
  });
  db.statement(
    'UPDATE message_parts SET envelope_xml = ?, headers_xml = ?, verification = ? WHERE message_id = ?',
  ).run(
    batchPart(batch, index, 'envelope'),
    batchPart(batch, index, 'headers'),
    batch.texts[index * TEXT_FIELDS + VERIFICATION_JSON] ?? null,
    id,
  );
  reindexMessage(db, id);
  return id;
}

/** Records what the server reports for a stored message; false when it is not stored. */
export function updateServerState(
  db: StoreDb,
  accountId: string,
  msgId: string,
  server: ServerColumns,
  serverFlags: readonly string[],
): boolean {
  const id = findMessageId(db, accountId, msgId);
  if (id === undefined) return false;
  const pending = hasPendingFlagChange(db, id);
  db.statement(
    `UPDATE messages SET mailbox = :mailbox, uid = :uid, modseq = :modseq,
       server_flags = :server_flags${pending ? '' : ', flags = :flags, unread = :unread, flagged = :flagged'}
     WHERE id = :id`,
  ).run({
    id,
    ...server,
    server_flags: JSON.stringify(serverFlags),
    ...(pending ? {} : flagColumns(serverFlags)),
  });
  return true;
}

export function removeMessage(db: StoreDb, accountId: string, msgId: string): boolean {
  const id = findMessageId(db, accountId, msgId);
  if (id === undefined) return false;
  unindexMessage(db, id);
  db.statement('DELETE FROM messages WHERE id = ?').run(id);
  return true;
}

export function readMessage(
  db: StoreDb,
  accountId: string,
  msgId: string,
): StoredMessage | undefined {
  const row = db
    .statement(
      `SELECT ${SUMMARY_COLUMNS}, m.server_flags, p.envelope_xml, p.headers_xml, p.verification
       FROM messages m JOIN message_parts p ON p.message_id = m.id
       WHERE m.msg_key = ? AND m.account_id = ? AND m.msg_id = ?`,
    )
    .get(...byMsgId(accountId, msgId)) as StoredRow | undefined;
  return row === undefined ? undefined : toStoredMessage(row);
}

/**
 * The account's server messages without a verdict, through the partial index
 * message_parts_unverified; CROSS JOIN keeps the parts the outer loop (SQLite never
 * reorders it), else the planner walks every message of the account (query-plans.test.ts
 * checks the plans).
 */
const UNVERIFIED_FROM = `FROM message_parts p CROSS JOIN messages m ON m.id = p.message_id
  WHERE p.verification IS NULL AND m.account_id = ? AND m.mailbox IS NOT NULL`;

export const UNVERIFIED_SQL = `SELECT ${SUMMARY_COLUMNS}, m.server_flags, p.envelope_xml,
    p.headers_xml, p.verification
  ${UNVERIFIED_FROM}
  ORDER BY p.message_id LIMIT ?`;

export const UNVERIFIED_COUNT_SQL = `SELECT count(*) ${UNVERIFIED_FROM}`;

/** How many messages from the server wait for their verification. */
export function countUnverifiedMessages(db: StoreDb, accountId: string): number {
  return db.statement(UNVERIFIED_COUNT_SQL).pluck().get(accountId) as number;
}

/** Messages from the server whose verification was never stored, oldest (by date) first. */
export function readUnverifiedMessages(
  db: StoreDb,
  accountId: string,
  limit: number,
): StoredMessage[] {
  const rows = db.statement(UNVERIFIED_SQL).all(accountId, limit) as StoredRow[];
  return rows.map(toStoredMessage);
}

/**
 * Stores the envelope of a message synced with its headers only, and the display it
 * brings; the search index follows when a searched column changed.
 */
export function writeArrivedEnvelope(
  db: StoreDb,
  id: number,
  envelopeXml: Uint8Array,
  display: EnvelopeColumns,
): void {
  db.statement('UPDATE message_parts SET envelope_xml = ? WHERE message_id = ?').run(
    envelopeXml,
    id,
  );
  const searched = {
    from_name: display.fromName,
    from_address: display.fromAddress,
    to_addresses: listJson(display.to),
    cc_addresses: listJson(display.cc),
    subject: display.subject,
  };
  const changed = db
    .statement(
      `UPDATE messages SET from_name = :from_name, from_address = :from_address,
         to_addresses = :to_addresses, cc_addresses = :cc_addresses, subject = :subject
       WHERE id = :id AND (from_name IS NOT :from_name OR from_address IS NOT :from_address
         OR to_addresses IS NOT :to_addresses OR cc_addresses IS NOT :cc_addresses
         OR subject IS NOT :subject)`,
    )
    .run({ id, ...searched }).changes;
  db.statement('UPDATE messages SET signed = ?, encrypted = ? WHERE id = ?').run(
    display.signed ? 1 : 0,
    display.encrypted ? 1 : 0,
    id,
  );
  if (changed > 0) reindexMessage(db, id);
}

/**
 * Stores a body and its text. A message synced without its body has an empty snippet;
 * `snippet` (taken from the text) fills it, and a snippet the message came with stays.
 */
export function writeBody(db: StoreDb, id: number, body: StoredBody, snippet: string): void {
  db.statement(
    `INSERT INTO message_bodies (message_id, body, text) VALUES (?, ?, ?)
     ON CONFLICT (message_id) DO UPDATE SET body = excluded.body, text = excluded.text`,
  ).run(id, body.body, body.text);
  db.statement(
    `UPDATE messages SET has_body = 1, snippet = CASE WHEN snippet = '' THEN ? ELSE snippet END
     WHERE id = ?`,
  ).run(snippet, id);
  reindexMessage(db, id);
}

export function readBody(db: StoreDb, accountId: string, msgId: string): StoredBody | undefined {
  const row = db
    .statement(
      `SELECT b.body, b.text FROM messages m JOIN message_bodies b ON b.message_id = m.id
       WHERE m.msg_key = ? AND m.account_id = ? AND m.msg_id = ?`,
    )
    .get(...byMsgId(accountId, msgId)) as { body: Uint8Array; text: string } | undefined;
  return row === undefined ? undefined : { body: bytesView(row.body), text: row.text };
}

export function writeVerification(db: StoreDb, id: number, verificationJson: string): void {
  db.statement('UPDATE message_parts SET verification = ? WHERE message_id = ?').run(
    verificationJson,
    id,
  );
}

export function moveMessage(
  db: StoreDb,
  accountId: string,
  msgId: string,
  folder: Folder,
): boolean {
  const result = db
    .statement(`UPDATE messages SET folder = ? WHERE ${BY_MSG_ID} AND folder <> ?`)
    .run(folder, ...byMsgId(accountId, msgId), folder);
  return result.changes > 0;
}
