import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MessageStore,
  StoreError,
  type StoreErrorCode,
} from '../../../../src/server/store/index.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mt2-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);
const code = (expected: StoreErrorCode) => (error: unknown) =>
  error instanceof StoreError && error.code === expected;

async function deliver(store: MessageStore, msgId: string, mailboxes: string[]) {
  const incoming = store.begin(msgId);
  await incoming.appendFragment('envelope', bytes(`<envelope id="${msgId}"/>`));
  await incoming.appendFragment('headers', bytes(`<headers id="${msgId}"/>`));
  await incoming.appendFragment('body', bytes(`body of ${msgId}, `));
  await incoming.appendFragment('body', bytes('second fragment'));
  return incoming.commit(mailboxes);
}

test('a committed message survives reopening, each part readable on its own', async () => {
  const store = await MessageStore.open(dir);
  const committed = await deliver(store, 'm1@alpha.test', ['alice@alpha.test', 'bob@alpha.test']);
  assert.deepEqual(committed.deliveries, [
    { mailbox: 'alice@alpha.test', uid: 1 },
    { mailbox: 'bob@alpha.test', uid: 1 },
  ]);
  await store.close();

  const reopened = await MessageStore.open(dir);
  assert.equal(
    text(await reopened.readPart('m1@alpha.test', 'body')),
    'body of m1@alpha.test, second fragment',
  );
  assert.equal(
    text(await reopened.readPart('m1@alpha.test', 'headers')),
    '<headers id="m1@alpha.test"/>',
  );
  assert.deepEqual(reopened.sizes('m1@alpha.test'), { envelope: 30, headers: 29, body: 38 });
  const { entries } = reopened.list('alice@alpha.test');
  assert.equal(entries.length, 1);
  assert.equal(entries[0]?.msgId, 'm1@alpha.test');
  await reopened.close();
});

test('fragments of a message never committed are invisible after reopening', async () => {
  const store = await MessageStore.open(dir);
  const incoming = store.begin('cut@alpha.test');
  await incoming.appendFragment('envelope', bytes('<envelope/>'));
  await incoming.appendFragment('headers', bytes('<headers/>'));
  await deliver(store, 'whole@alpha.test', ['alice@alpha.test']);
  await store.close();

  const reopened = await MessageStore.open(dir);
  assert.equal(reopened.has('cut@alpha.test'), false);
  assert.equal(reopened.has('whole@alpha.test'), true);
  assert.deepEqual(
    reopened.list('alice@alpha.test').entries.map((entry) => entry.msgId),
    ['whole@alpha.test'],
  );
  // The transaction ids of abandoned fragments are not reused: a new message stays whole.
  await deliver(reopened, 'after@alpha.test', ['alice@alpha.test']);
  assert.equal(
    text(await reopened.readPart('after@alpha.test', 'envelope')),
    '<envelope id="after@alpha.test"/>',
  );
  await reopened.close();
});

test('a message id is stored once: a retried transfer is refused as a duplicate', async () => {
  const store = await MessageStore.open(dir);
  await deliver(store, 'dup@alpha.test', ['alice@alpha.test']);
  assert.throws(() => store.begin('dup@alpha.test'), code('STORE_DUPLICATE_MESSAGE'));

  const racing = await Promise.allSettled([
    deliver(store, 'race@alpha.test', ['alice@alpha.test']),
    deliver(store, 'race@alpha.test', ['alice@alpha.test']),
  ]);
  assert.deepEqual(racing.map((result) => result.status).sort(), ['fulfilled', 'rejected']);
  assert.equal(store.list('alice@alpha.test').entries.length, 2);
  await store.close();
});

test('LIST from a cursor reports only what changed: arrivals, flags and expunges', async () => {
  const store = await MessageStore.open(dir);
  for (let i = 1; i <= 3; i++) await deliver(store, `m${i}@alpha.test`, ['alice@alpha.test']);
  const first = store.list('alice@alpha.test');
  assert.deepEqual(
    first.entries.map((entry) => entry.uid),
    [1, 2, 3],
  );

  await store.setFlags('alice@alpha.test', 2, ['\\Seen', '\\Seen', '\\Flagged']);
  await store.expunge('alice@alpha.test', 3);
  await deliver(store, 'm4@alpha.test', ['alice@alpha.test']);
  const changes = store.list('alice@alpha.test', first.cursor);
  assert.deepEqual(
    changes.entries.map((entry) => [entry.uid, entry.flags, entry.expunged]),
    [
      [2, ['\\Flagged', '\\Seen'], false],
      [3, [], true],
      [4, [], false],
    ],
  );
  assert.equal(store.list('alice@alpha.test', changes.cursor).entries.length, 0);
  await store.close();

  const reopened = await MessageStore.open(dir);
  assert.deepEqual(reopened.list('alice@alpha.test', first.cursor), changes);
  assert.throws(() => reopened.entry('alice@alpha.test', 3), code('STORE_UNKNOWN_ENTRY'));
  await reopened.close();
});

test("a mailbox's part: only of a message the mailbox holds, not once expunged", async () => {
  const store = await MessageStore.open(dir);
  await deliver(store, 'm1@alpha.test', ['alice@alpha.test', 'bob@alpha.test']);
  await deliver(store, 'm2@alpha.test', ['bob@alpha.test']);
  const read = async (mailbox: string, msgId: string, part: 'headers' | 'body') => {
    const bytes = await store.mailboxPart(mailbox, msgId, part);
    return bytes === undefined ? undefined : text(bytes);
  };
  assert.equal(
    await read('alice@alpha.test', 'm1@alpha.test', 'headers'),
    '<headers id="m1@alpha.test"/>',
  );
  assert.equal(
    await read('alice@alpha.test', 'm1@alpha.test', 'body'),
    'body of m1@alpha.test, second fragment',
  );
  assert.equal(await read('alice@alpha.test', 'm2@alpha.test', 'headers'), undefined);
  assert.equal(await read('alice@alpha.test', 'nope@alpha.test', 'headers'), undefined);
  assert.equal(await read('carol@alpha.test', 'm1@alpha.test', 'headers'), undefined);
  await store.expunge('alice@alpha.test', 1);
  assert.equal(await read('alice@alpha.test', 'm1@alpha.test', 'headers'), undefined);
  assert.equal(store.uidOf('alice@alpha.test', 'm1@alpha.test'), undefined);
  // Still in Bob's mailbox, after reopening too.
  await store.close();
  const reopened = await MessageStore.open(dir);
  assert.equal(reopened.uidOf('bob@alpha.test', 'm1@alpha.test'), 1);
  assert.equal(
    text((await reopened.mailboxPart('bob@alpha.test', 'm1@alpha.test', 'envelope')) ?? bytes('')),
    '<envelope id="m1@alpha.test"/>',
  );
  assert.equal(
    await reopened.mailboxPart('alice@alpha.test', 'm1@alpha.test', 'envelope'),
    undefined,
  );
  await reopened.close();
});

test('LIST pages with a limit and says when more is waiting', async () => {
  const store = await MessageStore.open(dir);
  for (let i = 1; i <= 5; i++) await deliver(store, `p${i}@alpha.test`, ['alice@alpha.test']);
  const page = store.list('alice@alpha.test', 0, 2);
  assert.equal(page.entries.length, 2);
  assert.equal(page.more, true);
  const rest = store.list('alice@alpha.test', page.cursor, 10);
  assert.deepEqual(
    rest.entries.map((entry) => entry.uid),
    [3, 4, 5],
  );
  assert.equal(rest.more, false);
  await store.close();
});

test('a control message may be an envelope alone', async () => {
  const store = await MessageStore.open(dir);
  const incoming = store.begin('report@alpha.test');
  const envelope = bytes('<envelope control="error-report"/>');
  await incoming.appendFragment('envelope', envelope);
  await incoming.commit(['alice@alpha.test']);
  assert.deepEqual(store.sizes('report@alpha.test'), {
    envelope: envelope.length,
    headers: 0,
    body: 0,
  });
  await store.close();
});

test('parts must come in order, and a finished transaction takes nothing more', async () => {
  const store = await MessageStore.open(dir);
  const incoming = store.begin('order@alpha.test');
  await incoming.appendFragment('headers', bytes('<headers/>'));
  await assert.rejects(
    incoming.appendFragment('envelope', bytes('<envelope/>')),
    code('STORE_PART_ORDER'),
  );
  incoming.discard();
  await assert.rejects(
    incoming.appendFragment('body', bytes('x')),
    code('STORE_TRANSACTION_FINISHED'),
  );
  assert.throws(() => incoming.commit(['alice@alpha.test']), code('STORE_TRANSACTION_FINISHED'));
  await store.close();
});

test('unknown messages and entries are typed errors', async () => {
  const store = await MessageStore.open(dir);
  await assert.rejects(store.readPart('nope@alpha.test', 'body'), code('STORE_UNKNOWN_MESSAGE'));
  await assert.rejects(store.setFlags('alice@alpha.test', 9, []), code('STORE_UNKNOWN_ENTRY'));
  assert.deepEqual(store.list('nobody@alpha.test'), { entries: [], cursor: 0, more: false });
  await store.close();
});

test('a second open of the same store is refused while the first holds it', async () => {
  const store = await MessageStore.open(dir);
  await assert.rejects(MessageStore.open(dir), code('STORE_LOCKED'));
  await store.close();
  const again = await MessageStore.open(dir);
  await again.close();
});

test('group commit: many concurrent messages cost far fewer fsyncs than writes', async () => {
  const store = await MessageStore.open(dir);
  await Promise.all(
    Array.from({ length: 100 }, (_, i) => deliver(store, `g${i}@alpha.test`, ['alice@alpha.test'])),
  );
  // 100 messages x (4 fragments + 1 commit) = 500 durable writes.
  assert.ok(store.syncCount < 250, `${store.syncCount} fsyncs for 500 durable writes`);
  assert.equal(store.list('alice@alpha.test').entries.length, 100);
  await store.close();
});
