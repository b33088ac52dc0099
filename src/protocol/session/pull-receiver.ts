import type { Mt2Request } from '../codec/frames.ts';
import { exceeds } from '../codec/limits.ts';
import { RESULT } from '../result-codes.ts';
import type { Endpoint } from './endpoint.ts';
import { PART_TYPES, type PartType } from './transfer-receiver.ts';

/** The option naming the PULL a server XFER belongs to: `(PULL=tag)`. */
export const PULL_OPTION = 'PULL';

/** What one PULL of ours is waiting for. */
export interface PullWaiting {
  readonly part: PartType;
  /** Msg-ids asked for and not yet offered by the server. */
  readonly wanted: Set<string>;
  readonly delivered: Set<string>;
  readonly refused: Set<string>;
  readonly onPart: (msgId: string, bytes: Uint8Array) => void | Promise<void>;
  readonly accept: (msgId: string, size: number) => boolean;
}

interface Incoming {
  readonly pull: PullWaiting;
  readonly msgId: string;
  readonly size: number;
  readonly chunks: Uint8Array[];
  received: number;
}

const GRANT = {
  'message/envelope': RESULT.SEND_ENVELOPE,
  'message/headers': RESULT.SEND_HEADERS,
  'message/body': RESULT.SEND_BODY,
} as const satisfies Record<PartType, string>;

/**
 * The client side of the XFERs a PULL makes the server send (docs/protocol.md section
 * 8.4): each must name a PULL of ours in progress, a msg-id it asked for and not yet
 * offered, its part type, and come as one fragment within this side's limits; the
 * caller's `accept` may refuse it before any data. A part is handed over whole.
 */
export class PullReceiver {
  private readonly pulls = new Map<number, PullWaiting>();
  private readonly active = new Map<number, Incoming>();

  constructor(private readonly endpoint: Endpoint) {}

  /** Starts routing the server's XFERs for our PULL `tag`. */
  register(tag: number, pull: PullWaiting): void {
    this.pulls.set(tag, pull);
  }

  /** The PULL `tag` was answered; later XFERs naming it are refused. */
  unregister(tag: number): void {
    this.pulls.delete(tag);
  }

  /** Whether a server request is an XFER of a PULL (it carries `(PULL=tag)`). */
  static isPullXfer(request: Mt2Request): boolean {
    return request.verb === 'XFER' && request.options.some((o) => o.name === PULL_OPTION);
  }

  /** Handles one XFER of the server: grants it, or refuses it with a code. */
  onXfer(request: Mt2Request): void {
    const endpoint = this.endpoint;
    const [id, type, size, pending, ...extra] = request.params;
    const marker = request.options.find((o) => o.name === PULL_OPTION);
    const pullTag = Number(marker?.values[0] ?? NaN);
    const pull = this.pulls.get(pullTag);
    const refuse = (code: string, text: string) => {
      // Pipelined, the data follows the XFER without waiting: drop it as it comes.
      if (endpoint.mode === 'pipelined' && size?.kind === 'number') {
        endpoint.stopData(request.tag, size.value);
      }
      endpoint.reply(request.tag, code, text);
    };
    if (
      id?.kind !== 'atom' ||
      type?.kind !== 'atom' ||
      size?.kind !== 'number' ||
      pending?.kind !== 'number' ||
      extra.length > 0 ||
      size.value === 0 ||
      request.options.length !== 1 ||
      marker?.values.length !== 1
    ) {
      refuse(RESULT.BAD_PARAMETERS, 'XFER msg-id type {size} {0} (PULL=tag)');
      return;
    }
    if (pull === undefined) {
      refuse(RESULT.BAD_SEQUENCE, `No PULL ${marker.values[0] ?? ''} in progress.`);
      return;
    }
    const msgId = id.value;
    if (type.value !== pull.part || !PART_TYPES.some((part) => part === type.value)) {
      refuse(RESULT.BAD_PARAMETERS, `The PULL asked for ${pull.part}.`);
      return;
    }
    if (!pull.wanted.has(msgId)) {
      refuse(RESULT.BAD_PARAMETERS, `${msgId} was not asked for, or came twice.`);
      return;
    }
    pull.wanted.delete(msgId);
    if (pending.value !== 0) {
      pull.refused.add(msgId);
      refuse(RESULT.PART_OUT_OF_ORDER, 'A pulled part comes as one fragment.');
      return;
    }
    if (exceeds(size.value, endpoint.limits.maxPartBytes)) {
      pull.refused.add(msgId);
      refuse(RESULT.PART_TOO_LARGE, 'Part too large.');
      return;
    }
    const busy = endpoint.mode === 'synchronous' ? this.active.size > 0 : false;
    if (busy || this.active.size >= endpoint.limits.maxInFlight) {
      pull.refused.add(msgId);
      refuse(busy ? RESULT.BAD_SEQUENCE : RESULT.TOO_MANY_IN_FLIGHT, 'Too many transfers.');
      return;
    }
    if (!pull.accept(msgId, size.value)) {
      pull.refused.add(msgId);
      refuse(RESULT.TRANSFER_REFUSED, 'Refused by the client.');
      return;
    }
    const incoming: Incoming = { pull, msgId, size: size.value, chunks: [], received: 0 };
    this.active.set(request.tag, incoming);
    endpoint.acceptData(request.tag, {
      onChunk: (data) => this.onChunk(request.tag, incoming, data),
    });
    endpoint.reply(request.tag, GRANT[pull.part]);
  }

  /** Whether the server's XFER `tag` is receiving data. */
  hasActive(tag: number): boolean {
    return this.active.has(tag);
  }

  /** Kills the server's XFER `tag` (its ABOR): answers it ERR 99.0.5.14. */
  abort(tag: number): void {
    const incoming = this.active.get(tag);
    if (incoming === undefined) return;
    this.finish(tag);
    incoming.pull.refused.add(incoming.msgId);
    this.endpoint.reply(tag, RESULT.TRANSFER_ABORTED);
  }

  /** The session ended: nothing more arrives. */
  closeAll(): void {
    this.active.clear();
    this.pulls.clear();
  }

  private async onChunk(tag: number, incoming: Incoming, data: Uint8Array): Promise<void> {
    const { pull, msgId } = incoming;
    if (incoming.received + data.length > incoming.size) {
      this.finish(tag);
      pull.refused.add(msgId);
      this.endpoint.reply(tag, RESULT.SIZE_MISMATCH);
      return;
    }
    incoming.chunks.push(data.slice());
    incoming.received += data.length;
    if (incoming.received < incoming.size) return;
    this.finish(tag);
    try {
      await pull.onPart(msgId, concat(incoming.chunks, incoming.size));
    } catch {
      pull.refused.add(msgId);
      this.endpoint.reply(tag, RESULT.STORAGE_UNAVAILABLE);
      return;
    }
    pull.delivered.add(msgId);
    this.endpoint.reply(tag, RESULT.FRAGMENT_STORED);
  }

  private finish(tag: number): void {
    this.active.delete(tag);
    this.endpoint.stopData(tag);
  }
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1 && chunks[0] !== undefined) return chunks[0];
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
