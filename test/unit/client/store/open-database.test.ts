import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { LocalStore } from '../../../../src/client/store/index.ts';
import { LATEST_VERSION } from '../../../../src/client/store/migrations/index.ts';
import { NEW_FILE_PAGE_SIZE } from '../../../../src/client/store/open-database.ts';
import { ACCOUNT, message } from './fixtures/messages.ts';
import { storePath, tempFolder } from './fixtures/temp-store.ts';

const folder = tempFolder();

/** Opening `path` fails with `code`, and the file's bytes are what they were. */
function assertRefusedUnchanged(path: string, code: string): void {
  const before = readFileSync(path);
  assert.throws(() => LocalStore.open({ path }), { code });
  assert.equal(Buffer.compare(readFileSync(path), before), 0, 'the file was changed');
  assert.equal(existsSync(`${path}-wal`) && readFileSync(`${path}-wal`).length > 0, false);
}

function filledStore(path: string, count: number): void {
  const store = LocalStore.open({ path });
  store.ensureAccount(ACCOUNT);
  store.putMessages(
    Array.from({ length: count }, (_, index) =>
      message(`m${index}`, { subject: `subject number ${index} ${'padding '.repeat(40)}` }),
    ),
  );
  store.close();
}

describe('opening the store file', () => {
  test('a new file gets the schema, WAL, foreign keys and the MT2 application id', () => {
    const path = storePath(folder);
    LocalStore.open({ path }).close();
    const raw = new Database(path, { readonly: true });
    try {
      assert.equal(raw.pragma('user_version', { simple: true }), LATEST_VERSION);
      assert.equal(raw.pragma('application_id', { simple: true }), 0x4d543243);
      assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(raw.pragma('page_size', { simple: true }), NEW_FILE_PAGE_SIZE);
      const tables = raw
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .pluck()
        .all();
      for (const table of [
        'accounts',
        'messages',
        'message_parts',
        'message_bodies',
        'outbox',
        'contacts',
      ]) {
        assert.ok(tables.includes(table), table);
      }
    } finally {
      raw.close();
    }
  });

  test('data survives closing and opening again', () => {
    const path = storePath(folder);
    filledStore(path, 3);
    const store = LocalStore.open({ path });
    try {
      assert.deepEqual(store.missingMessageIds(ACCOUNT, ['m0', 'm1', 'm2', 'm3']), ['m3']);
    } finally {
      store.close();
    }
  });

  test('foreign keys are enforced on the connection', () => {
    const path = storePath(folder);
    filledStore(path, 1);
    const store = LocalStore.open({ path });
    try {
      assert.throws(() => {
        store.db
          .statement("INSERT INTO message_parts (message_id, envelope_xml) VALUES (12345, x'00')")
          .run();
      }, /FOREIGN KEY/);
    } finally {
      store.close();
    }
  });

  test('a file written by a newer MT2 is LOCAL_STORE_SCHEMA_TOO_NEW and left alone', () => {
    const path = storePath(folder);
    filledStore(path, 2);
    const raw = new Database(path);
    raw.pragma(`user_version = ${LATEST_VERSION + 10}`);
    raw.close();
    assertRefusedUnchanged(path, 'LOCAL_STORE_SCHEMA_TOO_NEW');
  });

  test('a file that is not SQLite is LOCAL_STORE_CORRUPT and left alone', () => {
    const path = storePath(folder);
    writeFileSync(path, Buffer.from('this is a mailbox, not a database\n'.repeat(200)));
    assertRefusedUnchanged(path, 'LOCAL_STORE_CORRUPT');
  });

  test('a store whose pages were overwritten is LOCAL_STORE_CORRUPT (at open or on reading) and left alone', () => {
    const path = storePath(folder);
    filledStore(path, 300);
    const bytes = readFileSync(path);
    assert.ok(bytes.length > 64 * 1024);
    // Damage every page but the first: the header still reads, the tables do not.
    for (let offset = 4096; offset < bytes.length; offset += 4096)
      bytes.fill(0xa5, offset + 8, offset + 200);
    writeFileSync(path, bytes);
    const before = readFileSync(path);
    let code: unknown;
    let store: LocalStore | undefined;
    try {
      store = LocalStore.open({ path });
      store.listMessages({ accountId: ACCOUNT, folder: 'inbox' }, { limit: 1000 });
      store.putMessages([message('new')]);
    } catch (error) {
      code = (error as { code?: unknown }).code;
    } finally {
      store?.close();
    }
    assert.equal(code, 'LOCAL_STORE_CORRUPT');
    assert.equal(Buffer.compare(readFileSync(path), before), 0, 'the file was changed');
  });

  test('another program’s SQLite database is LOCAL_STORE_FOREIGN_FILE and left alone', () => {
    const path = storePath(folder);
    const raw = new Database(path);
    raw.exec(
      'CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes (text) VALUES (1)',
    );
    raw.close();
    assertRefusedUnchanged(path, 'LOCAL_STORE_FOREIGN_FILE');
    const other = new Database(path);
    other.pragma('application_id = 1234');
    other.close();
    assertRefusedUnchanged(path, 'LOCAL_STORE_FOREIGN_FILE');
  });

  test('an empty file is a new store', () => {
    const path = storePath(folder);
    writeFileSync(path, '');
    const store = LocalStore.open({ path });
    store.ensureAccount(ACCOUNT);
    store.close();
  });

  test('a folder that does not exist is LOCAL_STORE_IO', () => {
    assert.throws(() => LocalStore.open({ path: `${folder}/no/such/folder/store.sqlite` }), {
      code: 'LOCAL_STORE_IO',
    });
  });

  test('operations after close are LOCAL_STORE_CLOSED', () => {
    const store = LocalStore.open({ path: storePath(folder) });
    store.close();
    store.close();
    assert.throws(() => store.folderCounts(ACCOUNT), { code: 'LOCAL_STORE_CLOSED' });
  });
});

describe('two connections on one file', () => {
  test('a write waiting longer than busyTimeoutMs for another writer is LOCAL_STORE_BUSY, and loses nothing', () => {
    const path = storePath(folder);
    const first = LocalStore.open({ path });
    first.ensureAccount(ACCOUNT);
    const second = LocalStore.open({ path, busyTimeoutMs: 50 });
    const holder = new Database(path);
    try {
      holder.exec('BEGIN IMMEDIATE');
      assert.throws(() => second.putMessages([message('m1')]), { code: 'LOCAL_STORE_BUSY' });
      holder.exec('COMMIT');
      second.putMessages([message('m1')]);
      assert.deepEqual(
        first.missingMessageIds(ACCOUNT, ['m1']),
        [],
        'the other connection sees the write',
      );
    } finally {
      holder.close();
      second.close();
      first.close();
    }
  });
});
