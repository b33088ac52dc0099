// Messages are found by msg_key (msg-key.ts), an 8-byte hash of the msg-id, instead of
// the unique (account_id, msg_id) index, whose long random keys made it the largest
// cost of writing a LIST page (bench:store). SQLite cannot drop the index of a UNIQUE
// constraint, so the table is built again (SQLite's documented way: new table, copy,
// drop, rename), with foreign keys off meanwhile (the runner's part: dropping the old
// table must not cascade to the parts, bodies and flag changes that point at it).
// One msg-id per account is now the store's to keep: putMessageBatch, the one place
// that inserts messages, looks each one up first, in the same write transaction.
import { msgKey } from '../msg-key.ts';
import type { StoreDb } from '../store-db.ts';

export const version = 50;
export const rebuildsTables = true;

const COLUMNS = `id, account_id, msg_id, folder, mailbox, uid, modseq, envelope_size,
  headers_size, body_size, server_flags, flags, unread, flagged, from_name, from_address,
  to_addresses, cc_addresses, subject, date_ms, has_attachments, signed, encrypted, snippet,
  has_body`;

export function up(db: StoreDb): void {
  db.defineFunction('mt2_msg_key', msgKey);
  db.exec(`
    CREATE TABLE messages_rebuilt (
      id INTEGER PRIMARY KEY,
      account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
      msg_id TEXT NOT NULL,
      msg_key INTEGER NOT NULL,
      folder TEXT NOT NULL CHECK (folder IN ('inbox', 'sent', 'outbox', 'drafts', 'trash')),
      mailbox TEXT,
      uid INTEGER,
      modseq INTEGER,
      envelope_size INTEGER NOT NULL,
      headers_size INTEGER NOT NULL,
      body_size INTEGER NOT NULL,
      server_flags TEXT NOT NULL,
      flags TEXT NOT NULL,
      unread INTEGER NOT NULL,
      flagged INTEGER NOT NULL,
      from_name TEXT NOT NULL,
      from_address TEXT NOT NULL,
      to_addresses TEXT NOT NULL,
      cc_addresses TEXT NOT NULL,
      subject TEXT NOT NULL,
      date_ms INTEGER NOT NULL,
      has_attachments INTEGER NOT NULL,
      signed INTEGER NOT NULL,
      encrypted INTEGER NOT NULL,
      snippet TEXT NOT NULL,
      has_body INTEGER NOT NULL DEFAULT 0
    ) STRICT;
    INSERT INTO messages_rebuilt (${COLUMNS}, msg_key)
      SELECT ${COLUMNS}, mt2_msg_key(msg_id) FROM messages;
    DROP TABLE messages;
    ALTER TABLE messages_rebuilt RENAME TO messages;

    CREATE INDEX messages_by_msg_key ON messages (msg_key);
    CREATE INDEX messages_by_folder ON messages (account_id, folder, id);
    CREATE INDEX messages_unread ON messages (account_id, folder, id) WHERE unread = 1;
    CREATE INDEX messages_flagged ON messages (account_id, folder, id) WHERE flagged = 1;
    CREATE TRIGGER messages_uncounted AFTER DELETE ON messages BEGIN
      UPDATE folder_counts SET total = total - 1, unread = unread - old.unread
        WHERE account_id = old.account_id AND folder = old.folder;
    END;
    CREATE TRIGGER messages_recounted AFTER UPDATE OF folder, unread ON messages BEGIN
      UPDATE folder_counts SET total = total - 1, unread = unread - old.unread
        WHERE account_id = old.account_id AND folder = old.folder;
      INSERT INTO folder_counts (account_id, folder, total, unread)
        VALUES (new.account_id, new.folder, 1, new.unread)
        ON CONFLICT (account_id, folder)
        DO UPDATE SET total = total + 1, unread = unread + new.unread;
    END;
  `);
}
