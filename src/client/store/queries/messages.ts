// Writing and reading single messages: insert or replace, server state, bodies,
// verification, folders, removal.
import { LocalStoreError } from '../errors.ts';
import { BY_MSG_ID, byMsgId, msgKey } from '../msg-key.ts';
import type { EnvelopeColumns, MessageColumns, ServerColumns } from '../message-input.ts';
import { SortKeyAllocator, inBlock } from '../sort-key.ts';
import type { StoreDb } from '../store-db.ts';
import type { Folder, StoredBody, StoredMessage } from '../types.ts';
import { hasPendingFlagChange } from './flags.ts';
import {
  SUMMARY_COLUMNS,
  bytesView,
  flagColumns,
  isUnread,
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

function displayParams(message: MessageColumns) {
  return {
    folder: message.folder,
    mailbox: message.mailbox,
    uid: message.uid,
    modseq: message.modseq,
    envelope_size: message.envelopeSize,
    headers_size: message.headersSize,
    body_size: message.bodySize,
    server_flags: JSON.stringify(message.serverFlags),
    from_name: message.fromName,
    from_address: message.fromAddress,
    to_addresses: JSON.stringify(message.to),
    cc_addresses: JSON.stringify(message.cc),
    subject: message.subject,
    date_ms: message.dateMs,
    has_attachments: message.hasAttachments ? 1 : 0,
    signed: message.signed ? 1 : 0,
    encrypted: message.encrypted ? 1 : 0,
    snippet: message.snippet,
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

/** Inserts a new message's row (not its parts or full-text row). */
function insertMessageRow(db: StoreDb, id: number, message: MessageColumns): void {
  // A new message's flags are the server's (server_flags and flags hold the same JSON).
  const { flags, unread, flagged } = flagColumns(message.serverFlags);
  db.statement(INSERT_MESSAGE).run(
    id,
    message.accountId,
    message.msgId,
    msgKey(message.msgId),
    message.folder,
    message.mailbox,
    message.uid,
    message.modseq,
    message.envelopeSize,
    message.headersSize,
    message.bodySize,
    flags,
    flags,
    unread,
    flagged,
    message.fromName,
    message.fromAddress,
    listJson(message.to),
    listJson(message.cc),
    message.subject,
    message.dateMs,
    message.hasAttachments ? 1 : 0,
    message.signed ? 1 : 0,
    message.encrypted ? 1 : 0,
    message.snippet,
  );
}

/** A new message and the id it will be inserted with. */
interface NewRow {
  id: number;
  message: MessageColumns;
}

/**
 * Inserts or replaces (by account and msg-id) every message of `batch`, as if one after
 * the other: a msg-id given twice is inserted, then replaced by its later copy. Returns
 * how many were new. The new ones are written once the batch is sorted out, in id order,
 * one table after the other, and queued for the full-text index (search-index.ts).
 */
export function putMessageBatch(db: StoreDb, batch: readonly MessageColumns[]): number {
  const keys = new SortKeyAllocator(db);
  const stored = storedIds(db, batch);
  const fresh = new Map<string, Map<string, NewRow>>();
  let inserted = 0;
  for (const message of batch) {
    let ofAccount = fresh.get(message.accountId);
    if (ofAccount === undefined) {
      ofAccount = new Map();
      fresh.set(message.accountId, ofAccount);
    }
    const earlier = ofAccount.get(message.msgId);
    if (earlier !== undefined) {
      // Not written yet, and without a body or local flags to keep: the later copy wins.
      if (!inBlock(earlier.id, message.dateMs)) earlier.id = keys.next(message.dateMs);
      earlier.message = message;
      continue;
    }
    const storedOfAccount = stored.get(message.accountId);
    const storedId = storedOfAccount?.get(message.msgId);
    if (storedId === undefined) {
      ofAccount.set(message.msgId, { id: keys.next(message.dateMs), message });
      inserted++;
    } else {
      // A re-dated message gets a new id, under which a later copy in the batch finds it.
      storedOfAccount?.set(message.msgId, replaceMessage(db, keys, storedId, message));
    }
  }
  const rows = [...fresh.values()].flatMap((ofAccount) => [...ofAccount.values()]);
  insertRows(
    db,
    rows.sort((a, b) => a.id - b.id),
  );
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
 * The ids of the batch's messages already stored, by account and msg-id: one query per
 * account of the batch instead of one per message.
 */
function storedIds(
  db: StoreDb,
  batch: readonly MessageColumns[],
): Map<string, Map<string, number>> {
  const msgIds = new Map<string, Set<string>>();
  for (const { accountId, msgId } of batch) {
    const ofAccount = msgIds.get(accountId) ?? new Set<string>();
    ofAccount.add(msgId);
    msgIds.set(accountId, ofAccount);
  }
  const stored = new Map<string, Map<string, number>>();
  for (const [accountId, ofAccount] of msgIds) {
    stored.set(accountId, storedIdsOfAccount(db, accountId, ofAccount));
  }
  return stored;
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
  const keys = JSON.stringify(Array.from(msgIds, msgKey));
  const rows = db.statement(STORED_IDS_SQL).all(keys, accountId) as {
    msg_id: string;
    id: number;
  }[];
  const stored = new Map<string, number>();
  // A msg_key shared with another msg-id (a hash collision) brings that one too.
  for (const row of rows) if (msgIds.has(row.msg_id)) stored.set(row.msg_id, row.id);
  return stored;
}

function insertRows(db: StoreDb, rows: readonly NewRow[]): void {
  for (const { id, message } of rows) insertMessageRow(db, id, message);
  countNewRows(db, rows);
  const insertParts = db.statement(
    'INSERT INTO message_parts (message_id, envelope_xml, headers_xml, verification) VALUES (?, ?, ?, ?)',
  );
  for (const { id, message } of rows) {
    insertParts.run(id, message.envelopeXml, message.headersXml, message.verificationJson);
  }
  queueForIndex(db, rows);
}

/**
 * Adds inserted rows to folder_counts, one upsert per account and folder (no trigger
 * counts inserts: messages are inserted here only).
 */
function countNewRows(db: StoreDb, rows: readonly NewRow[]): void {
  const counts = new Map<
    string,
    { accountId: string; folder: Folder; total: number; unread: number }
  >();
  for (const { message } of rows) {
    // A folder name has no blank, so the folder and a blank set the account apart.
    const key = `${message.folder} ${message.accountId}`;
    const count = counts.get(key) ?? {
      accountId: message.accountId,
      folder: message.folder,
      total: 0,
      unread: 0,
    };
    count.total++;
    if (isUnread(message.serverFlags)) count.unread++;
    counts.set(key, count);
  }
  const add = db.statement(
    `INSERT INTO folder_counts (account_id, folder, total, unread) VALUES (?, ?, ?, ?)
     ON CONFLICT (account_id, folder)
     DO UPDATE SET total = total + excluded.total, unread = unread + excluded.unread`,
  );
  for (const { accountId, folder, total, unread } of counts.values())
    add.run(accountId, folder, total, unread);
}

/** Replaces a stored message; returns its id (a new one when its date changed). */
function replaceMessage(
  db: StoreDb,
  keys: SortKeyAllocator,
  storedId: number,
  message: MessageColumns,
): number {
  let id = storedId;
  if (!inBlock(id, message.dateMs)) {
    // The date changed: the message moves to a key in its new date's block.
    unindexMessage(db, id);
    const newId = keys.next(message.dateMs);
    db.statement('UPDATE messages SET id = ? WHERE id = ?').run(newId, id);
    id = newId;
  }
  const pending = hasPendingFlagChange(db, id);
  db.statement(
    `UPDATE messages SET ${SET_DISPLAY}${pending ? '' : ', flags = :flags, unread = :unread, flagged = :flagged'}
     WHERE id = :id`,
  ).run({
    id,
    ...displayParams(message),
    ...(pending ? {} : flagColumns(message.serverFlags)),
  });
  db.statement(
    'UPDATE message_parts SET envelope_xml = ?, headers_xml = ?, verification = ? WHERE message_id = ?',
  ).run(message.envelopeXml, message.headersXml, message.verificationJson, id);
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
