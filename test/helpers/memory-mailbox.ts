// An in-memory MailboxBackend for protocol tests and the wire benchmark: the storage
// behind the mailbox-access extension (mt2d's real one is src/server's), not a stand-in
// for a protocol component. Modseqs and uids count up from 1 as a real mailbox's do.
import type {
  MailboxBackend,
  MailboxEntry,
  MailboxFlag,
  MailboxListing,
  MailboxPart,
} from '../../src/protocol/index.ts';

interface Stored {
  entry: MailboxEntry;
  readonly parts: Map<MailboxPart, Uint8Array>;
}

/** The parts of a message to add; a control message is an envelope alone. */
export interface MailboxMessage {
  readonly envelope: Uint8Array;
  readonly headers?: Uint8Array;
  readonly body?: Uint8Array;
}

export class MemoryMailbox implements MailboxBackend {
  /** Each call, e.g. `list 0 5000`, `read m1 message/headers`. */
  readonly calls: string[] = [];
  /** When set, every call throws (a failing store). */
  failing = false;
  /** Replaces list's answer when set (a buggy store). */
  listOverride: MailboxListing | undefined;
  private readonly messages = new Map<string, Stored>();
  private modseq = 0;
  private nextUid = 1;

  /** Adds a message; returns its entry. */
  add(msgId: string, message: MailboxMessage, flags: readonly MailboxFlag[] = []): MailboxEntry {
    const parts = new Map<MailboxPart, Uint8Array>([['message/envelope', message.envelope]]);
    if (message.headers !== undefined) parts.set('message/headers', message.headers);
    if (message.body !== undefined) parts.set('message/body', message.body);
    const entry: MailboxEntry = {
      msgId,
      uid: this.nextUid++,
      modseq: ++this.modseq,
      partSizes: {
        envelope: message.envelope.length,
        headers: message.headers?.length ?? 0,
        body: message.body?.length ?? 0,
      },
      flags: [...flags],
      expunged: false,
    };
    this.messages.set(msgId, { entry, parts });
    return entry;
  }

  list(_peer: unknown, since: number, limit: number): Promise<MailboxListing> {
    this.calls.push(`list ${since} ${limit}`);
    if (this.failing) return Promise.reject(new Error('store down'));
    if (this.listOverride !== undefined) return Promise.resolve(this.listOverride);
    const changed = [...this.messages.values()]
      .map((stored) => stored.entry)
      .filter((entry) => entry.modseq > since)
      .sort((a, b) => a.modseq - b.modseq);
    const entries = changed.slice(0, limit);
    const more = changed.length > limit;
    const last = entries[entries.length - 1];
    const cursor = more && last !== undefined ? last.modseq : Math.max(since, this.modseq);
    return Promise.resolve({ entries, cursor, more });
  }

  readPart(_peer: unknown, msgId: string, part: MailboxPart): Promise<Uint8Array | undefined> {
    this.calls.push(`read ${msgId} ${part}`);
    if (this.failing) return Promise.reject(new Error('store down'));
    return Promise.resolve(this.messages.get(msgId)?.parts.get(part));
  }

  setFlags(
    _peer: unknown,
    msgId: string,
    add: readonly MailboxFlag[],
    remove: readonly MailboxFlag[],
  ): Promise<MailboxEntry | undefined> {
    this.calls.push(`flag ${msgId} +${add.join(',')} -${remove.join(',')}`);
    if (this.failing) return Promise.reject(new Error('store down'));
    const stored = this.messages.get(msgId);
    if (stored === undefined || stored.entry.expunged) return Promise.resolve(undefined);
    const flags = [...stored.entry.flags.filter((f) => !remove.includes(f))];
    for (const name of add) if (!flags.includes(name)) flags.push(name);
    stored.entry = { ...stored.entry, flags, modseq: ++this.modseq };
    return Promise.resolve(stored.entry);
  }

  expunge(_peer: unknown, msgIds: readonly string[]): Promise<number> {
    this.calls.push(`expunge ${msgIds.join(' ')}`);
    if (this.failing) return Promise.reject(new Error('store down'));
    let count = 0;
    for (const msgId of msgIds) {
      const stored = this.messages.get(msgId);
      if (stored === undefined || stored.entry.expunged) continue;
      stored.parts.clear();
      stored.entry = {
        ...stored.entry,
        modseq: ++this.modseq,
        partSizes: { envelope: 0, headers: 0, body: 0 },
        flags: [],
        expunged: true,
      };
      count++;
    }
    return Promise.resolve(count);
  }
}
