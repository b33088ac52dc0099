// Reading message rows into MessageSummary / StoredMessage values.
import type { Folder, MessageSummary, ServerLocation, StoredMessage } from '../types.ts';
import { FLAGGED_FLAG, SEEN_FLAG } from '../types.ts';

/** The columns a summary needs, for `SELECT ${SUMMARY_COLUMNS} FROM messages m`. */
export const SUMMARY_COLUMNS = `m.id, m.account_id, m.msg_id, m.folder, m.mailbox, m.uid, m.modseq,
  m.envelope_size, m.headers_size, m.body_size, m.flags, m.unread, m.flagged,
  m.from_name, m.from_address, m.to_addresses, m.cc_addresses, m.subject, m.date_ms,
  m.has_attachments, m.signed, m.encrypted, m.snippet, m.has_body`;

export interface SummaryRow {
  readonly id: number;
  readonly account_id: string;
  readonly msg_id: string;
  readonly folder: Folder;
  readonly mailbox: string | null;
  readonly uid: number | null;
  readonly modseq: number | null;
  readonly envelope_size: number;
  readonly headers_size: number;
  readonly body_size: number;
  readonly flags: string;
  readonly unread: number;
  readonly flagged: number;
  readonly from_name: string;
  readonly from_address: string;
  readonly to_addresses: string;
  readonly cc_addresses: string;
  readonly subject: string;
  readonly date_ms: number;
  readonly has_attachments: number;
  readonly signed: number;
  readonly encrypted: number;
  readonly snippet: string;
  readonly has_body: number;
}

export interface StoredRow extends SummaryRow {
  readonly server_flags: string;
  readonly envelope_xml: Uint8Array;
  readonly headers_xml: Uint8Array | null;
  readonly verification: string | null;
}

/** A plain Uint8Array view of a Buffer SQLite returned (no copy). */
export function bytesView(buffer: Uint8Array): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** The JSON of a string list written by the store itself. */
function stringList(json: string): string[] {
  return JSON.parse(json) as string[];
}

export function toSummary(row: SummaryRow): MessageSummary {
  const server: ServerLocation | undefined =
    row.mailbox === null || row.uid === null || row.modseq === null
      ? undefined
      : { mailbox: row.mailbox, uid: row.uid, modseq: row.modseq };
  return {
    accountId: row.account_id,
    msgId: row.msg_id,
    folder: row.folder,
    ...(server === undefined ? {} : { server }),
    sizes: { envelope: row.envelope_size, headers: row.headers_size, body: row.body_size },
    flags: stringList(row.flags),
    unread: row.unread === 1,
    flagged: row.flagged === 1,
    display: {
      fromName: row.from_name,
      fromAddress: row.from_address,
      to: stringList(row.to_addresses),
      cc: stringList(row.cc_addresses),
      subject: row.subject,
      date: new Date(row.date_ms),
      hasAttachments: row.has_attachments === 1,
      signed: row.signed === 1,
      encrypted: row.encrypted === 1,
      snippet: row.snippet,
    },
    hasBody: row.has_body === 1,
  };
}

export function toStoredMessage(row: StoredRow): StoredMessage {
  return {
    ...toSummary(row),
    serverFlags: stringList(row.server_flags),
    envelopeXml: bytesView(row.envelope_xml),
    ...(row.headers_xml === null ? {} : { headersXml: bytesView(row.headers_xml) }),
    ...(row.verification === null ? {} : { verificationJson: row.verification }),
  };
}

/**
 * A string list as the JSON the store keeps. Most lists of a page are empty (cc, flags):
 * their text is a constant, not a JSON.stringify per message.
 */
export function listJson(list: readonly string[]): string {
  return list.length === 0 ? '[]' : JSON.stringify(list);
}

/** Whether a message with these flags counts as unread (no `seen`). */
export function isUnread(flags: readonly string[]): boolean {
  return !flags.includes(SEEN_FLAG);
}

/** The flag columns for a flag set: JSON, unread (no `seen`), flagged. */
export function flagColumns(flags: readonly string[]): {
  flags: string;
  unread: number;
  flagged: number;
} {
  return {
    flags: listJson(flags),
    unread: isUnread(flags) ? 1 : 0,
    flagged: flags.includes(FLAGGED_FLAG) ? 1 : 0,
  };
}
