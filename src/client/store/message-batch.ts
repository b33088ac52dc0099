// Checked messages as columns: what the store writes (queries/messages.ts putMessageBatch)
// and what crosses to its worker. The structured clone of a LIST page of 1,000 message
// objects (a few objects and arrays each, the property names written and read again per
// object) cost the caller and the worker a few ms each; the page as two flat arrays (the
// texts, the numbers in one Float64Array) and the raw parts in one transferred buffer
// clones in a fraction of that (docs/client-store.md). The store writes the rows straight
// from the columns, its loops reading the arrays at the places below: reading them back
// into an object per message first cost a cold store thread about 30 ms of CPU per
// 10,000 messages, most of it V8 compiling the extra code. Every message has the same
// number of texts and numbers, its lists as the JSON the store keeps, so its values lie
// at fixed places; batchText, batchNumber and batchPart read one message's.
import type { MessageColumns } from './message-input.ts';
import { flagColumns, listJson } from './queries/message-rows.ts';

/** Checked messages, one after the other, as columns. */
export interface MessageBatch {
  readonly count: number;
  /** NUMBER_FIELDS per message: at `index * NUMBER_FIELDS + UID` and so on. */
  readonly numbers: Float64Array;
  /** TEXT_FIELDS per message: at `index * TEXT_FIELDS + ACCOUNT_ID` and so on. */
  readonly texts: (string | null)[];
  /** The envelopes and headers, one after the other (transferred to the worker, not copied). */
  readonly parts: ArrayBuffer;
}

export const NUMBER_FIELDS = 11;
/** UID and MODSEQ: 0 unless BITS has HAS_SERVER. */
export const UID = 0;
export const MODSEQ = 1;
export const ENVELOPE_SIZE = 2;
export const HEADERS_SIZE = 3;
export const BODY_SIZE = 4;
export const DATE_MS = 5;
/** Where the envelope lies in `parts`, and how long it is. */
export const ENVELOPE_AT = 6;
export const ENVELOPE_LENGTH = 7;
export const HEADERS_AT = 8;
/** -1: the message has no headers. */
export const HEADERS_LENGTH = 9;
export const BITS = 10;

export const HAS_SERVER = 1;
export const HAS_ATTACHMENTS = 2;
export const SIGNED = 4;
export const ENCRYPTED = 8;
/** The server's flags, which a new message's flags are: no `seen`. */
export const UNREAD = 16;
export const FLAGGED = 32;
/**
 * The caller left the display to the store (DisplayFromHeaders): its texts are empty and
 * DATE_MS is the arrival until headers-display.ts works them out from the headers.
 */
export const DISPLAY_FROM_HEADERS = 64;

export const TEXT_FIELDS = 12;
export const ACCOUNT_ID = 0;
export const MSG_ID = 1;
export const FOLDER = 2;
/** null: no server location. */
export const MAILBOX = 3;
export const FROM_NAME = 4;
export const FROM_ADDRESS = 5;
export const SUBJECT = 6;
export const SNIPPET = 7;
/** JSON arrays (listJson). */
export const SERVER_FLAGS_JSON = 8;
export const TO_JSON = 9;
export const CC_JSON = 10;
/** null: not verified yet. */
export const VERIFICATION_JSON = 11;

/** A new ArrayBuffer of `size` octets, not from Node's Buffer pool, so it can be transferred. */
export function transferableBuffer(size: number): ArrayBuffer {
  return Buffer.allocUnsafeSlow(size).buffer;
}

/** The checked messages as a batch; their byte arrays are copied, never transferred. */
export function messageBatch(rows: readonly MessageColumns[]): MessageBatch {
  let partBytes = 0;
  for (const row of rows)
    partBytes += row.envelopeXml.byteLength + (row.headersXml?.byteLength ?? 0);
  const count = rows.length;
  const numbers = new Float64Array(count * NUMBER_FIELDS);
  const texts: (string | null)[] = [];
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
    numbers[at + DATE_MS] = row.dateMs;
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
    // A new message's flags are the server's.
    const { flags, unread, flagged } = flagColumns(row.serverFlags);
    numbers[at + BITS] =
      (row.mailbox === null ? 0 : HAS_SERVER) |
      (row.hasAttachments ? HAS_ATTACHMENTS : 0) |
      (row.signed ? SIGNED : 0) |
      (row.encrypted ? ENCRYPTED : 0) |
      (unread === 1 ? UNREAD : 0) |
      (flagged === 1 ? FLAGGED : 0) |
      (row.displayFromHeaders ? DISPLAY_FROM_HEADERS : 0);
    // In the order of the TEXT_FIELDS, so the array grows by one each time.
    const text = index * TEXT_FIELDS;
    texts[text + ACCOUNT_ID] = row.accountId;
    texts[text + MSG_ID] = row.msgId;
    texts[text + FOLDER] = row.folder;
    texts[text + MAILBOX] = row.mailbox;
    texts[text + FROM_NAME] = row.fromName;
    texts[text + FROM_ADDRESS] = row.fromAddress;
    texts[text + SUBJECT] = row.subject;
    texts[text + SNIPPET] = row.snippet;
    texts[text + SERVER_FLAGS_JSON] = flags;
    texts[text + TO_JSON] = listJson(row.to);
    texts[text + CC_JSON] = listJson(row.cc);
    texts[text + VERIFICATION_JSON] = row.verificationJson;
  }
  return { count, numbers, texts, parts };
}

/** A text of the message at `index` that is never null (not MAILBOX or VERIFICATION_JSON). */
export function batchText(batch: MessageBatch, index: number, field: number): string {
  return batch.texts[index * TEXT_FIELDS + field] as string;
}

/** A number of the message at `index`. */
export function batchNumber(batch: MessageBatch, index: number, field: number): number {
  return batch.numbers[index * NUMBER_FIELDS + field] as number;
}

/** The envelope or headers of the message at `index` (null: no headers): a view into `parts`. */
export function batchPart(
  batch: MessageBatch,
  index: number,
  part: 'envelope' | 'headers',
): Uint8Array | null {
  const at = index * NUMBER_FIELDS;
  const envelope = part === 'envelope';
  const offset = batch.numbers[at + (envelope ? ENVELOPE_AT : HEADERS_AT)];
  const length = batch.numbers[at + (envelope ? ENVELOPE_LENGTH : HEADERS_LENGTH)] as number;
  return length < 0 ? null : new Uint8Array(batch.parts, offset, length);
}
