import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  FOLDERS,
  type ListFilter,
  type LocalStore,
  type MessageSummary,
  type Page,
  type PageRequest,
} from '../../../../src/client/store/index.ts';
import { ACCOUNT, message } from './fixtures/messages.ts';
import { openTempStore, tempFolder } from './fixtures/temp-store.ts';

const BASE_MS = Date.UTC(2026, 0, 1);
const folder = tempFolder();

function allPages(
  read: (page: PageRequest) => Page<MessageSummary>,
  limit: number,
): { ids: string[]; pages: number } {
  const ids: string[] = [];
  let pages = 0;
  let after: string | undefined;
  do {
    const page = read(after === undefined ? { limit } : { limit, after });
    pages += 1;
    assert.ok(page.items.length <= limit);
    ids.push(...page.items.map((item) => item.msgId));
    after = page.next;
    if (after !== undefined) assert.equal(page.items.length, limit, 'only the last page is short');
  } while (after !== undefined);
  return { ids, pages };
}

function listAll(store: LocalStore, filter: ListFilter, limit: number) {
  return allPages(
    (page) => store.listMessages({ accountId: ACCOUNT, folder: 'inbox', filter }, page),
    limit,
  );
}

describe('keyset paging', () => {
  test('equal dates across page boundaries: every message once, later arrivals first', () => {
    const store = openTempStore(folder);
    store.ensureAccount(ACCOUNT);
    const sameDate = new Date(BASE_MS);
    store.putMessages(
      Array.from({ length: 7 }, (_, index) => message(`m${index}`, { date: sameDate })),
    );
    for (const limit of [1, 2, 3, 6, 7, 8]) {
      const { ids, pages } = listAll(store, 'all', limit);
      assert.deepEqual(ids, ['m6', 'm5', 'm4', 'm3', 'm2', 'm1', 'm0'], `limit ${limit}`);
      assert.equal(pages, Math.max(1, Math.ceil(7 / limit)), `limit ${limit}`);
    }
  });

  test('messages arriving out of date order are listed by date', () => {
    const store = openTempStore(folder);
    store.ensureAccount(ACCOUNT);
    const seconds = [5, 1, 9, 3, 9, 0, 7];
    store.putMessages(
      seconds.map((second, index) =>
        message(`m${index}`, { date: new Date(BASE_MS + second * 1000) }),
      ),
    );
    assert.deepEqual(listAll(store, 'all', 2).ids, ['m4', 'm2', 'm6', 'm0', 'm3', 'm1', 'm5']);
  });

  test('an empty folder is one empty page without next', () => {
    const store = openTempStore(folder);
    store.ensureAccount(ACCOUNT);
    assert.deepEqual(store.listMessages({ accountId: ACCOUNT, folder: 'sent' }, { limit: 10 }), {
      items: [],
    });
  });

  test('dates before 1970 and far in the future still sort (clamped at the ends)', () => {
    const store = openTempStore(folder);
    store.ensureAccount(ACCOUNT);
    store.putMessages([
      message('past', { date: new Date('1900-01-01T00:00:00Z') }),
      message('now', { date: new Date(BASE_MS) }),
      message('future', { date: new Date('2999-01-01T00:00:00Z') }),
      message('epoch', { date: new Date(0) }),
    ]);
    assert.deepEqual(listAll(store, 'all', 10).ids, ['future', 'now', 'epoch', 'past']);
    assert.equal(
      store.message(ACCOUNT, 'past')?.display.date.toISOString(),
      '1900-01-01T00:00:00.000Z',
    );
  });

  test('unread and flagged lists, and folder counts, follow flag changes', () => {
    const store = openTempStore(folder);
    store.ensureAccount(ACCOUNT);
    store.putMessages([
      message('a', { serverFlags: ['seen'] }),
      message('b'),
      message('c', { serverFlags: ['flagged'] }),
      message('t', { folder: 'trash' }),
    ]);
    assert.deepEqual(listAll(store, 'unread', 1).ids, ['c', 'b']);
    assert.deepEqual(listAll(store, 'flagged', 1).ids, ['c']);
    store.setFlags(ACCOUNT, 'b', ['seen', 'flagged']);
    assert.deepEqual(listAll(store, 'unread', 5).ids, ['c']);
    assert.deepEqual(listAll(store, 'flagged', 5).ids, ['c', 'b']);
    assert.deepEqual(store.folderCounts(ACCOUNT), [
      { folder: 'inbox', total: 3, unread: 1 },
      { folder: 'sent', total: 0, unread: 0 },
      { folder: 'outbox', total: 0, unread: 0 },
      { folder: 'drafts', total: 0, unread: 0 },
      { folder: 'trash', total: 1, unread: 1 },
    ]);
  });

  test('pages of one account never show another account', () => {
    const store = openTempStore(folder);
    store.ensureAccount(ACCOUNT);
    store.ensureAccount('other');
    store.putMessages([message('mine'), message('theirs', { accountId: 'other' })]);
    assert.deepEqual(listAll(store, 'all', 1).ids, ['mine']);
  });

  test('cursors that this store did not make are LOCAL_STORE_BAD_CURSOR', () => {
    const store = openTempStore(folder);
    store.ensureAccount(ACCOUNT);
    for (const after of [
      '',
      'k1.',
      'k1.-1',
      'k1.zzzzzzzzzzzz',
      'k2.10',
      'k1.10 OR 1=1',
      'k1.A',
      7,
    ]) {
      assert.throws(
        () =>
          store.listMessages({ accountId: ACCOUNT, folder: 'inbox' }, {
            limit: 5,
            after,
          } as PageRequest),
        { code: 'LOCAL_STORE_BAD_CURSOR' },
        String(after),
      );
    }
  });

  test('page sizes outside 1..MAX_PAGE_SIZE are refused', () => {
    const store = openTempStore(folder);
    store.ensureAccount(ACCOUNT);
    for (const limit of [0, -1, 1.5, 1001, Number.NaN]) {
      assert.throws(() => store.listMessages({ accountId: ACCOUNT, folder: 'inbox' }, { limit }), {
        code: 'LOCAL_STORE_INVALID_INPUT',
      });
    }
    assert.deepEqual(
      store.listMessages({ accountId: ACCOUNT, folder: 'inbox' }, { limit: 1000 }).items,
      [],
    );
  });

  test('several accounts page as one list, newest first; an empty account list is refused', () => {
    const store = openTempStore(folder);
    const other = 'other@b.example';
    store.ensureAccount(ACCOUNT);
    store.ensureAccount(other);
    store.putMessages(
      Array.from({ length: 7 }, (_, index) =>
        message(`m${index}`, {
          accountId: index % 3 === 0 ? other : ACCOUNT,
          date: new Date(BASE_MS + index * 1000),
        }),
      ),
    );
    const both = [ACCOUNT, other];
    for (const limit of [1, 2, 3, 7, 8]) {
      const { ids } = allPages(
        (page) => store.listMessages({ accountId: both, folder: 'inbox' }, page),
        limit,
      );
      assert.deepEqual(ids, ['m6', 'm5', 'm4', 'm3', 'm2', 'm1', 'm0'], `limit ${limit}`);
    }
    const found = store.searchMessages({ accountId: both, text: 'subject' }, { limit: 10 });
    assert.equal(found.items.length, 7);
    assert.throws(() => store.listMessages({ accountId: [], folder: 'inbox' }, { limit: 5 }), {
      code: 'LOCAL_STORE_INVALID_INPUT',
    });
  });

  test('property: pages join up to the whole folder in (date, arrival) order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ second: fc.integer({ min: 0, max: 4 }), seen: fc.boolean() }), {
          minLength: 0,
          maxLength: 40,
        }),
        fc.integer({ min: 1, max: 9 }),
        (specs, limit) => {
          const store = openTempStore(folder);
          store.ensureAccount(ACCOUNT);
          store.putMessages(
            specs.map((spec, index) =>
              message(`m${index}`, {
                date: new Date(BASE_MS + spec.second * 1000),
                serverFlags: spec.seen ? ['seen'] : [],
              }),
            ),
          );
          const expected = specs
            .map((spec, index) => ({ ...spec, index }))
            .sort((a, b) => b.second - a.second || b.index - a.index);
          assert.deepEqual(
            listAll(store, 'all', limit).ids,
            expected.map((spec) => `m${spec.index}`),
          );
          assert.deepEqual(
            listAll(store, 'unread', limit).ids,
            expected.filter((spec) => !spec.seen).map((spec) => `m${spec.index}`),
          );
          store.close();
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('folder counts', () => {
  test('property: after any mix of puts, batches, moves, flag changes and removals, counts match a recount', () => {
    const operation = fc.oneof(
      fc.record({ kind: fc.constant('put' as const), id: fc.nat(9), seen: fc.boolean() }),
      fc.record({
        kind: fc.constant('move' as const),
        id: fc.nat(9),
        to: fc.constantFrom(...FOLDERS),
      }),
      fc.record({ kind: fc.constant('flags' as const), id: fc.nat(9), seen: fc.boolean() }),
      fc.record({ kind: fc.constant('remove' as const), id: fc.nat(9) }),
      fc.record({
        kind: fc.constant('batch' as const),
        puts: fc.array(fc.record({ id: fc.nat(9), seen: fc.boolean() }), { maxLength: 5 }),
      }),
    );
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 30 }), (operations) => {
        const store = openTempStore(folder);
        store.ensureAccount(ACCOUNT);
        store.ensureAccount('other');
        store.putMessages([message('x', { accountId: 'other' })]);
        for (const op of operations) {
          if (op.kind === 'batch') {
            store.putMessages(
              op.puts.map((put) =>
                message(`m${put.id}`, { serverFlags: put.seen ? ['seen'] : [] }),
              ),
            );
            continue;
          }
          const msgId = `m${op.id}`;
          const stored = store.message(ACCOUNT, msgId) !== undefined;
          if (op.kind === 'put')
            store.putMessages([message(msgId, { serverFlags: op.seen ? ['seen'] : [] })]);
          else if (op.kind === 'move') store.moveMessages(ACCOUNT, [msgId], op.to);
          else if (op.kind === 'flags' && stored)
            store.setFlags(ACCOUNT, msgId, op.seen ? ['seen'] : []);
          else if (op.kind === 'remove') store.removeMessages(ACCOUNT, [msgId]);
        }
        const recount = store.db
          .statement(
            'SELECT folder, count(*) AS total, sum(unread) AS unread FROM messages WHERE account_id = ? GROUP BY folder',
          )
          .all(ACCOUNT) as { folder: string; total: number; unread: number }[];
        const expected = FOLDERS.map((name) => {
          const row = recount.find((entry) => entry.folder === name);
          return { folder: name, total: row?.total ?? 0, unread: row?.unread ?? 0 };
        });
        assert.deepEqual(store.folderCounts(ACCOUNT), expected);
        store.close();
      }),
      { numRuns: 40 },
    );
  });
});
