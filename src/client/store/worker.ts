// The store's worker thread: opens the synchronous LocalStore it is asked to and runs
// the operations the facade sends, one at a time, in order; after a close it waits for
// the next store to open. Started and reused by StoreWorkerPool (worker-pool.ts) for
// openLocalStoreWorker (proxy.ts).
import { parentPort } from 'node:worker_threads';
import { runPackedMessages } from './byte-transfer.ts';
import { LocalStoreError, toLocalStoreError } from './errors.ts';
import { LocalStore } from './local-store.ts';
import {
  LOCAL_STORE_OPERATIONS,
  type LocalStoreApi,
  type LocalStoreOperation,
} from './operations.ts';
import type { FromWorker, SerializedError, ToWorker, WorkerStart } from './worker-protocol.ts';

const port = parentPort;
if (port === null) throw new Error('worker.ts runs only as a worker thread');

type Operations = Record<LocalStoreOperation, (...args: unknown[]) => unknown>;

const KNOWN_OPERATIONS: ReadonlySet<string> = new Set(LOCAL_STORE_OPERATIONS);

function serialize(error: unknown): SerializedError {
  const storeError = toLocalStoreError(error);
  return { code: storeError.code, message: storeError.message };
}

function post(message: FromWorker): void {
  port?.postMessage(message);
}

let store: LocalStore | undefined;
let idleCheckpointMs = 0;
let idleTimer: ReturnType<typeof setTimeout> | undefined;
let openPageTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * How long a LIST page's parts may wait for the page's end with no call coming: a sync
 * that stopped mid-page must not hold the write lock (the consent store writes through
 * a connection of its own) until the next call.
 */
const OPEN_PAGE_QUIET_MS = 100;

/** (Re)starts the wait after which the parts of a page whose end did not come are committed. */
function commitOpenPageWhenQuiet(): void {
  clearTimeout(openPageTimer);
  if (store?.pageOpen !== true) return;
  openPageTimer = setTimeout(() => {
    try {
      store?.commitOpenPage();
    } catch {
      // Rolled back: the page is listed again, and the next call meets what went wrong.
    }
  }, OPEN_PAGE_QUIET_MS);
}

/** (Re)starts the quiet period after which the WAL is checkpointed. */
function checkpointWhenIdle(): void {
  if (idleCheckpointMs <= 0) return;
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    try {
      store?.checkpoint();
    } catch {
      // The WAL stays as it was, still durable: the next quiet period or closing tries
      // again, and damage surfaces through the operations that meet it.
    }
  }, idleCheckpointMs);
}

function open(start: WorkerStart): void {
  try {
    if (store !== undefined)
      throw new LocalStoreError('LOCAL_STORE_INTERNAL', 'this worker already has a store open');
    store = LocalStore.open(start.options);
    idleCheckpointMs = start.idleCheckpointMs;
    post({ type: 'opened' });
  } catch (error) {
    post({ type: 'openFailed', error: serialize(error) });
  }
}

function close(): void {
  clearTimeout(idleTimer);
  clearTimeout(openPageTimer);
  const closing = store;
  store = undefined;
  // Should closing fail, the error ends this thread: the proxy sees it exit and never
  // hands the thread to another store.
  closing?.close();
  post({ type: 'closed' });
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'open') {
    open(message.start);
    return;
  }
  if (message.type === 'close') {
    close();
    return;
  }
  const started = performance.now();
  try {
    if (store === undefined)
      throw new LocalStoreError('LOCAL_STORE_CLOSED', 'the store is not open');
    if (!KNOWN_OPERATIONS.has(message.op)) throw new Error(`unknown operation ${message.op}`);
    // The facade's types tie each operation to its arguments; the worker trusts its own parent.
    const operations = store satisfies LocalStoreApi as unknown as Operations;
    const value =
      message.messages === undefined
        ? operations[message.op].apply(store, message.args)
        : runPackedMessages(store, message.op, message.args, message.messages);
    post({ type: 'result', id: message.id, value, ms: performance.now() - started });
  } catch (error) {
    post({
      type: 'error',
      id: message.id,
      error: serialize(error),
      ms: performance.now() - started,
    });
  }
  commitOpenPageWhenQuiet();
  checkpointWhenIdle();
});
