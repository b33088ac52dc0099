// Moving the large byte arrays of a call to the store's worker without copying them
// twice. A structured clone copies every Uint8Array into the message and again out of it
// (a LIST page carries about 8 MB of envelopes). Instead, the message parts (or the body)
// of one call are copied once into a single new ArrayBuffer, which is transferred: the
// worker gets views into it. The caller's own arrays are never transferred (that would
// empty them, and a Buffer may share its memory with unrelated Buffers). The messages of
// a LIST page or batch go further: as columns (message-transfer.ts).
import { packMessages, unpackMessages, type MessageColumnsTransfer } from './message-transfer.ts';
import type { LocalStoreOperation } from './operations.ts';

/**
 * Arguments ready for postMessage: a copy whose byte arrays view `transfer[0]`; for a
 * LIST page or message batch, its messages as columns, left out of `args`.
 */
export interface Packed {
  readonly args: unknown[];
  readonly transfer: ArrayBuffer[];
  readonly messages?: MessageColumnsTransfer;
}

type Fields = Record<string, unknown>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const MESSAGE_PARTS = ['envelopeXml', 'headersXml'] as const;

/**
 * Copies of `items` whose `fields` holding a Uint8Array view one new buffer; undefined
 * when none does. Items that are not objects, and fields that are not byte arrays, stay
 * as they are: the store's validation reports them.
 */
function packFields(
  items: readonly unknown[],
  fields: readonly string[],
): { items: unknown[]; buffer: ArrayBuffer } | undefined {
  let total = 0;
  for (const item of items) {
    if (!isFields(item)) continue;
    for (const field of fields) {
      const value = item[field];
      if (value instanceof Uint8Array) total += value.byteLength;
    }
  }
  if (total === 0) return undefined;
  // Not from Node's Buffer pool: a buffer of its own, which can be transferred.
  const buffer = Buffer.allocUnsafeSlow(total).buffer;
  let offset = 0;
  const packed = items.map((item) => {
    if (!isFields(item)) return item;
    const copy: Fields = { ...item };
    for (const field of fields) {
      const value = item[field];
      if (!(value instanceof Uint8Array)) continue;
      const view = new Uint8Array(buffer, offset, value.byteLength);
      view.set(value);
      copy[field] = view;
      offset += value.byteLength;
    }
    return copy;
  });
  return { items: packed, buffer };
}

/**
 * The arguments of `op` with the byte arrays of the calls that carry many or large ones
 * (LIST pages, message batches, bodies) packed into one transferable buffer; the
 * arguments of any other call as they are.
 */
export function packArguments(op: LocalStoreOperation, args: unknown[]): Packed {
  const [first, second, third] = args;
  if (op === 'applyListPage' && isFields(first) && Array.isArray(first['messages'])) {
    const { messages, ...page } = first;
    const columns = asColumns(messages as unknown[]);
    if (columns !== undefined) {
      return { args: [page, ...args.slice(1)], transfer: [columns.parts], messages: columns };
    }
    const packed = packFields(messages as unknown[], MESSAGE_PARTS);
    if (packed !== undefined) {
      return {
        args: [{ ...first, messages: packed.items }, ...args.slice(1)],
        transfer: [packed.buffer],
      };
    }
  } else if (op === 'putMessages' && Array.isArray(first)) {
    const columns = asColumns(first as unknown[]);
    if (columns !== undefined) {
      return { args: [[], ...args.slice(1)], transfer: [columns.parts], messages: columns };
    }
    const packed = packFields(first as unknown[], MESSAGE_PARTS);
    if (packed !== undefined) {
      return { args: [packed.items, ...args.slice(1)], transfer: [packed.buffer] };
    }
  } else if (op === 'putBody') {
    const packed = packFields([third], ['body']);
    if (packed !== undefined) {
      return {
        args: [first, second, ...packed.items, ...args.slice(3)],
        transfer: [packed.buffer],
      };
    }
  }
  return { args, transfer: [] };
}

/** The messages as columns; undefined for none, or when one is not shaped to be. */
function asColumns(messages: readonly unknown[]): MessageColumnsTransfer | undefined {
  return messages.length === 0 ? undefined : packMessages(messages);
}

/** The arguments as the operation takes them, the messages packed aside put back. */
export function unpackArguments(
  op: LocalStoreOperation,
  args: unknown[],
  messages: MessageColumnsTransfer | undefined,
): unknown[] {
  if (messages === undefined) return args;
  const [first, ...rest] = args;
  if (op === 'applyListPage')
    return [{ ...(first as Fields), messages: unpackMessages(messages) }, ...rest];
  if (op === 'putMessages') return [unpackMessages(messages), ...rest];
  return args;
}
