import { decodeEnvelope, encodeEnvelope, type Mt2Envelope } from '../../message/index.ts';
import type { MessageParts } from '../../protocol/index.ts';
import { domainOf } from '../accept/patterns.ts';
import { normalizeDomain } from '../routing/index.ts';
import type { MailboxEntry, MessageStore } from '../store/index.ts';
import { RelayError } from './errors.ts';

/** The store mailboxes mt2d queues remote deliveries in: `relay:<domain>`, one per domain. */
export const RELAY_MAILBOX_PREFIX = 'relay:';

/** The queue mailbox of a destination domain. */
export function relayMailbox(domain: string): string {
  return RELAY_MAILBOX_PREFIX + normalizeDomain(domain);
}

/** The destination domain of a queue mailbox, or undefined for any other mailbox. */
export function domainOfRelayMailbox(mailbox: string): string | undefined {
  if (!mailbox.startsWith(RELAY_MAILBOX_PREFIX)) return undefined;
  const domain = mailbox.slice(RELAY_MAILBOX_PREFIX.length);
  return domain === '' ? undefined : domain;
}

/**
 * Up to `limit` messages waiting in `domain`'s queue, oldest first (expunged entries,
 * kept as tombstones by the store, are skipped).
 */
export function queuedMessages(store: MessageStore, domain: string, limit: number): MailboxEntry[] {
  return liveEntries(store, relayMailbox(domain), limit);
}

/** Up to `limit` entries of `mailbox` not expunged, oldest first. */
export function liveEntries(store: MessageStore, mailbox: string, limit: number): MailboxEntry[] {
  const waiting: MailboxEntry[] = [];
  let cursor = 0;
  for (;;) {
    const page = store.list(mailbox, cursor, Math.max(limit, 256));
    for (const entry of page.entries) {
      if (!entry.expunged) waiting.push(entry);
      if (waiting.length === limit) return waiting;
    }
    if (!page.more) return waiting;
    cursor = page.cursor;
  }
}

/** A queued message read back for sending: its envelope as decoded and the parts to send. */
export interface OutgoingMessage {
  /** The envelope as stored (all its recipients), for an error report. */
  readonly envelope: Mt2Envelope;
  readonly parts: MessageParts;
}

/**
 * The recipients of `envelope` in `domain`; all of them when none is (a message queued
 * for a domain none of its recipients is in is sent as it is, rather than emptied).
 */
export function recipientsIn(envelope: Mt2Envelope, domain: string): readonly string[] {
  const inDomain = envelope.recipients.filter((r) => domainOf(r) === domain);
  return inDomain.length > 0 ? inDomain : envelope.recipients;
}

/**
 * The stored envelope of a queued message, decoded.
 * @throws RelayError RELAY_QUEUED_MESSAGE_UNREADABLE when it does not decode;
 *   StoreError when the store cannot read it.
 */
export async function readQueuedEnvelope(
  store: MessageStore,
  entry: MailboxEntry,
): Promise<{ envelope: Mt2Envelope; stored: Uint8Array }> {
  const stored = await store.readPart(entry.msgId, 'envelope');
  try {
    return { envelope: decodeEnvelope(stored), stored };
  } catch (error) {
    throw new RelayError(
      'RELAY_QUEUED_MESSAGE_UNREADABLE',
      `envelope of ${entry.msgId}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/**
 * Reads a queued message for `domain`. The envelope goes out as stored, except that
 * recipients of other domains are left out (each relay splits the recipient list; the
 * recipients are not signed, docs/message-security.md), so the peer does not relay
 * them again.
 * @throws as {@link readQueuedEnvelope}; StoreError when a part cannot be read.
 */
export async function readOutgoing(
  store: MessageStore,
  entry: MailboxEntry,
  domain: string,
): Promise<OutgoingMessage> {
  const { envelope, stored } = await readQueuedEnvelope(store, entry);
  const recipients = recipientsIn(envelope, domain);
  const parts: { envelope: Uint8Array; headers?: Uint8Array; body?: Uint8Array } = {
    envelope:
      recipients.length === envelope.recipients.length
        ? stored
        : encodeEnvelope({ ...envelope, recipients }),
  };
  if (entry.sizes.headers > 0) parts.headers = await store.readPart(entry.msgId, 'headers');
  if (entry.sizes.body > 0) parts.body = await store.readPart(entry.msgId, 'body');
  return { envelope, parts };
}
