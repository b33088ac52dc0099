import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import {
  LATEST_VERSION,
  MIGRATIONS,
  migrate,
} from '../../../../src/client/store/migrations/index.ts';
import { LocalStore } from '../../../../src/client/store/index.ts';
import { msgKey } from '../../../../src/client/store/msg-key.ts';
import { APPLICATION_ID } from '../../../../src/client/store/open-database.ts';
import { StoreDb } from '../../../../src/client/store/store-db.ts';
import { ACCOUNT, message } from './fixtures/messages.ts';
import { storePath, tempFolder } from './fixtures/temp-store.ts';

const folder = tempFolder();

function freshDb(): { db: StoreDb; raw: Database.Database } {
  const raw = new Database(storePath(folder));
  return { db: new StoreDb(raw), raw };
}

/**
 * A store file as the first `count` migrations left it, with the store's application id
 * (foreign keys on first, when asked, as the store opens its files).
 */
function fileAtVersion(count: number, foreignKeys = false): { path: string; old: StoreDb } {
  const path = storePath(folder);
  const old = new StoreDb(new Database(path));
  if (foreignKeys) old.setForeignKeys(true);
  migrate(old, 0, MIGRATIONS.slice(0, count));
  old.exec(`PRAGMA application_id = ${APPLICATION_ID}`);
  return { path, old };
}

function tableNames(raw: Database.Database): string[] {
  return raw
    .prepare(
      "SELECT name FROM sqlite_schema WHERE type IN ('table', 'index', 'trigger') ORDER BY name",
    )
    .pluck()
    .all() as string[];
}

/** A message as versions 10 to 40 wrote it (their columns), with its parts. */
interface OldMessage {
  readonly id: number;
  readonly msgId: string;
  readonly accountId?: string;
  readonly unread?: number;
  readonly subject?: string;
  /** Listed by the server: mailbox `inbox`, uid and modseq the id. */
  readonly listed?: boolean;
  readonly envelope?: Uint8Array;
  readonly verification?: string | null;
}

function insertOldMessage(db: StoreDb, message: OldMessage): void {
  const server = message.listed === true ? message.id : null;
  db.statement(
    `INSERT INTO messages (id, account_id, msg_id, folder, mailbox, uid, modseq, envelope_size,
       headers_size, body_size, server_flags, flags, unread, flagged, from_name, from_address,
       to_addresses, cc_addresses, subject, date_ms, has_attachments, signed, encrypted,
       snippet)
     VALUES (?, ?, ?, 'inbox', ?, ?, ?, 1, 1, 1, '[]', '[]', ?, 0, '', '', '[]', '[]', ?, 0, 0,
       0, 0, '')`,
  ).run(
    message.id,
    message.accountId ?? ACCOUNT,
    message.msgId,
    server === null ? null : 'inbox',
    server,
    server,
    message.unread ?? 1,
    message.subject ?? '',
  );
  db.statement(
    'INSERT INTO message_parts (message_id, envelope_xml, verification) VALUES (?, ?, ?)',
  ).run(message.id, message.envelope ?? new Uint8Array([0]), message.verification ?? null);
}

describe('migrations', () => {
  test('0010 creates every table and index from an empty file and records version 10', () => {
    const { db, raw } = freshDb();
    migrate(db, 0, MIGRATIONS.slice(0, 1));
    assert.equal(raw.pragma('user_version', { simple: true }), 10);
    const names = tableNames(raw);
    for (const name of [
      'accounts',
      'list_cursors',
      'messages',
      'messages_by_folder',
      'messages_unread',
      'messages_flagged',
      'message_parts',
      'folder_counts',
      'messages_counted',
      'messages_uncounted',
      'messages_recounted',
      'message_bodies',
      'message_search',
      'flag_changes',
      'outbox',
      'outbox_due',
      'contacts',
      'contacts_by_name',
      'consent_pending',
      'consent_policies',
      'consent_outgoing',
      'consent_audit',
      'consent_state',
    ]) {
      assert.ok(names.includes(name), name);
    }
    db.close();
  });

  test('0020: a version-10 file with messages is upgraded; its counts stay right and new inserts are counted', () => {
    const { path, old } = fileAtVersion(1);
    // Rows as version 10 wrote them (its insert trigger counted them).
    old.exec(`INSERT INTO accounts VALUES ('${ACCOUNT}', 0)`);
    for (const [id, unread] of [
      [1, 1],
      [2, 0],
    ] as const) {
      insertOldMessage(old, { id, msgId: `old-${id}`, unread });
    }
    old.close();

    const store = LocalStore.open({ path });
    try {
      assert.equal(store.db.userVersion(), LATEST_VERSION);
      const raw = new Database(path, { readonly: true });
      assert.equal(tableNames(raw).includes('messages_counted'), false);
      raw.close();
      const inbox = () => store.folderCounts(ACCOUNT).find((count) => count.folder === 'inbox');
      assert.deepEqual(inbox(), { folder: 'inbox', total: 2, unread: 1 });
      store.putMessages([message('new-1'), message('new-2', { serverFlags: ['seen'] })]);
      assert.deepEqual(inbox(), { folder: 'inbox', total: 4, unread: 2 });
      store.removeMessages(ACCOUNT, ['old-1']);
      assert.deepEqual(inbox(), { folder: 'inbox', total: 3, unread: 1 });
      assert.deepEqual(store.message(ACCOUNT, 'old-2')?.msgId, 'old-2');
    } finally {
      store.close();
    }
  });

  test('0030: contacts of a version-20 file keep everything and gain the delivering server', () => {
    const { path, old } = fileAtVersion(2);
    old.exec(
      `INSERT INTO contacts (address, display_name, certificate, certificate_fingerprint, source,
         first_seen, last_seen) VALUES ('bob@b.example', 'Bob', x'3000', 'ff', 'import', 1, 2)`,
    );
    old.close();
    const store = LocalStore.open({ path });
    try {
      assert.equal(store.db.userVersion(), LATEST_VERSION);
      const bob = store.contact('bob@b.example');
      assert.equal(bob?.displayName, 'Bob');
      assert.equal(bob.deliveredBy, undefined);
      const learnt = store.putContact({
        address: 'bob@b.example',
        certificate: new Uint8Array([0x30, 0]),
        deliveredBy: 'mt2.b.example',
        source: 'verifiedMessage',
      });
      assert.equal(learnt.deliveredBy, 'mt2.b.example');
    } finally {
      store.close();
    }
  });

  test('0040: the unverified messages of a version-30 file are found through the new index', () => {
    const { path, old } = fileAtVersion(3);
    old.exec(`INSERT INTO accounts VALUES ('${ACCOUNT}', 0)`);
    for (const [id, verification] of [
      [1, '{}'],
      [2, null],
    ] as const) {
      const msgId = verification === null ? 'waiting' : 'checked';
      insertOldMessage(old, { id, msgId, listed: true, verification });
    }
    old.close();
    const store = LocalStore.open({ path });
    try {
      assert.equal(store.db.userVersion(), LATEST_VERSION);
      const indexes = store.db
        .statement(
          "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'message_parts'",
        )
        .pluck()
        .all();
      assert.ok(indexes.includes('message_parts_unverified'));
      assert.deepEqual(
        store.unverifiedMessages(ACCOUNT, 10).map((stored) => stored.msgId),
        ['waiting'],
      );
    } finally {
      store.close();
    }
  });

  test('0050: a version-40 file keeps every message, part, body and queued flag change, found by msg_key', () => {
    const { path, old } = fileAtVersion(4, true);
    old.exec(`INSERT INTO accounts VALUES ('${ACCOUNT}', 0), ('other@b.example', 0)`);
    // The same msg-id in two accounts, as version 40 allowed (and still allows).
    const rows = [
      [1, ACCOUNT, 'shared@x', 1],
      [2, 'other@b.example', 'shared@x', 0],
      [3, ACCOUNT, 'own@x', 1],
    ] as const;
    for (const [id, account, msgId, unread] of rows) {
      insertOldMessage(old, {
        id,
        msgId,
        accountId: account,
        unread,
        subject: `subject ${id}`,
        envelope: new Uint8Array([1, 2]),
      });
      old
        .statement(
          `INSERT INTO folder_counts VALUES (?, 'inbox', 1, ?)
           ON CONFLICT DO UPDATE SET total = total + 1, unread = unread + excluded.unread`,
        )
        .run(account, unread);
    }
    old.exec("INSERT INTO message_bodies VALUES (3, x'68690a', 'hi')");
    old.exec('INSERT INTO flag_changes (message_id) VALUES (3)');
    old.close();

    const store = LocalStore.open({ path });
    try {
      assert.equal(store.db.userVersion(), LATEST_VERSION);
      assert.equal(store.db.foreignKeys(), true, 'foreign keys are on again');
      const raw = new Database(path, { readonly: true });
      const names = tableNames(raw);
      assert.ok(names.includes('messages_by_msg_key'));
      assert.equal(names.includes('messages_rebuilt'), false);
      assert.equal(
        raw
          .prepare(
            "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'sqlite_autoindex_messages%'",
          )
          .pluck()
          .get(),
        0,
        'the unique (account_id, msg_id) index is gone',
      );
      const keys = raw.prepare('SELECT msg_id, msg_key FROM messages ORDER BY id').all();
      assert.deepEqual(
        keys,
        rows.map(([, , msgId]) => ({ msg_id: msgId, msg_key: msgKey(msgId) })),
      );
      raw.close();
      assert.equal(store.message(ACCOUNT, 'shared@x')?.display.subject, 'subject 1');
      assert.equal(store.message('other@b.example', 'shared@x')?.display.subject, 'subject 2');
      assert.deepEqual([...(store.message(ACCOUNT, 'own@x')?.envelopeXml ?? [])], [1, 2]);
      assert.equal(store.messageBody(ACCOUNT, 'own@x')?.text, 'hi');
      assert.equal(store.pendingFlagChanges(ACCOUNT, 10).length, 1);
      // The triggers and cascades work on the new table.
      const inbox = () => store.folderCounts(ACCOUNT).find((count) => count.folder === 'inbox');
      assert.deepEqual(inbox(), { folder: 'inbox', total: 2, unread: 2 });
      assert.equal(store.removeMessages(ACCOUNT, ['own@x']), 1);
      assert.deepEqual(inbox(), { folder: 'inbox', total: 1, unread: 1 });
      assert.equal(store.pendingFlagChanges(ACCOUNT, 10).length, 0);
      assert.equal(
        store.db.statement('SELECT count(*) FROM message_parts').pluck().get(),
        2,
        'its parts went with it',
      );
      assert.equal(store.putMessages([message('shared@x')]).updated, 1, 'found, not added');
      assert.equal(store.missingMessageIds(ACCOUNT, ['shared@x', 'own@x']).join(), 'own@x');
    } finally {
      store.close();
    }
  });

  test('0060: the messages a version-50 file indexed are still found, new ones too', () => {
    const { path, old } = fileAtVersion(5);
    old.exec(`INSERT INTO accounts VALUES ('${ACCOUNT}', 0)`);
    // As version 50 wrote a message: its full-text row with it.
    old.exec(`INSERT INTO messages (id, account_id, msg_id, msg_key, folder, envelope_size,
        headers_size, body_size, server_flags, flags, unread, flagged, from_name, from_address,
        to_addresses, cc_addresses, subject, date_ms, has_attachments, signed, encrypted, snippet)
      VALUES (7, '${ACCOUNT}', 'old@x', ${msgKey('old@x')}, 'inbox', 1, 1, 1, '[]', '[]', 1, 0,
        '', '', '[]', '[]', 'Walrus minutes', 0, 0, 0, 0, '')`);
    old.exec("INSERT INTO message_parts (message_id, envelope_xml) VALUES (7, x'00')");
    old.exec(`INSERT INTO message_search (rowid, sender, recipients, subject, body)
      VALUES (7, '', '', 'Walrus minutes', '')`);
    old.close();
    const store = LocalStore.open({ path });
    try {
      assert.equal(store.db.userVersion(), LATEST_VERSION);
      assert.equal(store.indexPending, false);
      store.putMessages([message('new@x', { subject: 'Walrus agenda' })]);
      assert.equal(store.indexPending, true, 'new messages are queued');
      const found = store.searchMessages({ accountId: ACCOUNT, text: 'walrus' }, { limit: 10 });
      assert.deepEqual(found.items.map((item) => item.msgId).sort(), ['new@x', 'old@x']);
    } finally {
      store.close();
    }
  });

  test('a migration that rebuilds tables refuses to leave rows pointing at nothing', () => {
    const { db, raw } = freshDb();
    db.setForeignKeys(true);
    migrate(db, 0);
    const dangling = {
      version: LATEST_VERSION + 10,
      rebuildsTables: true,
      up: (target: StoreDb) => {
        target.exec("INSERT INTO message_parts (message_id, envelope_xml) VALUES (99, x'00')");
      },
    };
    assert.throws(
      () => {
        migrate(db, LATEST_VERSION, [...MIGRATIONS, dangling]);
      },
      { code: 'LOCAL_STORE_INTERNAL' },
    );
    assert.equal(raw.pragma('user_version', { simple: true }), LATEST_VERSION);
    assert.equal(db.foreignKeys(), true);
    db.close();
  });

  test('running the migrations again on an up-to-date file changes nothing', () => {
    const { db, raw } = freshDb();
    migrate(db, 0);
    const before = tableNames(raw);
    migrate(db, LATEST_VERSION);
    assert.deepEqual(tableNames(raw), before);
    db.close();
  });

  test('a file migrated meanwhile by another connection is not migrated twice', () => {
    const { db, raw } = freshDb();
    const other = new StoreDb(new Database(raw.name));
    migrate(other, 0);
    other.close();
    migrate(db, 0);
    assert.equal(raw.pragma('user_version', { simple: true }), LATEST_VERSION);
    db.close();
  });

  test('a failing migration rolls back and leaves the previous version', () => {
    const { db, raw } = freshDb();
    const broken = [
      ...MIGRATIONS,
      {
        version: LATEST_VERSION + 10,
        up: (target: StoreDb) => {
          target.exec('CREATE TABLE half_done (id INTEGER)');
          throw new Error('the last migration fails');
        },
      },
    ];
    assert.throws(() => {
      migrate(db, 0, broken);
    }, /the last migration fails/);
    assert.equal(raw.pragma('user_version', { simple: true }), LATEST_VERSION);
    assert.equal(tableNames(raw).includes('half_done'), false);
    db.close();
  });

  test('migrations out of order are refused before any runs', () => {
    const { db, raw } = freshDb();
    const unordered = [{ version: 20, up: () => undefined }, ...MIGRATIONS];
    assert.throws(
      () => {
        migrate(db, 0, unordered);
      },
      { code: 'LOCAL_STORE_INTERNAL' },
    );
    assert.equal(raw.pragma('user_version', { simple: true }), 0);
    assert.deepEqual(tableNames(raw), []);
    db.close();
  });
});
