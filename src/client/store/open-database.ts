// Opening the store's file: checks that come before any write (so a damaged, foreign
// or newer file is reported and left exactly as it is), then settings and migrations.
import Database from 'better-sqlite3';
import { LocalStoreError, toLocalStoreError } from './errors.ts';
import { LATEST_VERSION, migrate } from './migrations/index.ts';
import { StoreDb } from './store-db.ts';

/** SQLite's application_id for MT2 client stores: "MT2C". */
export const APPLICATION_ID = 0x4d543243;

const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/** WAL pages after which a commit checkpoints by itself (128 MiB of 4 KiB pages). */
export const WAL_AUTOCHECKPOINT_PAGES = 32768;
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
    raw.pragma('journal_mode = WAL');
    // FULL: a committed outbox item or flag change survives a power cut, not only a crash.
    raw.pragma('synchronous = FULL');
    // Committed pages are copied from the WAL into the file when the store is idle (the
    // worker calls LocalStore.checkpoint), not after every commit; this bound only
    // applies when it never is. After a checkpoint the WAL restarts and is cut back.
    raw.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
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
