// A batch of messages sent to the store's worker as columns instead of objects. The
// structured clone of a LIST page of 1,000 MessageInput objects (five objects each, a
// Date, the property names written and read again per object) cost the caller and the
// worker a few ms each; one array per field, numbers in one Float64Array and the raw
// parts in one transferred buffer clone in a fraction of that (bench:store). The worker
// turns the columns back into MessageInput objects, which the store then validates as
// it validates any other call: nothing is checked here but the shape needed to encode.
import type { MessageInput } from './types.ts';

/** Numbers per message in `numbers`, in this order. */
const NUMBER_FIELDS = 11;
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

const HAS_SERVER = 1;
const HAS_ATTACHMENTS = 2;
const SIGNED = 4;
const ENCRYPTED = 8;

/** What crosses to the worker for a batch of messages. */
export interface MessageColumnsTransfer {
  readonly count: number;
  readonly numbers: Float64Array;
  /** The envelopes and headers, one after the other (transferred, not copied). */
  readonly parts: ArrayBuffer;
  readonly accountId: string[];
  readonly msgId: string[];
  readonly folder: string[];
  /** The server mailbox; '' when the message has no server location. */
  readonly mailbox: string[];
  readonly serverFlags: unknown[][];
  readonly fromName: string[];
  readonly fromAddress: string[];
  readonly to: unknown[][];
  readonly cc: unknown[][];
  readonly subject: string[];
  readonly snippet: string[];
  readonly verificationJson: (string | undefined)[];
}

type Fields = Record<string, unknown>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The message's fields when it has the shape the columns hold, else undefined. */
function encodable(item: unknown) {
  if (!isFields(item)) return undefined;
  const { server, sizes, display, envelopeXml, headersXml, verificationJson } = item;
  if (!isFields(sizes) || !isFields(display)) return undefined;
  if (server !== undefined && !isFields(server)) return undefined;
  if (!(envelopeXml instanceof Uint8Array)) return undefined;
  if (headersXml !== undefined && !(headersXml instanceof Uint8Array)) return undefined;
  if (verificationJson !== undefined && typeof verificationJson !== 'string') return undefined;
  const strings = [item['accountId'], item['msgId'], item['folder'], display['fromName']];
  strings.push(display['fromAddress'], display['subject'], display['snippet']);
  if (server !== undefined) strings.push(server['mailbox']);
  if (strings.some((value) => typeof value !== 'string')) return undefined;
  const numbers = [sizes['envelope'], sizes['headers'], sizes['body']];
  if (server !== undefined) numbers.push(server['uid'], server['modseq']);
  if (numbers.some((value) => typeof value !== 'number')) return undefined;
  const flags = [display['hasAttachments'], display['signed'], display['encrypted']];
  if (flags.some((value) => typeof value !== 'boolean')) return undefined;
  const lists = [item['serverFlags'], display['to'], display['cc']];
  if (!lists.every((value) => Array.isArray(value))) return undefined;
  if (!(display['date'] instanceof Date)) return undefined;
  return { item, server, sizes, display, envelopeXml, headersXml, verificationJson };
}

/**
 * The columns of `items`, or undefined when one of them is not shaped like a
 * MessageInput (the caller then sends the objects as they are, for the store to
 * refuse with the field named). The caller's arrays are copied, never transferred.
 */
export function packMessages(items: readonly unknown[]): MessageColumnsTransfer | undefined {
  const messages = [];
  let partBytes = 0;
  for (const item of items) {
    const message = encodable(item);
    if (message === undefined) return undefined;
    partBytes += message.envelopeXml.byteLength + (message.headersXml?.byteLength ?? 0);
    messages.push(message);
  }
  const count = messages.length;
  const numbers = new Float64Array(count * NUMBER_FIELDS);
  // Not from Node's Buffer pool: a buffer of its own, which can be transferred.
  const parts = Buffer.allocUnsafeSlow(partBytes).buffer;
  const bytes = new Uint8Array(parts);
  const columns: MessageColumnsTransfer = {
    count,
    numbers,
    parts,
    accountId: [],
    msgId: [],
    folder: [],
    mailbox: [],
    serverFlags: [],
    fromName: [],
    fromAddress: [],
    to: [],
    cc: [],
    subject: [],
    snippet: [],
    verificationJson: [],
  };
  let offset = 0;
  messages.forEach(({ item, server, sizes, display, envelopeXml, headersXml }, index) => {
    const at = index * NUMBER_FIELDS;
    numbers[at + UID] = (server?.['uid'] as number | undefined) ?? 0;
    numbers[at + MODSEQ] = (server?.['modseq'] as number | undefined) ?? 0;
    numbers[at + ENVELOPE_SIZE] = sizes['envelope'] as number;
    numbers[at + HEADERS_SIZE] = sizes['headers'] as number;
    numbers[at + BODY_SIZE] = sizes['body'] as number;
    numbers[at + DATE] = (display['date'] as Date).getTime();
    numbers[at + ENVELOPE_AT] = offset;
    numbers[at + ENVELOPE_LENGTH] = envelopeXml.byteLength;
    bytes.set(envelopeXml, offset);
    offset += envelopeXml.byteLength;
    numbers[at + HEADERS_AT] = offset;
    numbers[at + HEADERS_LENGTH] = headersXml?.byteLength ?? -1;
    if (headersXml !== undefined) {
      bytes.set(headersXml, offset);
      offset += headersXml.byteLength;
    }
    numbers[at + BITS] =
      (server === undefined ? 0 : HAS_SERVER) |
      (display['hasAttachments'] === true ? HAS_ATTACHMENTS : 0) |
      (display['signed'] === true ? SIGNED : 0) |
      (display['encrypted'] === true ? ENCRYPTED : 0);
    columns.accountId.push(item['accountId'] as string);
    columns.msgId.push(item['msgId'] as string);
    columns.folder.push(item['folder'] as string);
    columns.mailbox.push((server?.['mailbox'] as string | undefined) ?? '');
    columns.serverFlags.push(item['serverFlags'] as unknown[]);
    columns.fromName.push(display['fromName'] as string);
    columns.fromAddress.push(display['fromAddress'] as string);
    columns.to.push(display['to'] as unknown[]);
    columns.cc.push(display['cc'] as unknown[]);
    columns.subject.push(display['subject'] as string);
    columns.snippet.push(display['snippet'] as string);
    columns.verificationJson.push(item['verificationJson'] as string | undefined);
  });
  return columns;
}

/** Reads back what packMessages wrote (in the worker, from its own parent). */
export function unpackMessages(columns: MessageColumnsTransfer): MessageInput[] {
  const { numbers, parts } = columns;
  const messages: MessageInput[] = [];
  for (let index = 0; index < columns.count; index++) {
    // Plain reads (no helper closures): this runs for every message of every page.
    const [uid, modseq, envelopeSize, headersSize, bodySize, date, envelopeAt] = numbers.subarray(
      index * NUMBER_FIELDS,
      (index + 1) * NUMBER_FIELDS,
    );
    const at = index * NUMBER_FIELDS;
    const envelopeLength = numbers[at + ENVELOPE_LENGTH] ?? 0;
    const headersAt = numbers[at + HEADERS_AT] ?? 0;
    const headersLength = numbers[at + HEADERS_LENGTH] ?? -1;
    const bits = numbers[at + BITS] ?? 0;
    const verificationJson = columns.verificationJson[index];
    messages.push({
      accountId: columns.accountId[index] ?? '',
      msgId: columns.msgId[index] ?? '',
      folder: columns.folder[index] as MessageInput['folder'],
      ...((bits & HAS_SERVER) === 0
        ? {}
        : {
            server: {
              mailbox: columns.mailbox[index] ?? '',
              uid: uid ?? Number.NaN,
              modseq: modseq ?? Number.NaN,
            },
          }),
      sizes: {
        envelope: envelopeSize ?? Number.NaN,
        headers: headersSize ?? Number.NaN,
        body: bodySize ?? Number.NaN,
      },
      // The lists are checked by the store like any caller's (elements may be anything).
      serverFlags: columns.serverFlags[index] as string[],
      envelopeXml: new Uint8Array(parts, envelopeAt ?? 0, envelopeLength),
      ...(headersLength < 0 ? {} : { headersXml: new Uint8Array(parts, headersAt, headersLength) }),
      display: {
        fromName: columns.fromName[index] ?? '',
        fromAddress: columns.fromAddress[index] ?? '',
        to: columns.to[index] as string[],
        cc: columns.cc[index] as string[],
        subject: columns.subject[index] ?? '',
        date: new Date(date ?? Number.NaN),
        hasAttachments: (bits & HAS_ATTACHMENTS) !== 0,
        signed: (bits & SIGNED) !== 0,
        encrypted: (bits & ENCRYPTED) !== 0,
        snippet: columns.snippet[index] ?? '',
      },
      ...(verificationJson === undefined ? {} : { verificationJson }),
    });
  }
  return messages;
}
