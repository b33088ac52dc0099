import { option, type Mt2Option } from '../codec/frames.ts';
import { Slots, type SenderContext } from '../session/client-context.ts';
import type { Endpoint } from '../session/endpoint.ts';
import { PULL_OPTION } from '../session/pull-receiver.ts';
import { beginPart, type PartTransfer } from '../verbs/xfer.ts';
import { PACK_MSG_ID, PACK_OPTION, packValue } from './mailbox-pack.ts';
import { MAILBOX_RESULT, type MailboxPart } from './mailbox-types.ts';

/** Reads one part from the mailbox (at once when it can); undefined when unknown. */
export type PartReader = (
  msgId: string,
) => Uint8Array | undefined | Promise<Uint8Array | undefined>;

/**
 * PULLs one session runs at once. Each holds one part read from the mailbox while it
 * waits for a transfer slot, so this bounds what a client can make the server hold.
 */
export const MAX_CONCURRENT_PULLS = 4;

/** How the PULL ended, before its final response. */
type Ending = 'done' | 'aborted' | 'failed';

interface Counts {
  delivered: number;
  refused: number;
  unknown: number;
}

/** A PULL to serve, as read from the request. */
export interface PullRequest {
  readonly tag: number;
  readonly part: MailboxPart;
  readonly msgIds: readonly string[];
  /** Parts packed into XFERs of about this many octets; absent: one XFER per part. */
  readonly packBytes?: number;
}

/** Parts gathered for one pack XFER. */
interface Pack {
  /** `size,msg-id` per part, in order. */
  readonly values: readonly string[];
  data(): Uint8Array;
}

/**
 * Gathers parts into packs (docs/protocol.md section 8.4): a pack is full when the next
 * part would take it over `maxBytes` or its values over the line; a part larger than
 * `maxBytes` travels alone.
 */
class Packer {
  private parts: Uint8Array[] = [];
  private values: string[] = [];
  private bytes = 0;
  private lineBytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly lineBudget: number,
  ) {}

  /** Adds a part; returns the pack it closed, if it closed one. */
  add(msgId: string, part: Uint8Array): Pack | undefined {
    const value = packValue(msgId, part.length);
    const full =
      this.parts.length > 0 &&
      (this.bytes + part.length > this.maxBytes ||
        this.lineBytes + value.length + 1 > this.lineBudget);
    const closed = full ? this.flush() : undefined;
    // Indexed stores: a push into a new, empty array deoptimized this path (bench/README.md,
    // "Where a first sync's time goes").
    this.parts[this.parts.length] = part;
    this.values[this.values.length] = value;
    this.bytes += part.length;
    this.lineBytes += value.length + 1;
    return closed;
  }

  /** The parts gathered so far as a pack, if any; starts a new one. */
  flush(): Pack | undefined {
    if (this.parts.length === 0) return undefined;
    const parts = this.parts;
    const size = this.bytes;
    const pack = {
      values: this.values,
      data: () => {
        const out = new Uint8Array(size);
        let offset = 0;
        for (const part of parts) {
          out.set(part, offset);
          offset += part.length;
        }
        return out;
      },
    };
    this.parts = [];
    this.values = [];
    this.bytes = 0;
    this.lineBytes = 0;
    return pack;
  }
}

/**
 * The server side of PULL (docs/protocol.md section 8.4): for each msg-id, the server
 * sends the part with its own XFER (or, asked with `(PACK=bytes)`, many parts in one
 * XFER), as a sender, through the same machinery a client uses (fragments, chunks,
 * synchronous or pipelined), and answers the PULL once every XFER is answered. One per
 * session; ABOR of a PULL stops its remaining XFERs.
 */
export class PullSender {
  private readonly running = new Map<number, AbortController>();
  private readonly sender: SenderContext;

  constructor(private readonly endpoint: Endpoint) {
    const window = () => Math.min(endpoint.limits.maxInFlight, endpoint.peerLimits.maxInFlight);
    this.sender = {
      endpoint,
      // As a client's: one XFER at a time when synchronous; else all but one slot, so a
      // NOOP or ABOR of ours still fits the window.
      transferSlots: new Slots(() =>
        endpoint.mode === 'synchronous' ? 1 : Math.max(1, window() - 1),
      ),
    };
  }

  /** Stops the PULL with this peer tag; false when none is running. */
  abort(tag: number): boolean {
    const controller = this.running.get(tag);
    if (controller === undefined || controller.signal.aborted) return false;
    controller.abort();
    return true;
  }

  /**
   * Starts sending; the PULL's final response follows when every XFER is answered.
   * @returns false when {@link MAX_CONCURRENT_PULLS} are running (nothing was started)
   */
  start(request: PullRequest, read: PartReader): boolean {
    if (this.running.size >= MAX_CONCURRENT_PULLS) return false;
    const controller = new AbortController();
    const { tag } = request;
    this.running.set(tag, controller);
    void this.run(request, read, controller.signal).finally(() => {
      this.running.delete(tag);
    });
    return true;
  }

  private async run(request: PullRequest, read: PartReader, signal: AbortSignal): Promise<void> {
    const { tag, part, msgIds, packBytes } = request;
    const counts: Counts = { delivered: 0, refused: 0, unknown: 0 };
    const answers: Promise<void>[] = [];
    const marker = option(PULL_OPTION, String(tag));
    const packer =
      packBytes === undefined ? undefined : new Packer(packBytes, this.packLineBudget(tag));
    let ending: Ending = 'done';
    // Sends one XFER: a part, or a pack of `count` parts; each counts once answered.
    const send = async (msgId: string, bytes: Uint8Array, extensions: Mt2Option[], count = 1) => {
      let transfer: PartTransfer;
      try {
        transfer = beginPart(this.sender, msgId, part, bytes, { signal, extensions });
      } catch {
        // Not sendable from here (say, over our own MAXPART): the client never sees it.
        counts.unknown += count;
        return;
      }
      const answered = transfer.done.then(
        () => {
          counts.delivered += count;
        },
        () => {
          counts.refused += count;
        },
      );
      answers.push(answered);
      // Synchronous: the next XFER only after this one's answer.
      await (this.endpoint.mode === 'synchronous' ? answered : transfer.sent);
    };
    const sendPack = (pack: Pack) =>
      send(
        PACK_MSG_ID,
        pack.data(),
        [marker, option(PACK_OPTION, ...pack.values)],
        pack.values.length,
      );
    for (const msgId of msgIds) {
      if (signal.aborted) ending = 'aborted';
      if (ending !== 'done' || this.endpoint.isClosed()) break;
      let bytes: Uint8Array | undefined;
      try {
        const reading = read(msgId);
        bytes = reading instanceof Promise ? await reading : reading;
      } catch {
        ending = 'failed';
        break;
      }
      if (bytes === undefined || bytes.length === 0) counts.unknown++;
      else if (packer === undefined) await send(msgId, bytes, [marker]);
      else {
        // Most parts only join the pack: no await for them.
        const closed = packer.add(msgId, bytes);
        if (closed !== undefined) await sendPack(closed);
      }
    }
    // The last pack goes out unless the PULL stopped; then its parts count as never sent.
    const last = packer?.flush();
    if (last !== undefined) {
      if (ending === 'done' && !signal.aborted) await sendPack(last);
      else counts.unknown += last.values.length;
    }
    await Promise.all(answers);
    if (signal.aborted) ending = 'aborted';
    this.finish(tag, ending, counts, msgIds.length);
  }

  /** What a pack's values may take of a line: the peer's MAXLINE less the rest of the XFER. */
  private packLineBudget(tag: number): number {
    const line = Math.min(this.endpoint.limits.maxLineBytes, this.endpoint.peerLimits.maxLineBytes);
    // `[` tag ` XFER * ` part ` {size} {0} (PULL=tag) (PACK=` ... `)]` CRLF, numbers at their longest.
    const frame =
      1 +
      16 +
      ' XFER * '.length +
      'message/envelope'.length +
      ' {9007199254740991} {0} (PULL='.length;
    return line - frame - String(tag).length - ') (PACK='.length - ')]\r\n'.length;
  }

  private finish(tag: number, ending: Ending, counts: Counts, asked: number): void {
    const groups = [
      option('DELIVERED', String(counts.delivered)),
      option('REFUSED', String(counts.refused)),
      option('UNKNOWN', String(counts.unknown)),
    ];
    const code =
      ending === 'aborted'
        ? MAILBOX_RESULT.TRANSFER_ABORTED
        : ending === 'failed'
          ? MAILBOX_RESULT.STORAGE_UNAVAILABLE
          : MAILBOX_RESULT.OK;
    const text = ending === 'done' ? `Pulled ${counts.delivered} of ${asked}.` : 'Pull stopped.';
    this.endpoint.reply(tag, code, text, groups);
  }
}
