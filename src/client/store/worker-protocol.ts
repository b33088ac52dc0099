// The messages between the async facade (proxy.ts) and the store's worker thread.
import type { LocalStoreOperation } from './operations.ts';
import type { LocalStoreErrorCode } from './errors.ts';
import type { LocalStoreOptions } from './local-store.ts';

/** What a store is opened with in the worker. */
export interface WorkerStart {
  readonly options: LocalStoreOptions;
  /** Quiet time after an operation before the WAL is checkpointed, ms (0: never). */
  readonly idleCheckpointMs: number;
}

export interface SerializedError {
  readonly code: LocalStoreErrorCode;
  readonly message: string;
}

/** Facade to worker. */
export type ToWorker =
  | {
      readonly type: 'call';
      readonly id: number;
      readonly op: LocalStoreOperation;
      readonly args: unknown[];
      /** The one argument is a LIST page or message batch, checked (byte-transfer.ts). */
      readonly checked?: true;
    }
  | { readonly type: 'open'; readonly start: WorkerStart }
  /** Closes the store; the thread stays, for the next store opened. */
  | { readonly type: 'close' };

/** Worker to facade. */
export type FromWorker =
  | { readonly type: 'opened' }
  | { readonly type: 'openFailed'; readonly error: SerializedError }
  | { readonly type: 'result'; readonly id: number; readonly value: unknown; readonly ms: number }
  | {
      readonly type: 'error';
      readonly id: number;
      readonly error: SerializedError;
      readonly ms: number;
    }
  | { readonly type: 'closed' };
