import type { Mt2Option, Mt2Request } from '../codec/frames.ts';
import { exceeds } from '../codec/limits.ts';
import { RESULT } from '../result-codes.ts';
import type { Endpoint } from './endpoint.ts';

/** The three parts of a message, in the order they travel (mt2-profile.md section 3). */
export const PART_TYPES = ['message/envelope', 'message/headers', 'message/body'] as const;

/** A message part type. */
export type PartType = (typeof PART_TYPES)[number];

const PART_NAMES: readonly string[] = PART_TYPES;

/** One fragment of a part, as announced by `XFER msg-id type {size} {pending}`. */
export interface FragmentInfo {
  /** The XFER request's tag. */
  readonly tag: number;
  readonly msgId: string;
  readonly part: PartType;
  /** Octets in this fragment. */
  readonly size: number;
  /** Fragments of this part still to come after this one (0 = last). */
  readonly pending: number;
  /** True for the last fragment of the body: acknowledging it commits the message. */
  readonly lastOfMessage: boolean;
}

/**
 * A hook's yes or no. A no carries the result code (class 4 or 5), text and options to
 * send (e.g. what postage would be accepted).
 */
export type Verdict =
  | { readonly accept: true }
  | {
      readonly accept: false;
      readonly code: string;
      readonly text?: string;
      readonly options?: readonly Mt2Option[];
    };

/** A hook's answer to a completed fragment. */
export type CompleteVerdict =
  | {
      readonly accept: true;
      /**
       * True when the message is now durably committed. The session requires it for the
       * last body fragment; an envelope-only control message sets it on its envelope.
       */
      readonly committed?: boolean;
      /** Options for the acknowledgement (e.g. the TRACE path of a committed message). */
      readonly options?: readonly Mt2Option[];
    }
  | {
      readonly accept: false;
      readonly code: string;
      readonly text?: string;
      readonly options?: readonly Mt2Option[];
    };

/** Why a message in progress is dropped. */
export type AbortReason = 'aborted' | 'refused' | 'failed' | 'closed';

/**
 * Storage behind hooks: the receiving side of XFER (mt2d's store; a client's store for
 * messages a server sends unasked). Hooks may be async; the session waits, in order.
 */
export interface TransferHooks {
  /** Permission before any data (pre-transfer filtering). */
  onXfer(fragment: FragmentInfo): Verdict | Promise<Verdict>;
  /** Data of a permitted fragment, as it arrives. */
  onPartData(fragment: FragmentInfo, data: Uint8Array): void | Promise<void>;
  /** The fragment's data is complete; store it (fsync before accepting a commit). */
  onPartComplete(fragment: FragmentInfo): CompleteVerdict | Promise<CompleteVerdict>;
  /** Discard everything stored for a message that will not be committed. */
  onAbort(msgId: string, reason: AbortReason): void | Promise<void>;
}

interface MessageProgress {
  /** Index in PART_TYPES of the part expected next (or in progress). */
  part: number;
  /** Pending count the next fragment of the current part must carry; null: a new part. */
  expectPending: number | null;
  partBytes: number;
  messageBytes: number;
  /** A fragment of this message is being received. */
  busy: boolean;
  rejected: boolean;
}

interface ActiveTransfer {
  readonly fragment: FragmentInfo;
  received: number;
}

const GRANT_CODES = [RESULT.SEND_ENVELOPE, RESULT.SEND_HEADERS, RESULT.SEND_BODY] as const;
/** Refused messages remembered (to refuse their later parts at once), per in-flight slot. */
const REJECTED_MEMORY_PER_SLOT = 4;

/**
 * The receiving side of XFER (docs/protocol.md section 6.4): order of parts and
 * fragments, size limits, synchronous vs pipelined admission, data routing, ABOR, and
 * discarding whatever is not committed when the session ends.
 */
export class TransferReceiver {
  private readonly messages = new Map<string, MessageProgress>();
  private readonly active = new Map<number, ActiveTransfer>();
  /** Fragments received whole whose storage has not answered yet (they count as in flight). */
  private completing = 0;

  constructor(
    private readonly endpoint: Endpoint,
    private readonly hooks: TransferHooks,
  ) {}

  /** Transfers currently receiving data. */
  get inFlight(): number {
    return this.active.size;
  }

  /** Handles `XFER msg-id type {size} {pending}`. */
  async onXfer(request: Mt2Request): Promise<void> {
    const tag = request.tag;
    const endpoint = this.endpoint;
    const pipelined = endpoint.mode === 'pipelined';
    const refuse = (code: string, text?: string, progress?: MessageProgress): Promise<void> =>
      this.refuse(request, code, text, progress, pipelined);

    const [id, type, size, pending, ...extra] = request.params;
    const partIndex = type?.kind === 'atom' ? PART_NAMES.indexOf(type.value) : -1;
    if (
      id?.kind !== 'atom' ||
      partIndex < 0 ||
      size?.kind !== 'number' ||
      pending?.kind !== 'number' ||
      extra.length > 0 ||
      size.value === 0
    ) {
      return refuse(RESULT.BAD_PARAMETERS, 'XFER msg-id type {size} {pending}, size at least 1');
    }
    if (!pipelined && this.active.size > 0) {
      return refuse(RESULT.BAD_SEQUENCE, 'Synchronous mode: one transfer at a time.');
    }
    if (this.active.size + this.completing >= endpoint.limits.maxInFlight) {
      return refuse(RESULT.TOO_MANY_IN_FLIGHT);
    }
    let progress = this.messages.get(id.value);
    if (progress === undefined) {
      if (partIndex !== 0)
        return refuse(RESULT.PART_OUT_OF_ORDER, 'A message starts with its envelope.');
      if (this.openMessages() >= endpoint.limits.maxInFlight) {
        return refuse(RESULT.TOO_MANY_IN_FLIGHT, 'Too many messages in progress.');
      }
      progress = {
        part: 0,
        expectPending: null,
        partBytes: 0,
        messageBytes: 0,
        busy: false,
        rejected: false,
      };
      this.remember(id.value, progress);
    }
    if (progress.rejected) return refuse(RESULT.TRANSFER_REFUSED, 'Message already refused.');
    const inOrder =
      !progress.busy &&
      partIndex === progress.part &&
      (progress.expectPending === null || pending.value === progress.expectPending);
    if (!inOrder) return refuse(RESULT.PART_OUT_OF_ORDER, undefined, progress);
    const partBytes = (progress.expectPending === null ? 0 : progress.partBytes) + size.value;
    if (exceeds(partBytes, endpoint.limits.maxPartBytes)) {
      return refuse(RESULT.PART_TOO_LARGE, undefined, progress);
    }
    if (exceeds(progress.messageBytes + size.value, endpoint.limits.maxMessageBytes)) {
      return refuse(RESULT.MESSAGE_TOO_LARGE, undefined, progress);
    }
    const fragment: FragmentInfo = {
      tag,
      msgId: id.value,
      part: PART_TYPES[partIndex] ?? 'message/envelope',
      size: size.value,
      pending: pending.value,
      lastOfMessage: partIndex === PART_TYPES.length - 1 && pending.value === 0,
    };
    const verdict = await this.callHook(() => this.hooks.onXfer(fragment));
    if (!verdict.accept) {
      return this.refuse(request, verdict.code, verdict.text, progress, pipelined, verdict.options);
    }
    progress.busy = true;
    progress.partBytes = partBytes;
    const transfer: ActiveTransfer = { fragment, received: 0 };
    this.active.set(tag, transfer);
    endpoint.acceptData(tag, { onChunk: (data) => this.onChunk(transfer, progress, data) });
    endpoint.reply(tag, GRANT_CODES[partIndex] ?? RESULT.SEND_BODY);
  }

  /** Messages started and neither committed nor refused. */
  private openMessages(): number {
    let open = 0;
    for (const progress of this.messages.values()) if (!progress.rejected) open++;
    return open;
  }

  /** Whether a transfer with this tag is receiving data. */
  hasActive(tag: number): boolean {
    return this.active.has(tag);
  }

  /** Kills the transfer with this tag (ABOR); false when there is none. */
  async abort(tag: number): Promise<boolean> {
    const transfer = this.active.get(tag);
    if (transfer === undefined) return false;
    this.finish(transfer);
    await this.drop(transfer.fragment.msgId, 'aborted', true);
    this.endpoint.reply(tag, RESULT.TRANSFER_ABORTED);
    return true;
  }

  /** The session ended: every message not committed is discarded. */
  async closeAll(): Promise<void> {
    this.active.clear();
    const ids = [...this.messages.entries()].filter(([, p]) => !p.rejected).map(([id]) => id);
    this.messages.clear();
    for (const id of ids) await this.discard(id, 'closed');
  }

  private async onChunk(
    transfer: ActiveTransfer,
    progress: MessageProgress,
    data: Uint8Array,
  ): Promise<void> {
    const { fragment } = transfer;
    if (transfer.received + data.length > fragment.size) {
      this.finish(transfer);
      await this.drop(fragment.msgId, 'failed', false);
      this.endpoint.reply(fragment.tag, RESULT.SIZE_MISMATCH);
      return;
    }
    try {
      await this.hooks.onPartData(fragment, data);
    } catch {
      this.finish(transfer);
      this.endpoint.stopData(fragment.tag, fragment.size - transfer.received - data.length);
      await this.drop(fragment.msgId, 'failed', false);
      this.endpoint.reply(fragment.tag, RESULT.STORAGE_UNAVAILABLE);
      return;
    }
    transfer.received += data.length;
    if (transfer.received < fragment.size) return;
    this.finish(transfer);
    // The message moves on now, so that the next fragment's XFER (already on its way when
    // pipelined) is in order; the hook's verdict decides the acknowledgement, and a
    // refusal drops the whole message.
    progress.busy = false;
    progress.messageBytes += fragment.size;
    if (fragment.pending > 0) {
      progress.expectPending = fragment.pending - 1;
    } else {
      progress.expectPending = null;
      progress.part++;
    }
    const acknowledged = this.acknowledge(fragment);
    // Pipelined, storing one fragment must not hold up reading the next: the store can
    // then group the fsyncs of many fragments into one (docs/protocol.md section 6.4).
    if (this.endpoint.mode !== 'pipelined') await acknowledged;
  }

  /** Asks storage to keep a received fragment and answers the XFER with its verdict. */
  private async acknowledge(fragment: FragmentInfo): Promise<void> {
    this.completing++;
    try {
      const verdict = await this.callHook(() => this.hooks.onPartComplete(fragment));
      if (!verdict.accept) {
        await this.drop(fragment.msgId, 'refused', false);
        this.endpoint.reply(fragment.tag, verdict.code, verdict.text, verdict.options);
        return;
      }
      if (fragment.lastOfMessage || verdict.committed === true) {
        this.messages.delete(fragment.msgId);
        this.endpoint.reply(fragment.tag, RESULT.MESSAGE_COMMITTED, undefined, verdict.options);
      } else {
        this.endpoint.reply(fragment.tag, RESULT.FRAGMENT_STORED, undefined, verdict.options);
      }
    } finally {
      this.completing--;
    }
  }

  /** A hook that throws is a transient storage failure for the peer, not a crash. */
  private async callHook<T extends Verdict | CompleteVerdict>(
    hook: () => T | Promise<T>,
  ): Promise<T | { accept: false; code: string; text?: string; options?: undefined }> {
    try {
      return await hook();
    } catch {
      return { accept: false, code: RESULT.STORAGE_UNAVAILABLE };
    }
  }

  private finish(transfer: ActiveTransfer): void {
    this.active.delete(transfer.fragment.tag);
    this.endpoint.stopData(transfer.fragment.tag);
  }

  private async refuse(
    request: Mt2Request,
    code: string,
    text: string | undefined,
    progress: MessageProgress | undefined,
    pipelined: boolean,
    options?: readonly Mt2Option[],
  ): Promise<void> {
    const [id, , size] = request.params;
    // Pipelined senders do not wait for TMP: their data for this tag is on its way.
    if (pipelined && size?.kind === 'number') this.endpoint.stopData(request.tag, size.value);
    if (progress !== undefined && id?.kind === 'atom' && !progress.rejected) {
      await this.drop(id.value, 'refused', false);
    }
    this.endpoint.reply(request.tag, code, text, options);
  }

  /**
   * Drops a message: storage discards it; the id is remembered as refused so its later
   * parts are refused at once, except after ABOR, which lets the sender start over.
   */
  private async drop(msgId: string, reason: AbortReason, forget: boolean): Promise<void> {
    const progress = this.messages.get(msgId);
    if (forget) this.messages.delete(msgId);
    else if (progress !== undefined) {
      progress.rejected = true;
      progress.busy = false;
    }
    await this.discard(msgId, reason);
  }

  /** Asks storage to discard; a store that throws here cannot stop the session. */
  private async discard(msgId: string, reason: AbortReason): Promise<void> {
    try {
      await this.hooks.onAbort(msgId, reason);
    } catch {
      // Nothing was committed for this message; the store cleans up on its own restart.
    }
  }

  /** Tracks a new message; the oldest refused ones are forgotten past a bound. */
  private remember(msgId: string, progress: MessageProgress): void {
    this.messages.set(msgId, progress);
    const bound = this.endpoint.limits.maxInFlight * REJECTED_MEMORY_PER_SLOT;
    if (this.messages.size <= bound) return;
    for (const [id, p] of this.messages) {
      if (this.messages.size <= bound) break;
      if (p.rejected) this.messages.delete(id);
    }
  }
}
