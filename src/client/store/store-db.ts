// One SQLite connection with a cache of prepared statements. Every query of the store
// goes through `statement`, so each SQL text is compiled once per connection.
import type Database from 'better-sqlite3';

export type Row = Record<string, unknown>;

export class StoreDb {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();

  constructor(db: Database.Database) {
    this.#db = db;
  }

  /** The prepared statement for `sql`, compiled on first use. */
  statement(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs `fn` in a transaction (nested calls become savepoints); all or nothing. */
  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn)();
  }

  /**
   * Like `transaction`, but its commit does not wait for the disk (synchronous = NORMAL
   * for this transaction only). After a power cut it may be missing, never half there;
   * the WAL is written in order, so the next commit that does wait (any other write)
   * makes it durable too. Only for writes that can be fetched again from the server,
   * and never inside another transaction (SQLite refuses to change the level there).
   */
  unsyncedTransaction<T>(fn: () => T): T {
    // Prepared once: db.pragma() compiles its statement on every call.
    this.statement('PRAGMA synchronous = NORMAL').run();
    try {
      return this.transaction(fn);
    } finally {
      this.statement('PRAGMA synchronous = FULL').run();
    }
  }

  /**
   * Opens an unsynced transaction (as unsyncedTransaction's) that stays open across
   * calls until endUnsynced: the parts of a LIST page share one commit. Statements run
   * in it directly, not as savepoints (a savepoint journals every page it changes).
   */
  beginUnsynced(): void {
    this.statement('PRAGMA synchronous = NORMAL').run();
    this.statement('BEGIN').run();
  }

  /** Commits or rolls back the transaction of beginUnsynced. */
  endUnsynced(outcome: 'COMMIT' | 'ROLLBACK'): void {
    try {
      // Some errors (a full disk, say) have made SQLite roll it back already.
      if (this.#db.inTransaction) this.statement(outcome).run();
    } catch (error) {
      // A commit that failed leaves nothing open behind it.
      if (this.#db.inTransaction) this.statement('ROLLBACK').run();
      throw error;
    } finally {
      this.statement('PRAGMA synchronous = FULL').run();
    }
  }

  /** Like `transaction`, but takes the write lock at the start (BEGIN IMMEDIATE). */
  writeTransaction<T>(fn: () => T): T {
    return this.#db.transaction(fn).immediate();
  }

  /** The schema version recorded in the file. */
  userVersion(): number {
    return Number(this.#db.pragma('user_version', { simple: true }));
  }

  /** Whether foreign keys are enforced on this connection. */
  foreignKeys(): boolean {
    return Number(this.#db.pragma('foreign_keys', { simple: true })) === 1;
  }

  /** Turns foreign keys on or off (only outside a transaction; SQLite ignores it inside). */
  setForeignKeys(on: boolean): void {
    this.#db.pragma(`foreign_keys = ${on ? 'ON' : 'OFF'}`);
  }

  /** Registers a deterministic SQL function on this connection (for migrations). */
  defineFunction(name: string, fn: (value: string) => number): void {
    this.#db.function(name, { deterministic: true }, fn as (...args: unknown[]) => unknown);
  }

  /** Runs SQL with no parameters and no result (schema changes). */
  exec(sql: string): void {
    this.#db.exec(sql);
  }

  /**
   * Copies committed pages from the WAL into the database file, as far as open readers
   * allow, without waiting for any of them (a passive checkpoint).
   */
  checkpoint(): void {
    this.#db.pragma('wal_checkpoint(PASSIVE)');
  }

  close(): void {
    this.#statements.clear();
    this.#db.close();
  }
}
