// Messages cross to the store's worker as columns (message-batch.ts), checked on the
// caller's side first (byte-transfer.ts) and written straight from the columns: what the
// store reads back is what the check made of them, and a bad message is refused with the
// field named before anything crosses.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import { checkMessageInputs } from '../../../../src/client/store/message-input.ts';
import type { MessageBatch } from '../../../../src/client/store/message-batch.ts';
import {
  LocalStore,
  LocalStoreError,
  openLocalStoreWorker,
  type MessageInput,
  type StoredMessage,
} from '../../../../src/client/store/index.ts';
import { ACCOUNT, message } from './fixtures/messages.ts';
import { storePath, tempFolder } from './fixtures/temp-store.ts';

const folder = tempFolder();

/** Through a real MessagePort, with the parts' buffer transferred, as the worker gets them. */
async function crossed(batch: MessageBatch): Promise<MessageBatch> {
  const { port1, port2 } = new MessageChannel();
  const received = new Promise<MessageBatch>((resolve) => {
    port2.once('message', (data: MessageBatch) => {
      resolve(data);
    });
  });
  port1.postMessage(batch, [batch.parts]);
  const arrived = await received;
  port1.close();
  port2.close();
  assert.equal(batch.parts.byteLength, 0, 'the parts moved, not copied');
  return arrived;
}

/** A stored message as plain data, byte arrays as plain arrays. */
function plain(stored: StoredMessage | undefined): unknown {
  assert.ok(stored);
  return {
    ...stored,
    envelopeXml: [...stored.envelopeXml],
    headersXml: stored.headersXml === undefined ? undefined : [...stored.headersXml],
  };
}

describe('messages as columns', () => {
  test('are written as checked: absent fields stay absent, every string, flag and number kept', async () => {
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
    const inputs = [full, bare, headersOnly];
    const stores = [storePath(folder), storePath(folder)].map((path) => LocalStore.open({ path }));
    try {
      for (const store of stores) store.ensureAccount(ACCOUNT);
      const [direct, fromColumns] = stores as [LocalStore, LocalStore];
      direct.putMessages(inputs);
      const arrived = await crossed(checkMessageInputs('messages', inputs));
      assert.deepEqual(fromColumns.putCheckedMessages(arrived), {
        inserted: 3,
        updated: 0,
        removed: 0,
      });
      for (const { msgId } of inputs) {
        assert.deepEqual(
          plain(fromColumns.message(ACCOUNT, msgId)),
          plain(direct.message(ACCOUNT, msgId)),
        );
      }
      const [first, second, third] = inputs.map((input) =>
        fromColumns.message(ACCOUNT, input.msgId),
      );
      assert.ok(first && second && third);
      assert.deepEqual(first.serverFlags, ['flagged', 'seen']);
      assert.deepEqual([first.unread, first.flagged], [false, true]);
      assert.deepEqual(first.server, { mailbox: 'INBOX', uid: 77, modseq: 1 });
      assert.deepEqual(first.display.cc, ['c@d.e', '']);
      assert.equal(first.display.subject, 'Grüße, 日本 🎉');
      assert.deepEqual([...first.envelopeXml], [...full.envelopeXml]);
      assert.deepEqual([...(first.headersXml ?? [])], [...(full.headersXml ?? [])]);
      assert.equal(first.verificationJson, full.verificationJson);
      assert.equal(second.server, undefined);
      assert.equal(second.headersXml, undefined);
      assert.equal(second.verificationJson, undefined);
      assert.deepEqual(second.display.to, []);
      assert.deepEqual(
        [second.display.hasAttachments, second.display.signed, second.display.encrypted],
        [true, false, true],
      );
      assert.equal(second.unread, true);
      assert.equal(third.display.date.getTime(), Date.UTC(2031, 4, 6, 7, 8, 9, 123));
      assert.equal(third.envelopeXml.byteLength, 0);
      assert.equal(Buffer.from(third.headersXml ?? []).toString(), '<headers/>');
    } finally {
      for (const store of stores) store.close();
    }
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
