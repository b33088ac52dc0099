// Opening the store's file: checks that come before any write (so a damaged, foreign
// or newer file is reported and left exactly as it is), then settings and migrations.
import Database from 'better-sqlite3';
import { LocalStoreError, toLocalStoreError } from './errors.ts';
import { LATEST_VERSION, migrate } from './migrations/index.ts';
import { StoreDb } from './store-db.ts';

/** SQLite's application_id for MT2 client stores: "MT2C". */
export const APPLICATION_ID = 0x4d543243;

const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/**
 * Page size of new files. A signed message's envelope and headers (about 7.8 KB) fit in
 * one page, where 4 KiB pages need a chain of two; a LIST page of 1,000 messages then
 * writes about half as many WAL frames (bench:store). Small rows gain nothing from
 * bigger pages, and a single-row change writes one 16 KiB page per b-tree it touches.
 */
export const NEW_FILE_PAGE_SIZE = 16384;
/** WAL size after which a commit checkpoints by itself. */
export const WAL_AUTOCHECKPOINT_BYTES = 128 * 1024 * 1024;
/** Size the WAL file is cut back to when it restarts after a checkpoint. */
const WAL_KEPT_BYTES = 16 * 1024 * 1024;

export interface OpenOptions {
  readonly path: string;
  readonly busyTimeoutMs?: number;
}

/** Opens (creating if needed) and migrates the database at `options.path`. */
export function openDatabase(options: OpenOptions): StoreDb {
  let raw: Database.Database;
  try {
    raw = new Database(options.path, { timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
  } catch (error) {
    // better-sqlite3 checks the folder itself (a TypeError); any failure here is the file's.
    const message = error instanceof Error ? error.message : String(error);
    throw new LocalStoreError('LOCAL_STORE_IO', `cannot open ${options.path}: ${message}`, {
      cause: error,
    });
  }
  try {
    const version = checkFile(raw, options.path);
    // Only a new file takes it (an existing one keeps its page size until a VACUUM).
    if (version === 0) raw.pragma(`page_size = ${NEW_FILE_PAGE_SIZE}`);
    raw.pragma('journal_mode = WAL');
    // FULL: a committed outbox item or flag change survives a power cut, not only a crash.
    raw.pragma('synchronous = FULL');
    // Committed pages are copied from the WAL into the file when the store is idle (the
    // worker calls LocalStore.checkpoint), not after every commit; this bound only
    // applies when it never is. After a checkpoint the WAL restarts and is cut back.
    const pageSize = Number(raw.pragma('page_size', { simple: true }));
    raw.pragma(`wal_autocheckpoint = ${Math.ceil(WAL_AUTOCHECKPOINT_BYTES / pageSize)}`);
    raw.pragma(`journal_size_limit = ${WAL_KEPT_BYTES}`);
    raw.pragma('foreign_keys = ON');
    const db = new StoreDb(raw);
    if (version === 0) raw.pragma(`application_id = ${APPLICATION_ID}`);
    migrate(db, version);
    return db;
  } catch (error) {
    raw.close();
    throw toLocalStoreError(error);
  }
}

/** Reads the header fields (this is where SQLite notices a file that is no database). */
function checkFile(raw: Database.Database, path: string): number {
  const version = Number(raw.pragma('user_version', { simple: true }));
  const applicationId = Number(raw.pragma('application_id', { simple: true }));
  if (version === 0 && applicationId === 0) {
    const objects = Number(raw.prepare('SELECT count(*) FROM sqlite_schema').pluck().get());
    if (objects > 0) {
      throw new LocalStoreError(
        'LOCAL_STORE_FOREIGN_FILE',
        `${path} is a SQLite database of another program (it has tables but no MT2 id)`,
      );
    }
    return 0;
  }
  if (applicationId !== APPLICATION_ID) {
    throw new LocalStoreError(
      'LOCAL_STORE_FOREIGN_FILE',
      `${path} is a SQLite database of another program (application id ${applicationId})`,
    );
  }
  if (version > LATEST_VERSION) {
    throw new LocalStoreError(
      'LOCAL_STORE_SCHEMA_TOO_NEW',
      `${path} has schema version ${version}; this MT2 knows up to ${LATEST_VERSION} (a newer MT2 wrote it)`,
    );
  }
  return version;
}
