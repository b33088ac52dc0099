import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import {
  MAX_SEARCH_CHARS,
  MAX_SEARCH_TERMS,
  type LocalStore,
  type SearchQuery,
} from '../../../../src/client/store/index.ts';
import { ACCOUNT, message } from './fixtures/messages.ts';
import { openTempStore } from './fixtures/temp-store.ts';

const BASE_MS = Date.UTC(2026, 0, 1);

function search(
  store: LocalStore,
  text: string,
  extra: Partial<SearchQuery> = {},
  limit = 100,
): string[] {
  const ids: string[] = [];
  let after: string | undefined;
  do {
    const page = store.searchMessages(
      { accountId: ACCOUNT, text, ...extra },
      after === undefined ? { limit } : { limit, after },
    );
    ids.push(...page.items.map((item) => item.msgId));
    after = page.next;
  } while (after !== undefined);
  return ids;
}

describe('full-text search', () => {
  const store = openTempStore();
  before(() => {
    store.ensureAccount(ACCOUNT);
    store.ensureAccount('other');
    const at = (second: number) => new Date(BASE_MS + second * 1000);
    store.putMessages([
      message('m1', { date: at(10), subject: 'Quarterly report', fromName: 'Carol Finance' }),
      message('m2', { date: at(30), subject: 'Lunch on Friday?', to: ['dave@d.example'] }),
      message('m3', { date: at(20), subject: 'Re: quarterly report', folder: 'sent' }),
      message('m4', { date: at(20), subject: 'Café meeting' }),
      message('m5', { date: at(5), subject: 'report "draft" OR NOT (final)' }),
      message('x1', { accountId: 'other', date: at(40), subject: 'quarterly report' }),
    ]);
    store.putBody(ACCOUNT, 'm2', {
      body: new Uint8Array([1]),
      text: 'Bring the spreadsheet please',
    });
  });

  test('finds words in subject, from, to and body text, newest first', () => {
    assert.deepEqual(search(store, 'report'), ['m3', 'm1', 'm5']);
    assert.deepEqual(search(store, 'carol'), ['m1']);
    assert.deepEqual(search(store, 'dave@d.example'), ['m2']);
    assert.deepEqual(search(store, 'spreadsheet'), ['m2']);
  });

  test('every word must match; case and accents do not matter; the last word is a prefix', () => {
    assert.deepEqual(search(store, 'QUARTERLY re'), ['m3', 'm1']);
    assert.deepEqual(search(store, 'cafe'), ['m4']);
    assert.deepEqual(search(store, 'spread'), ['m2']);
    assert.deepEqual(search(store, 'please spread'), ['m2']);
    assert.deepEqual(search(store, 'spread please'), [], 'only the last word is a prefix');
    assert.deepEqual(search(store, 'spread xyzzy'), []);
  });

  test('paging through results one at a time gives the same order', () => {
    assert.deepEqual(search(store, 'report', {}, 1), ['m3', 'm1', 'm5']);
    assert.deepEqual(search(store, 'report', {}, 2), ['m3', 'm1', 'm5']);
  });

  test('a folder filter and the account limit what is found', () => {
    assert.deepEqual(search(store, 'report', { folder: 'sent' }), ['m3']);
    assert.deepEqual(search(store, 'report', { folder: 'inbox' }), ['m1', 'm5']);
    assert.deepEqual(search(store, 'quarterly', { accountId: 'other' }), ['x1']);
  });

  test('FTS5 syntax in user text is taken literally, never as operators', () => {
    assert.deepEqual(search(store, 'report OR final'), ['m5'], 'OR is a word here');
    assert.deepEqual(search(store, 'report OR lunch'), [], 'not an OR query');
    assert.deepEqual(search(store, 'NOT'), ['m5']);
    assert.deepEqual(search(store, '"draft"'), ['m5']);
    assert.deepEqual(
      search(store, 'subject:lunch'),
      [],
      'no column filter: subject and lunch are words',
    );
    assert.deepEqual(search(store, 'lunch*'), ['m2']);
  });

  const hostile = [
    '"',
    '""',
    '"unclosed',
    '*',
    '* *',
    '(',
    ')',
    'NEAR(report lunch, 2)',
    'report AND',
    'OR',
    '-report',
    '^report',
    'sender:',
    ':',
    '{sender subject}: report',
    "'; DROP TABLE messages; --",
    '\u0000',
    'report\u0000lunch',
    '\uD800',
    '\uDC00report',
    '🙂',
    '   ',
    '',
    '\\',
    '+',
    'a'.repeat(MAX_SEARCH_CHARS),
  ];
  for (const text of hostile) {
    test(`hostile search text ${JSON.stringify(text.slice(0, 30))} neither fails nor matches everything`, () => {
      const found = search(store, text);
      assert.ok(found.length < 5, `found ${found.join(',')}`);
    });
  }

  test('property: any text gives a result or a limit error, never a SQL error', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
        try {
          search(store, text);
        } catch (error) {
          assert.equal((error as { code?: unknown }).code, 'LOCAL_STORE_INVALID_INPUT');
        }
      }),
      { numRuns: 300 },
    );
  });

  test('search text over the limits is refused', () => {
    assert.throws(() => search(store, 'a'.repeat(MAX_SEARCH_CHARS + 1)), {
      code: 'LOCAL_STORE_INVALID_INPUT',
    });
    const words = Array.from({ length: MAX_SEARCH_TERMS + 1 }, (_, index) => `w${index}`).join(' ');
    assert.throws(() => search(store, words), { code: 'LOCAL_STORE_INVALID_INPUT' });
    assert.deepEqual(search(store, words.split(' ').slice(0, MAX_SEARCH_TERMS).join(' ')), []);
  });

  test('removed messages and changed subjects leave the index', () => {
    const own = openTempStore();
    own.ensureAccount(ACCOUNT);
    own.putMessages([message('a', { subject: 'walrus' }), message('b', { subject: 'walrus' })]);
    own.removeMessages(ACCOUNT, ['a']);
    own.putMessages([message('b', { subject: 'narwhal' })]);
    assert.deepEqual(search(own, 'walrus'), []);
    assert.deepEqual(search(own, 'narwhal'), ['b']);
  });
});
