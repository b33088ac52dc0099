import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ChangeIndex } from './change-index.ts';
import { StoreError } from './errors.ts';
import { acquireLock } from './lock.ts';
import { DEFAULT_PART_CACHE_BYTES, PartCache, isCacheable } from './part-cache.ts';
import {
  RecordLog,
  type LogLocation,
  type RecoveryReport,
  type ScannedRecord,
} from './record-log.ts';

/** The three parts of an MT2 message, in transfer order (docs/protocol.md, XFER). */
export const PART_TYPES = ['envelope', 'headers', 'body'] as const;
export type PartType = (typeof PART_TYPES)[number];

/** Size in octets of each part received; a control message has an envelope only. */
export type PartSizes = Readonly<Record<PartType, number>>;

/** One message in one mailbox, as LIST reports it. */
export interface MailboxEntry {
  readonly mailbox: string;
  /** Position in the mailbox: assigned in arrival order, never reused. */
  readonly uid: number;
  readonly msgId: string;
  /** The mailbox's change counter when this entry last changed (arrival, flags, expunge). */
  readonly modseq: number;
  readonly flags: readonly string[];
  readonly sizes: PartSizes;
  readonly arrivedAt: Date;
  /** True once the entry was expunged (DELE): reported so that a resync removes it. */
  readonly expunged: boolean;
}

/** A page of mailbox changes since a cursor. */
export interface MailboxChanges {
  readonly entries: readonly MailboxEntry[];
  /** The cursor to ask from next time: the highest modseq in `entries`, or the input. */
  readonly cursor: number;
  /** True when more changes wait beyond `limit`. */
  readonly more: boolean;
}

/** What a committed message became. */
export interface CommittedMessage {
  readonly msgId: string;
  readonly deliveries: readonly { readonly mailbox: string; readonly uid: number }[];
}

const RecordType = { Fragment: 1, Commit: 2, Flags: 3, Expunge: 4 } as const;
type RecordType = (typeof RecordType)[keyof typeof RecordType];

interface StoredMessage {
  readonly msgId: string;
  readonly fragments: Readonly<Record<PartType, readonly LogLocation[]>>;
  readonly sizes: PartSizes;
  readonly arrivedAt: Date;
}

interface MutableEntry {
  uid: number;
  /** The message this entry shows (its msg-id, sizes, arrival). */
  readonly message: StoredMessage;
  modseq: number;
  flags: readonly string[];
  expunged: boolean;
}

interface Mailbox {
  uidNext: number;
  modseq: number;
  readonly entries: Map<number, MutableEntry>;
  readonly changes: ChangeIndex<MutableEntry>;
  /** The entries by msg-id, so mailbox access finds a message without a scan. */
  readonly byMsgId: Map<string, MutableEntry>;
}

interface CommitPayload {
  readonly tx: number;
  readonly msgId: string;
  readonly arrivedAt: string;
  readonly deliveries: readonly {
    readonly mailbox: string;
    readonly uid: number;
    readonly modseq: number;
  }[];
}
interface FlagsPayload {
  readonly mailbox: string;
  readonly uid: number;
  readonly modseq: number;
  readonly flags: readonly string[];
}
interface ExpungePayload {
  readonly mailbox: string;
  readonly uid: number;
  readonly modseq: number;
}

/** The place of a fragment whose write has not finished (see appendFragment). */
const UNWRITTEN: LogLocation = Object.freeze({ segment: -1, offset: -1, length: -1 });

const FRAGMENT_PREFIX_BYTES = 9; // transaction id (u64) + part index (u8)
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * mt2d's durable message store: every part fragment is written to an append-only record
 * log and fsynced (group commit) before its acknowledgement; a message becomes visible
 * only through its COMMIT record, written after all its parts are durable. After a crash
 * at any moment, replaying the log shows every acknowledged message and no partial one.
 * Message ids are unique: a second commit of the same id is refused (de-duplication of
 * retried transfers). Space of expunged and abandoned data is reclaimed by compaction,
 * which is not implemented yet.
 */
export class MessageStore {
  readonly #log: RecordLog;
  readonly #releaseLock: () => Promise<void>;
  readonly #messages: Map<string, StoredMessage>;
  readonly #mailboxes: Map<string, Mailbox>;
  /** Keyed by the stored message itself: no second look-up of its msg-id. */
  readonly #cache: PartCache<StoredMessage>;
  #nextTx: number;

  private constructor(log: RecordLog, releaseLock: () => Promise<void>, state: RecoveredState) {
    this.#log = log;
    this.#releaseLock = releaseLock;
    this.#messages = state.messages;
    this.#mailboxes = state.mailboxes;
    this.#cache = state.cache;
    this.#nextTx = state.maxTx + 1;
  }

  /**
   * Opens the store in `dir` (created if missing), replaying its log.
   * `partCacheBytes` bounds the envelopes and headers kept in memory (part-cache.ts).
   */
  static async open(
    dir: string,
    options: { maxSegmentBytes?: number; partCacheBytes?: number } = {},
  ): Promise<MessageStore> {
    const cache = new PartCache<StoredMessage>(options.partCacheBytes ?? DEFAULT_PART_CACHE_BYTES);
    const releaseLock = await acquireLockIn(dir);
    try {
      const recovering = new Recovery(cache);
      const log = await RecordLog.open(join(dir, 'log'), {
        onRecord: (record) => {
          recovering.apply(record);
        },
        ...(options.maxSegmentBytes === undefined
          ? {}
          : { maxSegmentBytes: options.maxSegmentBytes }),
      });
      return new MessageStore(log, releaseLock, recovering.finish());
    } catch (error) {
      await releaseLock();
      throw error;
    }
  }

  /** What recovery found when the store was opened. */
  get recovery(): RecoveryReport {
    return this.#log.recovery;
  }

  /** Number of fsync rounds since open (group commit makes this far fewer than writes). */
  get syncCount(): number {
    return this.#log.syncCount;
  }

  /** True if a message with this id is committed. */
  has(msgId: string): boolean {
    return this.#messages.has(msgId);
  }

  /** Starts receiving a message; nothing of it is visible until commit(). */
  begin(msgId: string): IncomingMessage {
    if (this.#messages.has(msgId)) {
      throw new StoreError('STORE_DUPLICATE_MESSAGE', `message ${msgId} is already stored`);
    }
    return new IncomingMessage(this, this.#nextTx++, msgId);
  }

  /** The part sizes of a committed message. */
  sizes(msgId: string): PartSizes {
    return this.#message(msgId).sizes;
  }

  /** Reads a whole part of a committed message. The bytes may be shared: never modify them. */
  async readPart(msgId: string, part: PartType): Promise<Uint8Array> {
    const message = this.#message(msgId);
    return this.#partNow(message, part) ?? this.#readPart(message, part);
  }

  /**
   * A part of a message in `mailbox` (not expunged), at once when that is cheap (cached,
   * or small fragments read from the page cache), else a promise; undefined when the
   * mailbox does not hold the message. Shared bytes: never modify them. Finds the message
   * by one look-up of its msg-id: a sync asks for thousands at a time.
   */
  mailboxPart(
    mailbox: string,
    msgId: string,
    part: PartType,
  ): Uint8Array | Promise<Uint8Array> | undefined {
    const entry = this.#mailboxes.get(mailbox)?.byMsgId.get(msgId);
    if (entry === undefined || entry.expunged) return undefined;
    return this.#partNow(entry.message, part) ?? this.#readPart(entry.message, part);
  }

  #partNow(message: StoredMessage, part: PartType): Uint8Array | undefined {
    const cached = this.#cache.get(message, part);
    if (cached !== undefined) return cached;
    // Decided before reading any fragment, so a part that must wait is not read twice.
    const fragments = message.fragments[part];
    if (!fragments.every((at) => this.#log.canReadNow(at))) return undefined;
    const pieces: Uint8Array[] = [];
    for (const at of fragments) {
      const piece = this.#log.readNow(at);
      if (piece === undefined) return undefined;
      pieces.push(piece);
    }
    const bytes = concat(pieces, message.sizes[part]);
    if (isCacheable(part, bytes.length)) this.#cache.put(message, part, bytes);
    return bytes;
  }

  async #readPart(message: StoredMessage, part: PartType): Promise<Uint8Array> {
    const pieces = await Promise.all(message.fragments[part].map((at) => this.#log.read(at)));
    return concat(pieces, message.sizes[part]);
  }

  /** Names of the mailboxes that ever held a message, in no particular order. */
  mailboxNames(): string[] {
    return [...this.#mailboxes.keys()];
  }

  /** Changes in `mailbox` after `cursor` (a modseq; 0 for everything), oldest first. */
  list(mailbox: string, cursor = 0, limit = 1000): MailboxChanges {
    const box = this.#mailboxes.get(mailbox);
    if (box === undefined) return { entries: [], cursor, more: false };
    const { items, more } = box.changes.since(cursor, limit);
    const page = items.map((entry) => this.#snapshot(mailbox, entry));
    return { entries: page, cursor: page.at(-1)?.modseq ?? cursor, more };
  }

  /** The uid of a message in a mailbox; undefined when it is not there (or expunged). */
  uidOf(mailbox: string, msgId: string): number | undefined {
    const entry = this.#mailboxes.get(mailbox)?.byMsgId.get(msgId);
    return entry === undefined || entry.expunged ? undefined : entry.uid;
  }

  /** One entry of a mailbox. */
  entry(mailbox: string, uid: number): MailboxEntry {
    return this.#snapshot(mailbox, this.#entry(mailbox, uid));
  }

  /** Replaces an entry's flags, durably. */
  async setFlags(mailbox: string, uid: number, flags: readonly string[]): Promise<MailboxEntry> {
    const entry = this.#entry(mailbox, uid);
    const box = this.#box(mailbox);
    const payload: FlagsPayload = {
      mailbox,
      uid,
      modseq: ++box.modseq,
      flags: [...new Set(flags)].sort(),
    };
    await this.#writeChange(box, RecordType.Flags, payload);
    applyFlags(box, entry, payload);
    return this.#snapshot(mailbox, entry);
  }

  /** Removes an entry from its mailbox, durably; LIST then reports it as expunged. */
  async expunge(mailbox: string, uid: number): Promise<void> {
    const entry = this.#entry(mailbox, uid);
    const box = this.#box(mailbox);
    const payload: ExpungePayload = { mailbox, uid, modseq: ++box.modseq };
    await this.#writeChange(box, RecordType.Expunge, payload);
    applyExpunge(box, entry, payload);
  }

  /** Flushes and closes the log and releases the lock. */
  async close(): Promise<void> {
    await this.#log.close();
    await this.#releaseLock();
  }

  /** @internal used by IncomingMessage: writes a fragment record (not yet durable). */
  async placeFragment(tx: number, part: PartType, bytes: Uint8Array): Promise<LogLocation> {
    const prefix = new Uint8Array(FRAGMENT_PREFIX_BYTES);
    new DataView(prefix.buffer).setBigUint64(0, BigInt(tx), true);
    prefix[8] = PART_TYPES.indexOf(part);
    const at = await this.#log.append(RecordType.Fragment, [prefix, bytes]);
    return { segment: at.segment, offset: at.offset + FRAGMENT_PREFIX_BYTES, length: bytes.length };
  }

  /** @internal used by IncomingMessage: every record written so far becomes durable. */
  flush(): Promise<void> {
    return this.#log.sync();
  }

  /** @internal used by IncomingMessage */
  async commit(
    tx: number,
    msgId: string,
    fragments: Record<PartType, LogLocation[]>,
    sizes: PartSizes,
    mailboxes: readonly string[],
    smallParts: SmallParts,
  ): Promise<CommittedMessage> {
    if (this.#messages.has(msgId)) {
      throw new StoreError('STORE_DUPLICATE_MESSAGE', `message ${msgId} is already stored`);
    }
    const arrivedAt = new Date();
    const deliveries = [...new Set(mailboxes)].map((mailbox) => {
      const box = this.#box(mailbox);
      const delivery = { mailbox, uid: box.uidNext++, modseq: ++box.modseq };
      box.changes.begin(delivery.modseq);
      return delivery;
    });
    const message: StoredMessage = { msgId, fragments, sizes, arrivedAt };
    // Reserve the id now, so a concurrent commit of the same id fails instead of racing.
    this.#messages.set(msgId, message);
    try {
      await this.#writeDurably(RecordType.Commit, {
        tx,
        msgId,
        arrivedAt: arrivedAt.toISOString(),
        deliveries,
      } satisfies CommitPayload);
    } catch (error) {
      this.#messages.delete(msgId);
      for (const { mailbox, modseq } of deliveries) this.#box(mailbox).changes.abandon(modseq);
      throw error;
    }
    smallParts.cacheIn(this.#cache, message);
    for (const delivery of deliveries) addEntry(this.#box(delivery.mailbox), delivery, message);
    return { msgId, deliveries: deliveries.map(({ mailbox, uid }) => ({ mailbox, uid })) };
  }

  /** Writes a flag change or an expunge of `box`, holding LIST back until it is applied. */
  async #writeChange(box: Mailbox, type: RecordType, payload: FlagsPayload | ExpungePayload) {
    box.changes.begin(payload.modseq);
    try {
      await this.#writeDurably(type, payload);
    } catch (error) {
      box.changes.abandon(payload.modseq);
      throw error;
    }
  }

  async #writeDurably(type: RecordType, payload: CommitPayload | FlagsPayload | ExpungePayload) {
    await this.#log.append(type, [encoder.encode(JSON.stringify(payload))]);
    await this.#log.sync();
  }

  #message(msgId: string): StoredMessage {
    const message = this.#messages.get(msgId);
    if (message === undefined) {
      throw new StoreError('STORE_UNKNOWN_MESSAGE', `no message ${msgId}`);
    }
    return message;
  }

  #box(mailbox: string): Mailbox {
    return mailboxIn(this.#mailboxes, mailbox);
  }

  #entry(mailbox: string, uid: number): MutableEntry {
    const entry = this.#mailboxes.get(mailbox)?.entries.get(uid);
    if (entry === undefined || entry.expunged) {
      throw new StoreError('STORE_UNKNOWN_ENTRY', `no message ${uid} in ${mailbox}`);
    }
    return entry;
  }

  #snapshot(mailbox: string, entry: MutableEntry): MailboxEntry {
    const { message } = entry;
    return {
      mailbox,
      uid: entry.uid,
      msgId: message.msgId,
      modseq: entry.modseq,
      flags: entry.flags,
      sizes: message.sizes,
      arrivedAt: message.arrivedAt,
      expunged: entry.expunged,
    };
  }
}

/**
 * A message being received. Parts arrive in order (envelope, headers, body), each in one
 * or more fragments; each fragment is durable when appendFragment resolves.
 */
export class IncomingMessage {
  readonly #store: MessageStore;
  readonly #tx: number;
  readonly msgId: string;
  readonly #fragments: Record<PartType, LogLocation[]> = { envelope: [], headers: [], body: [] };
  readonly #sizes: Record<PartType, number> = { envelope: 0, headers: 0, body: 0 };
  readonly #smallParts = new SmallParts();
  #lastPart = 0;
  #finished = false;
  /** Fragment writes under way (their locations are filled in when they finish). */
  readonly #placed: Promise<void>[] = [];

  /** @internal created by MessageStore.begin */
  constructor(store: MessageStore, tx: number, msgId: string) {
    this.#store = store;
    this.#tx = tx;
    this.msgId = msgId;
  }

  /** Bytes received so far, all parts together. */
  get receivedBytes(): number {
    return this.#sizes.envelope + this.#sizes.headers + this.#sizes.body;
  }

  /**
   * Stores one fragment of a part; resolves once it is durable. The fragment's place is
   * taken at the call, so several fragments may be on their way at once (their fsyncs
   * then share a group commit).
   */
  async appendFragment(part: PartType, bytes: Uint8Array): Promise<void> {
    this.#assertOpen();
    const index = PART_TYPES.indexOf(part);
    if (index < this.#lastPart) {
      throw new StoreError('STORE_PART_ORDER', `${part} after ${PART_TYPES[this.#lastPart] ?? ''}`);
    }
    this.#lastPart = index;
    this.#sizes[part] += bytes.length;
    this.#smallParts.add(part, bytes);
    const fragments = this.#fragments[part];
    const slot = fragments.length;
    fragments.push(UNWRITTEN);
    const placed = this.#store.placeFragment(this.#tx, part, bytes).then((location) => {
      fragments[slot] = location;
    });
    this.#placed.push(placed);
    await placed;
    await this.#store.flush();
  }

  /**
   * Makes the message visible in the given mailboxes; resolves once durable. Fragments
   * still on their way need only be written: the commit record comes after them in the
   * log, and its fsync makes them durable too (recovery ends the log at the first torn
   * record, so a commit never survives a fragment before it).
   */
  commit(mailboxes: readonly string[]): Promise<CommittedMessage> {
    this.#assertOpen();
    this.#finished = true;
    return Promise.all(this.#placed).then(() =>
      this.#store.commit(
        this.#tx,
        this.msgId,
        this.#fragments,
        { ...this.#sizes },
        mailboxes,
        this.#smallParts,
      ),
    );
  }

  /** Abandons the message: nothing of it becomes visible (its bytes await compaction). */
  discard(): void {
    this.#finished = true;
  }

  #assertOpen(): void {
    if (this.#finished) {
      throw new StoreError(
        'STORE_TRANSACTION_FINISHED',
        `message ${this.msgId} was already committed or discarded`,
      );
    }
  }
}

/**
 * The fragments of a message's cacheable parts (envelope, headers) as they arrive, so
 * that its commit can cache them without reading them back. Collection of a part stops
 * once it is too big to cache.
 */
class SmallParts {
  readonly #pieces = new Map<PartType, Uint8Array[]>();
  readonly #sizes = new Map<PartType, number>();

  /** A fragment of `part`; a copy is kept while the part is small enough to cache. */
  add(part: PartType, bytes: Uint8Array): void {
    const size = (this.#sizes.get(part) ?? 0) + bytes.length;
    this.#sizes.set(part, size);
    if (!isCacheable(part, size)) {
      this.#pieces.delete(part);
      return;
    }
    // A copy (a Buffer's slice() would be a view, keeping a whole log segment alive).
    const copy = new Uint8Array(bytes);
    const pieces = this.#pieces.get(part);
    if (pieces === undefined) this.#pieces.set(part, [copy]);
    else pieces.push(copy);
  }

  /** Puts the collected parts into `cache`, as the parts of `message`. */
  cacheIn(cache: PartCache<StoredMessage>, message: StoredMessage): void {
    for (const [part, pieces] of this.#pieces) {
      const size = this.#sizes.get(part) ?? 0;
      if (isCacheable(part, size)) cache.put(message, part, concat(pieces, size));
    }
  }
}

interface PendingMessage {
  readonly fragments: Record<PartType, LogLocation[]>;
  readonly sizes: Record<PartType, number>;
  readonly smallParts: SmallParts;
}

const emptyPending = (): PendingMessage => ({
  fragments: { envelope: [], headers: [], body: [] },
  sizes: { envelope: 0, headers: 0, body: 0 },
  smallParts: new SmallParts(),
});

interface RecoveredState {
  readonly messages: Map<string, StoredMessage>;
  readonly mailboxes: Map<string, Mailbox>;
  readonly cache: PartCache<StoredMessage>;
  readonly maxTx: number;
}

/** Rebuilds the in-memory index (and the part cache) from the log's records, in order. */
class Recovery {
  readonly #pending = new Map<number, PendingMessage>();
  readonly #messages = new Map<string, StoredMessage>();
  readonly #mailboxes = new Map<string, Mailbox>();
  #maxTx = 0;

  constructor(private readonly cache: PartCache<StoredMessage>) {}

  apply(record: ScannedRecord): void {
    switch (record.type as RecordType) {
      case RecordType.Fragment:
        this.#fragment(record);
        return;
      case RecordType.Commit:
        this.#commit(parseJson(record) as CommitPayload);
        return;
      case RecordType.Flags: {
        const payload = parseJson(record) as FlagsPayload;
        const box = this.#box(payload.mailbox);
        const entry = box.entries.get(payload.uid);
        if (entry !== undefined) applyFlags(box, entry, payload);
        box.modseq = Math.max(box.modseq, payload.modseq);
        return;
      }
      case RecordType.Expunge: {
        const payload = parseJson(record) as ExpungePayload;
        const box = this.#box(payload.mailbox);
        const entry = box.entries.get(payload.uid);
        if (entry !== undefined) applyExpunge(box, entry, payload);
        box.modseq = Math.max(box.modseq, payload.modseq);
        return;
      }
      default:
        throw new StoreError('STORE_CORRUPT', `unknown record type ${record.type}`);
    }
  }

  finish(): RecoveredState {
    // Fragments never committed belong to transfers that were cut off: they stay invisible.
    this.#pending.clear();
    return {
      messages: this.#messages,
      mailboxes: this.#mailboxes,
      cache: this.cache,
      maxTx: this.#maxTx,
    };
  }

  #fragment(record: ScannedRecord): void {
    const view = new DataView(
      record.payload.buffer,
      record.payload.byteOffset,
      record.payload.byteLength,
    );
    const tx = Number(view.getBigUint64(0, true));
    const part = PART_TYPES[record.payload[8] ?? -1];
    if (part === undefined) throw new StoreError('STORE_CORRUPT', 'fragment of an unknown part');
    this.#maxTx = Math.max(this.#maxTx, tx);
    let pending = this.#pending.get(tx);
    if (pending === undefined) {
      pending = emptyPending();
      this.#pending.set(tx, pending);
    }
    pending.smallParts.add(part, record.payload.subarray(FRAGMENT_PREFIX_BYTES));
    const length = record.location.length - FRAGMENT_PREFIX_BYTES;
    pending.fragments[part].push({
      segment: record.location.segment,
      offset: record.location.offset + FRAGMENT_PREFIX_BYTES,
      length,
    });
    pending.sizes[part] += length;
  }

  #commit(payload: CommitPayload): void {
    this.#maxTx = Math.max(this.#maxTx, payload.tx);
    const pending = this.#pending.get(payload.tx) ?? emptyPending();
    this.#pending.delete(payload.tx);
    const message: StoredMessage = {
      msgId: payload.msgId,
      fragments: pending.fragments,
      sizes: pending.sizes,
      arrivedAt: new Date(payload.arrivedAt),
    };
    pending.smallParts.cacheIn(this.cache, message);
    this.#messages.set(payload.msgId, message);
    for (const delivery of payload.deliveries) {
      const box = this.#box(delivery.mailbox);
      box.uidNext = Math.max(box.uidNext, delivery.uid + 1);
      box.modseq = Math.max(box.modseq, delivery.modseq);
      addEntry(box, delivery, message);
    }
  }

  #box(mailbox: string): Mailbox {
    return mailboxIn(this.#mailboxes, mailbox);
  }
}

/** The named mailbox of `mailboxes`, created empty on first use. */
function mailboxIn(mailboxes: Map<string, Mailbox>, name: string): Mailbox {
  let box = mailboxes.get(name);
  if (box === undefined) {
    box = {
      uidNext: 1,
      modseq: 0,
      entries: new Map(),
      changes: new ChangeIndex(),
      byMsgId: new Map(),
    };
    mailboxes.set(name, box);
  }
  return box;
}

function addEntry(
  box: Mailbox,
  delivery: { uid: number; modseq: number },
  message: StoredMessage,
): void {
  const entry: MutableEntry = {
    uid: delivery.uid,
    message,
    modseq: delivery.modseq,
    flags: [],
    expunged: false,
  };
  box.entries.set(delivery.uid, entry);
  box.byMsgId.set(message.msgId, entry);
  box.changes.applied(entry);
}

function applyFlags(box: Mailbox, entry: MutableEntry, payload: FlagsPayload): void {
  const previous = entry.modseq;
  entry.flags = payload.flags;
  entry.modseq = payload.modseq;
  box.changes.applied(entry, previous);
}

function applyExpunge(box: Mailbox, entry: MutableEntry, payload: ExpungePayload): void {
  const previous = entry.modseq;
  entry.expunged = true;
  entry.flags = [];
  entry.modseq = payload.modseq;
  box.changes.applied(entry, previous);
}

function parseJson(record: ScannedRecord): unknown {
  try {
    return JSON.parse(decoder.decode(record.payload));
  } catch {
    throw new StoreError(
      'STORE_CORRUPT',
      `unreadable record in segment ${record.location.segment}`,
    );
  }
}

function concat(pieces: readonly Uint8Array[], total: number): Uint8Array {
  if (pieces.length === 1 && pieces[0] !== undefined) return pieces[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

async function acquireLockIn(dir: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true });
  return acquireLock(join(dir, 'LOCK'));
}
