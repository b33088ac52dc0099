import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { packBytes } from '../../../../src/client/store/byte-transfer.ts';

describe('packing byte arrays for the worker', () => {
  test('every byte array becomes a view of one new buffer; the originals stay as they were', () => {
    const pooled = Buffer.from('pooled bytes'); // shares Node's Buffer pool with others
    const whole = new Uint8Array([1, 2, 3, 4, 5, 6]);
    const part = whole.subarray(2, 5);
    const date = new Date(0);
    const args = [{ envelopeXml: pooled, nested: { list: [part, 'text', 7] }, date }, whole];
    const { value, transfer } = packBytes(args);
    assert.equal(transfer.length, 1);
    const buffer = transfer[0];
    assert.ok(buffer);
    assert.equal(buffer.byteLength, pooled.byteLength + part.byteLength + whole.byteLength);
    const [first, second] = value as [
      { envelopeXml: Uint8Array; nested: { list: [Uint8Array, string, number] }; date: Date },
      Uint8Array,
    ];
    for (const view of [first.envelopeXml, first.nested.list[0], second]) {
      assert.equal(view.buffer, buffer);
      assert.equal(view.constructor, Uint8Array);
    }
    assert.deepEqual([...first.envelopeXml], [...pooled]);
    assert.deepEqual([...first.nested.list[0]], [3, 4, 5]);
    assert.deepEqual([...second], [1, 2, 3, 4, 5, 6]);
    assert.equal(first.nested.list[1], 'text');
    assert.equal(first.date, date, 'other objects are left to the structured clone');
    assert.notEqual(value, args, 'the caller keeps its own objects');
    assert.equal(pooled.toString(), 'pooled bytes');
    assert.deepEqual([...whole], [1, 2, 3, 4, 5, 6]);
  });

  test('an array given twice is copied once; a value without bytes is passed on as it is', () => {
    const bytes = new Uint8Array([9, 9]);
    const { value, transfer } = packBytes({ a: bytes, b: bytes });
    const packed = value as { a: Uint8Array; b: Uint8Array };
    assert.equal(packed.a, packed.b);
    assert.equal(transfer[0]?.byteLength, 2);
    const plain = { query: { accountId: 'a' }, page: { limit: 5 } };
    const unchanged = packBytes(plain);
    assert.equal(unchanged.value, plain);
    assert.deepEqual(unchanged.transfer, []);
  });

  test("a transferred buffer leaves the caller's arrays whole", () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const { value, transfer } = packBytes([bytes]);
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(value, transfer);
    port1.close();
    port2.close();
    assert.equal(transfer[0]?.byteLength, 0, 'the packed buffer moved');
    assert.deepEqual([...bytes], [1, 2, 3]);
  });
});
