// Moving the large byte arrays of a call to the store's worker without copying them
// twice. A structured clone copies every Uint8Array into the message and again out of it
// (a LIST page carries megabytes of parts). Instead, the messages of a LIST page or batch
// go as columns with their parts in one new ArrayBuffer (message-transfer.ts), and a body
// is copied once into a buffer of its own; the buffer is transferred and the worker gets
// views into it. The caller's own arrays are never transferred (that would empty them,
// and a Buffer may share its memory with unrelated Buffers).
import {
  isFields,
  packMessages,
  transferableBuffer,
  unpackMessages,
  type Fields,
  type MessageColumnsTransfer,
} from './message-transfer.ts';
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

/** A copy of `bytes` in an ArrayBuffer of its own, which can be transferred. */
function transferableCopy(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(transferableBuffer(bytes.byteLength));
  copy.set(bytes);
  return copy;
}

/**
 * The arguments of `op` with the byte arrays of the calls that carry many or large ones
 * (LIST pages, message batches as columns; bodies) in one transferable buffer; the
 * arguments of any other call, and messages not shaped to be columns (the store refuses
 * them), as they are.
 */
export function packArguments(op: LocalStoreOperation, args: unknown[]): Packed {
  const [first, second, third] = args;
  if (op === 'applyListPage' && isFields(first) && Array.isArray(first['messages'])) {
    const { messages, ...page } = first;
    const columns = asColumns(messages as unknown[]);
    if (columns !== undefined) {
      return { args: [page, ...args.slice(1)], transfer: [columns.parts], messages: columns };
    }
  } else if (op === 'putMessages' && Array.isArray(first)) {
    const columns = asColumns(first as unknown[]);
    if (columns !== undefined) {
      return { args: [[], ...args.slice(1)], transfer: [columns.parts], messages: columns };
    }
  } else if (
    op === 'putBody' &&
    isFields(third) &&
    third['body'] instanceof Uint8Array &&
    third['body'].byteLength > 0
  ) {
    const body = transferableCopy(third['body']);
    return {
      args: [first, second, { ...third, body }, ...args.slice(3)],
      transfer: [body.buffer as ArrayBuffer],
    };
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
