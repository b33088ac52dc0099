import type { Mt2Request } from '../codec/frames.ts';
import { exceeds } from '../codec/limits.ts';
import { RESULT } from '../result-codes.ts';
import type { Endpoint } from './endpoint.ts';
import { PACK_MSG_ID, PACK_OPTION, parsePackValue } from '../transfer-extensions/mailbox-pack.ts';
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
  /** The pack size asked with `(PACK=bytes)`; packs are refused when absent. */
  readonly packBytes?: number;
}

/** One part an XFER carries: the XFER's own, or one of a pack's. */
interface CarriedPart {
  readonly msgId: string;
  readonly size: number;
}

interface Incoming {
  readonly pull: PullWaiting;
  readonly parts: readonly CarriedPart[];
  /** Octets of all the parts. */
  readonly size: number;
  received: number;
  /** The part being filled, and its chunks so far. */
  current: number;
  chunks: Uint8Array[];
  filled: number;
  /** The consumer's work on parts handed over, when it returned a promise. */
  readonly handedOver: Promise<void>[];
  /** The consumer threw on a part handed over. */
  failed: boolean;
}

const GRANT = {
  'message/envelope': RESULT.SEND_ENVELOPE,
  'message/headers': RESULT.SEND_HEADERS,
  'message/body': RESULT.SEND_BODY,
} as const satisfies Record<PartType, string>;

/**
 * The client side of the XFERs a PULL makes the server send (docs/protocol.md section
 * 8.4): each must name a PULL of ours in progress, a msg-id it asked for and not yet
 * offered (or, for a pack, list only such msg-ids), its part type, and come as one
 * fragment within this side's limits; the caller's `accept` may refuse it before any
 * data. Each part is handed over whole as soon as its last octet is in; a pack counts
 * as delivered or refused as one.
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
    const pack = request.options.find((o) => o.name === PACK_OPTION);
    const pullTag = Number(marker?.values[0] ?? NaN);
    const pull = this.pulls.get(pullTag);
    const refuse = (code: string, text: string, parts: readonly CarriedPart[] = []) => {
      for (const part of parts) pull?.refused.add(part.msgId);
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
      request.options.length !== (pack === undefined ? 1 : 2) ||
      marker?.values.length !== 1
    ) {
      refuse(
        RESULT.BAD_PARAMETERS,
        'XFER msg-id type {size} {0} (PULL=tag) [(PACK=size,msg-id;...)]',
      );
      return;
    }
    if (pull === undefined) {
      refuse(RESULT.BAD_SEQUENCE, `No PULL ${marker.values[0] ?? ''} in progress.`);
      return;
    }
    if (type.value !== pull.part || !PART_TYPES.some((part) => part === type.value)) {
      refuse(RESULT.BAD_PARAMETERS, `The PULL asked for ${pull.part}.`);
      return;
    }
    // From here on the server counts these parts as refused unless they arrive.
    const carried = takeCarriedParts(pull, id.value, size.value, pack?.values);
    if (typeof carried === 'string') {
      refuse(RESULT.BAD_PARAMETERS, carried);
      return;
    }
    if (pending.value !== 0) {
      refuse(RESULT.PART_OUT_OF_ORDER, 'A pulled part comes as one fragment.', carried);
      return;
    }
    const packTooLarge =
      carried.length > 1 && pull.packBytes !== undefined && size.value > pull.packBytes;
    if (packTooLarge || carried.some((part) => exceeds(part.size, endpoint.limits.maxPartBytes))) {
      refuse(RESULT.PART_TOO_LARGE, 'Part too large.', carried);
      return;
    }
    const busy = endpoint.mode === 'synchronous' ? this.active.size > 0 : false;
    if (busy || this.active.size >= endpoint.limits.maxInFlight) {
      refuse(
        busy ? RESULT.BAD_SEQUENCE : RESULT.TOO_MANY_IN_FLIGHT,
        'Too many transfers.',
        carried,
      );
      return;
    }
    if (!carried.every((part) => pull.accept(part.msgId, part.size))) {
      refuse(RESULT.TRANSFER_REFUSED, 'Refused by the client.', carried);
      return;
    }
    const incoming: Incoming = {
      pull,
      parts: carried,
      size: size.value,
      received: 0,
      current: 0,
      chunks: [],
      filled: 0,
      handedOver: [],
      failed: false,
    };
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
    settle(incoming, 'refused');
    this.endpoint.reply(tag, RESULT.TRANSFER_ABORTED);
  }

  /** The session ended: nothing more arrives. */
  closeAll(): void {
    this.active.clear();
    this.pulls.clear();
  }

  private async onChunk(tag: number, incoming: Incoming, data: Uint8Array): Promise<void> {
    if (incoming.received + data.length > incoming.size) {
      this.finish(tag);
      settle(incoming, 'refused');
      this.endpoint.reply(tag, RESULT.SIZE_MISMATCH);
      return;
    }
    incoming.received += data.length;
    takeParts(incoming, data);
    if (incoming.received < incoming.size) return;
    this.finish(tag);
    try {
      await Promise.all(incoming.handedOver);
    } catch {
      incoming.failed = true;
    }
    if (incoming.failed) {
      settle(incoming, 'refused');
      this.endpoint.reply(tag, RESULT.STORAGE_UNAVAILABLE);
      return;
    }
    settle(incoming, 'delivered');
    this.endpoint.reply(tag, RESULT.FRAGMENT_STORED);
  }

  private finish(tag: number): void {
    this.active.delete(tag);
    this.endpoint.stopData(tag);
  }
}

/**
 * The parts an XFER says it carries, its own msg-id or a pack's list, taken out of the
 * msg-ids the PULL still wants: each must be wanted, once; a pack's sizes must add up to
 * the XFER's.
 * @returns the parts, or what is wrong (and then nothing is taken)
 */
function takeCarriedParts(
  pull: PullWaiting,
  msgId: string,
  size: number,
  packValues: readonly string[] | undefined,
): CarriedPart[] | string {
  if (packValues === undefined) {
    if (msgId === PACK_MSG_ID) return `A pack lists its parts in (${PACK_OPTION}=...).`;
    return pull.wanted.delete(msgId)
      ? [{ msgId, size }]
      : `${msgId} was not asked for, or came twice.`;
  }
  if (pull.packBytes === undefined) return 'This PULL asked for no packs.';
  if (msgId !== PACK_MSG_ID) return `A pack's msg-id is ${PACK_MSG_ID}.`;
  const parts: CarriedPart[] = [];
  const problem = takePack(pull, packValues, size, parts);
  if (problem === undefined) return parts;
  for (const part of parts) pull.wanted.add(part.msgId);
  return problem;
}

/**
 * Takes the parts a pack lists out of the wanted msg-ids into `parts`, in order, until
 * one is wrong.
 * @returns what is wrong with the pack, or undefined
 */
function takePack(
  pull: PullWaiting,
  packValues: readonly string[],
  size: number,
  parts: CarriedPart[],
): string | undefined {
  let total = 0;
  for (const value of packValues) {
    const part = parsePackValue(value);
    if (part === undefined) return `A pack lists its parts as (${PACK_OPTION}=size,msg-id;...).`;
    // Taken when first listed, so a second listing is not wanted any more.
    if (!pull.wanted.delete(part.msgId)) return `${part.msgId} was not asked for, or came twice.`;
    parts.push(part);
    total += part.size;
  }
  return total === size ? undefined : `The pack's parts add up to ${total} octets, not ${size}.`;
}

/** Cuts a chunk along the parts it carries; hands over each part whose last octet is in. */
function takeParts(incoming: Incoming, data: Uint8Array): void {
  let offset = 0;
  while (offset < data.length) {
    const part = incoming.parts[incoming.current];
    if (part === undefined) return;
    const take = Math.min(part.size - incoming.filled, data.length - offset);
    // A view: each chunk the decoder hands over is a fresh array of its own.
    const piece = data.subarray(offset, offset + take);
    offset += take;
    if (incoming.filled === 0 && take === part.size) {
      // The whole part in this chunk, the usual case (parts are smaller than chunks).
      handOver(incoming, part.msgId, piece);
      continue;
    }
    incoming.chunks.push(piece);
    incoming.filled += take;
    if (incoming.filled < part.size) continue;
    const bytes = concat(incoming.chunks, part.size);
    incoming.chunks = [];
    incoming.filled = 0;
    handOver(incoming, part.msgId, bytes);
  }
}

/** Hands over the current part, whole, and moves on to the next. */
function handOver(incoming: Incoming, msgId: string, bytes: Uint8Array): void {
  incoming.current++;
  try {
    const working = incoming.pull.onPart(msgId, bytes);
    if (working !== undefined) incoming.handedOver.push(working);
  } catch {
    incoming.failed = true;
  }
}

/** Records the outcome of every part an XFER carried. */
function settle(incoming: Incoming, outcome: 'delivered' | 'refused'): void {
  const into = incoming.pull[outcome];
  for (const part of incoming.parts) into.add(part.msgId);
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
