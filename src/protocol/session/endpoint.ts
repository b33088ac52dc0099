import { Mt2Decoder } from '../codec/decoder.ts';
import { encodeChunk, encodeLine, encodeResponseWithGroupText } from '../codec/encoder.ts';
import type {
  Mt2ExtensionResult,
  Mt2Frame,
  Mt2Option,
  Mt2Param,
  Mt2Request,
  Mt2Response,
} from '../codec/frames.ts';
import type { Mt2Limits } from '../codec/limits.ts';
import { Mt2Error, resultForError } from '../errors.ts';
import { RESULT, meaningOf, statusOfCode } from '../result-codes.ts';
import { canMove, type SessionState, type TransferMode } from './states.ts';

/** How a session reaches its connection; the TLS transport and tests implement it. */
export interface SessionIo {
  /**
   * Writes octets to the peer. A returned promise means "the connection is full; wait
   * for it before writing more" (senders of data chunks wait, so ABOR can cut in).
   */
  send(bytes: Uint8Array): void | Promise<void>;
  /** Closes the connection after everything written so far is flushed. */
  close(): void;
}

/** Timer functions, injectable so tests control time. Default: the global ones. */
export interface SessionTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * The global timers. Where the runtime can (Node), the idle timer does not by itself
 * keep the process alive: the connection does that.
 */
export const GLOBAL_TIMERS: SessionTimers = {
  setTimeout: (callback, ms) => {
    const handle: unknown = setTimeout(callback, ms);
    if (typeof handle === 'object' && handle !== null && 'unref' in handle) {
      (handle as { unref(): void }).unref();
    }
    return handle;
  },
  clearTimeout: (handle) => {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

/** Receives the data chunks of one request that asked for data (HELO, XFER). */
export interface DataSink {
  /** Called with each chunk, in order; the sink checks sizes itself. */
  onChunk(data: Uint8Array): void | Promise<void>;
}

/** What a role (client or server) does with what the shared core does not handle. */
export interface EndpointRole {
  /** A request of the peer whose tag increased; the role answers it. */
  onRequest(request: Mt2Request): void | Promise<void>;
  /** A response with tag `*`. */
  onUnsolicited(response: Mt2Response): void;
  /** The session closed; abort whatever is in progress. */
  onClosed(reason: Mt2Error): void | Promise<void>;
}

/** An outgoing request still waiting for its final response. */
interface PendingRequest {
  readonly onTmp: ((response: Mt2Response) => void) | undefined;
  readonly resolve: (response: Mt2Response) => void;
  readonly reject: (error: Mt2Error) => void;
}

/** A request this side sent: its tag and the final (OK or ERR) response. */
export interface SentRequest {
  readonly tag: number;
  readonly final: Promise<Mt2Response>;
}

/**
 * The core both roles share (docs/protocol.md section 6): decoding, tag bookkeeping
 * in both directions, routing of responses and data chunks, the idle timeout and
 * closing. Input is processed strictly in order, one frame at a time, even when a
 * hook is asynchronous.
 */
export class Endpoint {
  /** Current session state. */
  get state(): SessionState {
    return this.currentState;
  }
  /** Synchronous until PIPE=ON is granted. */
  mode: TransferMode = 'synchronous';
  /** The peer's limits (a client learns them from the greeting); lines sent keep to them. */
  peerLimits: Mt2Limits;

  private currentState: SessionState = 'awaiting-greeting';
  private readonly decoder: Mt2Decoder;
  private nextTag = 1;
  private lastPeerTag = -1;
  private readonly pending = new Map<number, PendingRequest>();
  private readonly sinks = new Map<number, DataSink>();
  private readonly discarding = new Map<number, number>();
  private queue: Promise<void> = Promise.resolve();
  private idleTimer: unknown = undefined;
  private role: EndpointRole | undefined;
  private closeReason: Mt2Error | undefined;

  constructor(
    private readonly io: SessionIo,
    readonly limits: Mt2Limits,
    private readonly timers: SessionTimers = GLOBAL_TIMERS,
  ) {
    this.decoder = new Mt2Decoder(limits);
    this.peerLimits = limits;
  }

  /** Binds the role and starts the idle timer. */
  start(role: EndpointRole): void {
    this.role = role;
    this.touch();
  }

  /** Whether the session has closed (a method, so checks after an await are not narrowed away). */
  isClosed(): boolean {
    return this.currentState === 'closed';
  }

  /** Moves to `to`; a move the table forbids is a bug in this code, so it throws. */
  moveTo(to: SessionState): void {
    if (this.currentState === to) return;
    if (!canMove(this.currentState, to)) {
      throw new Mt2Error('WRONG_STATE', `cannot move from ${this.currentState} to ${to}`);
    }
    this.currentState = to;
  }

  /**
   * Feeds octets from the connection. Resolves when every frame they complete has
   * been handled (a transport pauses reading until then: that is the backpressure).
   */
  receive(bytes: Uint8Array): Promise<void> {
    const run = this.queue.then(() => this.process(bytes));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The connection ended (the peer closed or dropped it). */
  async end(): Promise<void> {
    await this.queue;
    await this.close(new Mt2Error('SESSION_CLOSED', 'connection closed by the peer'));
  }

  private async process(bytes: Uint8Array): Promise<void> {
    if (this.currentState === 'closed') return;
    this.touch();
    for (const frame of this.decoder.push(bytes)) {
      if (this.isClosed()) return;
      await this.dispatch(frame);
    }
  }

  private async dispatch(frame: Mt2Frame): Promise<void> {
    switch (frame.kind) {
      case 'invalid': {
        this.reply(frame.tag ?? '*', resultForError(frame.code), frame.detail);
        if (frame.fatal) await this.close(new Mt2Error(frame.code, frame.detail));
        return;
      }
      case 'chunk':
        return this.routeChunk(frame.tag, frame.data);
      case 'response':
        return this.routeResponse(frame);
      case 'request': {
        if (frame.tag <= this.lastPeerTag) {
          this.reply(frame.tag, RESULT.TAG_NOT_INCREASING, `tag must exceed ${this.lastPeerTag}`);
          return;
        }
        this.lastPeerTag = frame.tag;
        await this.role?.onRequest(frame);
        return;
      }
    }
  }

  private async routeChunk(tag: number, data: Uint8Array): Promise<void> {
    const sink = this.sinks.get(tag);
    if (sink !== undefined) {
      await sink.onChunk(data);
      return;
    }
    const owed = this.discarding.get(tag);
    if (owed !== undefined) {
      if (owed > data.length) this.discarding.set(tag, owed - data.length);
      else this.discarding.delete(tag);
      return;
    }
    this.reply('*', RESULT.UNEXPECTED_DATA, `no granted transfer with tag ${tag}`);
  }

  private async routeResponse(response: Mt2Response): Promise<void> {
    if (response.tag === '*') {
      this.role?.onUnsolicited(response);
      return;
    }
    const waiting = this.pending.get(response.tag);
    if (waiting === undefined) {
      // A late answer to a request already settled is harmless; one to a request never
      // sent means the two sides no longer agree on what was said (docs/protocol.md 3).
      if (response.tag >= this.nextTag) {
        this.reply('*', RESULT.OUT_OF_SYNC, `response for tag ${response.tag}, never sent`);
        await this.close(new Mt2Error('OUT_OF_SYNC', `response for unsent tag ${response.tag}`));
      }
      return;
    }
    if (response.status === 'TMP') {
      waiting.onTmp?.(response);
      return;
    }
    this.pending.delete(response.tag);
    waiting.resolve(response);
  }

  /** Sends a line. */
  sendLine(frame: Mt2Request | Mt2Response): void | Promise<void> {
    if (this.currentState === 'closed') return;
    return this.io.send(encodeLine(frame));
  }

  /**
   * Answers a request (or, with `*`, says something unsolicited). The status follows
   * from the code's class; the text defaults to the registry meaning.
   */
  reply(
    tag: number | '*',
    code: string,
    text?: string,
    groups: readonly (Mt2Option | Mt2ExtensionResult)[] = [],
  ): void {
    void this.sendLine({
      kind: 'response',
      tag,
      status: statusOfCode(code),
      code,
      groups,
      text: text ?? meaningOf(code) ?? '',
    });
  }

  /**
   * Answers with a response whose only content is groups already written as line text
   * (`(NAME=v;v) (NAME=v)`), for a caller that writes many and has checked each against
   * the grammar itself (a LIST page of mailbox entries); the rest is checked as usual.
   */
  replyWithGroupText(tag: number, code: string, groupText: string): void {
    if (this.currentState === 'closed') return;
    const head: Mt2Response = {
      kind: 'response',
      tag,
      status: statusOfCode(code),
      code,
      groups: [],
      text: '',
    };
    void this.io.send(encodeResponseWithGroupText(head, groupText));
  }

  /**
   * Sends a request and tracks it until its final response.
   * @throws Mt2Error SESSION_CLOSED after close; TOO_MANY_IN_FLIGHT past either side's
   *   `maxInFlight` (never for ABOR);
   *   LINE_TOO_LONG when the line would exceed the peer's `maxLineBytes`.
   */
  request(
    verb: string,
    params: readonly Mt2Param[],
    options: readonly Mt2Option[] = [],
    extra: { joined?: boolean; onTmp?: (response: Mt2Response) => void } = {},
  ): SentRequest {
    if (this.currentState === 'closed') {
      throw this.closeReason ?? new Mt2Error('SESSION_CLOSED', 'session closed');
    }
    // ABOR is never held back: it must be able to cut a transfer when the window is full.
    const window = Math.min(this.limits.maxInFlight, this.peerLimits.maxInFlight);
    if (verb !== 'ABOR' && this.pending.size >= window) {
      throw new Mt2Error('TOO_MANY_IN_FLIGHT', `${this.pending.size} requests in flight`);
    }
    const tag = this.nextTag;
    const line = encodeLine({
      kind: 'request',
      tag,
      verb,
      params,
      options,
      joined: extra.joined ?? false,
    });
    if (line.length > this.peerLimits.maxLineBytes) {
      throw new Mt2Error('LINE_TOO_LONG', `${verb} line of ${line.length} octets`);
    }
    this.nextTag++;
    const final = new Promise<Mt2Response>((resolve, reject) => {
      this.pending.set(tag, { onTmp: extra.onTmp, resolve, reject });
    });
    final.catch(() => undefined);
    void this.io.send(line);
    return { tag, final };
  }

  /** Sends one data chunk; resolves when the connection can take more. */
  async sendChunk(tag: number, data: Uint8Array): Promise<void> {
    if (this.currentState === 'closed') {
      throw this.closeReason ?? new Mt2Error('SESSION_CLOSED', 'session closed');
    }
    await this.io.send(encodeChunk(tag, data));
  }

  /** Routes the peer's chunks with this tag to `sink` until {@link stopData}. */
  acceptData(tag: number, sink: DataSink): void {
    this.sinks.set(tag, sink);
  }

  /**
   * Stops routing chunks of `tag`; `owed` more octets of it are dropped silently. At most
   * 4 x maxInFlight tags are remembered (the oldest are forgotten: their late chunks then
   * get 99.0.5.8), so a peer cannot grow this without bound.
   */
  stopData(tag: number, owed = 0): void {
    this.sinks.delete(tag);
    if (owed <= 0) return;
    this.discarding.set(tag, owed);
    const bound = this.limits.maxInFlight * 4;
    for (const oldest of this.discarding.keys()) {
      if (this.discarding.size <= bound) break;
      this.discarding.delete(oldest);
    }
  }

  /**
   * Closes the session: pending requests fail with `reason`, the role aborts what is
   * in progress (nothing half-received is committed), then the connection closes.
   */
  async close(reason: Mt2Error): Promise<void> {
    if (this.currentState === 'closed') return;
    this.currentState = 'closed';
    this.closeReason = reason;
    this.timers.clearTimeout(this.idleTimer);
    for (const waiting of this.pending.values()) waiting.reject(reason);
    this.pending.clear();
    this.sinks.clear();
    await this.role?.onClosed(reason);
    this.io.close();
  }

  private touch(): void {
    if (this.limits.idleTimeoutMs === 0 || this.currentState === 'closed') return;
    this.timers.clearTimeout(this.idleTimer);
    this.idleTimer = this.timers.setTimeout(() => {
      this.reply('*', RESULT.IDLE_TIMEOUT);
      void this.close(new Mt2Error('IDLE_TIMEOUT', `idle for ${this.limits.idleTimeoutMs} ms`));
    }, this.limits.idleTimeoutMs);
  }
}
