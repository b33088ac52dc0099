// Messages cross to the store's worker as columns (message-transfer.ts), checked on the
// caller's side first (byte-transfer.ts): what the worker reads back is what the check
// made of them, and a bad message is refused with the field named before anything
// crosses.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import {
  checkMessageInputs,
  type MessageColumns,
} from '../../../../src/client/store/message-input.ts';
import { packColumns, unpackColumns } from '../../../../src/client/store/message-transfer.ts';
import {
  LocalStoreError,
  openLocalStoreWorker,
  type MessageInput,
} from '../../../../src/client/store/index.ts';
import { ACCOUNT, message } from './fixtures/messages.ts';
import { storePath, tempFolder } from './fixtures/temp-store.ts';

const folder = tempFolder();

/** Through a real MessagePort, with the parts' buffer transferred, as the worker gets them. */
async function crossed(rows: readonly MessageColumns[]): Promise<MessageColumns[]> {
  const columns = packColumns(rows);
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
  return unpackColumns(arrived);
}

/** A row as plain data, byte arrays as plain arrays. */
function plain(row: MessageColumns): unknown {
  return {
    ...row,
    envelopeXml: [...row.envelopeXml],
    headersXml: row.headersXml === null ? null : [...row.headersXml],
  };
}

describe('messages as columns', () => {
  test('arrive as checked: absent fields as null, every string, flag and number kept, one shape', async () => {
    const full = message('full', {
      serverFlags: ['seen', 'flagged'],
      uid: 77,
      subject: 'Grüße, 日本 🎉',
      display: { cc: ['c@d.e', ''], snippet: '' },
    });
    const {
      server: _server,
      headersXml: _headers,
      verificationJson: _json,
      ...bare
    } = message('bare', {
      to: [],
      display: { hasAttachments: true, signed: false, encrypted: true, fromName: '' },
    });
    const headersOnly: MessageInput = {
      ...message('headers-only', { date: new Date(Date.UTC(2031, 4, 6, 7, 8, 9, 123)) }),
      envelopeXml: new Uint8Array(0),
      headersXml: Buffer.from('<headers/>'),
    };
    const checked = checkMessageInputs('messages', [full, bare, headersOnly]);
    const arrived = await crossed(checked);
    assert.deepEqual(arrived.map(plain), checked.map(plain));
    const [first, second, third] = arrived;
    assert.ok(first && second && third);
    assert.deepEqual(first.serverFlags, ['flagged', 'seen']);
    assert.deepEqual(first.cc, ['c@d.e', '']);
    assert.equal(first.subject, 'Grüße, 日本 🎉');
    assert.deepEqual([second.mailbox, second.uid, second.modseq], [null, null, null]);
    assert.equal(second.headersXml, null);
    assert.equal(second.verificationJson, null);
    assert.equal(third.dateMs, Date.UTC(2031, 4, 6, 7, 8, 9, 123));
    assert.equal(third.envelopeXml.byteLength, 0);
    // The same properties in the same order: the store reads them all with one shape.
    const shapes = arrived.map((row) => Object.keys(row).join());
    assert.deepEqual(new Set(shapes).size, 1, shapes.join(' | '));
  });

  test('through the worker, a bad message is refused before it crosses, naming the field', async () => {
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
        // Not shaped like a message at all.
        [null as unknown as MessageInput, /messages\[1\] must be an object/],
        [{ ...good, msgId: 5 as unknown as string }, /messages\[1\]\.msgId/],
        [{ ...good, sizes: null as unknown as MessageInput['sizes'] }, /messages\[1\]\.sizes/],
        [{ ...good, envelopeXml: 'text' as unknown as Uint8Array }, /envelopeXml/],
        [{ ...good, serverFlags: 'seen' as unknown as string[] }, /serverFlags/],
        [
          { ...good, display: { ...good.display, date: Date.now() as unknown as Date } },
          /display\.date/,
        ],
        [
          { ...good, display: { ...good.display, to: 'x@y.z' as unknown as string[] } },
          /display\.to/,
        ],
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
