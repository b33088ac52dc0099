import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import { packArguments } from '../../../../src/client/store/byte-transfer.ts';
import { LocalStoreError, type MessageInput } from '../../../../src/client/store/index.ts';
import { batchPart } from '../../../../src/client/store/message-batch.ts';
import type { CheckedListPage } from '../../../../src/client/store/message-input.ts';
import { message } from './fixtures/messages.ts';

/** A message whose parts are a pooled Buffer and a view into a larger array. */
function withSharedParts(msgId: string, backing: Uint8Array, at: number): MessageInput {
  return {
    ...message(msgId),
    envelopeXml: Buffer.from(`<envelope id="${msgId}"/>`),
    headersXml: backing.subarray(at, at + 3),
  };
}

describe('packing the byte arrays of a call for the worker', () => {
  test('a LIST page: checked, its messages as columns, every part in one new buffer; the caller keeps its own', () => {
    const backing = Uint8Array.from({ length: 16 }, (_, index) => index);
    const messages = [withSharedParts('a', backing, 2), withSharedParts('b', backing, 9)];
    const page = { accountId: messages[0]?.accountId, mailbox: 'INBOX', cursor: 4, messages };
    const packed = packArguments('applyListPage', [page]);
    assert.equal(packed.checked, true);
    assert.equal(packed.transfer.length, 1);
    const buffer = packed.transfer[0];
    assert.ok(buffer);
    const checked = packed.args[0] as CheckedListPage;
    assert.equal(packed.args.length, 1);
    assert.equal(checked.newMessages.parts, buffer);
    assert.equal(checked.newMessages.count, 2);
    const parts = messages.flatMap((item) => [item.envelopeXml, item.headersXml]);
    assert.equal(
      buffer.byteLength,
      parts.reduce((sum, part) => sum + (part?.byteLength ?? 0), 0),
    );
    const { newMessages: _columns, ...rest } = checked;
    assert.deepEqual(rest, {
      accountId: page.accountId,
      mailbox: 'INBOX',
      cursor: 4,
      updates: [],
      removed: [],
    });
    for (const index of [0, 1]) {
      for (const part of ['envelope', 'headers'] as const) {
        const view = batchPart(checked.newMessages, index, part);
        assert.ok(view);
        assert.equal(view.buffer, buffer);
        assert.equal(view.constructor, Uint8Array);
      }
    }
    assert.equal(
      Buffer.from(batchPart(checked.newMessages, 1, 'envelope') ?? []).toString(),
      '<envelope id="b"/>',
    );
    assert.deepEqual([...(batchPart(checked.newMessages, 1, 'headers') ?? [])], [9, 10, 11]);
    assert.equal(page.messages, messages, "the caller's page is unchanged");
    assert.ok(messages[0]?.envelopeXml instanceof Buffer);
  });

  test('message batches and bodies are packed; other calls, and calls without bytes, pass as they are', () => {
    const batch = packArguments('putMessages', [[message('a'), message('b')]]);
    assert.equal(batch.transfer.length, 1);
    const body = new Uint8Array([5, 6, 7]);
    const put = packArguments('putBody', ['acct', 'a', { body, text: 'hi' }]);
    const [account, msgId, packedBody] = put.args as [
      string,
      string,
      { body: Uint8Array; text: string },
    ];
    assert.deepEqual([account, msgId, packedBody.text], ['acct', 'a', 'hi']);
    assert.equal(packedBody.body.buffer, put.transfer[0]);
    assert.deepEqual([...packedBody.body], [5, 6, 7]);
    const listArgs = [{ accountId: 'a', folder: 'inbox' }, { limit: 5 }];
    assert.deepEqual(packArguments('listMessages', listArgs), { args: listArgs, transfer: [] });
    const empty = packArguments('applyListPage', [{ accountId: 'a', mailbox: 'INBOX', cursor: 1 }]);
    assert.equal((empty.args[0] as CheckedListPage).newMessages.count, 0);
  });

  test('a bad page or batch is refused on the spot, naming the field', () => {
    const refused = (op: 'applyListPage' | 'putMessages', args: unknown[], field: RegExp) => {
      assert.throws(
        () => packArguments(op, args),
        (error: unknown) =>
          error instanceof LocalStoreError &&
          error.code === 'LOCAL_STORE_INVALID_INPUT' &&
          field.test(error.message),
      );
    };
    const page = { accountId: 'a', mailbox: 'INBOX', cursor: 1 };
    refused('applyListPage', [{ ...page, messages: [null, 7] }], /page\.messages\[0\]/);
    refused('applyListPage', [{ ...page, cursor: -1 }], /page\.cursor/);
    refused(
      'applyListPage',
      [{ ...page, messages: [message('m')] }],
      /messages\[0\] is of account/,
    );
    refused(
      'putMessages',
      [[message('a'), { ...message('b'), folder: 'spam' }]],
      /messages\[1\]\.folder/,
    );
  });

  test("a transferred buffer leaves the caller's arrays whole", () => {
    const input = message('a');
    const before = [...input.envelopeXml];
    const { args, transfer } = packArguments('putMessages', [[input]]);
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(args, transfer);
    port1.close();
    port2.close();
    assert.equal(transfer[0]?.byteLength, 0, 'the packed buffer moved');
    assert.deepEqual([...input.envelopeXml], before);
  });
});
