// The store's worker thread: opens the synchronous LocalStore it is asked to and runs
// the operations the facade sends, one at a time, in order; after a close it waits for
// the next store to open. Started and reused by StoreWorkerPool (worker-pool.ts) for
// openLocalStoreWorker (proxy.ts).
import { parentPort } from 'node:worker_threads';
import { runChecked } from './byte-transfer.ts';
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

/**
 * How long a LIST page's parts may wait for the page's end with no call coming: a sync
 * that stopped mid-page must not hold the write lock (the consent store writes through
 * a connection of its own) until the next call.
 */
const OPEN_PAGE_QUIET_MS = 100;

/** Work done on the open store once no call has come for a while; every call restarts the wait. */
class QuietTimer {
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly work: (opened: LocalStore) => void) {}

  /** Runs the work after `ms` without a call (0: not at all). */
  restart(ms: number): void {
    clearTimeout(this.#timer);
    if (ms <= 0) return;
    this.#timer = setTimeout(() => {
      try {
        if (store !== undefined) this.work(store);
      } catch {
        // Left where it is: a checkpoint's WAL stays durable, a page's parts are rolled
        // back and the page listed again; the next call or quiet period meets the cause.
      }
    }, ms);
  }

  stop(): void {
    clearTimeout(this.#timer);
  }
}

const checkpointTimer = new QuietTimer((opened) => {
  opened.checkpoint();
});
/**
 * Messages queued for search are indexed a few writes at a time, each after the store
 * has been idle this long, so that a call arriving meanwhile waits for one bite only.
 */
const INDEX_QUIET_MS = 50;
const INDEX_BATCHES_AT_ONCE = 8;
const indexTimer: QuietTimer = new QuietTimer((opened) => {
  if (opened.indexQueued(INDEX_BATCHES_AT_ONCE)) indexTimer.restart(INDEX_QUIET_MS);
  checkpointTimer.restart(idleCheckpointMs);
});

/** Arms the indexing when messages wait, but not while a page's parts wait for its end. */
function indexWhenQuiet(opened: LocalStore): void {
  // Indexing goes through LocalStore.db, which would commit the page's parts early.
  indexTimer.restart(!opened.pageOpen && opened.indexPending ? INDEX_QUIET_MS : 0);
}

const openPageTimer = new QuietTimer((opened) => {
  opened.commitOpenPage();
  indexWhenQuiet(opened);
});

function open(start: WorkerStart): void {
  try {
    if (store !== undefined)
      throw new LocalStoreError('LOCAL_STORE_INTERNAL', 'this worker already has a store open');
    store = LocalStore.open(start.options);
    idleCheckpointMs = start.idleCheckpointMs;
    post({ type: 'opened' });
    // Left queued by a store closed before it was idle long enough.
    indexWhenQuiet(store);
  } catch (error) {
    post({ type: 'openFailed', error: serialize(error) });
  }
}

function close(): void {
  checkpointTimer.stop();
  openPageTimer.stop();
  indexTimer.stop();
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
      message.checked === true
        ? runChecked(store, message.op, message.args[0])
        : operations[message.op].apply(store, message.args);
    post({ type: 'result', id: message.id, value, ms: performance.now() - started });
  } catch (error) {
    post({
      type: 'error',
      id: message.id,
      error: serialize(error),
      ms: performance.now() - started,
    });
  }
  openPageTimer.restart(store?.pageOpen === true ? OPEN_PAGE_QUIET_MS : 0);
  if (store !== undefined) indexWhenQuiet(store);
  checkpointTimer.restart(idleCheckpointMs);
});
