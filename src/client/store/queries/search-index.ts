// The full-text index (message_search): one row per message, its rowid the message's
// sort key. The table is contentless, so a changed row is deleted and inserted again
// with all its columns.
import { MAX_INDEXED_TEXT_CHARS } from '../limits.ts';
import type { StoreDb } from '../store-db.ts';

export interface IndexedText {
  readonly sender: string;
  readonly recipients: string;
  readonly subject: string;
  readonly body: string;
}

/** Indexes messages one after the other (a page's worth with one statement looked up). */
export function searchIndexWriter(db: StoreDb): (id: number, text: IndexedText) => void {
  const insert = db.statement(
    'INSERT INTO message_search (rowid, sender, recipients, subject, body) VALUES (?, ?, ?, ?, ?)',
  );
  return (id, text) => {
    insert.run(
      id,
      text.sender,
      text.recipients,
      text.subject,
      text.body.slice(0, MAX_INDEXED_TEXT_CHARS),
    );
  };
}

export function indexMessage(db: StoreDb, id: number, text: IndexedText): void {
  searchIndexWriter(db)(id, text);
}

export function unindexMessage(db: StoreDb, id: number): void {
  db.statement('DELETE FROM message_search WHERE rowid = ?').run(id);
}

/** Re-indexes a stored message from its columns and body text. */
export function reindexMessage(db: StoreDb, id: number): void {
  const row = db
    .statement(
      `SELECT m.from_name, m.from_address, m.to_addresses, m.cc_addresses, m.subject, b.text
       FROM messages m LEFT JOIN message_bodies b ON b.message_id = m.id WHERE m.id = ?`,
    )
    .get(id) as
    | {
        from_name: string;
        from_address: string;
        to_addresses: string;
        cc_addresses: string;
        subject: string;
        text: string | null;
      }
    | undefined;
  unindexMessage(db, id);
  if (row === undefined) return;
  indexMessage(db, id, {
    sender: `${row.from_name} ${row.from_address}`,
    recipients: [
      ...(JSON.parse(row.to_addresses) as string[]),
      ...(JSON.parse(row.cc_addresses) as string[]),
    ].join(' '),
    subject: row.subject,
    body: row.text ?? '',
  });
}
