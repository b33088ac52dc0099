// Moving the large byte arrays of a call to the store's worker without copying them
// twice. A structured clone copies every Uint8Array into the message and again out of it
// (a LIST page carries megabytes of parts). Instead, the messages of a LIST page or batch
// go as columns with their parts in one new ArrayBuffer (message-batch.ts), and a body
// is copied once into a buffer of its own; the buffer is transferred and the worker gets
// views into it. The caller's own arrays are never transferred (that would empty them,
// and a Buffer may share its memory with unrelated Buffers). Pages and batches are
// checked here, before they are packed, so the worker writes them without checking.
import type { LocalStore } from './local-store.ts';
import { checkListPage, checkMessageInputs, type CheckedListPage } from './message-input.ts';
import { transferableBuffer, type MessageBatch } from './message-batch.ts';
import type { LocalStoreOperation } from './operations.ts';

/**
 * Arguments ready for postMessage: a copy whose byte arrays view `transfer[0]`. `checked`:
 * a LIST page or message batch, checked, its messages as columns (the one argument).
 */
export interface Packed {
  readonly args: unknown[];
  readonly transfer: ArrayBuffer[];
  readonly checked?: true;
}

function isFields(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A copy of `bytes` in an ArrayBuffer of its own, which can be transferred. */
function transferableCopy(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(transferableBuffer(bytes.byteLength));
  copy.set(bytes);
  return copy;
}

/** A checked page or batch, its messages' parts in the buffer transferred. */
function packedChecked(checked: CheckedListPage | MessageBatch, batch: MessageBatch): Packed {
  return { args: [checked], transfer: [batch.parts], checked: true };
}

/**
 * The arguments of `op` with the byte arrays of the calls that carry many or large ones
 * in one transferable buffer; the arguments of any other call as they are. A LIST page
 * and a message batch are checked here, on the caller's thread (a bad one throws
 * LOCAL_STORE_INVALID_INPUT naming the field and never reaches the worker), and their
 * messages go as columns: the worker only writes them (a new worker thread starts with
 * none of its code compiled; this thread has the checks compiled).
 * @throws LocalStoreError LOCAL_STORE_INVALID_INPUT
 */
export function packArguments(op: LocalStoreOperation, args: unknown[]): Packed {
  const [first, second, third] = args;
  if (op === 'applyListPage') {
    const page = checkListPage(first);
    return packedChecked(page, page.newMessages);
  }
  if (op === 'putMessages') {
    const batch = checkMessageInputs('messages', first);
    return packedChecked(batch, batch);
  }
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

/** Runs a call that packArguments checked (in the worker): the checked form of `op`. */
export function runChecked(store: LocalStore, op: LocalStoreOperation, checked: unknown): unknown {
  // Checked by packArguments in the caller's thread.
  if (op === 'applyListPage') return store.applyCheckedListPage(checked as CheckedListPage);
  if (op === 'putMessages') return store.putCheckedMessages(checked as MessageBatch);
  throw new Error(`${op} carries no messages`);
}
