// Moving the large byte arrays of a call to the store's worker without copying them
// twice. A structured clone copies every Uint8Array into the message and again out of it
// (a LIST page carries megabytes of parts). Instead, the messages of a LIST page or batch
// go as columns with their parts in one new ArrayBuffer (message-transfer.ts), and a body
// is copied once into a buffer of its own; the buffer is transferred and the worker gets
// views into it. The caller's own arrays are never transferred (that would empty them,
// and a Buffer may share its memory with unrelated Buffers). Pages and batches are
// checked here, before they are packed, so the worker writes them without checking.
import type { LocalStore } from './local-store.ts';
import {
  checkListPage,
  checkMessageInputs,
  type CheckedListPage,
  type MessageColumns,
} from './message-input.ts';
import {
  isFields,
  packColumns,
  transferableBuffer,
  unpackColumns,
  type MessageColumnsTransfer,
} from './message-transfer.ts';
import type { LocalStoreOperation } from './operations.ts';

/**
 * Arguments ready for postMessage: a copy whose byte arrays view `transfer[0]`; for a
 * LIST page or message batch, its messages checked and as columns, left out of `args`.
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

/** A checked page or batch: its messages as columns, in a buffer of their own. */
function packedMessages(args: unknown[], messages: readonly MessageColumns[]): Packed {
  const columns = packColumns(messages);
  return { args, transfer: [columns.parts], messages: columns };
}

/**
 * The arguments of `op` with the byte arrays of the calls that carry many or large ones
 * in one transferable buffer; the arguments of any other call as they are. A LIST page
 * and a message batch are checked here, on the caller's thread (a bad one throws
 * LOCAL_STORE_INVALID_INPUT naming the field and never reaches the worker), and their
 * messages go as columns: the worker only reads them back and writes them (a new worker
 * thread starts with none of its code compiled; this thread has the checks compiled).
 * @throws LocalStoreError LOCAL_STORE_INVALID_INPUT
 */
export function packArguments(op: LocalStoreOperation, args: unknown[]): Packed {
  const [first, second, third] = args;
  if (op === 'applyListPage') {
    const { newMessages, ...page } = checkListPage(first);
    return packedMessages([page], newMessages);
  }
  if (op === 'putMessages') return packedMessages([], checkMessageInputs('messages', first));
  if (
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

/**
 * Runs a call packed with its messages (in the worker): the checked form of the
 * operation, with the messages read back from the columns.
 */
export function runPackedMessages(
  store: LocalStore,
  op: LocalStoreOperation,
  args: unknown[],
  messages: MessageColumnsTransfer,
): unknown {
  const rows = unpackColumns(messages);
  if (op === 'applyListPage') {
    // Checked by packArguments in the caller's thread.
    const page = args[0] as Omit<CheckedListPage, 'newMessages'>;
    return store.applyCheckedListPage({ ...page, newMessages: rows });
  }
  if (op === 'putMessages') return store.putCheckedMessages(rows);
  throw new Error(`${op} carries no messages`);
}
