import type { CollectionName, StateCollections } from '../recipient/state.ts';
import type { AuditEntry } from './audit.ts';
import type { PolicyRule } from './policy.ts';
import type { ConsentStore, OutgoingMessage, PendingItem, StoreBatch } from './store.ts';

type Collections = { [C in CollectionName]: Map<string, StateCollections[C]> };

interface Tables {
  readonly pending: Map<string, PendingItem>;
  readonly policies: Map<string, PolicyRule>;
  readonly outgoing: Map<string, OutgoingMessage>;
  readonly audit: AuditEntry[];
  readonly state: Collections;
}

function emptyCollections(): Collections {
  return {
    chessGames: new Map(),
    contacts: new Map(),
    listMemberships: new Map(),
    dispositionRequests: new Map(),
  };
}

/**
 * A {@link ConsentStore} in memory: what the tests use, and the reference for the
 * SQLite store. A batch is checked whole before any of it is applied (the only way
 * applying can fail here is a write to a collection that does not exist), so a batch
 * lands whole or not at all.
 */
export class MemoryConsentStore implements ConsentStore {
  readonly #tables: Tables = {
    pending: new Map(),
    policies: new Map(),
    outgoing: new Map(),
    audit: [],
    state: emptyCollections(),
  };

  get<C extends CollectionName>(collection: C, key: string): StateCollections[C] | undefined {
    return this.#tables.state[collection].get(key);
  }

  list<C extends CollectionName>(collection: C): StateCollections[C][] {
    const entries = [...this.#tables.state[collection].entries()];
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return entries.map(([, value]) => value);
  }

  pendingItem(id: string): PendingItem | undefined {
    return this.#tables.pending.get(id);
  }

  pendingItems(): PendingItem[] {
    return [...this.#tables.pending.values()];
  }

  pendingCount(): number {
    return this.#tables.pending.size;
  }

  policyRule(key: string): PolicyRule | undefined {
    return this.#tables.policies.get(key);
  }

  policyRules(): PolicyRule[] {
    return [...this.#tables.policies.values()];
  }

  outgoingMessage(id: string): OutgoingMessage | undefined {
    return this.#tables.outgoing.get(id);
  }

  auditEntries(afterSeq = 0): AuditEntry[] {
    return this.#tables.audit.filter((entry) => entry.seq > afterSeq);
  }

  commit(batch: StoreBatch): void {
    const tables = this.#tables;
    for (const write of batch.state ?? []) {
      if (!Object.hasOwn(tables.state, write.collection)) {
        throw new TypeError(`no state collection '${write.collection}'`);
      }
    }
    for (const item of batch.putPending ?? []) tables.pending.set(item.id, item);
    for (const id of batch.deletePending ?? []) tables.pending.delete(id);
    for (const { key, rule } of batch.policies ?? []) {
      if (rule === undefined) tables.policies.delete(key);
      else tables.policies.set(key, rule);
    }
    for (const write of batch.state ?? []) {
      const table = tables.state[write.collection] as Map<string, unknown>;
      if (write.value === undefined) table.delete(write.key);
      else table.set(write.key, write.value);
    }
    for (const message of batch.putOutgoing ?? []) tables.outgoing.set(message.id, message);
    for (const id of batch.deleteOutgoing ?? []) tables.outgoing.delete(id);
    for (const draft of batch.audit ?? [])
      tables.audit.push({ ...draft, seq: tables.audit.length + 1 });
  }
}
