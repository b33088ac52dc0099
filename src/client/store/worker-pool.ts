// The store's worker threads: one for each open store, and the thread of a store just
// closed kept idle for a while, so that the next store opened in this process reuses it
// instead of starting a new thread whose code V8 would load and optimize all over again
// (measured: a warm sync of 10,000 messages spent ~150 ms of CPU, a quarter of the
// engine's, compiling a new worker's page path; bench/README.md).
import { Worker } from 'node:worker_threads';

/** How long a closed store's thread waits for the next store before it ends (ms). */
export const IDLE_STORE_WORKER_MS = 30_000;

/**
 * Node 20 does not apply `--import` hooks inside worker threads, so a TypeScript worker
 * (tests, `tsx` runs) is started by a bootstrap that registers tsx's loader in the
 * thread first. A built app's JavaScript worker starts directly.
 */
function startWorker(url: URL): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url);
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const bootstrap = `import(${tsx}).then((api) => { api.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { eval: true });
}

interface IdleWorker {
  readonly worker: Worker;
  readonly expiry: ReturnType<typeof setTimeout>;
  /** Forgets a thread that fails or ends while it waits. */
  readonly onEnd: () => void;
}

/**
 * Hands out store worker threads, each to one store at a time. A thread given back
 * (its store closed, nothing of it left in the thread) waits `idleMs` for the next
 * store of the same worker script, without keeping the process alive; at most one waits
 * per script, and a second given back ends at once.
 */
export class StoreWorkerPool {
  readonly #idleMs: number;
  readonly #idle = new Map<string, IdleWorker>();
  #started = 0;

  constructor(idleMs: number) {
    this.#idleMs = idleMs;
  }

  /** Threads started so far. */
  get started(): number {
    return this.#started;
  }

  /** Threads waiting for a store. */
  get idle(): number {
    return this.#idle.size;
  }

  /** A thread running `url`, idle and reused when there is one; it keeps the process alive. */
  acquire(url: URL): Worker {
    const idle = this.#idle.get(url.href);
    if (idle !== undefined) {
      this.#forget(url.href, idle);
      idle.worker.ref();
      return idle.worker;
    }
    this.#started += 1;
    return startWorker(url);
  }

  /** Takes back a thread whose store has closed. */
  release(url: URL, worker: Worker): void {
    if (this.#idleMs <= 0 || this.#idle.has(url.href)) {
      void worker.terminate();
      return;
    }
    worker.unref();
    const onEnd = () => {
      this.#forget(url.href, entry);
    };
    const expiry = setTimeout(() => {
      this.#forget(url.href, entry);
      void worker.terminate();
    }, this.#idleMs);
    expiry.unref();
    const entry: IdleWorker = { worker, expiry, onEnd };
    worker.on('error', onEnd);
    worker.on('exit', onEnd);
    this.#idle.set(url.href, entry);
  }

  #forget(href: string, entry: IdleWorker): void {
    clearTimeout(entry.expiry);
    entry.worker.off('error', entry.onEnd);
    entry.worker.off('exit', entry.onEnd);
    if (this.#idle.get(href) === entry) this.#idle.delete(href);
  }
}
