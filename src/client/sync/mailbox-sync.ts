import type {
  ClientSession,
  MailboxEntry,
  MailboxFlag,
  MailboxListing,
} from '../../protocol/index.ts';
import { DEFAULT_PACK_BYTES, MAILBOX_FLAGS } from '../../protocol/index.ts';
import type {
  FlagChange,
  ListPage,
  LocalStoreProxy,
  MessageInput,
  ServerStateUpdate,
  WriteResult,
} from '../store/index.ts';
import { headersFirstMessage } from './incoming-message.ts';
import type { CmsReaders } from '../../identity/index.ts';

/** The one server mailbox of a user (MT2 has no server folders). */
export const SERVER_MAILBOX = 'inbox';

/** Entries asked per LIST; the server may cut it lower. */
export const LIST_PAGE_ENTRIES = 1000;

/** Parts come packed into XFERs of about this size, when the server packs. */
const packBytes = DEFAULT_PACK_BYTES;

/** Flag changes pushed per round. */
const FLAG_BATCH = 500;

/**
 * New messages written ahead of their page's end once this many are decoded, so the
 * store's thread writes while the page is still arriving instead of waiting for all of
 * it (and the last page's write, after everything else, is this big at most).
 */
const PAGE_PART_MESSAGES = 250;

export type SyncPhase = 'listing' | 'headers' | 'flags' | 'done';

/** What a sync needs around it. */
export interface MailboxSyncContext {
  readonly accountId: string;
  readonly store: LocalStoreProxy;
  /** The account's key, to read encrypted headers. */
  readonly reader: CmsReaders;
  readonly onProgress: (phase: SyncPhase, done: number, total: number) => void;
  /**
   * Stored messages changed: a page applied (new ones wait for their envelope and
   * verification; others had their flags changed or were expunged elsewhere), or
   * messages deleted here left the server and the store.
   */
  readonly onChanged: (change: WriteResult) => void;
}

/** What one sync did (tests assert on it). */
export interface SyncReport {
  /** Entries LIST returned, every page together. */
  readonly listed: number;
  /** Messages new to the store. */
  readonly added: number;
  readonly updated: number;
  readonly removed: number;
  readonly flagsPushed: number;
  readonly cursor: number;
}

const KNOWN_FLAGS: ReadonlySet<string> = new Set(MAILBOX_FLAGS);

function mailboxFlags(flags: readonly string[]): MailboxFlag[] {
  return flags.filter((flag): flag is MailboxFlag => KNOWN_FLAGS.has(flag));
}

/**
 * Pushes queued local flag changes: FLAG with what was added and removed since the
 * server's state; a change that sets `deleted` is a DELE (the message leaves the
 * server and the store). Each change is acknowledged only after the server answered,
 * so a drop in between pushes it again (FLAG is idempotent).
 */
async function pushFlags(session: ClientSession, context: MailboxSyncContext): Promise<number> {
  const { store, accountId } = context;
  let pushed = 0;
  for (;;) {
    const changes: FlagChange[] = await store.pendingFlagChanges(accountId, FLAG_BATCH);
    if (changes.length === 0) return pushed;
    let removed = 0;
    try {
      for (const change of changes) {
        removed += await pushChange(session, context, change);
        pushed++;
        context.onProgress('flags', pushed, pushed + changes.length);
      }
    } finally {
      // Once a batch, not once a message (each notice reloads the lists shown), and also
      // when a drop cuts the batch short.
      if (removed > 0) context.onChanged({ inserted: 0, updated: 0, removed });
    }
  }
}

/** Pushes one change and acknowledges it; returns how many messages left the store. */
async function pushChange(
  session: ClientSession,
  { store, accountId }: MailboxSyncContext,
  change: FlagChange,
): Promise<number> {
  const stored = await store.message(accountId, change.msgId);
  let removed = 0;
  if (change.flags.includes('deleted')) {
    // A local-only message (an outgoing copy) has nothing to delete on the server.
    if (stored?.server !== undefined) await session.dele([change.msgId]);
    removed = await store.removeMessages(accountId, [change.msgId]);
  } else if (stored?.server !== undefined) {
    const wanted = new Set(mailboxFlags(change.flags));
    const had = new Set(mailboxFlags(stored.serverFlags));
    const add = [...wanted].filter((flag) => !had.has(flag));
    const remove = [...had].filter((flag) => !wanted.has(flag));
    if (add.length > 0 || remove.length > 0) await session.flag(change.msgId, add, remove);
  }
  await store.acknowledgeFlagChanges(accountId, [
    { msgId: change.msgId, revision: change.revision },
  ]);
  return removed;
}

function serverUpdate(entry: MailboxEntry): ServerStateUpdate {
  return {
    msgId: entry.msgId,
    server: { mailbox: SERVER_MAILBOX, uid: entry.uid, modseq: entry.modseq },
    serverFlags: [...entry.flags],
  };
}

/** One LIST page, with which of its messages are new to the store. */
interface ListedPage {
  readonly listing: MailboxListing;
  /** The live (not expunged) entries new to the store. */
  readonly fresh: readonly MailboxEntry[];
  /** The live entries the store has: their flags and server location may have changed. */
  readonly known: readonly MailboxEntry[];
}

/** A listed page with its new messages pulled, decoded and (but for the last ones) written. */
interface FetchedPage extends ListedPage {
  readonly writer: PageWriter;
}

/**
 * A round's `headers` progress: the new messages stored of those found so far. Both
 * count from the round's start; `found` grows as each page is pulled (the mailbox's
 * size is not known ahead: LIST comes in pages).
 */
class HeadersProgress {
  private found = 0;
  private stored = 0;

  constructor(private readonly report: MailboxSyncContext['onProgress']) {}

  foundMore(count: number): void {
    if (count === 0) return;
    this.found += count;
    this.report('headers', this.stored, this.found);
  }

  storedMore(count: number): void {
    if (count === 0) return;
    this.stored += count;
    this.report('headers', this.stored, this.found);
  }
}

/** What a page's end writes besides its last new messages. */
type PageEnd = Pick<Required<ListPage>, 'cursor' | 'updates' | 'removed'>;

/**
 * Writes a page's new messages as they are decoded, PAGE_PART_MESSAGES at a time, each
 * part a page without a cursor (ListPage.cursor: the store commits them with the page's
 * end), counted in `progress` once it is written; `finish` writes the rest with the
 * page's end, right behind the parts (the store refuses an end whose page lost a part),
 * so the stored cursor never passes a message not stored.
 */
class PageWriter {
  private pending: MessageInput[] = [];
  private readonly parts: Promise<WriteResult>[] = [];

  constructor(
    private readonly context: MailboxSyncContext,
    private readonly progress: HeadersProgress,
  ) {}

  readonly add = (message: MessageInput): void => {
    // Indexed stores: a push into a new, empty array deoptimized this path (bench/README.md,
    // "Where a first sync's time goes").
    this.pending[this.pending.length] = message;
    if (this.pending.length >= PAGE_PART_MESSAGES)
      this.parts[this.parts.length] = later(this.write());
  };

  /** Writes the page's end; resolves with what the whole page changed. */
  async finish(end: PageEnd): Promise<WriteResult> {
    const results = await Promise.all([...this.parts, this.write(end)]);
    return {
      inserted: results.reduce((sum, result) => sum + result.inserted, 0),
      updated: results.reduce((sum, result) => sum + result.updated, 0),
      removed: results.reduce((sum, result) => sum + result.removed, 0),
    };
  }

  private async write(end?: PageEnd): Promise<WriteResult> {
    const messages = this.pending;
    this.pending = [];
    const result = await this.context.store.applyListPage({
      accountId: this.context.accountId,
      mailbox: SERVER_MAILBOX,
      messages,
      ...end,
    });
    this.progress.storedMore(messages.length);
    return result;
  }
}

/** Whether a listed message is synced by its envelope: it has no headers to show. */
const listedByEnvelope = (entry: MailboxEntry) => entry.partSizes.headers === 0;

/**
 * Decodes each new message as soon as its part is in (its headers; its envelope when it
 * has none), so decoding runs between the arriving XFERs while the server keeps
 * sending, instead of all at once after the last one, and hands it to `decoded`. Each
 * message is pulled by one part only, so nothing waits for a second.
 */
class PageDecoder {
  /** The fresh entries not decoded yet, in the page's order. */
  private readonly waiting: Map<string, MailboxEntry>;

  constructor(
    fresh: readonly MailboxEntry[],
    private readonly context: MailboxSyncContext,
    private readonly decoded: (message: MessageInput) => void,
  ) {
    this.waiting = new Map(fresh.map((entry) => [entry.msgId, entry]));
  }

  readonly onEnvelope = (msgId: string, bytes: Uint8Array): void => {
    const entry = this.waiting.get(msgId);
    if (entry !== undefined && listedByEnvelope(entry)) this.decode(entry, bytes, undefined);
  };

  readonly onHeaders = (msgId: string, bytes: Uint8Array): void => {
    const entry = this.waiting.get(msgId);
    if (entry !== undefined && !listedByEnvelope(entry)) this.decode(entry, undefined, bytes);
  };

  /** Decodes, without it, each fresh message whose part did not come. */
  finish(): void {
    for (const entry of this.waiting.values()) this.decode(entry, undefined, undefined);
  }

  private decode(
    entry: MailboxEntry,
    envelope: Uint8Array | undefined,
    headers: Uint8Array | undefined,
  ): void {
    const message = headersFirstMessage(
      {
        accountId: this.context.accountId,
        msgId: entry.msgId,
        server: { mailbox: SERVER_MAILBOX, uid: entry.uid, modseq: entry.modseq },
        sizes: entry.partSizes,
        serverFlags: [...entry.flags],
        envelope,
        headers,
      },
      this.context.reader,
    );
    this.waiting.delete(entry.msgId);
    this.decoded(message);
  }
}

async function listPage(
  session: ClientSession,
  context: MailboxSyncContext,
  cursor: number,
): Promise<ListedPage> {
  const listing = await session.list(cursor, LIST_PAGE_ENTRIES);
  const live = listing.entries.filter((entry) => !entry.expunged);
  const missing = new Set(
    await context.store.missingMessageIds(
      context.accountId,
      live.map((entry) => entry.msgId),
    ),
  );
  const fresh: MailboxEntry[] = [];
  const known: MailboxEntry[] = [];
  for (const entry of live) (missing.has(entry.msgId) ? fresh : known).push(entry);
  return { listing, fresh, known };
}

/**
 * The LIST pages from `cursor` on, each listed (and looked up in the store) one page
 * ahead of the consumer: the next page's LIST is sent as soon as this one is handed
 * over, so its store lookup is queued before this page's write, not behind it.
 */
async function* listedPages(
  session: ClientSession,
  context: MailboxSyncContext,
  cursor: number,
): AsyncGenerator<ListedPage> {
  let next: Promise<ListedPage> | undefined = later(listPage(session, context, cursor));
  while (next !== undefined) {
    const page: ListedPage = await next;
    next = page.listing.more ? later(listPage(session, context, page.listing.cursor)) : undefined;
    yield page;
  }
}

async function pullPage(
  session: ClientSession,
  context: MailboxSyncContext,
  listed: ListedPage,
  progress: HeadersProgress,
): Promise<FetchedPage> {
  const byEnvelope = listed.fresh.filter(listedByEnvelope).map((entry) => entry.msgId);
  const byHeaders = listed.fresh
    .filter((entry) => !listedByEnvelope(entry))
    .map((entry) => entry.msgId);
  progress.foundMore(listed.fresh.length);
  const writer = new PageWriter(context, progress);
  const decoder = new PageDecoder(listed.fresh, context, writer.add);
  await Promise.all([
    byEnvelope.length === 0
      ? undefined
      : session.pull('message/envelope', byEnvelope, { onPart: decoder.onEnvelope, packBytes }),
    byHeaders.length === 0
      ? undefined
      : session.pull('message/headers', byHeaders, { onPart: decoder.onHeaders, packBytes }),
  ]);
  decoder.finish();
  return { ...listed, writer };
}

/** Awaited later; a failure must not count as unhandled before then. */
function later<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/**
 * One sync of the account's mailbox (docs/client-engine.md, "Sync"): push local flag
 * changes, then LIST from the stored cursor page by page; for each page, PULL the
 * headers (never bodies; the envelope only of a message without headers) of the
 * messages new to the store, pipelined, decoding each message as its part arrives and
 * writing the new ones PAGE_PART_MESSAGES at a time while the rest arrive; then apply
 * the page's end (its last new messages, flag changes, expunged ones, the new cursor)
 * in one store transaction. Envelopes are pulled afterwards, with verification (the
 * caller's). The next page is listed while this one is pulled, and pulled while this
 * one's end is stored. A connection lost mid-page leaves the cursor where it was, so
 * the page is listed again (its messages written already are not missing: they are
 * not pulled again); messages are keyed by msg-id, so nothing is stored twice.
 */
export async function syncMailbox(
  session: ClientSession,
  context: MailboxSyncContext,
): Promise<SyncReport> {
  const { store, accountId } = context;
  const flagsPushed = await pushFlags(session, context);
  let cursor = await store.listCursor(accountId, SERVER_MAILBOX);
  const totals = { listed: 0, added: 0, updated: 0, removed: 0 };
  context.onProgress('listing', 0, 0);
  const pages = listedPages(session, context, cursor);
  const progress = new HeadersProgress(context.onProgress);
  const first = await pages.next();
  let pulled =
    first.done === true ? undefined : later(pullPage(session, context, first.value, progress));
  while (pulled !== undefined) {
    // The next page is pulled as soon as this one's parts are in (the server runs few
    // PULLs at once, so pages never pull together), while this one is stored.
    const upcoming = await pages.next();
    const page = await pulled;
    pulled =
      upcoming.done === true
        ? undefined
        : later(pullPage(session, context, upcoming.value, progress));
    const { listing } = page;
    totals.listed += listing.entries.length;
    const result = await page.writer.finish({
      cursor: listing.cursor,
      updates: page.known.map(serverUpdate),
      removed: listing.entries.filter((entry) => entry.expunged).map((entry) => entry.msgId),
    });
    totals.added += result.inserted;
    totals.updated += result.updated;
    totals.removed += result.removed;
    cursor = listing.cursor;
    context.onChanged(result);
  }
  context.onProgress('done', totals.listed, totals.listed);
  return { ...totals, flagsPushed, cursor };
}
