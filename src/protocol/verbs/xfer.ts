import { atom, num, type Mt2Option, type Mt2Response } from '../codec/frames.ts';
import { exceeds } from '../codec/limits.ts';
import { Mt2Error } from '../errors.ts';
import { RESULT } from '../result-codes.ts';
import type { ClientContext, SenderContext } from '../session/client-context.ts';
import { okOrThrow, requireState } from '../session/client-context.ts';
import type { PartType } from '../session/transfer-receiver.ts';
import { abor } from './abor.ts';
import { sendData } from './send-data.ts';

/** How a part is cut and watched. */
export interface XferOptions {
  /** Largest fragment, in octets. Default: the whole part in one fragment. */
  readonly fragmentBytes?: number;
  /** Largest data chunk, in octets. Default and ceiling: both sides' maxChunkBytes. */
  readonly chunkBytes?: number;
  /** Checked between chunks: once aborted, ABOR is sent and the transfer fails ABORTED. */
  readonly signal?: AbortSignal;
  /** Called after each chunk with the octets of the part sent so far. */
  readonly onProgress?: (sentBytes: number) => void;
  /** Extension groups added to every XFER line (a mailbox PULL's XFERs carry `(PULL=tag)`). */
  readonly extensions?: readonly Mt2Option[];
}

/** The acknowledgement of a part's last fragment. */
export interface XferResult {
  readonly code: string;
  readonly text: string;
  /** True when the server committed the message with this fragment (99.0.2.4). */
  readonly committed: boolean;
  /** The acknowledgement's options (e.g. `(TRACE=...)` when TRACE is on). */
  readonly options: readonly Mt2Option[];
}

/** A part on its way: `sent` once all its data is written, `done` once acknowledged. */
export interface PartTransfer {
  readonly sent: Promise<void>;
  readonly done: Promise<XferResult>;
}

/** The three parts of a message; a control message is an envelope alone. */
export interface MessageParts {
  readonly envelope: Uint8Array;
  readonly headers?: Uint8Array;
  readonly body?: Uint8Array;
}

/**
 * `XFER msg-id type {size} {pending}` for each fragment of a part, then its data
 * (docs/protocol.md section 6.4). Synchronous mode waits for TMP before the data and for
 * the acknowledgement before the next fragment; pipelined mode sends the data at once.
 * @throws Mt2Error REFUSED (the server's code in `result`), ABORTED, PART_TOO_LARGE or
 *   MESSAGE_TOO_LARGE (checked against the server's announced limits before sending).
 */
export async function xfer(
  context: ClientContext,
  msgId: string,
  part: PartType,
  data: Uint8Array,
  options: XferOptions = {},
): Promise<XferResult> {
  const transfer = beginPart(context, msgId, part, data, options);
  await transfer.sent;
  return transfer.done;
}

/**
 * Sends a whole message, envelope then headers then body. Pipelined, a part's XFER
 * follows the previous part's data without waiting for its acknowledgement.
 * @returns the acknowledgement of the last part (committed: true)
 */
export async function transferMessage(
  context: ClientContext,
  msgId: string,
  parts: MessageParts,
  options: XferOptions = {},
): Promise<XferResult> {
  const ordered: [PartType, Uint8Array][] = [['message/envelope', parts.envelope]];
  if (parts.headers !== undefined) ordered.push(['message/headers', parts.headers]);
  if (parts.body !== undefined) ordered.push(['message/body', parts.body]);
  // Every check before the first octet: a message left half-sent stays open on the server.
  for (const [part, bytes] of ordered) checkPart(context, part, bytes);
  const total = ordered.reduce((sum, [, bytes]) => sum + bytes.length, 0);
  if (exceeds(total, context.endpoint.peerLimits.maxMessageBytes)) {
    throw new Mt2Error('MESSAGE_TOO_LARGE', `message of ${total} octets`);
  }
  await context.messageSlots.acquire();
  try {
    const acknowledgements: Promise<XferResult>[] = [];
    for (const [part, bytes] of ordered) {
      const transfer = beginPart(context, msgId, part, bytes, options);
      acknowledgements.push(transfer.done);
      if (context.endpoint.mode === 'synchronous') await transfer.done;
      else await transfer.sent;
    }
    const results = await Promise.all(acknowledgements);
    return (
      results[results.length - 1] ?? { code: RESULT.OK, text: '', committed: false, options: [] }
    );
  } finally {
    context.messageSlots.release();
  }
}

/** @throws Mt2Error WRONG_STATE, BAD_PARAMETERS (empty) or PART_TOO_LARGE (server's MAXPART). */
function checkPart(context: SenderContext, part: PartType, data: Uint8Array): void {
  requireState(context, 'XFER', 'authenticated');
  if (data.length === 0) throw new Mt2Error('BAD_PARAMETERS', 'a part has at least one octet');
  if (exceeds(data.length, context.endpoint.peerLimits.maxPartBytes)) {
    throw new Mt2Error('PART_TOO_LARGE', `${part} of ${data.length} octets`);
  }
}

/** Starts a part's fragments; see {@link PartTransfer}. */
export function beginPart(
  context: SenderContext,
  msgId: string,
  part: PartType,
  data: Uint8Array,
  options: XferOptions,
): PartTransfer {
  checkPart(context, part, data);
  const fragmentBytes = Math.max(1, options.fragmentBytes ?? data.length);
  const count = Math.ceil(data.length / fragmentBytes);
  let markSent: () => void = () => undefined;
  const sent = new Promise<void>((resolve) => (markSent = resolve));
  const done = (async () => {
    const finals: Promise<Mt2Response>[] = [];
    try {
      for (let index = 0; index < count; index++) {
        const from = index * fragmentBytes;
        const fragment = data.subarray(from, Math.min(from + fragmentBytes, data.length));
        const { final } = await sendFragment(context, msgId, part, fragment, count - 1 - index, {
          ...options,
          onProgress: (bytes) => options.onProgress?.(from + bytes),
        });
        if (context.endpoint.mode === 'synchronous') okOrThrow(await final);
        finals.push(final);
      }
    } finally {
      markSent();
    }
    const responses = (await Promise.all(finals)).map(okOrThrow);
    const last = responses[responses.length - 1];
    return {
      code: last?.code ?? RESULT.OK,
      text: last?.text ?? '',
      committed: last?.code === RESULT.MESSAGE_COMMITTED,
      options: (last?.groups ?? []).filter((group) => group.kind === 'option'),
    };
  })();
  done.catch(() => undefined);
  return { sent, done };
}

/**
 * One fragment: takes a transfer slot, sends XFER and its data (after TMP when
 * synchronous), and resolves once the data is written, with the final response to come
 * (wrapped, so awaiting the write does not await the answer).
 */
async function sendFragment(
  context: SenderContext,
  msgId: string,
  part: PartType,
  fragment: Uint8Array,
  pending: number,
  options: XferOptions,
): Promise<{ final: Promise<Mt2Response> }> {
  const { endpoint } = context;
  await context.transferSlots.acquire();
  let granted: () => void = () => undefined;
  const grant = new Promise<void>((resolve) => (granted = resolve));
  // Flags set from callbacks; an object, so the checks below are not narrowed away.
  const flags = { answered: false, aborted: false };
  let request;
  try {
    request = endpoint.request(
      'XFER',
      [atom(msgId), atom(part), num(fragment.length), num(pending)],
      options.extensions ?? [],
      { onTmp: granted },
    );
  } catch (error) {
    context.transferSlots.release();
    throw error;
  }
  const final = request.final.finally(() => {
    flags.answered = true;
    context.transferSlots.release();
  });
  final.catch(() => undefined);
  const { tag } = request;
  if (endpoint.mode === 'synchronous') await Promise.race([grant, final.catch(() => undefined)]);
  await sendData(endpoint, tag, fragment, {
    ...(options.chunkBytes === undefined ? {} : { chunkBytes: options.chunkBytes }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    stop: () => {
      flags.aborted = options.signal?.aborted === true;
      return flags.answered || flags.aborted;
    },
  });
  if (flags.aborted && !flags.answered) await abor(context, tag).catch(() => undefined);
  return { final };
}
