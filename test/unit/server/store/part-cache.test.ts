import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageStore, type PartType } from '../../../../src/server/store/index.ts';
import {
  MAX_CACHED_PART_BYTES,
  PartCache,
  isCacheable,
} from '../../../../src/server/store/part-cache.ts';

const filled = (size: number, value = 1) => new Uint8Array(size).fill(value);

test('the cache keeps envelopes and headers up to their size limit, never bodies', () => {
  assert.equal(isCacheable('headers', 1), true);
  assert.equal(isCacheable('envelope', MAX_CACHED_PART_BYTES), true);
  assert.equal(isCacheable('envelope', MAX_CACHED_PART_BYTES + 1), false);
  assert.equal(isCacheable('headers', 0), false);
  assert.equal(isCacheable('body', 10), false);
  const cache = new PartCache(1024 * 1024);
  cache.put('m1', 'headers', filled(MAX_CACHED_PART_BYTES + 1));
  assert.equal(cache.get('m1', 'headers'), undefined);
  assert.equal(cache.get('m1', 'body'), undefined);
  assert.equal(cache.bytes, 0);
});

test('the cache drops the oldest messages, both parts, to stay within its budget', () => {
  const cache = new PartCache(250);
  cache.put('m1', 'envelope', filled(60));
  cache.put('m1', 'headers', filled(40));
  cache.put('m2', 'envelope', filled(100, 2));
  assert.equal(cache.bytes, 200);
  cache.put('m3', 'headers', filled(100, 3));
  assert.equal(cache.bytes, 200);
  assert.equal(cache.get('m1', 'envelope'), undefined);
  assert.equal(cache.get('m1', 'headers'), undefined);
  assert.deepEqual(cache.get('m2', 'envelope'), filled(100, 2));
  assert.deepEqual(cache.get('m3', 'headers'), filled(100, 3));
  // A part over the whole budget is never kept (and evicts nothing).
  cache.put('m4', 'headers', filled(251));
  assert.equal(cache.get('m4', 'headers'), undefined);
  assert.equal(cache.bytes, 200);
});

test('a budget of 0 keeps nothing; a bad budget is refused', () => {
  const cache = new PartCache(0);
  cache.put('m1', 'headers', filled(1));
  assert.equal(cache.get('m1', 'headers'), undefined);
  assert.throws(() => new PartCache(-1), RangeError);
  assert.throws(() => new PartCache(1.5), RangeError);
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mt2-part-cache-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array | undefined) =>
  data === undefined ? undefined : new TextDecoder().decode(data);

const MAILBOX = 'bob@alpha.test';

/** A part of bob's message, which must be at hand without waiting. */
function partNow(store: MessageStore, msgId: string, part: PartType): Uint8Array {
  const bytes = store.mailboxPart(MAILBOX, msgId, part);
  if (!(bytes instanceof Uint8Array))
    throw new Error(
      `${msgId} ${part}: ${bytes === undefined ? 'not in the mailbox' : 'a promise'}`,
    );
  return bytes;
}

async function deliver(store: MessageStore, msgId: string, headers: Uint8Array[]) {
  const incoming = store.begin(msgId);
  await incoming.appendFragment('envelope', bytes(`<envelope id="${msgId}"/>`));
  for (const fragment of headers) await incoming.appendFragment('headers', fragment);
  await incoming.appendFragment('body', bytes(`body of ${msgId}`));
  await incoming.commit([MAILBOX]);
}

for (const partCacheBytes of [0, 1024 * 1024]) {
  test(`mailboxPart gives every part as stored, at once, before and after reopening (cache ${partCacheBytes})`, async () => {
    const big = filled(MAX_CACHED_PART_BYTES + 10, 7);
    const store = await MessageStore.open(dir, { partCacheBytes });
    const fragment = bytes('Subject: one');
    await deliver(store, 'm1@alpha.test', [fragment, bytes(', two')]);
    // The caller's fragment is copied, not kept: changing it later changes nothing stored.
    fragment.fill(0x21);
    await deliver(store, 'm2@alpha.test', [big]);
    const check = async (opened: MessageStore) => {
      assert.equal(text(partNow(opened, 'm1@alpha.test', 'headers')), 'Subject: one, two');
      assert.equal(text(await opened.readPart('m1@alpha.test', 'headers')), 'Subject: one, two');
      assert.equal(
        text(partNow(opened, 'm1@alpha.test', 'envelope')),
        '<envelope id="m1@alpha.test"/>',
      );
      assert.equal(text(await opened.readPart('m2@alpha.test', 'body')), 'body of m2@alpha.test');
      assert.deepEqual(await opened.readPart('m2@alpha.test', 'headers'), big);
    };
    await check(store);
    await store.close();
    const reopened = await MessageStore.open(dir, { partCacheBytes });
    try {
      await check(reopened);
      // Its own copy, not a view into the log segment read at open (that would keep the
      // whole segment in memory).
      const envelope = partNow(reopened, 'm1@alpha.test', 'envelope');
      assert.equal(envelope.buffer.byteLength, envelope.length);
      assert.equal(Buffer.isBuffer(envelope), false);
      assert.equal(reopened.mailboxPart(MAILBOX, 'nope@alpha.test', 'headers'), undefined);
    } finally {
      await reopened.close();
    }
  });
}
