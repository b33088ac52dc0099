// New messages are queued for the full-text index and indexed afterwards
// (queries/search-index.ts): a search indexes the queue first, the worker does it once
// idle, and whatever happens to a queued message before then, the index ends up with
// every stored message once, as it is now.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { LocalStore, openLocalStoreWorker } from '../../../../src/client/store/index.ts';
import { ACCOUNT, message } from './fixtures/messages.ts';
import { openTempStore, storePath, tempFolder } from './fixtures/temp-store.ts';

const OTHER = 'other@o.example';

function count(store: LocalStore, sql: string): number {
  return Number(store.db.statement(sql).pluck().get());
}

/** Rows in the full-text index and the messages stored: equal when each is indexed once. */
function indexedAndStored(store: LocalStore): [number, number] {
  return [
    count(store, 'SELECT count(*) FROM message_search'),
    count(store, 'SELECT count(*) FROM messages'),
  ];
}

function found(store: LocalStore, text: string, accountId = ACCOUNT): string[] {
  return store
    .searchMessages({ accountId, text }, { limit: 100 })
    .items.map((item) => item.msgId)
    .sort();
}

/** A store with a LIST page of three messages (and one of another account) queued. */
function withQueue(): LocalStore {
  const store = openTempStore();
  store.ensureAccount(ACCOUNT);
  store.ensureAccount(OTHER);
  store.applyListPage({
    accountId: ACCOUNT,
    mailbox: 'INBOX',
    cursor: 3,
    messages: [
      message('walrus', { subject: 'The walrus said', uid: 1 }),
      message('oyster', { subject: 'Oysters, come and walk', uid: 2 }),
      message('carpenter', { subject: 'The carpenter wept', to: ['tweedle@t.example'], uid: 3 }),
    ],
  });
  store.putMessages([message('other-1', { accountId: OTHER, subject: 'The walrus again' })]);
  return store;
}

describe('messages queued for the search index', () => {
  test('wait in the queue until a search, which finds every one of them', () => {
    const store = withQueue();
    assert.equal(store.indexPending, true);
    assert.deepEqual(indexedAndStored(store), [0, 4], 'nothing indexed while writing');
    assert.deepEqual(found(store, 'walrus'), ['walrus']);
    assert.deepEqual(found(store, 'tweedle'), ['carpenter'], 'recipients are indexed');
    assert.deepEqual(found(store, 'bob sender'), ['carpenter', 'oyster', 'walrus']);
    assert.deepEqual(found(store, 'walrus', OTHER), ['other-1']);
    assert.equal(store.indexPending, false);
    assert.deepEqual(indexedAndStored(store), [4, 4]);
  });

  test('are indexed a few writes at a time when asked for bites', () => {
    const store = withQueue();
    assert.equal(store.indexQueued(1), true, 'the second write still waits');
    assert.deepEqual(indexedAndStored(store), [3, 4]);
    assert.equal(store.indexQueued(1), false);
    assert.deepEqual(indexedAndStored(store), [4, 4]);
    assert.equal(store.indexQueued(), false, 'nothing left to do');
  });

  test('removed before being indexed, are never found', () => {
    const store = withQueue();
    assert.equal(store.removeMessages(ACCOUNT, ['walrus']), 1);
    assert.deepEqual(found(store, 'walrus'), []);
    assert.deepEqual(indexedAndStored(store), [3, 3]);
  });

  test('re-dated before being indexed (a new sort key), are found once under the new one', () => {
    const store = withQueue();
    const later = new Date('2026-03-04T05:06:07Z');
    store.putMessages([message('oyster', { subject: 'Oysters, come and walk', date: later })]);
    const page = store.searchMessages({ accountId: ACCOUNT, text: 'oysters' }, { limit: 10 });
    assert.deepEqual(
      page.items.map((item) => [item.msgId, item.display.date.toISOString()]),
      [['oyster', later.toISOString()]],
    );
    assert.deepEqual(indexedAndStored(store), [4, 4]);
  });

  test('given a body before being indexed, are found by its text, once', () => {
    const store = withQueue();
    store.putBody(ACCOUNT, 'carpenter', { body: new Uint8Array([1]), text: 'bread and butter' });
    assert.deepEqual(found(store, 'butter'), ['carpenter']);
    assert.deepEqual(indexedAndStored(store), [4, 4]);
    // Indexed twice with the same text (by putBody, then from the queue): removing it
    // leaves none of its words behind.
    store.db.exec("CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, message_search, 'row')");
    const postings = () => count(store, "SELECT count(*) FROM temp.terms WHERE term = 'butter'");
    assert.equal(postings(), 1);
    store.removeMessages(ACCOUNT, ['carpenter']);
    assert.equal(postings(), 0);
  });

  test("of an account being deleted leave the other accounts' messages found", () => {
    const store = withQueue();
    store.deleteAccount(ACCOUNT);
    assert.deepEqual(found(store, 'walrus', OTHER), ['other-1']);
    assert.deepEqual(indexedAndStored(store), [1, 1]);
    assert.equal(store.indexPending, false);
  });

  test('outlive the store being closed (or the process dying) and are indexed later', () => {
    const path = storePath(tempFolder());
    const first = LocalStore.open({ path });
    first.ensureAccount(ACCOUNT);
    first.putMessages([message('walrus', { subject: 'The walrus said' })]);
    first.close();
    const again = LocalStore.open({ path });
    try {
      assert.equal(again.indexPending, true);
      assert.deepEqual(found(again, 'walrus'), ['walrus']);
      assert.deepEqual(indexedAndStored(again), [1, 1]);
    } finally {
      again.close();
    }
  });
});

describe("the store's worker and the queue", () => {
  /** What another connection sees indexed, polled until it is `expected` or 5 s pass. */
  async function indexedSoon(path: string, expected: number): Promise<number> {
    const raw = new Database(path, { readonly: true });
    try {
      const deadline = Date.now() + 5000;
      for (;;) {
        const rows = Number(raw.prepare('SELECT count(*) FROM message_search').pluck().get());
        if (rows === expected || Date.now() > deadline) return rows;
        await sleep(20);
      }
    } finally {
      raw.close();
    }
  }

  test('indexes what was written once the store is idle, with no search asked', async () => {
    const path = storePath(tempFolder());
    const store = await openLocalStoreWorker({ path });
    try {
      await store.ensureAccount(ACCOUNT);
      // More writes than one bite of indexing takes, so that it takes several.
      for (let batch = 0; batch < 20; batch++) {
        await store.putMessages([message(`m${batch}`, { subject: `Subject ${batch}` })]);
      }
      assert.equal(await indexedSoon(path, 20), 20);
    } finally {
      await store.close();
    }
  });

  test('indexes what a store closed too early left queued, once opened again', async () => {
    const path = storePath(tempFolder());
    const direct = LocalStore.open({ path });
    direct.ensureAccount(ACCOUNT);
    direct.putMessages([message('a'), message('b')]);
    direct.close();
    const store = await openLocalStoreWorker({ path });
    try {
      assert.equal(await indexedSoon(path, 2), 2);
    } finally {
      await store.close();
    }
  });
});
