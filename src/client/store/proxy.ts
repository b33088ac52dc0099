// The async facade: the store's operations as promises, run by a worker thread that
// owns the SQLite connection, so no query blocks the caller's event loop.
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { packArguments } from './byte-transfer.ts';
import { LOCAL_STORE_ERROR_CODES, LocalStoreError } from './errors.ts';
import type { LocalStoreOptions } from './local-store.ts';
import {
  LOCAL_STORE_OPERATIONS,
  type AsyncLocalStoreApi,
  type LocalStoreOperation,
} from './operations.ts';
import type { FromWorker, SerializedError, ToWorker, WorkerStart } from './worker-protocol.ts';
import { IDLE_STORE_WORKER_MS, StoreWorkerPool } from './worker-pool.ts';

export interface LocalStoreWorkerOptions extends LocalStoreOptions {
  /**
   * The worker script. Default: worker.ts / worker.js beside this file (whichever
   * extension this module has). A bundled app passes the URL of its built worker.
   */
  readonly workerUrl?: URL;
  /** Operations that take longer than this are reported to onSlowOperation (ms; default 200, 0: none). */
  readonly slowOperationMs?: number;
  readonly onSlowOperation?: (operation: LocalStoreOperation, ms: number) => void;
  /**
   * Called (besides the call's own rejection) whenever an operation finds the file
   * damaged, so the engine can stop syncing into it and tell the user once.
   */
  readonly onCorruption?: (error: LocalStoreError) => void;
  /**
   * How long the store must be quiet before the worker checkpoints the WAL (ms; default
   * 1000, 0: only when the WAL reaches its bound or the store closes).
   */
  readonly idleCheckpointMs?: number;
}

/** The store in its worker: every operation of LocalStoreApi as a promise, and close. */
export type LocalStoreProxy = AsyncLocalStoreApi & {
  /**
   * Finishes queued operations and closes the database; the thread is then free for
   * another store. Idempotent.
   */
  close(): Promise<void>;
};

const DEFAULT_SLOW_OPERATION_MS = 200;
const DEFAULT_IDLE_CHECKPOINT_MS = 1000;

const ERROR_CODES: ReadonlySet<string> = new Set(LOCAL_STORE_ERROR_CODES);

function revive(error: SerializedError): LocalStoreError {
  // The worker is ours, but a code this side does not know must not pass as one.
  const code = ERROR_CODES.has(error.code) ? error.code : 'LOCAL_STORE_INTERNAL';
  return new LocalStoreError(code, error.message);
}

function workerFailed(error: Error): LocalStoreError {
  return new LocalStoreError('LOCAL_STORE_CLOSED', `store worker failed: ${error.message}`);
}

function workerExited(exitCode: number): LocalStoreError {
  return new LocalStoreError('LOCAL_STORE_CLOSED', `store worker exited (${exitCode})`);
}

function defaultWorkerUrl(): URL {
  return new URL(`./worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
}

interface Pending {
  readonly op: LocalStoreOperation;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: LocalStoreError) => void;
}

/** The store threads of this process: one per open store, one kept idle for the next. */
export const storeWorkers = new StoreWorkerPool(IDLE_STORE_WORKER_MS);

/** Talks to one store's worker: numbered calls, answers matched by number. */
class WorkerChannel {
  readonly #worker: Worker;
  /** Gives the thread back once its store has closed. */
  readonly #release: () => void;
  readonly #pending = new Map<number, Pending>();
  readonly #slowOperationMs: number;
  readonly #onSlowOperation: ((operation: LocalStoreOperation, ms: number) => void) | undefined;
  readonly #onCorruption: ((error: LocalStoreError) => void) | undefined;
  #nextId = 1;
  #stopped: LocalStoreError | undefined;
  #closing: Promise<void> | undefined;
  #whenClosed: (() => void) | undefined;

  constructor(worker: Worker, release: () => void, options: LocalStoreWorkerOptions) {
    this.#worker = worker;
    this.#release = release;
    this.#slowOperationMs = options.slowOperationMs ?? DEFAULT_SLOW_OPERATION_MS;
    this.#onSlowOperation = options.onSlowOperation;
    this.#onCorruption = options.onCorruption;
    worker.on('message', this.#onMessage);
    worker.on('error', this.#onError);
    worker.on('exit', this.#onExit);
  }

  call(op: LocalStoreOperation, args: unknown[]): Promise<unknown> {
    if (this.#stopped !== undefined) return Promise.reject(this.#stopped);
    if (this.#closing !== undefined) {
      return Promise.reject(new LocalStoreError('LOCAL_STORE_CLOSED', 'the store is closing'));
    }
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { op, resolve, reject });
      try {
        const packed = packArguments(op, args);
        const message: ToWorker = {
          type: 'call',
          id,
          op,
          args: packed.args,
          ...(packed.checked === true ? { checked: true } : {}),
        };
        this.#worker.postMessage(message, packed.transfer);
      } catch (error) {
        // A page or batch refused by its check, or an argument that cannot be cloned (a
        // function, say), never reaches the worker.
        this.#pending.delete(id);
        if (error instanceof LocalStoreError) {
          reject(error);
          return;
        }
        const text = error instanceof Error ? error.message : String(error);
        reject(new LocalStoreError('LOCAL_STORE_INVALID_INPUT', `cannot send arguments: ${text}`));
      }
    });
  }

  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      if (this.#stopped !== undefined) {
        resolve();
        return;
      }
      this.#whenClosed = resolve;
      // Sent after every call already posted, so those finish first.
      this.#worker.postMessage({ type: 'close' } satisfies ToWorker);
    });
    return this.#closing;
  }

  readonly #onMessage = (message: FromWorker): void => {
    if (message.type === 'closed') {
      this.#detach();
      this.#stop(new LocalStoreError('LOCAL_STORE_CLOSED', 'the store is closed'));
      this.#release();
      return;
    }
    if (message.type !== 'result' && message.type !== 'error') return;
    const pending = this.#pending.get(message.id);
    if (pending === undefined) return;
    this.#pending.delete(message.id);
    if (this.#slowOperationMs > 0 && message.ms > this.#slowOperationMs) {
      this.#onSlowOperation?.(pending.op, message.ms);
    }
    if (message.type === 'result') {
      pending.resolve(message.value);
      return;
    }
    const error = revive(message.error);
    if (error.code === 'LOCAL_STORE_CORRUPT') this.#onCorruption?.(error);
    pending.reject(error);
  };

  readonly #onError = (error: Error): void => {
    this.#stop(workerFailed(error));
  };

  readonly #onExit = (exitCode: number): void => {
    this.#stop(workerExited(exitCode));
  };

  #detach(): void {
    this.#worker.off('message', this.#onMessage);
    this.#worker.off('error', this.#onError);
    this.#worker.off('exit', this.#onExit);
  }

  #stop(reason: LocalStoreError): void {
    this.#stopped ??= reason;
    for (const pending of this.#pending.values()) pending.reject(reason);
    this.#pending.clear();
    this.#whenClosed?.();
  }
}

/**
 * Asks the worker to open the store and waits for its answer: opened, or why it could
 * not (the thread, still sound, goes back to the pool).
 */
function openIn(worker: Worker, start: WorkerStart, release: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: FromWorker) => {
      if (message.type !== 'opened' && message.type !== 'openFailed') return;
      cleanup();
      if (message.type === 'opened') {
        resolve();
        return;
      }
      release();
      reject(revive(message.error));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(workerFailed(error));
    };
    const onExit = (exitCode: number) => {
      cleanup();
      reject(workerExited(exitCode));
    };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage({ type: 'open', start } satisfies ToWorker);
  });
}

/**
 * Opens the store in a worker thread of its own (a new one, or the idle thread of a
 * store closed before). Rejects with the store's error code when the file cannot be
 * opened (LOCAL_STORE_CORRUPT, LOCAL_STORE_SCHEMA_TOO_NEW, ...).
 */
export async function openLocalStoreWorker(
  options: LocalStoreWorkerOptions,
): Promise<LocalStoreProxy> {
  const start: WorkerStart = {
    options: storeOptions(options),
    idleCheckpointMs: options.idleCheckpointMs ?? DEFAULT_IDLE_CHECKPOINT_MS,
  };
  const url = options.workerUrl ?? defaultWorkerUrl();
  const worker = storeWorkers.acquire(url);
  const release = () => {
    storeWorkers.release(url, worker);
  };
  await openIn(worker, start, release);
  const channel = new WorkerChannel(worker, release, options);
  const operations = Object.fromEntries(
    LOCAL_STORE_OPERATIONS.map((op) => [op, (...args: unknown[]) => channel.call(op, args)]),
  );
  // Each entry forwards its arguments to the operation of the same name in the worker,
  // whose LocalStore implements LocalStoreApi, so the mapped type holds.
  return { ...(operations as unknown as AsyncLocalStoreApi), close: () => channel.close() };
}

function storeOptions(options: LocalStoreWorkerOptions): LocalStoreOptions {
  const { path, busyTimeoutMs } = options;
  return busyTimeoutMs === undefined ? { path } : { path, busyTimeoutMs };
}
