// The ordered list of schema migrations and the runner. Each migration is one numbered
// file (steps of 10); the database's user_version records the last one applied.
import { LocalStoreError } from '../errors.ts';
import type { StoreDb } from '../store-db.ts';
import * as initial from './0010-initial.ts';
import * as countedPerBatch from './0020-counted-per-batch.ts';
import * as contactDeliveredBy from './0030-contact-delivered-by.ts';
import * as unverifiedIndex from './0040-unverified-index.ts';
import * as msgKey from './0050-msg-key.ts';
import * as searchBacklog from './0060-search-backlog.ts';

export interface Migration {
  readonly version: number;
  readonly up: (db: StoreDb) => void;
  /**
   * The migration drops and builds a table again, which SQLite does with foreign keys
   * off (else dropping the old table deletes, by cascade, every row pointing at it).
   * The runner turns them off around its transaction and checks them before committing.
   */
  readonly rebuildsTables?: boolean;
}

export const MIGRATIONS: readonly Migration[] = [
  initial,
  countedPerBatch,
  contactDeliveredBy,
  unverifiedIndex,
  msgKey,
  searchBacklog,
];

/** The schema version this code writes. */
export const LATEST_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/**
 * Brings the schema from `current` to LATEST_VERSION, each migration in its own
 * transaction with its user_version, so a failure leaves the last good version.
 */
export function migrate(db: StoreDb, current: number, migrations = MIGRATIONS): void {
  migrations.forEach((migration, index) => {
    const previous = migrations[index - 1]?.version ?? 0;
    if (migration.version <= previous) {
      throw new LocalStoreError(
        'LOCAL_STORE_INTERNAL',
        `migration ${migration.version} does not come after ${previous}`,
      );
    }
  });
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    // Foreign keys cannot be switched inside a transaction, so around it; the
    // connection gets back the setting it had, whatever happens.
    const rebuilds = migration.rebuildsTables === true;
    const foreignKeys = db.foreignKeys();
    if (rebuilds) db.setForeignKeys(false);
    try {
      db.writeTransaction(() => {
        // Another connection (the consent store's, say) may have migrated the file since
        // `current` was read: the version read under the write lock decides.
        if (db.userVersion() >= migration.version) return;
        migration.up(db);
        if (rebuilds) checkForeignKeys(db, migration.version);
        db.exec(`PRAGMA user_version = ${migration.version}`);
      });
    } finally {
      if (rebuilds) db.setForeignKeys(foreignKeys);
    }
  }
}

function checkForeignKeys(db: StoreDb, version: number): void {
  const broken = db.statement('PRAGMA foreign_key_check').all();
  if (broken.length > 0) {
    throw new LocalStoreError(
      'LOCAL_STORE_INTERNAL',
      `migration ${version} would leave ${broken.length} rows pointing at nothing`,
    );
  }
}
