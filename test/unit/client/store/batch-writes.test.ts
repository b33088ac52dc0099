// Pages and batches written in one pass (putMessageBatch): duplicates within a batch,
// new and known messages mixed, sort keys allocated for a whole batch, folder counts and
// the search index kept right.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LocalStore } from '../../../../src/client/store/index.ts';
import { TIE_BITS, blockStart } from '../../../../src/client/store/sort-key.ts';
import { ACCOUNT, message } from './fixtures/messages.ts';
import { openTempStore, tempFolder } from './fixtures/temp-store.ts';

const folder = tempFolder();
const BASE_MS = Date.UTC(2026, 2, 1, 8, 0, 0);

function store(): LocalStore {
  const opened = openTempStore(folder);
  opened.ensureAccount(ACCOUNT);
  return opened;
}

function inboxIds(local: LocalStore): string[] {
  return local
    .listMessages({ accountId: ACCOUNT, folder: 'inbox' }, { limit: 1000 })
    .items.map((item) => item.msgId);
}

function found(local: LocalStore, text: string): string[] {
  return local
    .searchMessages({ accountId: ACCOUNT, text }, { limit: 1000 })
    .items.map((item) => item.msgId);
}

function inboxCount(local: LocalStore) {
  return local.folderCounts(ACCOUNT).find((count) => count.folder === 'inbox');
}

/** Every row of the search index, to check that no message is indexed twice or left out. */
function indexedRows(local: LocalStore): number {
  return Number(local.db.statement('SELECT count(*) FROM message_search').pluck().get());
}

describe('a batch with the same msg-id twice', () => {
  test('is stored once, as its later copy, counted once and indexed once', () => {
    const local = store();
    const result = local.applyListPage({
      accountId: ACCOUNT,
      mailbox: 'INBOX',
      cursor: 5,
      messages: [
        message('dup', { subject: 'first walrus', date: new Date(BASE_MS) }),
        message('other', { date: new Date(BASE_MS + 1000) }),
        message('dup', { subject: 'second narwhal', serverFlags: ['seen'], uid: 7 }),
      ],
    });
    assert.deepEqual(result, { inserted: 2, updated: 1, removed: 0 });
    const stored = local.message(ACCOUNT, 'dup');
    assert.ok(stored);
    assert.equal(stored.display.subject, 'second narwhal');
    assert.deepEqual(stored.server, { mailbox: 'INBOX', uid: 7, modseq: 1 });
    assert.equal(stored.unread, false);
    assert.deepEqual(found(local, 'narwhal'), ['dup']);
    assert.deepEqual(found(local, 'walrus'), []);
    assert.deepEqual(inboxCount(local), { folder: 'inbox', total: 2, unread: 1 });
    assert.equal(indexedRows(local), 2);
  });

  test('whose later copy has another date is listed at the later date', () => {
    const local = store();
    local.putMessages([
      message('early', { date: new Date(BASE_MS - 60_000) }),
      message('moving', { date: new Date(BASE_MS - 120_000) }),
      message('late', { date: new Date(BASE_MS + 60_000) }),
      message('moving', { date: new Date(BASE_MS) }),
    ]);
    assert.deepEqual(inboxIds(local), ['late', 'moving', 'early']);
    assert.equal(local.message(ACCOUNT, 'moving')?.display.date.getTime(), BASE_MS);
  });
});

describe('a page mixing new and known messages', () => {
  test('replaces the known ones (keeping bodies and queued flags) and inserts the new ones', () => {
    const local = store();
    local.putMessages([
      message('known-1', { date: new Date(BASE_MS), subject: 'old subject' }),
      message('known-2', { date: new Date(BASE_MS + 1000) }),
    ]);
    local.putBody(ACCOUNT, 'known-1', { body: new Uint8Array([1, 2, 3]), text: 'body words' });
    local.setFlags(ACCOUNT, 'known-2', ['flagged']);
    const result = local.applyListPage({
      accountId: ACCOUNT,
      mailbox: 'INBOX',
      cursor: 9,
      messages: [
        message('new-1', { date: new Date(BASE_MS + 500) }),
        message('known-1', { date: new Date(BASE_MS), subject: 'new subject' }),
        message('known-2', { date: new Date(BASE_MS + 1000), serverFlags: ['seen'] }),
        message('new-2', { date: new Date(BASE_MS + 2000), serverFlags: ['seen'] }),
      ],
    });
    assert.deepEqual(result, { inserted: 2, updated: 2, removed: 0 });
    assert.deepEqual(inboxIds(local), ['new-2', 'known-2', 'new-1', 'known-1']);
    assert.equal(local.message(ACCOUNT, 'known-1')?.display.subject, 'new subject');
    assert.deepEqual(local.messageBody(ACCOUNT, 'known-1')?.body, new Uint8Array([1, 2, 3]));
    assert.deepEqual(found(local, 'words'), ['known-1'], 'the body text stays indexed');
    assert.deepEqual(local.message(ACCOUNT, 'known-2')?.flags, ['flagged'], 'queued flags win');
    assert.deepEqual(inboxCount(local), { folder: 'inbox', total: 4, unread: 3 });
    assert.equal(indexedRows(local), 4);
    assert.deepEqual(
      found(local, 'subject').sort(),
      ['known-1', 'known-2', 'new-1', 'new-2'],
      'every message of the page is searchable',
    );
  });

  test('of several accounts and folders (putMessages) counts each folder of each account', () => {
    const local = store();
    local.ensureAccount('other');
    local.putMessages([
      message('a', { folder: 'inbox' }),
      message('b', { folder: 'sent', serverFlags: ['seen'] }),
      message('c', { accountId: 'other', folder: 'inbox' }),
      message('d', { folder: 'inbox', serverFlags: ['seen'] }),
    ]);
    const counts = (accountId: string) =>
      local.folderCounts(accountId).filter((count) => count.total > 0);
    assert.deepEqual(counts(ACCOUNT), [
      { folder: 'inbox', total: 2, unread: 1 },
      { folder: 'sent', total: 1, unread: 0 },
    ]);
    assert.deepEqual(counts('other'), [{ folder: 'inbox', total: 1, unread: 1 }]);
  });
});

describe('sort keys for a whole batch', () => {
  test('messages of one second keep their arrival order, also across batches', () => {
    const local = store();
    const date = new Date(BASE_MS + 123);
    local.putMessages([message('s1', { date }), message('s2', { date })]);
    local.putMessages([
      message('s3', { date }),
      message('earlier', { date: new Date(BASE_MS - 1000) }),
      message('s4', { date }),
    ]);
    assert.deepEqual(inboxIds(local), ['s4', 's3', 's2', 's1', 'earlier']);
  });

  test('a full second spills into the next one, for every message of the batch', () => {
    const local = store();
    local.putMessages([message('filler', { date: new Date(BASE_MS) })]);
    // Move the filler to the last id of its second, as if 2^20 messages had that date.
    const last = blockStart(BASE_MS) + 2 ** TIE_BITS - 1;
    local.db.statement('UPDATE messages SET id = ? WHERE msg_id = ?').run(last, 'filler');
    local.putMessages([
      message('spill-1', { date: new Date(BASE_MS) }),
      message('spill-2', { date: new Date(BASE_MS) }),
    ]);
    const ids = local.db
      .statement("SELECT msg_id, id FROM messages WHERE msg_id LIKE 'spill-%' ORDER BY id")
      .all() as { msg_id: string; id: number }[];
    assert.deepEqual(ids, [
      { msg_id: 'spill-1', id: last + 1 },
      { msg_id: 'spill-2', id: last + 2 },
    ]);
  });
});
