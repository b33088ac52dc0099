/**
 * Stable codes of {@link LocalStoreError}. Callers and tests match on these, never on
 * the message text; they cross the worker boundary unchanged. Listed in docs/errors.md.
 */
export type LocalStoreErrorCode =
  /** The file's schema version is newer than this code knows: opened by a newer MT2. */
  | 'LOCAL_STORE_SCHEMA_TOO_NEW'
  /** The file is not a SQLite database, or SQLite found it damaged. It is left as it is. */
  | 'LOCAL_STORE_CORRUPT'
  /** The file is a SQLite database of some other program (unknown application id or tables). */
  | 'LOCAL_STORE_FOREIGN_FILE'
  /** An argument is malformed or over a limit (limits.ts); nothing was written. */
  | 'LOCAL_STORE_INVALID_INPUT'
  /** A page cursor was not made by this store (or by a different query). */
  | 'LOCAL_STORE_BAD_CURSOR'
  /** A LIST page's end came after a part of it failed: its cursor was not stored. */
  | 'LOCAL_STORE_PAGE_INCOMPLETE'
  /** The account, message or outbox item named does not exist. */
  | 'LOCAL_STORE_NOT_FOUND'
  /** The disk is full or the file cannot be written. */
  | 'LOCAL_STORE_IO'
  /** Another connection held the database locked for longer than the busy timeout. */
  | 'LOCAL_STORE_BUSY'
  /** The store was closed (or its worker stopped) before or during the call. */
  | 'LOCAL_STORE_CLOSED'
  /** An unexpected failure (a bug); the message says what SQLite or the worker reported. */
  | 'LOCAL_STORE_INTERNAL';

const CODE_SET: Readonly<Record<LocalStoreErrorCode, true>> = {
  LOCAL_STORE_SCHEMA_TOO_NEW: true,
  LOCAL_STORE_CORRUPT: true,
  LOCAL_STORE_FOREIGN_FILE: true,
  LOCAL_STORE_INVALID_INPUT: true,
  LOCAL_STORE_BAD_CURSOR: true,
  LOCAL_STORE_PAGE_INCOMPLETE: true,
  LOCAL_STORE_NOT_FOUND: true,
  LOCAL_STORE_IO: true,
  LOCAL_STORE_BUSY: true,
  LOCAL_STORE_CLOSED: true,
  LOCAL_STORE_INTERNAL: true,
};

/** Every code (a Record above, so the compiler keeps the list complete). */
export const LOCAL_STORE_ERROR_CODES = Object.keys(CODE_SET) as readonly LocalStoreErrorCode[];

/** The one error type of the local store. */
export class LocalStoreError extends Error {
  override readonly name = 'LocalStoreError';
  readonly code: LocalStoreErrorCode;

  constructor(code: LocalStoreErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

const SQLITE_CODES: Readonly<Record<string, LocalStoreErrorCode>> = {
  SQLITE_CORRUPT: 'LOCAL_STORE_CORRUPT',
  SQLITE_NOTADB: 'LOCAL_STORE_CORRUPT',
  SQLITE_CORRUPT_VTAB: 'LOCAL_STORE_CORRUPT',
  SQLITE_CORRUPT_INDEX: 'LOCAL_STORE_CORRUPT',
  SQLITE_CORRUPT_SEQUENCE: 'LOCAL_STORE_CORRUPT',
  SQLITE_FULL: 'LOCAL_STORE_IO',
  SQLITE_IOERR: 'LOCAL_STORE_IO',
  SQLITE_READONLY: 'LOCAL_STORE_IO',
  SQLITE_CANTOPEN: 'LOCAL_STORE_IO',
  SQLITE_PERM: 'LOCAL_STORE_IO',
  SQLITE_BUSY: 'LOCAL_STORE_BUSY',
  SQLITE_LOCKED: 'LOCAL_STORE_BUSY',
};

/**
 * Turns anything thrown inside the store into a LocalStoreError. SQLite errors are
 * recognised by their result code (better-sqlite3's `code`, extended codes included:
 * SQLITE_IOERR_WRITE maps as SQLITE_IOERR), never by their text.
 */
export function toLocalStoreError(error: unknown): LocalStoreError {
  if (error instanceof LocalStoreError) return error;
  const code = sqliteCode(error);
  if (code !== undefined) {
    const mapped = SQLITE_CODES[code] ?? SQLITE_CODES[code.replace(/^(SQLITE_[A-Z]+)_.*$/, '$1')];
    const message = error instanceof Error ? error.message : String(error);
    return new LocalStoreError(mapped ?? 'LOCAL_STORE_INTERNAL', `SQLite ${code}: ${message}`, {
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new LocalStoreError('LOCAL_STORE_INTERNAL', message, { cause: error });
}

function sqliteCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const { code } = error;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}
