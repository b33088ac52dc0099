// Raw signatures on worker threads, so a server's RSA signing (about a third of a
// millisecond per trace entry) overlaps with its I/O and uses the other cores.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { KeyObject } from 'node:crypto';
import { IdentityError } from '../errors.ts';
import type { RawSigner } from './sign.ts';

/** Most signatures waiting for a worker at once; more is refused (IDENTITY_SIGNING_FAILED). */
export const MAX_PENDING_SIGNATURES = 100_000;

/** Most signatures in one message to a worker (and in its one answer). */
const BATCH_SIZE = 8;

// Plain JavaScript, evaluated by the worker: it needs nothing but node:crypto, so it runs
// without the TypeScript loader. The key arrives once, as a KeyObject (workerData).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { sign } = require('node:crypto');
parentPort.on('message', (requests) => {
  const replies = requests.map(({ id, data }) => {
    try {
      return { id, signature: sign('sha256', data, workerData.key) };
    } catch (error) {
      return { id, error: String((error && error.message) || error) };
    }
  });
  parentPort.postMessage(replies);
});
`;

interface Reply {
  readonly id: number;
  readonly signature?: Uint8Array;
  readonly error?: string;
}

interface Pending {
  resolve(signature: Buffer): void;
  reject(error: Error): void;
}

interface PoolWorker {
  readonly thread: Worker;
  readonly pending: Map<number, Pending>;
  /** Requests of this turn of the event loop, posted together (one wake-up of the thread). */
  batch: { readonly id: number; readonly data: Uint8Array }[];
}

/** The default size: every core but the one the event loop runs on (at least one, at most 4). */
export function defaultSigningPoolSize(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

/**
 * A fixed set of worker threads that sign (SHA-256, PKCS#1 v1.5 or ECDSA) with one
 * private key. Requests go to the worker with the fewest waiting; a worker that dies
 * fails its waiting requests (IDENTITY_SIGNING_FAILED) and is replaced on the next one.
 */
export class SigningPool {
  readonly #key: KeyObject;
  readonly #workers: (PoolWorker | undefined)[];
  #nextId = 0;
  #closed = false;

  constructor(privateKey: KeyObject, size = defaultSigningPoolSize()) {
    if (privateKey.type !== 'private') {
      throw new IdentityError('IDENTITY_UNSUPPORTED_KEY', 'a signing pool needs a private key');
    }
    this.#key = privateKey;
    this.#workers = Array.from({ length: Math.max(1, size) }, () => undefined);
  }

  /** Signs `data` (the DER signed attributes) with the pool's key; see {@link RawSigner}. */
  readonly sign: RawSigner = (data, privateKey) => {
    if (this.#closed) return Promise.reject(failure('the signing pool is closed'));
    if (privateKey !== this.#key && !privateKey.equals(this.#key)) {
      return Promise.reject(failure('the signing pool holds another key'));
    }
    const worker = this.#leastBusy();
    if (worker.pending.size >= MAX_PENDING_SIGNATURES) {
      return Promise.reject(failure(`over ${MAX_PENDING_SIGNATURES} signatures waiting`));
    }
    const id = this.#nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      worker.pending.set(id, { resolve, reject });
      // A copy of its own: a view of Buffer's shared 8 KiB pool would clone the whole pool.
      worker.batch.push({ id, data: Uint8Array.from(data) });
      if (worker.batch.length === 1)
        setImmediate(() => {
          this.#flush(worker);
        });
    });
  };

  /** Stops the workers; signatures still waiting fail. */
  async close(): Promise<void> {
    this.#closed = true;
    const workers = this.#workers.filter((worker) => worker !== undefined);
    this.#workers.fill(undefined);
    await Promise.all(workers.map((worker) => worker.thread.terminate()));
  }

  #flush(worker: PoolWorker): void {
    const { batch } = worker;
    worker.batch = [];
    if (!this.#workers.includes(worker)) return;
    // Small chunks, so the first answers come back while the worker signs the rest.
    for (let start = 0; start < batch.length; start += BATCH_SIZE) {
      worker.thread.postMessage(batch.slice(start, start + BATCH_SIZE));
    }
  }

  #leastBusy(): PoolWorker {
    let best: PoolWorker | undefined;
    for (const [index, slot] of this.#workers.entries()) {
      const worker = slot ?? this.#spawn(index);
      if (best === undefined || worker.pending.size < best.pending.size) best = worker;
    }
    if (best === undefined) throw new Error('a signing pool has at least one worker');
    return best;
  }

  #spawn(index: number): PoolWorker {
    const thread = new Worker(WORKER_SOURCE, { eval: true, workerData: { key: this.#key } });
    // An idle pool does not keep the process alive; waiting requests come from work that does.
    thread.unref();
    const worker: PoolWorker = { thread, pending: new Map(), batch: [] };
    this.#workers[index] = worker;
    thread.on('message', (replies: readonly Reply[]) => {
      for (const reply of replies) {
        const waiting = worker.pending.get(reply.id);
        if (waiting === undefined) continue;
        worker.pending.delete(reply.id);
        if (reply.signature !== undefined) {
          const { buffer, byteOffset, byteLength } = reply.signature;
          waiting.resolve(Buffer.from(buffer, byteOffset, byteLength));
        } else waiting.reject(failure(reply.error ?? 'no signature'));
      }
    });
    const fail = (why: string) => {
      if (this.#workers[index] === worker) this.#workers[index] = undefined;
      for (const waiting of worker.pending.values()) waiting.reject(failure(why));
      worker.pending.clear();
    };
    thread.on('error', (error) => {
      fail(`a signing worker failed: ${error.message}`);
    });
    thread.on('exit', (code) => {
      fail(`a signing worker stopped (exit code ${code})`);
    });
    return worker;
  }
}

function failure(message: string): IdentityError {
  return new IdentityError('IDENTITY_SIGNING_FAILED', message);
}
