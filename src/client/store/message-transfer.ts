// A batch of messages sent to the store's worker as columns instead of objects. The
// structured clone of a LIST page of 1,000 MessageInput objects (five objects and three
// arrays each, a Date, the property names written and read again per object) cost the
// caller and the worker a few ms each; the page as a few flat arrays (the strings, the
// list entries, the numbers in one Float64Array) and the raw parts in one transferred
// buffer clones in a fraction of that (docs/client-store.md). The worker turns the
// columns back into MessageInput objects, which the store then validates as it validates
// any other call: nothing is checked here but the shape needed to encode.
import type { MessageInput } from './types.ts';

/** Strings per message in `texts`, in this order. */
const TEXT_FIELDS = 8;
const ACCOUNT_ID = 0;
const MSG_ID = 1;
const FOLDER = 2;
/** '' when the message has no server location. */
const MAILBOX = 3;
const FROM_NAME = 4;
const FROM_ADDRESS = 5;
const SUBJECT = 6;
const SNIPPET = 7;

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
/** How many entries of `listItems` are the message's server flags, to and cc. */
const FLAG_COUNT = 11;
const TO_COUNT = 12;
const CC_COUNT = 13;

const HAS_SERVER = 1;
const HAS_ATTACHMENTS = 2;
const SIGNED = 4;
const ENCRYPTED = 8;

/** What crosses to the worker for a batch of messages. */
export interface MessageColumnsTransfer {
  readonly count: number;
  readonly numbers: Float64Array;
  readonly texts: string[];
  /** Every message's server flags, then its to, then its cc, one message after another. */
  readonly listItems: unknown[];
  readonly verificationJson: (string | undefined)[];
  /** The envelopes and headers, one after the other (transferred, not copied). */
  readonly parts: ArrayBuffer;
}

export type Fields = Record<string, unknown>;

export function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A new ArrayBuffer of `size` octets, not from Node's Buffer pool, so it can be transferred. */
export function transferableBuffer(size: number): ArrayBuffer {
  return Buffer.allocUnsafeSlow(size).buffer;
}

interface Encodable {
  readonly item: Fields;
  readonly server: Fields | undefined;
  readonly sizes: Fields;
  readonly display: Fields;
  readonly envelopeXml: Uint8Array;
  readonly headersXml: Uint8Array | undefined;
}

/** The message's parts when it has the shape the columns hold, else undefined. */
function encodable(item: unknown): Encodable | undefined {
  if (!isFields(item)) return undefined;
  const { server, sizes, display, envelopeXml, headersXml, verificationJson } = item;
  if (!isFields(sizes) || !isFields(display)) return undefined;
  if (server !== undefined && !isFields(server)) return undefined;
  if (!(envelopeXml instanceof Uint8Array)) return undefined;
  if (headersXml !== undefined && !(headersXml instanceof Uint8Array)) return undefined;
  if (verificationJson !== undefined && typeof verificationJson !== 'string') return undefined;
  const shaped =
    typeof item['accountId'] === 'string' &&
    typeof item['msgId'] === 'string' &&
    typeof item['folder'] === 'string' &&
    typeof display['fromName'] === 'string' &&
    typeof display['fromAddress'] === 'string' &&
    typeof display['subject'] === 'string' &&
    typeof display['snippet'] === 'string' &&
    typeof sizes['envelope'] === 'number' &&
    typeof sizes['headers'] === 'number' &&
    typeof sizes['body'] === 'number' &&
    typeof display['hasAttachments'] === 'boolean' &&
    typeof display['signed'] === 'boolean' &&
    typeof display['encrypted'] === 'boolean' &&
    display['date'] instanceof Date &&
    Array.isArray(item['serverFlags']) &&
    Array.isArray(display['to']) &&
    Array.isArray(display['cc']) &&
    (server === undefined ||
      (typeof server['mailbox'] === 'string' &&
        typeof server['uid'] === 'number' &&
        typeof server['modseq'] === 'number'));
  return shaped ? { item, server, sizes, display, envelopeXml, headersXml } : undefined;
}

/**
 * The columns of `items`, or undefined when one of them is not shaped like a
 * MessageInput (the caller then sends the objects as they are, for the store to
 * refuse with the field named). The caller's arrays are copied, never transferred.
 */
export function packMessages(items: readonly unknown[]): MessageColumnsTransfer | undefined {
  const messages: Encodable[] = [];
  let partBytes = 0;
  for (const item of items) {
    const message = encodable(item);
    if (message === undefined) return undefined;
    partBytes += message.envelopeXml.byteLength + (message.headersXml?.byteLength ?? 0);
    messages.push(message);
  }
  const count = messages.length;
  const numbers = new Float64Array(count * NUMBER_FIELDS);
  const texts: string[] = [];
  const listItems: unknown[] = [];
  const verificationJson: (string | undefined)[] = [];
  const parts = transferableBuffer(partBytes);
  const bytes = new Uint8Array(parts);
  let offset = 0;
  messages.forEach(({ item, server, sizes, display, envelopeXml, headersXml }, index) => {
    const at = index * NUMBER_FIELDS;
    const serverFlags = item['serverFlags'] as unknown[];
    const to = display['to'] as unknown[];
    const cc = display['cc'] as unknown[];
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
    numbers[at + FLAG_COUNT] = serverFlags.length;
    numbers[at + TO_COUNT] = to.length;
    numbers[at + CC_COUNT] = cc.length;
    // In the order of the TEXT_FIELDS indices.
    texts.push(
      item['accountId'] as string,
      item['msgId'] as string,
      item['folder'] as string,
      (server?.['mailbox'] as string | undefined) ?? '',
      display['fromName'] as string,
      display['fromAddress'] as string,
      display['subject'] as string,
      display['snippet'] as string,
    );
    // Indexed, not spread or iterated: a sparse list keeps its length, holes as undefined.
    for (const list of [serverFlags, to, cc]) {
      for (let entry = 0; entry < list.length; entry++) listItems.push(list[entry]);
    }
    verificationJson.push(item['verificationJson'] as string | undefined);
  });
  return { count, numbers, texts, listItems, verificationJson, parts };
}

/** Reads back what packMessages wrote (in the worker, from its own parent). */
export function unpackMessages(columns: MessageColumnsTransfer): MessageInput[] {
  const { numbers, texts, listItems, parts } = columns;
  const messages: MessageInput[] = [];
  let listAt = 0;
  // The lists are checked by the store like any caller's: their entries may be anything.
  const nextList = (length: number) => {
    const list = listItems.slice(listAt, listAt + length) as string[];
    listAt += length;
    return list;
  };
  for (let index = 0; index < columns.count; index++) {
    const at = index * NUMBER_FIELDS;
    const text = index * TEXT_FIELDS;
    const bits = numbers[at + BITS] ?? 0;
    const headersLength = numbers[at + HEADERS_LENGTH] ?? -1;
    const serverFlags = nextList(numbers[at + FLAG_COUNT] ?? 0);
    const to = nextList(numbers[at + TO_COUNT] ?? 0);
    const cc = nextList(numbers[at + CC_COUNT] ?? 0);
    // Every field given, absent ones as undefined: one shape for the whole batch.
    messages.push({
      accountId: texts[text + ACCOUNT_ID] ?? '',
      msgId: texts[text + MSG_ID] ?? '',
      folder: texts[text + FOLDER] as MessageInput['folder'],
      server:
        (bits & HAS_SERVER) === 0
          ? undefined
          : {
              mailbox: texts[text + MAILBOX] ?? '',
              uid: numbers[at + UID] ?? Number.NaN,
              modseq: numbers[at + MODSEQ] ?? Number.NaN,
            },
      sizes: {
        envelope: numbers[at + ENVELOPE_SIZE] ?? Number.NaN,
        headers: numbers[at + HEADERS_SIZE] ?? Number.NaN,
        body: numbers[at + BODY_SIZE] ?? Number.NaN,
      },
      serverFlags,
      envelopeXml: new Uint8Array(
        parts,
        numbers[at + ENVELOPE_AT] ?? 0,
        numbers[at + ENVELOPE_LENGTH] ?? 0,
      ),
      headersXml:
        headersLength < 0
          ? undefined
          : new Uint8Array(parts, numbers[at + HEADERS_AT] ?? 0, headersLength),
      display: {
        fromName: texts[text + FROM_NAME] ?? '',
        fromAddress: texts[text + FROM_ADDRESS] ?? '',
        to,
        cc,
        subject: texts[text + SUBJECT] ?? '',
        date: new Date(numbers[at + DATE] ?? Number.NaN),
        hasAttachments: (bits & HAS_ATTACHMENTS) !== 0,
        signed: (bits & SIGNED) !== 0,
        encrypted: (bits & ENCRYPTED) !== 0,
        snippet: texts[text + SNIPPET] ?? '',
      },
      verificationJson: columns.verificationJson[index],
    });
  }
  return messages;
}
