import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import {
  LocalStore,
  LocalStoreError,
  openLocalStoreWorker,
  type LocalStoreProxy,
} from '../../../../src/client/store/index.ts';
import { storeWorkers } from '../../../../src/client/store/proxy.ts';
import { IDLE_STORE_WORKER_MS } from '../../../../src/client/store/worker-pool.ts';
import { ACCOUNT, message } from './fixtures/messages.ts';
import { storePath, tempFolder } from './fixtures/temp-store.ts';

const folder = tempFolder();

async function withWorker(
  fn: (store: LocalStoreProxy, path: string) => Promise<void>,
): Promise<void> {
  const path = storePath(folder);
  const store = await openLocalStoreWorker({ path });
  try {
    await fn(store, path);
  } finally {
    await store.close();
  }
}

async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof LocalStoreError, `not a LocalStoreError: ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });
}

describe('the store in a worker thread', () => {
  test('operations run in the worker and return the same values as the core', async () => {
    await withWorker(async (store) => {
      await store.ensureAccount(ACCOUNT);
      const input = message('m1', { subject: 'worker walrus' });
      assert.deepEqual(await store.putMessages([input]), { inserted: 1, updated: 0, removed: 0 });
      const stored = await store.message(ACCOUNT, 'm1');
      assert.ok(stored);
      assert.deepEqual(stored.envelopeXml, input.envelopeXml);
      assert.ok(stored.display.date instanceof Date);
      assert.deepEqual(stored.display, input.display);
      const body = new Uint8Array(1024 * 1024).fill(7);
      await store.putBody(ACCOUNT, 'm1', { body, text: 'text' });
      const read = await store.messageBody(ACCOUNT, 'm1');
      assert.equal(read?.body.length, body.length);
      const found = await store.searchMessages(
        { accountId: ACCOUNT, text: 'walrus' },
        { limit: 5 },
      );
      assert.deepEqual(
        found.items.map((item) => item.msgId),
        ['m1'],
      );
      assert.deepEqual(await store.folderCounts(ACCOUNT), [
        { folder: 'inbox', total: 1, unread: 1 },
        { folder: 'sent', total: 0, unread: 0 },
        { folder: 'outbox', total: 0, unread: 0 },
        { folder: 'drafts', total: 0, unread: 0 },
        { folder: 'trash', total: 0, unread: 0 },
      ]);
    });
  });

  test('byte arrays cross as one transferred buffer: pooled Buffers and subarrays arrive exactly, the caller keeps its own', async () => {
    await withWorker(async (store) => {
      await store.ensureAccount(ACCOUNT);
      const backing = new Uint8Array(64).map((_, index) => index);
      const page = [0, 1, 2].map((index) => ({
        ...message(`t${index}`),
        // A Buffer from Node's shared pool and a view into a larger array.
        envelopeXml: Buffer.from(`<envelope n="${index}"/>`),
        headersXml: backing.subarray(index * 10, index * 10 + 5),
      }));
      const result = await store.applyListPage({
        accountId: ACCOUNT,
        mailbox: 'INBOX',
        cursor: 3,
        messages: page,
      });
      assert.deepEqual(result, { inserted: 3, updated: 0, removed: 0 });
      for (const [index, input] of page.entries()) {
        const stored = await store.message(ACCOUNT, `t${index}`);
        assert.equal(Buffer.from(stored?.envelopeXml ?? []).toString(), `<envelope n="${index}"/>`);
        assert.deepEqual(
          [...(stored?.headersXml ?? [])],
          [0, 1, 2, 3, 4].map((n) => n + index * 10),
        );
        assert.equal(input.envelopeXml.toString(), `<envelope n="${index}"/>`, 'not detached');
      }
      assert.equal(backing.byteLength, 64, 'the caller still has its array');
      assert.equal(backing[63], 63);
    });
  });

  test('errors cross the boundary as LocalStoreError with their codes', async () => {
    await withWorker(async (store) => {
      await store.ensureAccount(ACCOUNT);
      await rejectsWithCode(
        store.putMessages([message('m1', { accountId: 'nobody' })]),
        'LOCAL_STORE_NOT_FOUND',
      );
      await rejectsWithCode(
        store.listMessages({ accountId: ACCOUNT, folder: 'inbox' }, { limit: 5, after: 'forged' }),
        'LOCAL_STORE_BAD_CURSOR',
      );
      await rejectsWithCode(store.setVerification(ACCOUNT, 'm1', '{'), 'LOCAL_STORE_INVALID_INPUT');
      // Arguments that cannot be copied to the worker are refused before they are sent.
      const uncloneable = { accountId: ACCOUNT, draftJson: '{}', nextAttemptAt: () => 0 };
      await rejectsWithCode(
        store.addOutboxItem(uncloneable as unknown as { accountId: string; draftJson: string }),
        'LOCAL_STORE_INVALID_INPUT',
      );
      assert.deepEqual(await store.listOutbox({}), [], 'the store still works after errors');
    });
  });

  test('calls are answered in order, and many at once all complete', async () => {
    await withWorker(async (store) => {
      await store.ensureAccount(ACCOUNT);
      const writes = Array.from({ length: 50 }, (_, index) =>
        store.putMessages([message(`m${index}`)]),
      );
      const counts = store.folderCounts(ACCOUNT);
      await Promise.all(writes);
      assert.equal(
        (await counts)[0]?.total,
        50,
        'the count ran after the 50 writes sent before it',
      );
    });
  });

  test('opening a damaged or newer file rejects with its code, leaving the file as it was', async () => {
    const garbage = storePath(folder);
    writeFileSync(garbage, 'not a database'.repeat(100));
    const before = readFileSync(garbage);
    await rejectsWithCode(openLocalStoreWorker({ path: garbage }), 'LOCAL_STORE_CORRUPT');
    assert.equal(Buffer.compare(readFileSync(garbage), before), 0);

    const newer = storePath(folder);
    LocalStore.open({ path: newer }).close();
    const raw = new Database(newer);
    raw.pragma('user_version = 99');
    raw.close();
    await rejectsWithCode(openLocalStoreWorker({ path: newer }), 'LOCAL_STORE_SCHEMA_TOO_NEW');
  });

  test('after close, calls reject with LOCAL_STORE_CLOSED; calls sent before close complete', async () => {
    const store = await openLocalStoreWorker({ path: storePath(folder) });
    const pending = store.ensureAccount(ACCOUNT);
    const closing = store.close();
    await pending;
    await closing;
    await store.close();
    await rejectsWithCode(store.folderCounts(ACCOUNT), 'LOCAL_STORE_CLOSED');
  });

  test('slow operations are reported with their name and duration', async () => {
    const slow: string[] = [];
    const store = await openLocalStoreWorker({
      path: storePath(folder),
      slowOperationMs: 0.000001,
      onSlowOperation: (operation, ms) => {
        assert.ok(ms > 0);
        slow.push(operation);
      },
    });
    try {
      await store.ensureAccount(ACCOUNT);
      await store.folderCounts(ACCOUNT);
    } finally {
      await store.close();
    }
    assert.deepEqual(slow, ['ensureAccount', 'folderCounts']);
  });

  test('the worker does not block the caller: timers run while a big batch is written', async () => {
    await withWorker(async (store) => {
      await store.ensureAccount(ACCOUNT);
      const batch = Array.from({ length: 3000 }, (_, index) => message(`m${index}`));
      let ticks = 0;
      const timer = setInterval(() => {
        ticks += 1;
      }, 1);
      try {
        await store.putMessages(batch);
      } finally {
        clearInterval(timer);
      }
      assert.ok(ticks > 0, 'no timer ran while the worker wrote');
    });
  });
});

describe('one thread after another store', () => {
  test('a store opened after another closed runs in its thread and sees only its own file', async () => {
    const first = storePath(folder);
    const second = storePath(folder);
    const a = await openLocalStoreWorker({ path: first });
    await a.ensureAccount(ACCOUNT);
    await a.putMessages([message('only-in-a')]);
    await a.close();
    const started = storeWorkers.started;

    const b = await openLocalStoreWorker({ path: second });
    try {
      await b.ensureAccount(ACCOUNT);
      assert.equal(await b.message(ACCOUNT, 'only-in-a'), undefined);
      await b.putMessages([message('only-in-b')]);
    } finally {
      await b.close();
    }
    const again = await openLocalStoreWorker({ path: first });
    try {
      assert.ok(await again.message(ACCOUNT, 'only-in-a'));
      assert.equal(await again.message(ACCOUNT, 'only-in-b'), undefined);
    } finally {
      await again.close();
    }
    assert.equal(storeWorkers.started, started, 'a new thread was started');
    await rejectsWithCode(a.folderCounts(ACCOUNT), 'LOCAL_STORE_CLOSED');
  });

  test('a file that fails to open leaves the thread to the next store', async () => {
    await openLocalStoreWorker({ path: storePath(folder) }).then((store) => store.close());
    const started = storeWorkers.started;
    const garbage = storePath(folder);
    writeFileSync(garbage, 'not a database'.repeat(100));
    await rejectsWithCode(openLocalStoreWorker({ path: garbage }), 'LOCAL_STORE_CORRUPT');
    await withWorker(async (store) => {
      await store.ensureAccount(ACCOUNT);
      assert.deepEqual(await store.putMessages([message('m1')]), {
        inserted: 1,
        updated: 0,
        removed: 0,
      });
    });
    assert.equal(storeWorkers.started, started);
  });

  test('a thread waiting for the next store does not keep the process alive', async () => {
    const script = `
      import { openLocalStoreWorker } from ${JSON.stringify(new URL('../../../../src/client/store/index.ts', import.meta.url).href)};
      const store = await openLocalStoreWorker({ path: ${JSON.stringify(storePath(folder))} });
      await store.close();
    `;
    const started = performance.now();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0, stderr);
    assert.ok(
      performance.now() - started < IDLE_STORE_WORKER_MS,
      'the process waited for the idle thread to end',
    );
  });
});

describe('corruption found by an operation', () => {
  test('rejects the call with LOCAL_STORE_CORRUPT and tells onCorruption', async () => {
    const path = storePath(folder);
    const writer = LocalStore.open({ path });
    writer.ensureAccount(ACCOUNT);
    writer.putMessages(Array.from({ length: 300 }, (_, index) => message(`m${index}`)));
    writer.close();
    const bytes = readFileSync(path);
    // Every page but the first: the header reads, so the store opens; the tables do not.
    for (let offset = 4096; offset < bytes.length; offset += 4096)
      bytes.fill(0xa5, offset + 8, offset + 200);
    writeFileSync(path, bytes);
    const reported: string[] = [];
    let store: LocalStoreProxy | undefined;
    try {
      store = await openLocalStoreWorker({
        path,
        onCorruption: (error) => reported.push(error.code),
      });
      await rejectsWithCode(
        store.listMessages({ accountId: ACCOUNT, folder: 'inbox' }, { limit: 1000 }),
        'LOCAL_STORE_CORRUPT',
      );
      assert.deepEqual(reported, ['LOCAL_STORE_CORRUPT']);
    } catch (error) {
      // Should SQLite notice the damage while opening, that is the same code.
      assert.equal(store, undefined);
      assert.equal((error as { code?: unknown }).code, 'LOCAL_STORE_CORRUPT');
    } finally {
      await store?.close();
    }
    assert.equal(Buffer.compare(readFileSync(path), bytes), 0, 'the file was changed');
  });
});
