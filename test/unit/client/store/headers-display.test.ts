// A message pulled by its plain headers alone leaves its display to the store
// (DisplayFromHeaders), which reads the headers as it writes the message, on the
// worker's thread when it runs in one: the list shows what the headers say, sorted by
// their date, and a message whose headers cannot be read is stored all the same.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  LocalStoreError,
  openLocalStoreWorker,
  type MessageInput,
} from '../../../../src/client/store/index.ts';
import { encodeHeaders } from '../../../../src/message/index.ts';
import { ACCOUNT, message } from './fixtures/messages.ts';
import { openTempStore, storePath, tempFolder } from './fixtures/temp-store.ts';

const folder = tempFolder();
const ARRIVAL = new Date('2026-12-06T03:00:00Z');

function headersOf(subject: string, date: Date | undefined): Uint8Array {
  return encodeHeaders({
    fields: [
      { kind: 'from', mailboxes: [{ name: 'Alice', address: 'alice@alpha.test' }] },
      { kind: 'to', addresses: [{ address: 'bob@alpha.test' }] },
      { kind: 'cc', addresses: [{ group: 'Team', members: [{ address: 'carol@beta.test' }] }] },
      { kind: 'subject', text: subject },
      ...(date === undefined ? [] : [{ kind: 'date' as const, date }]),
    ],
    extensions: [],
  });
}

/** A message as a headers-first sync hands plain headers over. */
function fromHeaders(msgId: string, headersXml: Uint8Array): MessageInput {
  return {
    ...message(msgId),
    envelopeXml: new Uint8Array(0),
    headersXml,
    verificationJson: undefined,
    display: { fromHeaders: true, arrival: ARRIVAL },
  };
}

describe('a display left to the store', () => {
  test('through the worker, is read from the headers and sorts the list by their date', async () => {
    const store = await openLocalStoreWorker({ path: storePath(folder) });
    try {
      await store.ensureAccount(ACCOUNT);
      const older = new Date('2026-11-01T10:00:00Z');
      const newer = new Date('2026-11-02T10:00:00Z');
      await store.applyListPage({
        accountId: ACCOUNT,
        mailbox: 'INBOX',
        cursor: 2,
        messages: [
          fromHeaders('newer', headersOf('Q&A <today>', newer)),
          fromHeaders('older', headersOf('Plain', older)),
          fromHeaders('undated', headersOf('No date', undefined)),
        ],
      });
      const page = await store.listMessages({ accountId: ACCOUNT, folder: 'inbox' }, { limit: 10 });
      assert.deepEqual(
        page.items.map((item) => item.msgId),
        ['undated', 'newer', 'older'],
        'newest first: the headers date them, the arrival the undated one',
      );
      const [undated, shown] = page.items;
      assert.ok(undated && shown);
      assert.equal(undated.display.date.getTime(), ARRIVAL.getTime());
      assert.deepEqual(
        [shown.display.fromName, shown.display.fromAddress, shown.display.subject],
        ['Alice', 'alice@alpha.test', 'Q&A <today>'],
      );
      assert.deepEqual(shown.display.to, ['bob@alpha.test']);
      assert.deepEqual(shown.display.cc, ['carol@beta.test'], 'groups opened');
      assert.equal(shown.display.date.getTime(), newer.getTime());
      assert.deepEqual(
        [shown.display.signed, shown.display.encrypted, shown.display.hasAttachments],
        [false, false, false],
      );
      const found = await store.searchMessages(
        { accountId: ACCOUNT, text: 'today' },
        { limit: 10 },
      );
      assert.deepEqual(
        found.items.map((item) => item.msgId),
        ['newer'],
        'searchable by what the headers say',
      );
    } finally {
      await store.close();
    }
  });

  test('headers that cannot be read: the message is stored, empty, dated by its arrival', () => {
    const store = openTempStore(folder);
    store.ensureAccount(ACCOUNT);
    const broken = new TextEncoder().encode('<headers');
    store.putMessages([fromHeaders('broken', broken)]);
    const stored = store.message(ACCOUNT, 'broken');
    assert.ok(stored);
    assert.deepEqual(
      [stored.display.fromAddress, stored.display.subject, stored.display.to],
      ['', '', []],
    );
    assert.equal(stored.display.date.getTime(), ARRIVAL.getTime());
    assert.deepEqual(stored.headersXml, broken);
  });

  test('is refused without headers, beside an envelope, or without a valid arrival', () => {
    const store = openTempStore(folder);
    store.ensureAccount(ACCOUNT);
    const headers = headersOf('Hi', undefined);
    const cases: [MessageInput, RegExp][] = [
      [{ ...fromHeaders('a', headers), headersXml: undefined }, /fromHeaders needs headersXml/],
      [
        { ...fromHeaders('b', headers), envelopeXml: new Uint8Array([0x3c]) },
        /an empty envelopeXml/,
      ],
      [
        { ...fromHeaders('c', headers), display: { fromHeaders: true, arrival: new Date(NaN) } },
        /display\.arrival/,
      ],
    ];
    for (const [bad, problem] of cases) {
      assert.throws(
        () => store.putMessages([bad]),
        (error: unknown) =>
          error instanceof LocalStoreError &&
          error.code === 'LOCAL_STORE_INVALID_INPUT' &&
          problem.test(error.message),
      );
    }
    const inbox = store.folderCounts(ACCOUNT).find((count) => count.folder === 'inbox');
    assert.equal(inbox?.total ?? 0, 0, 'nothing was written');
  });
});
