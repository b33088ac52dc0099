import type {
  ClientSession,
  MailboxEntry,
  MailboxFlag,
  MailboxListing,
} from '../../protocol/index.ts';
import { MAILBOX_FLAGS } from '../../protocol/index.ts';
import type { FlagChange, LocalStoreProxy, ServerStateUpdate } from '../store/index.ts';
import { incomingMessage, type IncomingMessage } from './incoming-message.ts';
import type { CmsReaders } from '../../identity/index.ts';

/** The one server mailbox of a user (MT2 has no server folders). */
export const SERVER_MAILBOX = 'inbox';

/** Entries asked per LIST; the server may cut it lower. */
export const LIST_PAGE_ENTRIES = 1000;

/** Flag changes pushed per round. */
const FLAG_BATCH = 500;

export type SyncPhase = 'listing' | 'headers' | 'flags' | 'done';

/** What a sync needs around it. */
export interface MailboxSyncContext {
  readonly accountId: string;
  readonly store: LocalStoreProxy;
  /** The account's key, to read encrypted headers. */
  readonly reader: CmsReaders;
  readonly onProgress: (phase: SyncPhase, done: number, total: number) => void;
  /** New messages stored (for verification and contacts), page by page. */
  readonly onStored: (messages: readonly IncomingMessage[]) => Promise<void>;
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

/** Pulls one part of each id, whole parts by msg-id. */
async function pullParts(
  session: ClientSession,
  part: 'message/envelope' | 'message/headers',
  msgIds: readonly string[],
): Promise<Map<string, Uint8Array>> {
  const parts = new Map<string, Uint8Array>();
  if (msgIds.length === 0) return parts;
  await session.pull(part, msgIds, {
    onPart: (msgId, bytes) => {
      parts.set(msgId, bytes);
    },
  });
  return parts;
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
    for (const change of changes) {
      const stored = await store.message(accountId, change.msgId);
      if (change.flags.includes('deleted')) {
        // A local-only message (an outgoing copy) has nothing to delete on the server.
        if (stored?.server !== undefined) await session.dele([change.msgId]);
        await store.removeMessages(accountId, [change.msgId]);
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
      pushed++;
      context.onProgress('flags', pushed, pushed + changes.length);
    }
  }
}

function serverUpdate(entry: MailboxEntry): ServerStateUpdate {
  return {
    msgId: entry.msgId,
    server: { mailbox: SERVER_MAILBOX, uid: entry.uid, modseq: entry.modseq },
    serverFlags: [...entry.flags],
  };
}

/** One LIST page with the parts of its new messages. */
interface FetchedPage {
  readonly listing: MailboxListing;
  /** Entries not expunged. */
  readonly live: readonly MailboxEntry[];
  /** The live entries new to the store. */
  readonly fresh: readonly MailboxEntry[];
  readonly envelopes: ReadonlyMap<string, Uint8Array>;
  readonly headers: ReadonlyMap<string, Uint8Array>;
}

async function fetchPage(
  session: ClientSession,
  context: MailboxSyncContext,
  cursor: number,
): Promise<FetchedPage> {
  const listing = await session.list(cursor, LIST_PAGE_ENTRIES);
  const live = listing.entries.filter((entry) => !entry.expunged);
  const missing = new Set(
    await context.store.missingMessageIds(
      context.accountId,
      live.map((entry) => entry.msgId),
    ),
  );
  const fresh = live.filter((entry) => missing.has(entry.msgId));
  const ids = fresh.map((entry) => entry.msgId);
  context.onProgress('headers', 0, ids.length);
  const [envelopes, headers] = await Promise.all([
    pullParts(session, 'message/envelope', ids),
    pullParts(session, 'message/headers', ids),
  ]);
  return { listing, live, fresh, envelopes, headers };
}

/**
 * One sync of the account's mailbox (docs/client-engine.md, "Sync"): push local flag
 * changes, then LIST from the stored cursor page by page; for each page, PULL the
 * envelopes and headers (never bodies) of the messages new to the store, pipelined, and
 * apply the page (new messages, flag changes, expunged ones, the new cursor) in one
 * store transaction. The next page is listed and pulled while this one is decoded and
 * stored. A connection lost mid-page leaves the cursor where it was, so the page is
 * listed again; messages are keyed by msg-id, so nothing is stored twice.
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
  let next: Promise<FetchedPage> = fetchPage(session, context, cursor);
  for (;;) {
    const page = await next;
    const { listing } = page;
    if (listing.more) {
      next = fetchPage(session, context, listing.cursor);
      // Awaited on the next turn of the loop; a failure there must not go unhandled now.
      next.catch(() => undefined);
    }
    totals.listed += listing.entries.length;
    const incoming = page.fresh.map((entry) =>
      incomingMessage(
        {
          accountId,
          msgId: entry.msgId,
          server: { mailbox: SERVER_MAILBOX, uid: entry.uid, modseq: entry.modseq },
          sizes: entry.partSizes,
          serverFlags: [...entry.flags],
          envelope: page.envelopes.get(entry.msgId),
          headers: page.headers.get(entry.msgId),
        },
        context.reader,
      ),
    );
    const freshIds = new Set(page.fresh.map((entry) => entry.msgId));
    const result = await store.applyListPage({
      accountId,
      mailbox: SERVER_MAILBOX,
      cursor: listing.cursor,
      messages: incoming.map((message) => message.input),
      updates: page.live.filter((entry) => !freshIds.has(entry.msgId)).map(serverUpdate),
      removed: listing.entries.filter((entry) => entry.expunged).map((entry) => entry.msgId),
    });
    totals.added += result.inserted;
    totals.updated += result.updated;
    totals.removed += result.removed;
    context.onProgress('headers', incoming.length, incoming.length);
    cursor = listing.cursor;
    await context.onStored(incoming);
    if (!listing.more) break;
  }
  context.onProgress('done', totals.listed, totals.listed);
  return { ...totals, flagsPushed, cursor };
}
