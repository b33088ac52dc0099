import { option, type Mt2Option } from '../codec/frames.ts';
import { Slots, type SenderContext } from '../session/client-context.ts';
import type { Endpoint } from '../session/endpoint.ts';
import { PULL_OPTION } from '../session/pull-receiver.ts';
import { beginPart, type PartTransfer } from '../verbs/xfer.ts';
import { MAILBOX_RESULT, type MailboxPart } from './mailbox-types.ts';

/** Reads one part from the mailbox; undefined when unknown. */
export type PartReader = (msgId: string) => Promise<Uint8Array | undefined>;

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

/**
 * The server side of PULL (docs/protocol.md section 8.4): for each msg-id, the server
 * sends the part with its own XFER, as a sender, through the same machinery a client
 * uses (fragments, chunks, synchronous or pipelined), and answers the PULL once every
 * XFER is answered. One per session; ABOR of a PULL stops its remaining XFERs.
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
  start(tag: number, part: MailboxPart, msgIds: readonly string[], read: PartReader): boolean {
    if (this.running.size >= MAX_CONCURRENT_PULLS) return false;
    const controller = new AbortController();
    this.running.set(tag, controller);
    void this.run(tag, part, msgIds, read, controller.signal).finally(() => {
      this.running.delete(tag);
    });
    return true;
  }

  private async run(
    tag: number,
    part: MailboxPart,
    msgIds: readonly string[],
    read: PartReader,
    signal: AbortSignal,
  ): Promise<void> {
    const counts: Counts = { delivered: 0, refused: 0, unknown: 0 };
    const answers: Promise<void>[] = [];
    const marker: readonly Mt2Option[] = [option(PULL_OPTION, String(tag))];
    let ending: Ending = 'done';
    for (const msgId of msgIds) {
      if (signal.aborted) ending = 'aborted';
      if (ending !== 'done' || this.endpoint.isClosed()) break;
      let bytes: Uint8Array | undefined;
      try {
        bytes = await read(msgId);
      } catch {
        ending = 'failed';
        break;
      }
      if (bytes === undefined || bytes.length === 0) {
        counts.unknown++;
        continue;
      }
      let transfer: PartTransfer;
      try {
        transfer = beginPart(this.sender, msgId, part, bytes, { signal, extensions: marker });
      } catch {
        // Not sendable from here (say, over our own MAXPART): the client never sees it.
        counts.unknown++;
        continue;
      }
      const answered = transfer.done.then(
        () => {
          counts.delivered++;
        },
        () => {
          counts.refused++;
        },
      );
      answers.push(answered);
      // Synchronous: the next XFER only after this one's answer.
      await (this.endpoint.mode === 'synchronous' ? answered : transfer.sent);
    }
    await Promise.all(answers);
    if (signal.aborted) ending = 'aborted';
    this.finish(tag, ending, counts, msgIds.length);
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
