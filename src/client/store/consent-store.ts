// The consent engine's ConsentStore (src/extensions) on the store's SQLite database.
// Records are kept whole as JSON (json-codec.ts keeps their Dates and bytes); the
// engine reads them by key or in order, never by their contents. `commit` is one
// transaction, so a batch lands whole or not at all.
import type {
  AuditEntry,
  CollectionName,
  ConsentStore,
  OutgoingMessage,
  PendingItem,
  PolicyRule,
  StateCollections,
  StoreBatch,
} from '../../extensions/index.ts';
import { LocalStoreError } from './errors.ts';
import { decodeRecord, encodeRecord } from './json-codec.ts';
import { LocalStore, type LocalStoreOptions } from './local-store.ts';
import type { StoreDb } from './store-db.ts';

/** Every state collection; a Record so a collection added in src/extensions must be listed. */
const COLLECTIONS: Readonly<Record<CollectionName, true>> = {
  chessGames: true,
  contacts: true,
  listMemberships: true,
  dispositionRequests: true,
};

function checkCollection(name: string): void {
  if (!Object.hasOwn(COLLECTIONS, name)) {
    throw new LocalStoreError('LOCAL_STORE_INVALID_INPUT', `no state collection '${name}'`);
  }
}

export class SqliteConsentStore implements ConsentStore {
  readonly #store: LocalStore;
  readonly #ownsStore: boolean;

  /** A consent store on `store`'s connection (same thread, same file). */
  constructor(store: LocalStore, ownsStore = false) {
    this.#store = store;
    this.#ownsStore = ownsStore;
  }

  /** Opens its own connection to the store's file (WAL lets it work beside the worker's). */
  static open(options: LocalStoreOptions): SqliteConsentStore {
    return new SqliteConsentStore(LocalStore.open(options), true);
  }

  /** Closes the connection if this store opened it. */
  close(): void {
    if (this.#ownsStore) this.#store.close();
  }

  get #db(): StoreDb {
    return this.#store.db;
  }

  get<C extends CollectionName>(collection: C, key: string): StateCollections[C] | undefined {
    const value = this.#db
      .statement('SELECT value FROM consent_state WHERE collection = ? AND key = ?')
      .pluck()
      .get(collection, key) as string | undefined;
    return value === undefined ? undefined : (decodeRecord(value) as StateCollections[C]);
  }

  list<C extends CollectionName>(collection: C): StateCollections[C][] {
    const values = this.#db
      .statement('SELECT value FROM consent_state WHERE collection = ? ORDER BY key')
      .pluck()
      .all(collection) as string[];
    return values.map((value) => decodeRecord(value) as StateCollections[C]);
  }

  pendingItem(id: string): PendingItem | undefined {
    const item = this.#db
      .statement('SELECT item FROM consent_pending WHERE id = ?')
      .pluck()
      .get(id) as string | undefined;
    return item === undefined ? undefined : (decodeRecord(item) as PendingItem);
  }

  pendingItems(): PendingItem[] {
    const items = this.#db
      .statement('SELECT item FROM consent_pending ORDER BY seq')
      .pluck()
      .all() as string[];
    return items.map((item) => decodeRecord(item) as PendingItem);
  }

  pendingCount(): number {
    return this.#db.statement('SELECT count(*) FROM consent_pending').pluck().get() as number;
  }

  policyRule(key: string): PolicyRule | undefined {
    const rule = this.#db
      .statement('SELECT rule FROM consent_policies WHERE key = ?')
      .pluck()
      .get(key) as string | undefined;
    return rule === undefined ? undefined : (decodeRecord(rule) as PolicyRule);
  }

  policyRules(): PolicyRule[] {
    const rules = this.#db
      .statement('SELECT rule FROM consent_policies ORDER BY seq')
      .pluck()
      .all() as string[];
    return rules.map((rule) => decodeRecord(rule) as PolicyRule);
  }

  outgoingMessage(id: string): OutgoingMessage | undefined {
    const message = this.#db
      .statement('SELECT message FROM consent_outgoing WHERE id = ?')
      .pluck()
      .get(id) as string | undefined;
    return message === undefined ? undefined : (decodeRecord(message) as OutgoingMessage);
  }

  auditEntries(afterSeq = 0): AuditEntry[] {
    const rows = this.#db
      .statement('SELECT seq, entry FROM consent_audit WHERE seq > ? ORDER BY seq')
      .all(afterSeq) as { seq: number; entry: string }[];
    return rows.map((row) => ({
      ...(decodeRecord(row.entry) as Omit<AuditEntry, 'seq'>),
      seq: row.seq,
    }));
  }

  commit(batch: StoreBatch): void {
    const db = this.#db;
    for (const write of batch.state ?? []) checkCollection(write.collection);
    db.transaction(() => {
      // Updating in place (not REPLACE) keeps an item's or a default's place in the order.
      for (const item of batch.putPending ?? []) {
        db.statement(
          `INSERT INTO consent_pending (id, item) VALUES (?, ?)
           ON CONFLICT (id) DO UPDATE SET item = excluded.item`,
        ).run(item.id, encodeRecord(item));
      }
      for (const id of batch.deletePending ?? []) {
        db.statement('DELETE FROM consent_pending WHERE id = ?').run(id);
      }
      for (const { key, rule } of batch.policies ?? []) {
        if (rule === undefined) db.statement('DELETE FROM consent_policies WHERE key = ?').run(key);
        else {
          db.statement(
            `INSERT INTO consent_policies (key, rule) VALUES (?, ?)
             ON CONFLICT (key) DO UPDATE SET rule = excluded.rule`,
          ).run(key, encodeRecord(rule));
        }
      }
      for (const write of batch.state ?? []) {
        if (write.value === undefined) {
          db.statement('DELETE FROM consent_state WHERE collection = ? AND key = ?').run(
            write.collection,
            write.key,
          );
        } else {
          db.statement(
            `INSERT INTO consent_state (collection, key, value) VALUES (?, ?, ?)
             ON CONFLICT (collection, key) DO UPDATE SET value = excluded.value`,
          ).run(write.collection, write.key, encodeRecord(write.value));
        }
      }
      for (const message of batch.putOutgoing ?? []) {
        db.statement(
          `INSERT INTO consent_outgoing (id, message) VALUES (?, ?)
           ON CONFLICT (id) DO UPDATE SET message = excluded.message`,
        ).run(message.id, encodeRecord(message));
      }
      for (const id of batch.deleteOutgoing ?? []) {
        db.statement('DELETE FROM consent_outgoing WHERE id = ?').run(id);
      }
      for (const draft of batch.audit ?? []) {
        db.statement('INSERT INTO consent_audit (entry) VALUES (?)').run(encodeRecord(draft));
      }
    });
  }
}
