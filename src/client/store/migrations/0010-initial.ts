// The first schema. docs/client-store.md explains each table and index.
import type { StoreDb } from '../store-db.ts';

export const version = 10;

export function up(db: StoreDb): void {
  db.exec(`
    CREATE TABLE accounts (
      id TEXT PRIMARY KEY,
      created_at INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE list_cursors (
      account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
      mailbox TEXT NOT NULL,
      cursor INTEGER NOT NULL,
      PRIMARY KEY (account_id, mailbox)
    ) STRICT, WITHOUT ROWID;

    -- id is the sort key (date in seconds << 20 | tie-breaker) and the FTS rowid.
    CREATE TABLE messages (
      id INTEGER PRIMARY KEY,
      account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
      msg_id TEXT NOT NULL,
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
      has_body INTEGER NOT NULL DEFAULT 0,
      UNIQUE (account_id, msg_id)
    ) STRICT;
    CREATE INDEX messages_by_folder ON messages (account_id, folder, id);
    CREATE INDEX messages_unread ON messages (account_id, folder, id) WHERE unread = 1;
    CREATE INDEX messages_flagged ON messages (account_id, folder, id) WHERE flagged = 1;

    -- Kept by triggers, so counts cost one lookup per folder, not a scan of the folder.
    CREATE TABLE folder_counts (
      account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
      folder TEXT NOT NULL,
      total INTEGER NOT NULL,
      unread INTEGER NOT NULL,
      PRIMARY KEY (account_id, folder)
    ) STRICT, WITHOUT ROWID;
    CREATE TRIGGER messages_counted AFTER INSERT ON messages BEGIN
      INSERT INTO folder_counts (account_id, folder, total, unread)
        VALUES (new.account_id, new.folder, 1, new.unread)
        ON CONFLICT (account_id, folder)
        DO UPDATE SET total = total + 1, unread = unread + new.unread;
    END;
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

    CREATE TABLE message_parts (
      message_id INTEGER PRIMARY KEY
        REFERENCES messages (id) ON DELETE CASCADE ON UPDATE CASCADE,
      envelope_xml BLOB NOT NULL,
      headers_xml BLOB,
      verification TEXT
    ) STRICT;

    CREATE TABLE message_bodies (
      message_id INTEGER PRIMARY KEY
        REFERENCES messages (id) ON DELETE CASCADE ON UPDATE CASCADE,
      body BLOB NOT NULL,
      text TEXT NOT NULL
    ) STRICT;

    CREATE VIRTUAL TABLE message_search USING fts5 (
      sender, recipients, subject, body,
      content = '', contentless_delete = 1,
      tokenize = 'unicode61 remove_diacritics 2'
    );

    CREATE TABLE flag_changes (
      revision INTEGER PRIMARY KEY AUTOINCREMENT,
      message_id INTEGER NOT NULL UNIQUE
        REFERENCES messages (id) ON DELETE CASCADE ON UPDATE CASCADE
    ) STRICT;

    CREATE TABLE outbox (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
      draft TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
      attempts INTEGER NOT NULL,
      next_attempt_at INTEGER NOT NULL,
      last_error TEXT,
      error_report TEXT,
      msg_id TEXT,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE state = 'queued';

    CREATE TABLE contacts (
      address TEXT PRIMARY KEY,
      display_name TEXT COLLATE NOCASE,
      certificate BLOB,
      certificate_fingerprint TEXT,
      source TEXT NOT NULL CHECK (source IN ('verifiedMessage', 'vcard', 'import')),
      first_seen INTEGER NOT NULL,
      last_seen INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX contacts_by_name ON contacts (display_name);

    CREATE TABLE consent_pending (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      item TEXT NOT NULL
    ) STRICT;
    CREATE TABLE consent_policies (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      key TEXT NOT NULL UNIQUE,
      rule TEXT NOT NULL
    ) STRICT;
    CREATE TABLE consent_outgoing (
      id TEXT PRIMARY KEY,
      message TEXT NOT NULL
    ) STRICT;
    CREATE TABLE consent_audit (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      entry TEXT NOT NULL
    ) STRICT;
    CREATE TABLE consent_state (
      collection TEXT NOT NULL,
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (collection, key)
    ) STRICT, WITHOUT ROWID;
  `);
}
