// The WAL checkpoint policy: commits are durable in the WAL and are not copied into the
// database file after each one; the worker does that once the store has been quiet,
// and a direct LocalStore does it on checkpoint() or close.
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { LocalStore, openLocalStoreWorker } from '../../../../src/client/store/index.ts';
import { MIGRATIONS, migrate } from '../../../../src/client/store/migrations/index.ts';
import {
  APPLICATION_ID,
  NEW_FILE_PAGE_SIZE,
  WAL_AUTOCHECKPOINT_BYTES,
} from '../../../../src/client/store/open-database.ts';
import { StoreDb } from '../../../../src/client/store/store-db.ts';
import { ACCOUNT, message } from './fixtures/messages.ts';
import { storePath, tempFolder } from './fixtures/temp-store.ts';

const folder = tempFolder();

/** The msg-ids in the database file alone, as if its WAL were lost (a copy without it). */
function idsInMainFile(path: string): string[] {
  const copy = storePath(folder);
  copyFileSync(path, copy);
  const raw = new Database(copy);
  try {
    return raw.prepare('SELECT msg_id FROM messages ORDER BY msg_id').pluck().all() as string[];
  } catch (error) {
    // A file whose schema is still in the WAL has no messages table yet.
    if (error instanceof Error && error.message.includes('no such table')) return [];
    // A copy taken while a checkpoint writes the file can be torn: not there yet either
    // (the callers poll, or look once the worker is quiet).
    if (error instanceof Error && 'code' in error && error.code === 'SQLITE_CORRUPT') return [];
    throw error;
  } finally {
    raw.close();
  }
}

/** What a second connection sees: the committed state, WAL included. */
function committedIds(path: string): string[] {
  const raw = new Database(path, { readonly: true });
  try {
    return raw.prepare('SELECT msg_id FROM messages ORDER BY msg_id').pluck().all() as string[];
  } finally {
    raw.close();
  }
}

describe('checkpoints', () => {
  test('a commit stays in the WAL until checkpoint(); then the database file has it', () => {
    const path = storePath(folder);
    const store = LocalStore.open({ path });
    try {
      store.checkpoint();
      store.ensureAccount(ACCOUNT);
      store.putMessages([message('a'), message('b')]);
      assert.deepEqual(committedIds(path), ['a', 'b'], 'committed');
      assert.deepEqual(idsInMainFile(path), [], 'not yet copied into the file');
      store.checkpoint();
      assert.deepEqual(idsInMainFile(path), ['a', 'b']);
      assert.equal(
        Number(store.db.statement('PRAGMA wal_autocheckpoint').pluck().get()),
        WAL_AUTOCHECKPOINT_BYTES / NEW_FILE_PAGE_SIZE,
      );
    } finally {
      store.close();
    }
  });

  test('a file made with 4 KiB pages keeps them, with the WAL bound in bytes the same', () => {
    const path = storePath(folder);
    const old = new StoreDb(new Database(path));
    migrate(old, 0, MIGRATIONS.slice(0, 1));
    old.exec(`PRAGMA application_id = ${APPLICATION_ID}`);
    old.close();
    const store = LocalStore.open({ path });
    try {
      const pragma = (name: string) => Number(store.db.statement(`PRAGMA ${name}`).pluck().get());
      assert.equal(pragma('page_size'), 4096);
      assert.equal(pragma('wal_autocheckpoint'), WAL_AUTOCHECKPOINT_BYTES / 4096);
      store.ensureAccount(ACCOUNT);
      store.putMessages([message('small pages')]);
      assert.equal(store.message(ACCOUNT, 'small pages')?.msgId, 'small pages');
    } finally {
      store.close();
    }
  });

  test('the worker checkpoints once the store has been quiet for idleCheckpointMs', async () => {
    const path = storePath(folder);
    const store = await openLocalStoreWorker({ path, idleCheckpointMs: 50 });
    try {
      await store.ensureAccount(ACCOUNT);
      await store.putMessages([message('quiet')]);
      const deadline = Date.now() + 5000;
      while (!idsInMainFile(path).includes('quiet') && Date.now() < deadline) await sleep(20);
      assert.deepEqual(idsInMainFile(path), ['quiet']);
    } finally {
      await store.close();
    }
  });

  test("the worker commits a page's parts once no call has come for a moment", async () => {
    const path = storePath(folder);
    // No idle checkpoint: only the wait for the page's end commits them.
    const store = await openLocalStoreWorker({ path, idleCheckpointMs: 0 });
    const reader = LocalStore.open({ path });
    try {
      await store.ensureAccount(ACCOUNT);
      // A sync that stopped mid-page: no end, and no further call.
      await store.applyListPage({ accountId: ACCOUNT, mailbox: 'INBOX', messages: [message('a')] });
      const deadline = Date.now() + 5000;
      while (reader.missingMessageIds(ACCOUNT, ['a']).length > 0 && Date.now() < deadline) {
        await sleep(20);
      }
      assert.deepEqual(reader.missingMessageIds(ACCOUNT, ['a']), []);
      assert.equal(reader.listCursor(ACCOUNT, 'INBOX'), 0);
    } finally {
      reader.close();
      await store.close();
    }
  });

  test('with idleCheckpointMs 0 the worker leaves the WAL to its bound and to close', async () => {
    const path = storePath(folder);
    const store = await openLocalStoreWorker({ path, idleCheckpointMs: 0 });
    try {
      await store.ensureAccount(ACCOUNT);
      await store.putMessages([message('kept')]);
      await sleep(300);
      assert.deepEqual(idsInMainFile(path), []);
    } finally {
      await store.close();
    }
    assert.deepEqual(idsInMainFile(path), ['kept'], 'closing checkpoints');
  });
});

describe('durability of a LIST page', () => {
  const synchronous = (store: LocalStore) =>
    Number(store.db.statement('PRAGMA synchronous').pluck().get());
  const FULL = 2;

  test('every other write still commits with synchronous = FULL, also after a page failed', () => {
    const store = LocalStore.open({ path: storePath(folder) });
    try {
      store.ensureAccount(ACCOUNT);
      assert.equal(synchronous(store), FULL);
      store.applyListPage({
        accountId: ACCOUNT,
        mailbox: 'INBOX',
        cursor: 2,
        messages: [message('p')],
      });
      assert.equal(synchronous(store), FULL);
      assert.throws(
        () =>
          store.applyListPage({
            accountId: 'no-such-account',
            mailbox: 'INBOX',
            cursor: 3,
            messages: [],
          }),
        { code: 'LOCAL_STORE_NOT_FOUND' },
      );
      assert.equal(synchronous(store), FULL);
      // A page's parts wait in a transaction of their own level; any other call ends it.
      store.applyListPage({ accountId: ACCOUNT, mailbox: 'INBOX', messages: [message('q')] });
      assert.equal(synchronous(store), FULL);
      store.applyListPage({ accountId: ACCOUNT, mailbox: 'INBOX', messages: [message('r')] });
      assert.throws(
        () => store.applyListPage({ accountId: 'no-such-account', mailbox: 'INBOX', messages: [] }),
        { code: 'LOCAL_STORE_NOT_FOUND' },
      );
      assert.equal(synchronous(store), FULL);
      assert.equal(store.listCursor(ACCOUNT, 'INBOX'), 2);
    } finally {
      store.close();
    }
  });
});
