import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { HashcashError } from './errors.ts';
import { formatStamp, type HashcashStamp } from './stamp.ts';

/**
 * The search loop, run in each worker. It is plain JavaScript passed with `eval: true`
 * because the worker must start the same way under tsx, in tests, and in a bundled
 * Electron build, where a separate .ts worker file would need its own loader or entry.
 * Worker k tries counters k, k + stride, k + 2 * stride, ... (in base 36) and posts the
 * first counter whose stamp hash has enough leading zero bits.
 */
const SEARCH_LOOP = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { prefix, bits, start, stride } = workerData;
const base = createHash('sha1').update(prefix);
const fullBytes = bits >> 3;
const mask = (0xff << (8 - (bits & 7))) & 0xff;
for (let i = start; ; i += stride) {
  const counter = i.toString(36);
  const digest = base.copy().update(counter).digest();
  let ok = true;
  for (let b = 0; b < fullBytes; b++) if (digest[b] !== 0) { ok = false; break; }
  if (ok && (bits & 7) !== 0 && (digest[fullBytes] & mask) !== 0) ok = false;
  if (ok) { parentPort.postMessage(counter); break; }
}
`;

export interface MintOptions {
  /** The recipient address the postage pays for. */
  readonly resource: string;
  /** Leading zero bits to find. */
  readonly bits: number;
  /** The stamp's date. Default: now. */
  readonly date?: Date;
  /** Worker threads to search with. Default: the machine's available parallelism. */
  readonly workers?: number;
  /** Stops the search; the promise then rejects with HASHCASH_MINT_ABORTED. */
  readonly signal?: AbortSignal;
}

/**
 * Mints a stamp in worker threads, so the caller's event loop stays free. Expected work
 * is 2^bits SHA-1 computations: about a second of one core for 20 bits.
 */
export function mintStamp(options: MintOptions): Promise<string> {
  const template: HashcashStamp = {
    bits: options.bits,
    date: options.date ?? new Date(),
    dateWidth: 6,
    resource: options.resource,
    extension: '',
    rand: randomBytes(12).toString('base64'),
    counter: 'x',
  };
  // formatStamp validates the fields; the counter is appended by the workers.
  const prefix = formatStamp(template).slice(0, -template.counter.length);
  const stride = Math.max(1, options.workers ?? availableParallelism());
  const { signal } = options;

  return new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    const stopAll = () => {
      signal?.removeEventListener('abort', onAbort);
      for (const worker of workers) void worker.terminate();
    };
    const onAbort = () => {
      stopAll();
      reject(new HashcashError('HASHCASH_MINT_ABORTED', 'minting was cancelled'));
    };
    if (signal?.aborted === true) {
      onAbort();
      return;
    }
    signal?.addEventListener('abort', onAbort);
    for (let start = 0; start < stride; start++) {
      const worker = new Worker(SEARCH_LOOP, {
        eval: true,
        workerData: { prefix, bits: options.bits, start, stride },
      });
      worker.once('message', (counter: string) => {
        stopAll();
        resolve(prefix + counter);
      });
      worker.once('error', (error) => {
        stopAll();
        reject(error);
      });
      workers.push(worker);
    }
  });
}
