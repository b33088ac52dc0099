// A benchmark's client in a Node process of its own, asked over Node's IPC. bench:sync
// runs each client this way (our engine, imapflow), so neither shares a heap, a garbage
// collector or V8's compiler threads with the other or with the set-up (filling mt2d's
// mailbox leaves about 100 MB of garbage behind). One process serves every request of a
// run: cold on the first, warm after. Messages use serialization 'advanced' (Buffers
// stay Buffers). The child (serveRequests) says when it has loaded, so its start-up
// never shares the machine with what is timed.
import { fork, type ChildProcess } from 'node:child_process';

/** Parent to child. */
interface Request<Q> {
  readonly id: number;
  readonly request: Q;
}

/** Child to parent: `ready` once loaded, then one reply per request. */
type Reply<R> =
  | { readonly ready: true }
  | { readonly id: number; readonly result: R }
  | { readonly id: number; readonly error: string };

type Settle<R> = (reply: Exclude<Reply<R>, { ready: true }>) => void;

/** How long a child may take to load (tsx compiling it, its modules). */
const START_TIMEOUT_MS = 60_000;

/** A running child; `ask` sends it one request. */
export interface BenchChild<Q, R> {
  ask(request: Q, timeoutMs: number): Promise<R>;
  stop(): Promise<void>;
}

/**
 * Starts `modulePath` (which calls serveRequests) and waits until it is ready. It runs
 * with this process's Node options (tsx's loader, say).
 */
export async function startBenchChild<Q, R>(
  name: string,
  modulePath: string,
): Promise<BenchChild<Q, R>> {
  const child: ChildProcess = fork(modulePath, [], {
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, Settle<R>>();
  let nextId = 0;
  let exited: Error | undefined;
  let started: (() => void) | undefined;
  child.on('message', (reply: Reply<R>) => {
    if ('ready' in reply) {
      started?.();
      return;
    }
    pending.get(reply.id)?.(reply);
    pending.delete(reply.id);
  });
  const ended = new Promise<Error>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = new Error(`the ${name} process ended (${signal ?? `exit code ${code}`})`);
      for (const [id, settle] of pending) settle({ id, error: exited.message });
      pending.clear();
      resolve(exited);
    });
  });
  const stop = async (): Promise<void> => {
    if (exited !== undefined) return;
    child.kill('SIGTERM');
    await ended;
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`the ${name} process took over ${START_TIMEOUT_MS} ms to start`));
      }, START_TIMEOUT_MS);
      started = () => {
        clearTimeout(timer);
        resolve();
      };
      void ended.then((error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    ask: (request, timeoutMs) =>
      new Promise((resolve, reject) => {
        if (exited !== undefined) {
          reject(exited);
          return;
        }
        const id = nextId++;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`the ${name} process took over ${timeoutMs} ms to answer`));
        }, timeoutMs);
        pending.set(id, (reply) => {
          clearTimeout(timer);
          if ('error' in reply) reject(new Error(`${name}: ${reply.error}`));
          else resolve(reply.result);
        });
        const message: Request<Q> = { id, request };
        child.send(message);
      }),
    stop,
  };
}

/**
 * In the child: answers each request with `handle`, and tells the parent it is ready.
 * The process ends with its parent's IPC channel.
 */
export function serveRequests(handle: (request: never) => Promise<unknown>): void {
  const send = (reply: Reply<unknown>): void => {
    process.send?.(reply);
  };
  // The parent is the benchmark that started this process: its requests are what
  // `handle` takes.
  process.on('message', ({ id, request }: Request<never>) => {
    handle(request).then(
      (result) => {
        send({ id, result });
      },
      (error: unknown) => {
        send({ id, error: error instanceof Error ? error.message : String(error) });
      },
    );
  });
  process.on('disconnect', () => process.exit(0));
  send({ ready: true });
}
