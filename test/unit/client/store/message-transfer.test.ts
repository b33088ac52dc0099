// Messages cross to the store's worker as columns (message-transfer.ts): what the worker
// reads back is what the caller gave, and anything not shaped like a message is left to
// the store's validation, which refuses it with the field named, as for any call.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import { packMessages, unpackMessages } from '../../../../src/client/store/message-transfer.ts';
import {
  LocalStoreError,
  openLocalStoreWorker,
  type MessageInput,
} from '../../../../src/client/store/index.ts';
import { ACCOUNT, message } from './fixtures/messages.ts';
import { storePath, tempFolder } from './fixtures/temp-store.ts';

const folder = tempFolder();

/** Through a real MessagePort, with the parts' buffer transferred, as the worker gets them. */
async function crossed(items: readonly unknown[]): Promise<MessageInput[]> {
  const columns = packMessages(items);
  assert.ok(columns, 'packed');
  const { port1, port2 } = new MessageChannel();
  const received = new Promise<typeof columns>((resolve) => {
    port2.once('message', (data: typeof columns) => {
      resolve(data);
    });
  });
  port1.postMessage(columns, [columns.parts]);
  const arrived = await received;
  port1.close();
  port2.close();
  return unpackMessages(arrived);
}

/** A message as plain data, byte arrays as plain arrays, absent fields as undefined. */
function plain(input: MessageInput): unknown {
  return {
    server: undefined,
    verificationJson: undefined,
    ...input,
    envelopeXml: [...input.envelopeXml],
    headersXml: input.headersXml === undefined ? undefined : [...input.headersXml],
  };
}

describe('messages as columns', () => {
  test('arrive as given, in one shape: absent optional fields as undefined, every flag and number kept', async () => {
    const full = message('full', { serverFlags: ['seen', 'flagged'], uid: 77 });
    const {
      server: _server,
      headersXml: _headers,
      verificationJson: _json,
      ...bare
    } = message('bare', {
      to: [],
      display: { hasAttachments: true, signed: false, encrypted: true, cc: ['c@d.e'] },
    });
    const headersOnly: MessageInput = {
      ...message('headers-only', { date: new Date(Date.UTC(2031, 4, 6, 7, 8, 9, 123)) }),
      envelopeXml: new Uint8Array(0),
      headersXml: Buffer.from('<headers/>'),
    };
    const given = [full, bare, headersOnly];
    const arrived = await crossed(given);
    assert.deepEqual(arrived.map(plain), given.map(plain));
    assert.equal(arrived[1]?.server, undefined);
    assert.equal(arrived[1]?.headersXml, undefined);
    assert.equal(arrived[1]?.verificationJson, undefined);
    // The same properties in the same order: the store reads them all with one shape.
    const shapes = arrived.map((input) => Object.keys(input).join());
    assert.deepEqual(new Set(shapes).size, 1, shapes.join(' | '));
    assert.equal(arrived[2]?.display.date.getTime(), Date.UTC(2031, 4, 6, 7, 8, 9, 123));
  });

  test('anything not shaped like a message is not packed (the objects go as they are)', () => {
    const good = message('a');
    const shapes: unknown[] = [
      null,
      { ...good, msgId: 5 },
      { ...good, server: { ...good.server, uid: '5' } },
      { ...good, sizes: null },
      { ...good, envelopeXml: 'text' },
      { ...good, headersXml: [1, 2] },
      { ...good, verificationJson: {} },
      { ...good, serverFlags: 'seen' },
      { ...good, display: { ...good.display, date: Date.now() } },
      { ...good, display: { ...good.display, signed: 1 } },
      { ...good, display: { ...good.display, to: 'x@y.z' } },
    ];
    for (const shape of shapes) {
      assert.equal(packMessages([good, shape]), undefined, JSON.stringify(shape));
    }
  });

  test('through the worker, bad values inside well-shaped messages are refused, naming the field', async () => {
    const store = await openLocalStoreWorker({ path: storePath(folder) });
    try {
      await store.ensureAccount(ACCOUNT);
      const good = message('good');
      const cases: [MessageInput, RegExp][] = [
        [{ ...good, sizes: { ...good.sizes, body: -1 } }, /messages\[1\]\.sizes\.body/],
        [
          { ...good, server: { mailbox: 'INBOX', uid: 1.5, modseq: 1 } },
          /messages\[1\]\.server\.uid/,
        ],
        [{ ...good, display: { ...good.display, date: new Date(Number.NaN) } }, /display\.date/],
        [{ ...good, folder: 'spam' as MessageInput['folder'] }, /messages\[1\]\.folder/],
        [{ ...good, serverFlags: [7 as unknown as string] }, /serverFlags\[0\]/],
        [{ ...good, display: { ...good.display, cc: [null as unknown as string] } }, /cc\[0\]/],
        [{ ...good, verificationJson: '{' }, /verificationJson/],
        [{ ...good, msgId: '' }, /messages\[1\]\.msgId/],
      ];
      for (const [bad, field] of cases) {
        await assert.rejects(
          store.applyListPage({
            accountId: ACCOUNT,
            mailbox: 'INBOX',
            cursor: 9,
            messages: [message('first'), bad],
          }),
          (error: unknown) =>
            error instanceof LocalStoreError &&
            error.code === 'LOCAL_STORE_INVALID_INPUT' &&
            field.test(error.message),
        );
      }
      assert.equal(await store.listCursor(ACCOUNT, 'INBOX'), 0, 'no page was applied');
      assert.equal(await store.message(ACCOUNT, 'first'), undefined);
    } finally {
      await store.close();
    }
  });
});
