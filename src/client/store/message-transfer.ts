// A batch of checked messages sent to the store's worker as columns instead of objects.
// The structured clone of a LIST page of 1,000 message objects (a few objects and arrays
// each, the property names written and read again per object) cost the caller and the
// worker a few ms each; the page as a few flat arrays (the strings, the numbers in one
// Float64Array) and the raw parts in one transferred buffer clones in a fraction of that
// (docs/client-store.md). The messages were checked on the caller's side
// (byte-transfer.ts): the worker reads the columns back as they were written.
import type { MessageColumns } from './message-input.ts';
import type { Folder } from './types.ts';

/** Numbers per message in `numbers`, in this order. */
const NUMBER_FIELDS = 14;
const UID = 0;
const MODSEQ = 1;
const ENVELOPE_SIZE = 2;
const HEADERS_SIZE = 3;
const BODY_SIZE = 4;
const DATE = 5;
const ENVELOPE_AT = 6;
const ENVELOPE_LENGTH = 7;
const HEADERS_AT = 8;
/** -1: the message has no headers. */
const HEADERS_LENGTH = 9;
/** Bits: 1 has a server location, 2 has attachments, 4 signed, 8 encrypted. */
const BITS = 10;
/** How many strings after the message's own are its server flags, to and cc. */
const FLAG_COUNT = 11;
const TO_COUNT = 12;
const CC_COUNT = 13;

/** Strings of every message before its lists (server flags, to, cc), in packColumns' order. */
const MESSAGE_TEXTS = 8;

const HAS_SERVER = 1;
const HAS_ATTACHMENTS = 2;
const SIGNED = 4;
const ENCRYPTED = 8;

/** What crosses to the worker for a batch of messages. */
export interface MessageColumnsTransfer {
  readonly count: number;
  readonly numbers: Float64Array;
  /**
   * Every string of every message, one message after another: its account id, msg-id,
   * folder, mailbox ('' for none: a mailbox name is never empty), sender's name and
   * address, subject and snippet, then its server flags, to and cc. (Joined into one
   * string and cut again by their lengths, they took twice as long to cross.)
   */
  readonly texts: string[];
  readonly verificationJson: (string | null)[];
  /** The envelopes and headers, one after the other (transferred, not copied). */
  readonly parts: ArrayBuffer;
}

export function isFields(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A new ArrayBuffer of `size` octets, not from Node's Buffer pool, so it can be transferred. */
export function transferableBuffer(size: number): ArrayBuffer {
  return Buffer.allocUnsafeSlow(size).buffer;
}

/** The columns of checked messages. The caller's arrays are copied, never transferred. */
export function packColumns(rows: readonly MessageColumns[]): MessageColumnsTransfer {
  let partBytes = 0;
  for (const row of rows)
    partBytes += row.envelopeXml.byteLength + (row.headersXml?.byteLength ?? 0);
  const count = rows.length;
  const numbers = new Float64Array(count * NUMBER_FIELDS);
  const texts: string[] = [];
  const verificationJson: (string | null)[] = [];
  const parts = transferableBuffer(partBytes);
  const bytes = new Uint8Array(parts);
  let offset = 0;
  for (let index = 0; index < count; index++) {
    const row = rows[index] as MessageColumns;
    const at = index * NUMBER_FIELDS;
    numbers[at + UID] = row.uid ?? 0;
    numbers[at + MODSEQ] = row.modseq ?? 0;
    numbers[at + ENVELOPE_SIZE] = row.envelopeSize;
    numbers[at + HEADERS_SIZE] = row.headersSize;
    numbers[at + BODY_SIZE] = row.bodySize;
    numbers[at + DATE] = row.dateMs;
    numbers[at + ENVELOPE_AT] = offset;
    numbers[at + ENVELOPE_LENGTH] = row.envelopeXml.byteLength;
    bytes.set(row.envelopeXml, offset);
    offset += row.envelopeXml.byteLength;
    numbers[at + HEADERS_AT] = offset;
    numbers[at + HEADERS_LENGTH] = row.headersXml?.byteLength ?? -1;
    if (row.headersXml !== null) {
      bytes.set(row.headersXml, offset);
      offset += row.headersXml.byteLength;
    }
    numbers[at + BITS] =
      (row.mailbox === null ? 0 : HAS_SERVER) |
      (row.hasAttachments ? HAS_ATTACHMENTS : 0) |
      (row.signed ? SIGNED : 0) |
      (row.encrypted ? ENCRYPTED : 0);
    numbers[at + FLAG_COUNT] = row.serverFlags.length;
    numbers[at + TO_COUNT] = row.to.length;
    numbers[at + CC_COUNT] = row.cc.length;
    // In the order unpackColumns reads them.
    texts.push(
      row.accountId,
      row.msgId,
      row.folder,
      row.mailbox ?? '',
      row.fromName,
      row.fromAddress,
      row.subject,
      row.snippet,
    );
    pushAll(texts, row.serverFlags);
    pushAll(texts, row.to);
    pushAll(texts, row.cc);
    verificationJson.push(row.verificationJson);
  }
  return { count, numbers, texts, verificationJson, parts };
}

/** `items` onto `list` (spreading them into push cost an iterator per list). */
function pushAll(list: string[], items: readonly string[]): void {
  for (let index = 0; index < items.length; index++) list.push(items[index] as string);
}

/**
 * Reads back what packColumns wrote (in the worker, from its own parent): the byte
 * arrays are views into the transferred buffer.
 */
export function unpackColumns(columns: MessageColumnsTransfer): MessageColumns[] {
  const { numbers, texts, parts } = columns;
  const rows: MessageColumns[] = [];
  let textAt = 0;
  for (let index = 0; index < columns.count; index++) {
    const at = index * NUMBER_FIELDS;
    const bits = numbers[at + BITS] ?? 0;
    const hasServer = (bits & HAS_SERVER) !== 0;
    const headersLength = numbers[at + HEADERS_LENGTH] ?? -1;
    // In the order packColumns wrote them.
    const accountId = texts[textAt] ?? '';
    const msgId = texts[textAt + 1] ?? '';
    const folder = texts[textAt + 2] as Folder;
    const mailbox = texts[textAt + 3] ?? '';
    const fromName = texts[textAt + 4] ?? '';
    const fromAddress = texts[textAt + 5] ?? '';
    const subject = texts[textAt + 6] ?? '';
    const snippet = texts[textAt + 7] ?? '';
    textAt += MESSAGE_TEXTS;
    const serverFlags = texts.slice(textAt, (textAt += numbers[at + FLAG_COUNT] ?? 0));
    const to = texts.slice(textAt, (textAt += numbers[at + TO_COUNT] ?? 0));
    const cc = texts.slice(textAt, (textAt += numbers[at + CC_COUNT] ?? 0));
    // One literal gives every row the same shape.
    rows.push({
      accountId,
      msgId,
      folder,
      mailbox: hasServer ? mailbox : null,
      uid: hasServer ? (numbers[at + UID] ?? 0) : null,
      modseq: hasServer ? (numbers[at + MODSEQ] ?? 0) : null,
      envelopeSize: numbers[at + ENVELOPE_SIZE] ?? 0,
      headersSize: numbers[at + HEADERS_SIZE] ?? 0,
      bodySize: numbers[at + BODY_SIZE] ?? 0,
      serverFlags,
      fromName,
      fromAddress,
      to,
      cc,
      subject,
      signed: (bits & SIGNED) !== 0,
      encrypted: (bits & ENCRYPTED) !== 0,
      dateMs: numbers[at + DATE] ?? 0,
      hasAttachments: (bits & HAS_ATTACHMENTS) !== 0,
      snippet,
      envelopeXml: new Uint8Array(
        parts,
        numbers[at + ENVELOPE_AT] ?? 0,
        numbers[at + ENVELOPE_LENGTH] ?? 0,
      ),
      headersXml:
        headersLength < 0
          ? null
          : new Uint8Array(parts, numbers[at + HEADERS_AT] ?? 0, headersLength),
      verificationJson: columns.verificationJson[index] ?? null,
    });
  }
  return rows;
}
