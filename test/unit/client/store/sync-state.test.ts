import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { LocalStore } from '../../../../src/client/store/index.ts';
import { ACCOUNT, message } from './fixtures/messages.ts';
import { openTempStore, storePath, tempFolder } from './fixtures/temp-store.ts';

const folder = tempFolder();

function store(): LocalStore {
  const opened = openTempStore(folder);
  opened.ensureAccount(ACCOUNT);
  return opened;
}

/** A store in a new file, and a second connection to the file (what another reader sees). */
function storeAndReader(): { local: LocalStore; reader: LocalStore } {
  const path = storePath(folder);
  const local = LocalStore.open({ path });
  local.ensureAccount(ACCOUNT);
  const reader = LocalStore.open({ path });
  after(() => {
    reader.close();
    local.close();
  });
  return { local, reader };
}

/** The first new messages of an INBOX page of ACCOUNT (no cursor: its end comes later). */
const part = (...msgIds: string[]) => ({
  accountId: ACCOUNT,
  mailbox: 'INBOX',
  messages: msgIds.map((msgId) => message(msgId)),
});

const server = (uid: number, modseq: number) => ({ mailbox: 'INBOX', uid, modseq });

describe('LIST pages', () => {
  test('a page adds, updates and removes messages and stores its cursor', () => {
    const local = store();
    assert.equal(local.listCursor(ACCOUNT, 'INBOX'), 0);
    local.applyListPage({
      accountId: ACCOUNT,
      mailbox: 'INBOX',
      cursor: 3,
      messages: [message('a'), message('b')],
    });
    const result = local.applyListPage({
      accountId: ACCOUNT,
      mailbox: 'INBOX',
      cursor: 7,
      messages: [message('c')],
      updates: [
        { msgId: 'a', server: server(1, 6), serverFlags: ['seen'] },
        { msgId: 'unknown', server: server(9, 6), serverFlags: [] },
      ],
      removed: ['b', 'unknown'],
    });
    assert.deepEqual(result, { inserted: 1, updated: 1, removed: 1 });
    assert.equal(local.listCursor(ACCOUNT, 'INBOX'), 7);
    assert.equal(local.listCursor(ACCOUNT, 'Other'), 0, 'cursors are per mailbox');
    assert.deepEqual(local.message(ACCOUNT, 'a')?.server, server(1, 6));
    assert.equal(local.message(ACCOUNT, 'a')?.unread, false);
    assert.deepEqual(local.missingMessageIds(ACCOUNT, ['a', 'b', 'c']), ['b']);
  });

  test('a page written in parts: the messages ahead of its end leave the cursor, the end stores it', () => {
    const local = store();
    local.applyListPage({ accountId: ACCOUNT, mailbox: 'INBOX', cursor: 3, messages: [] });
    const part = local.applyListPage({
      accountId: ACCOUNT,
      mailbox: 'INBOX',
      messages: [message('a'), message('b')],
    });
    assert.deepEqual(part, { inserted: 2, updated: 0, removed: 0 });
    assert.equal(local.listCursor(ACCOUNT, 'INBOX'), 3, 'a part without a cursor keeps it');
    // The page listed again (its end never came): what was written is not missing.
    assert.deepEqual(local.missingMessageIds(ACCOUNT, ['a', 'b', 'c']), ['c']);
    const end = local.applyListPage({
      accountId: ACCOUNT,
      mailbox: 'INBOX',
      cursor: 9,
      messages: [message('c')],
      updates: [{ msgId: 'a', server: server(1, 8), serverFlags: ['seen'] }],
    });
    assert.deepEqual(end, { inserted: 1, updated: 1, removed: 0 });
    assert.equal(local.listCursor(ACCOUNT, 'INBOX'), 9);
    assert.throws(
      () =>
        local.applyListPage({
          accountId: ACCOUNT,
          mailbox: 'INBOX',
          cursor: -1,
          messages: [message('d')],
        }),
      { code: 'LOCAL_STORE_INVALID_INPUT' },
      'a cursor given is still checked',
    );
  });

  test("a page's parts are committed with its end: until then another connection sees none", () => {
    const { local, reader } = storeAndReader();
    local.applyListPage(part('a', 'b'));
    local.applyListPage(part('c'));
    assert.deepEqual(local.missingMessageIds(ACCOUNT, ['a', 'b', 'c']), [], 'its own view');
    assert.deepEqual(reader.missingMessageIds(ACCOUNT, ['a', 'b', 'c']), ['a', 'b', 'c']);
    local.applyListPage({ accountId: ACCOUNT, mailbox: 'INBOX', cursor: 5, messages: [] });
    assert.deepEqual(reader.missingMessageIds(ACCOUNT, ['a', 'b', 'c']), []);
    assert.equal(reader.listCursor(ACCOUNT, 'INBOX'), 5);
  });

  test("any other call, another account's page and closing commit the parts written so far", () => {
    const { local, reader } = storeAndReader();
    local.applyListPage(part('a'));
    assert.equal(local.listCursor(ACCOUNT, 'INBOX'), 0);
    assert.deepEqual(reader.missingMessageIds(ACCOUNT, ['a']), [], 'committed by listCursor');
    local.ensureAccount('bob@b.example');
    local.applyListPage(part('b'));
    local.applyListPage({
      accountId: 'bob@b.example',
      mailbox: 'INBOX',
      messages: [message('x', { accountId: 'bob@b.example' })],
    });
    assert.deepEqual(reader.missingMessageIds(ACCOUNT, ['b']), [], "committed by bob's page");
    local.close();
    assert.deepEqual(reader.missingMessageIds('bob@b.example', ['x']), [], 'committed by close');
  });

  test("a failed part rolls back its page's parts, and the page's end is refused", () => {
    const local = store();
    local.applyListPage({ accountId: ACCOUNT, mailbox: 'INBOX', cursor: 3, messages: [] });
    // A write that fails inside SQLite, as a full disk would.
    local.db.exec(`CREATE TRIGGER refuse_boom BEFORE INSERT ON messages WHEN new.msg_id = 'boom'
      BEGIN SELECT RAISE(ABORT, 'no room for boom'); END`);
    local.applyListPage(part('a', 'b'));
    assert.throws(() => local.applyListPage(part('c', 'boom')), /no room for boom/);
    assert.throws(
      () => local.applyListPage({ accountId: ACCOUNT, mailbox: 'INBOX', cursor: 9, messages: [] }),
      { code: 'LOCAL_STORE_PAGE_INCOMPLETE' },
    );
    assert.equal(local.listCursor(ACCOUNT, 'INBOX'), 3, 'the page is listed again');
    assert.deepEqual(local.missingMessageIds(ACCOUNT, ['a', 'b', 'c']), ['a', 'b', 'c']);
    // Listed and pulled again, the page goes through.
    local.applyListPage(part('a', 'b'));
    local.applyListPage({ ...part('c'), cursor: 9 });
    assert.equal(local.listCursor(ACCOUNT, 'INBOX'), 9);
    assert.deepEqual(local.missingMessageIds(ACCOUNT, ['a', 'b', 'c']), []);
  });

  test("each account's page that lost a part has its own end refused", () => {
    const local = store();
    const bob = 'bob@b.example';
    local.ensureAccount(bob);
    local.db.exec(`CREATE TRIGGER refuse_boom BEFORE INSERT ON messages WHEN new.msg_id = 'boom'
      BEGIN SELECT RAISE(ABORT, 'no room for boom'); END`);
    const bobPart = (msgId: string) => ({
      accountId: bob,
      mailbox: 'INBOX',
      messages: [message(msgId, { accountId: bob })],
    });
    assert.throws(() => local.applyListPage(part('boom')), /no room for boom/);
    assert.throws(() => local.applyListPage(bobPart('boom')), /no room for boom/);
    for (const accountId of [ACCOUNT, bob]) {
      assert.throws(
        () => local.applyListPage({ accountId, mailbox: 'INBOX', cursor: 9, messages: [] }),
        { code: 'LOCAL_STORE_PAGE_INCOMPLETE' },
      );
      assert.equal(local.listCursor(accountId, 'INBOX'), 0);
    }
  });

  test('missing msg-ids are asked of one account, in the order given, repeats kept', () => {
    const local = store();
    local.ensureAccount('other@alpha.example');
    local.applyListPage({
      accountId: ACCOUNT,
      mailbox: 'INBOX',
      cursor: 1,
      messages: [message('a')],
    });
    local.applyListPage({
      accountId: 'other@alpha.example',
      mailbox: 'INBOX',
      cursor: 1,
      messages: [message('b', { accountId: 'other@alpha.example' })],
    });
    assert.deepEqual(local.missingMessageIds(ACCOUNT, ['b', 'a', 'c', 'b']), ['b', 'c', 'b']);
    assert.deepEqual(local.missingMessageIds('other@alpha.example', ['a', 'b']), ['a']);
    assert.deepEqual(local.missingMessageIds(ACCOUNT, []), []);
  });

  test('a page with one bad entry writes nothing, cursor included', () => {
    const local = store();
    local.applyListPage({
      accountId: ACCOUNT,
      mailbox: 'INBOX',
      cursor: 3,
      messages: [message('a')],
    });
    assert.throws(
      () =>
        local.applyListPage({
          accountId: ACCOUNT,
          mailbox: 'INBOX',
          cursor: 9,
          messages: [message('b')],
          updates: [{ msgId: 'a', server: server(1, -2), serverFlags: [] }],
        }),
      { code: 'LOCAL_STORE_INVALID_INPUT' },
    );
    assert.equal(local.listCursor(ACCOUNT, 'INBOX'), 3);
    assert.deepEqual(local.missingMessageIds(ACCOUNT, ['b']), ['b']);
  });

  test('a page that fails inside its transaction rolls back whole', () => {
    const local = store();
    assert.throws(
      () =>
        local.applyListPage({
          accountId: 'no-such-account',
          mailbox: 'INBOX',
          cursor: 9,
          messages: [message('b', { accountId: 'no-such-account' })],
        }),
      { code: 'LOCAL_STORE_NOT_FOUND' },
    );
    assert.throws(
      () =>
        local.applyListPage({
          accountId: ACCOUNT,
          mailbox: 'INBOX',
          cursor: 9,
          messages: [message('x', { accountId: 'b' })],
        }),
      { code: 'LOCAL_STORE_INVALID_INPUT' },
      'a message of another account',
    );
    assert.equal(local.listCursor(ACCOUNT, 'INBOX'), 0);
  });
});

describe('flags', () => {
  test('a local change shows at once, is queued, and server reports do not undo it', () => {
    const local = store();
    local.putMessages([message('a')]);
    const change = local.setFlags(ACCOUNT, 'a', ['seen', 'flagged', 'seen']);
    assert.deepEqual(change.flags, ['flagged', 'seen']);
    assert.deepEqual(change.server, server(1, 1));
    assert.equal(local.message(ACCOUNT, 'a')?.unread, false);
    local.applyListPage({
      accountId: ACCOUNT,
      mailbox: 'INBOX',
      cursor: 2,
      updates: [{ msgId: 'a', server: server(1, 2), serverFlags: [] }],
    });
    const stored = local.message(ACCOUNT, 'a');
    assert.ok(stored);
    assert.deepEqual(stored.flags, ['flagged', 'seen'], 'local change wins until acknowledged');
    assert.deepEqual(stored.serverFlags, []);
    assert.deepEqual(local.pendingFlagChanges(ACCOUNT, 10), [{ ...change, server: server(1, 2) }]);
  });

  test('acknowledging with an old revision keeps the newer change queued', () => {
    const local = store();
    local.putMessages([message('a'), message('b')]);
    const first = local.setFlags(ACCOUNT, 'a', ['seen']);
    local.setFlags(ACCOUNT, 'b', ['flagged']);
    const taken = local.pendingFlagChanges(ACCOUNT, 10);
    assert.deepEqual(
      taken.map((change) => change.msgId),
      ['a', 'b'],
      'oldest first',
    );
    const second = local.setFlags(ACCOUNT, 'a', []);
    assert.ok(second.revision > first.revision);
    assert.equal(
      local.acknowledgeFlagChanges(
        ACCOUNT,
        taken.map(({ msgId, revision }) => ({ msgId, revision })),
      ),
      1,
    );
    assert.deepEqual(local.pendingFlagChanges(ACCOUNT, 10), [second]);
    assert.equal(
      local.acknowledgeFlagChanges(ACCOUNT, [{ msgId: 'a', revision: second.revision }]),
      1,
    );
    assert.deepEqual(local.pendingFlagChanges(ACCOUNT, 10), []);
    local.applyListPage({
      accountId: ACCOUNT,
      mailbox: 'INBOX',
      cursor: 2,
      updates: [{ msgId: 'a', server: server(1, 2), serverFlags: ['answered'] }],
    });
    assert.deepEqual(
      local.message(ACCOUNT, 'a')?.flags,
      ['answered'],
      'after the ack the server counts again',
    );
  });

  test('queued flag changes and the outbox survive closing and opening again', () => {
    const path = storePath(folder);
    const first = LocalStore.open({ path });
    first.ensureAccount(ACCOUNT);
    first.putMessages([message('a')]);
    const change = first.setFlags(ACCOUNT, 'a', ['seen']);
    const item = first.addOutboxItem({ accountId: ACCOUNT, draftJson: '{"to":["b@b.example"]}' });
    first.updateOutboxItem(item.id, { state: 'failed', attempts: 2, lastError: 'refused' });
    first.close();
    const second = LocalStore.open({ path });
    try {
      assert.deepEqual(second.pendingFlagChanges(ACCOUNT, 10), [change]);
      const reopened = second.outboxItem(item.id);
      assert.ok(reopened);
      assert.equal(reopened.state, 'failed');
      assert.equal(reopened.attempts, 2);
      assert.equal(reopened.lastError, 'refused');
      assert.equal(reopened.draftJson, '{"to":["b@b.example"]}');
    } finally {
      second.close();
    }
  });

  test('removing a message drops its queued change', () => {
    const local = store();
    local.putMessages([message('a')]);
    local.setFlags(ACCOUNT, 'a', ['seen']);
    local.removeMessages(ACCOUNT, ['a']);
    assert.deepEqual(local.pendingFlagChanges(ACCOUNT, 10), []);
  });

  test('too many flags or a bad revision are refused', () => {
    const local = store();
    local.putMessages([message('a')]);
    assert.throws(
      () =>
        local.setFlags(
          ACCOUNT,
          'a',
          Array.from({ length: 65 }, (_, i) => `f${i}`),
        ),
      {
        code: 'LOCAL_STORE_INVALID_INPUT',
      },
    );
    local.setFlags(
      ACCOUNT,
      'a',
      Array.from({ length: 64 }, (_, i) => `f${i}`),
    );
    assert.throws(() => local.acknowledgeFlagChanges(ACCOUNT, [{ msgId: 'a', revision: -1 }]), {
      code: 'LOCAL_STORE_INVALID_INPUT',
    });
  });
});
