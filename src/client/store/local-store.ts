// Placeholder while the SQLite core is written (next commits): the options are final.
import { LocalStoreError } from './errors.ts';
import type { LocalStoreApi } from './operations.ts';

export interface LocalStoreOptions {
  /** The database file; created (with its folder's -wal and -shm files) if missing. */
  readonly path: string;
  /** How long to wait for another connection's lock, ms (default 5000). */
  readonly busyTimeoutMs?: number;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface LocalStore extends LocalStoreApi {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class LocalStore {
  static open(options: LocalStoreOptions): LocalStore {
    throw new LocalStoreError('LOCAL_STORE_INTERNAL', `not implemented yet: ${options.path}`);
  }

  close(): void {
    throw new LocalStoreError('LOCAL_STORE_INTERNAL', 'not implemented yet');
  }
}
