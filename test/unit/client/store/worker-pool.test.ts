// The store's thread pool: a thread given back waits for the next store, without keeping
// the process alive, for a while; at most one waits per worker script.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { StoreWorkerPool } from '../../../../src/client/store/worker-pool.ts';

const STORE_WORKER = new URL('../../../../src/client/store/worker.ts', import.meta.url);

/**
 * Resolves when the thread has ended. A thread given back to the pool no longer keeps
 * the process alive, so a timer does while the test waits.
 */
async function ended(worker: Worker): Promise<void> {
  const keepAlive = setInterval(() => undefined, 1000);
  try {
    await once(worker, 'exit');
  } finally {
    clearInterval(keepAlive);
  }
}

/** A new thread of `pool`, given back; resolves with it once it has ended. */
async function givenBackUntilEnded(pool: StoreWorkerPool): Promise<Worker> {
  const worker = pool.acquire(STORE_WORKER);
  const exit = ended(worker);
  pool.release(STORE_WORKER, worker);
  await exit;
  return worker;
}

describe('StoreWorkerPool', () => {
  test('a thread given back is the one handed out next', async () => {
    const pool = new StoreWorkerPool(60_000);
    const first = pool.acquire(STORE_WORKER);
    pool.release(STORE_WORKER, first);
    assert.equal(pool.idle, 1);
    const second = pool.acquire(STORE_WORKER);
    assert.equal(second, first);
    assert.equal(pool.started, 1);
    assert.equal(pool.idle, 0);
    await second.terminate();
  });

  test('threads in use are never shared: a second store gets a thread of its own', async () => {
    const pool = new StoreWorkerPool(60_000);
    const first = pool.acquire(STORE_WORKER);
    const second = pool.acquire(STORE_WORKER);
    assert.notEqual(second, first);
    assert.equal(pool.started, 2);
    await Promise.all([first.terminate(), second.terminate()]);
  });

  test('one thread waits per script; a second given back ends at once', async () => {
    const pool = new StoreWorkerPool(60_000);
    const first = pool.acquire(STORE_WORKER);
    const second = pool.acquire(STORE_WORKER);
    pool.release(STORE_WORKER, first);
    const secondEnded = ended(second);
    pool.release(STORE_WORKER, second);
    await secondEnded;
    assert.equal(pool.idle, 1);
    assert.equal(pool.acquire(STORE_WORKER), first);
    await first.terminate();
  });

  test('a waiting thread ends after the idle time', async () => {
    const pool = new StoreWorkerPool(50);
    const worker = await givenBackUntilEnded(pool);
    assert.equal(pool.idle, 0);
    const next = pool.acquire(STORE_WORKER);
    assert.notEqual(next, worker, 'an ended thread was handed out');
    assert.equal(pool.started, 2);
    await next.terminate();
  });

  test('with no idle time, a thread given back ends at once', async () => {
    const pool = new StoreWorkerPool(0);
    await givenBackUntilEnded(pool);
    assert.equal(pool.idle, 0);
  });

  test('a waiting thread that ends on its own is forgotten', async () => {
    const pool = new StoreWorkerPool(60_000);
    const worker = pool.acquire(STORE_WORKER);
    pool.release(STORE_WORKER, worker);
    await worker.terminate();
    assert.equal(pool.idle, 0);
    const next = pool.acquire(STORE_WORKER);
    assert.notEqual(next, worker);
    await next.terminate();
  });
});
