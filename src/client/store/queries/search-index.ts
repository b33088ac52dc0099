// The full-text index (message_search): one row per message, its rowid the message's
// sort key, its text read from the message's row and body. The table is contentless, so
// a changed row is deleted and inserted again with all its columns.
//
// New messages are queued (search_backlog, migration 0060) and indexed afterwards, many
// in one statement: a LIST page is written while the sync waits, and its full-text rows
// were about a fifth of the store's work there (docs/client-store.md, "Indexing for
// search"). A search indexes the queue first, so it sees every stored message. The
// queue holds ids only: each is indexed as its message is then, so a queued message
// removed or moved to another id since is skipped, and one indexed meanwhile (its body
// stored) is indexed with the same text again, which FTS5 keeps as one row for the id.
import { MAX_INDEXED_TEXT_CHARS } from '../limits.ts';
import type { StoreDb } from '../store-db.ts';

/** A LIMIT of no limit. */
const ALL = -1;

/** The columns of message_search, in its order, for messages `m` and their bodies `b`. */
const INDEXED_COLUMNS = `m.id, m.from_name || ' ' || m.from_address,
  coalesce((SELECT group_concat(address, ' ' ORDER BY list, at) FROM (
    SELECT 0 AS list, key AS at, value AS address FROM json_each(m.to_addresses)
    UNION ALL SELECT 1, key, value FROM json_each(m.cc_addresses))), ''),
  m.subject, coalesce(substr(b.text, 1, ${MAX_INDEXED_TEXT_CHARS}), '')`;

const INSERT_INDEXED = 'INSERT INTO message_search (rowid, sender, recipients, subject, body)';

/** Queues new messages for the index by their ids, in ascending order (one row for the lot). */
export function queueForIndex(db: StoreDb, ids: readonly number[]): void {
  if (ids.length === 0) return;
  db.statement('INSERT INTO search_backlog (message_ids) VALUES (?)').run(JSON.stringify(ids));
}

/** Whether messages wait to be indexed. */
export function hasQueued(db: StoreDb): boolean {
  return db.statement('SELECT 1 FROM search_backlog LIMIT 1').pluck().get() !== undefined;
}

/**
 * Indexes the messages of the oldest queued rows (bind how many; -1 for all), each read
 * by its id, in id order: FTS5 keeps a statement's rows in memory while rowids ascend.
 */
export const INDEX_QUEUED_SQL = `${INSERT_INDEXED} SELECT ${INDEXED_COLUMNS}
  FROM (SELECT message_ids FROM search_backlog ORDER BY id LIMIT ?) q,
    json_each(q.message_ids) j
  JOIN messages m ON m.id = j.value LEFT JOIN message_bodies b ON b.message_id = m.id
  ORDER BY m.id`;

/**
 * Indexes the messages of the `batches` oldest queued rows (all by default) and takes
 * the rows off the queue; returns whether more wait. Call it inside a write transaction.
 */
export function indexQueued(db: StoreDb, batches = ALL): boolean {
  db.statement(INDEX_QUEUED_SQL).run(batches);
  db.statement(
    'DELETE FROM search_backlog WHERE id IN (SELECT id FROM search_backlog ORDER BY id LIMIT ?)',
  ).run(batches);
  return batches !== ALL && hasQueued(db);
}

/** Takes a message out of the index (a no-op for one not in it). */
export function unindexMessage(db: StoreDb, id: number): void {
  db.statement('DELETE FROM message_search WHERE rowid = ?').run(id);
}

/** Indexes a stored message again, from its row and body text as they are now. */
export function reindexMessage(db: StoreDb, id: number): void {
  unindexMessage(db, id);
  db.statement(
    `${INSERT_INDEXED} SELECT ${INDEXED_COLUMNS}
     FROM messages m LEFT JOIN message_bodies b ON b.message_id = m.id WHERE m.id = ?`,
  ).run(id);
}
