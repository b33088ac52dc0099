// The wire form of a mailbox entry (docs/protocol.md section 8.4), shared by the server
// (formatting what the mailbox returns) and the client (parsing what the server sends),
// with one validation for both so neither sends what the other refuses.
import { option, type Mt2Option } from '../codec/frames.ts';
import { isAtom, isUint } from '../codec/tokens.ts';
import {
  MAILBOX_FLAGS,
  type MailboxEntry,
  type MailboxFlag,
  type MailboxListing,
} from './mailbox-types.ts';

/** A live message: `(MSG=msg-id;uid;modseq;envelope;headers;body;flag...)`. */
export const ENTRY_OPTION = 'MSG';
/** A tombstone: `(GONE=msg-id;uid;modseq)`. */
export const TOMBSTONE_OPTION = 'GONE';

const FLAG_NAMES: ReadonlySet<string> = new Set(MAILBOX_FLAGS);

/** Whether `value` is a wire flag name. */
export function isMailboxFlag(value: string): value is MailboxFlag {
  return FLAG_NAMES.has(value);
}

// A msg-id is an atom, which may hold `;` (the value separator): `%` and `;` are
// escaped, and nothing else, so every msg-id has exactly one spelling.
export function escapeMsgId(msgId: string): string {
  if (!msgId.includes('%') && !msgId.includes(';')) return msgId;
  return msgId.replaceAll('%', '%25').replaceAll(';', '%3B');
}

export function unescapeMsgId(value: string): string | undefined {
  if (!value.includes('%')) return value;
  if (/%(?!25|3B)/.test(value)) return undefined;
  return value.replaceAll('%3B', ';').replaceAll('%25', '%');
}

const isCount = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;
const isPositive = (n: number): boolean => Number.isSafeInteger(n) && n >= 1;

/**
 * What is wrong with an entry, or undefined when it can go on the wire: a msg-id that is
 * an atom, uid and modseq from 1, sizes from 0 with an envelope for a live message,
 * known flags each at most once; a tombstone has no sizes and no flags.
 */
export function entryProblem(entry: MailboxEntry): string | undefined {
  if (!isAtom(entry.msgId)) return `msg-id '${entry.msgId}' is not an atom`;
  if (!isPositive(entry.uid)) return `uid ${entry.uid} of ${entry.msgId}`;
  if (!isPositive(entry.modseq)) return `modseq ${entry.modseq} of ${entry.msgId}`;
  const { envelope, headers, body } = entry.partSizes;
  if (entry.expunged) {
    if (envelope !== 0 || headers !== 0 || body !== 0 || entry.flags.length > 0) {
      return `tombstone ${entry.msgId} with sizes or flags`;
    }
    return undefined;
  }
  if (!isPositive(envelope) || !isCount(headers) || !isCount(body)) {
    return `part sizes ${envelope};${headers};${body} of ${entry.msgId}`;
  }
  const { flags } = entry;
  if (flags.length > 0 && (!flags.every(isMailboxFlag) || new Set(flags).size !== flags.length)) {
    return `flags ${entry.flags.join(',')} of ${entry.msgId}`;
  }
  return undefined;
}

function entryValues(entry: MailboxEntry): string[] {
  const head = [escapeMsgId(entry.msgId), String(entry.uid), String(entry.modseq)];
  if (entry.expunged) return head;
  const { envelope, headers, body } = entry.partSizes;
  return [...head, String(envelope), String(headers), String(body), ...entry.flags];
}

/** An entry as its extension group. The caller checked it with {@link entryProblem}. */
export function formatEntry(entry: MailboxEntry): Mt2Option {
  return option(entry.expunged ? TOMBSTONE_OPTION : ENTRY_OPTION, ...entryValues(entry));
}

/**
 * An entry's group as line text, exactly as the encoder writes {@link formatEntry}'s
 * (a LIST page writes thousands: one string each instead of a group checked value by
 * value). The caller checked the entry with {@link entryProblem}.
 */
export function entryText(entry: MailboxEntry): string {
  return `(${entry.expunged ? TOMBSTONE_OPTION : ENTRY_OPTION}=${entryValues(entry).join(';')})`;
}

function uintValue(value: string | undefined): number | undefined {
  return value !== undefined && isUint(value) ? Number(value) : undefined;
}

/**
 * Reads an `MSG` or `GONE` group back into an entry.
 * @returns the entry, or a string saying what is wrong with the group
 */
export function parseEntry(group: Mt2Option): MailboxEntry | string {
  const live = group.name === ENTRY_OPTION;
  if (!live && group.name !== TOMBSTONE_OPTION) return `unexpected group (${group.name})`;
  // Indexed rather than destructured with rests: a LIST page parses thousands.
  const { values } = group;
  const rawId = values[0];
  const msgId = rawId === undefined ? undefined : unescapeMsgId(rawId);
  const uid = uintValue(values[1]);
  const modseq = uintValue(values[2]);
  if (msgId === undefined || uid === undefined || modseq === undefined) {
    return `bad msg-id, uid or modseq in (${group.name}=${values.join(';')})`;
  }
  let entry: MailboxEntry;
  if (live) {
    const envelope = uintValue(values[3]);
    const headers = uintValue(values[4]);
    const body = uintValue(values[5]);
    if (envelope === undefined || headers === undefined || body === undefined) {
      return `bad part sizes for ${msgId}`;
    }
    const flags = values.slice(6);
    if (!flags.every(isMailboxFlag)) return `unknown flag for ${msgId}: ${flags.join(',')}`;
    entry = { msgId, uid, modseq, partSizes: { envelope, headers, body }, flags, expunged: false };
  } else {
    if (values.length > 3) return `tombstone ${msgId} with extra values`;
    const partSizes = { envelope: 0, headers: 0, body: 0 };
    entry = { msgId, uid, modseq, partSizes, flags: [], expunged: true };
  }
  return entryProblem(entry) ?? entry;
}

/**
 * What is wrong with a listing asked from `since` with at most `limit` entries, or
 * undefined: every entry valid, modseqs strictly increasing and above `since`, each
 * msg-id once, the cursor at or above `since` and the last modseq, and `more` only with
 * entries (else a client asking again from the same cursor would loop forever).
 */
export function listingProblem(
  listing: MailboxListing,
  since: number,
  limit: number,
): string | undefined {
  for (const entry of listing.entries) {
    const problem = entryProblem(entry);
    if (problem !== undefined) return problem;
  }
  return listingOrderProblem(listing, since, limit);
}

/**
 * listingProblem of a listing whose entries were each checked already (parseEntry
 * checks what entryProblem does): the limit, the order, each msg-id once, the cursor.
 */
export function listingOrderProblem(
  listing: MailboxListing,
  since: number,
  limit: number,
): string | undefined {
  if (listing.entries.length > limit) return `${listing.entries.length} entries, limit ${limit}`;
  if (listing.more && listing.entries.length === 0) return 'MORE with no entry';
  let last = since;
  const seen = new Set<string>();
  for (const entry of listing.entries) {
    if (entry.modseq <= last) return `modseq ${entry.modseq} of ${entry.msgId} not above ${last}`;
    if (seen.has(entry.msgId)) return `${entry.msgId} listed twice`;
    seen.add(entry.msgId);
    last = entry.modseq;
  }
  if (!isCount(listing.cursor) || listing.cursor < last) {
    return `cursor ${listing.cursor} below ${last}`;
  }
  return undefined;
}
