import type { Mt2Option, Mt2Request, Mt2Response } from '../codec/frames.ts';
import { resolveLimits, type Mt2Limits } from '../codec/limits.ts';
import { Mt2Error } from '../errors.ts';
import { RESULT } from '../result-codes.ts';
import {
  CLIENT_VERBS,
  transferMessage,
  type HeloResult,
  type MessageParts,
  type OptResult,
  type StatResult,
  type XferOptions,
  type XferResult,
} from '../verbs/index.ts';
import { Slots, okOrThrow, type ClientContext } from './client-context.ts';
import { Endpoint, type SessionIo, type SessionTimers } from './endpoint.ts';
import { indexExtensions, type TransferExtension } from './extension.ts';
import type { SessionState, TransferMode } from './states.ts';
import { TransferReceiver, type PartType, type TransferHooks } from './transfer-receiver.ts';
import { PullReceiver } from './pull-receiver.ts';
import { aborTarget } from './server-verbs/abor.ts';
import type {
  MailboxEntry,
  MailboxFlag,
  MailboxListing,
  MailboxPart,
  PullOptions,
  PullResult,
} from '../transfer-extensions/mailbox-types.ts';

/** The server's greeting: its anonymous options and announced limits. */
export interface Greeting {
  readonly options: readonly Mt2Option[];
  /** The limits the server announced (missing ones: this side's defaults). */
  readonly limits: Mt2Limits;
  readonly text: string;
}

/** The client's events (full duplex: the server may speak first). */
export interface ClientEvents {
  /** A `*` response after the greeting (e.g. the server closing on idle). */
  unsolicited: Mt2Response;
  /** A request the server initiated (XFER after PULL, NOOP, ...), before it is answered. */
  request: Mt2Request;
  /** The session closed; the error's code says why. */
  close: Mt2Error;
}

/** Options of {@link ClientSession}. */
export interface ClientSessionOptions {
  readonly io: SessionIo;
  /** This side's limits; what is sent also keeps to the server's announced ones. */
  readonly limits?: Partial<Mt2Limits>;
  /** Client halves of transfer extensions (PIPE applies the mode switch here). */
  readonly extensions?: readonly TransferExtension[];
  /**
   * Storage for whole messages the server sends unasked (XFER without `(PULL=tag)`).
   * Absent: such XFERs are refused. Mailbox PULLs hand their parts to {@link pull}.
   */
  readonly incoming?: TransferHooks;
  /** Default: the global timers. */
  readonly timers?: SessionTimers;
}

const LIMIT_OPTIONS: Readonly<Record<string, keyof Mt2Limits>> = {
  MAXLINE: 'maxLineBytes',
  MAXCHUNK: 'maxChunkBytes',
  MAXPART: 'maxPartBytes',
  MAXMSG: 'maxMessageBytes',
  MAXCERT: 'maxCertificateBytes',
  MAXFLIGHT: 'maxInFlight',
  IDLE: 'idleTimeoutMs',
};

/**
 * The client role of an MT2 session, free of sockets: promise-returning verbs
 * (one module each, src/protocol/verbs), events for what the server says unasked.
 * Feed it octets with {@link receive}; it writes through `io`.
 */
export class ClientSession {
  /** Resolves with the server's greeting; rejects if the session closes first. */
  readonly greeting: Promise<Greeting>;
  private readonly endpoint: Endpoint;
  private readonly context: ClientContext;
  private readonly receiver: TransferReceiver | undefined;
  private readonly listeners: { [K in keyof ClientEvents]: ((value: ClientEvents[K]) => void)[] } =
    { unsolicited: [], request: [], close: [] };
  private settleGreeting: { resolve: (g: Greeting) => void; reject: (e: Mt2Error) => void } = {
    resolve: () => undefined,
    reject: () => undefined,
  };

  constructor(options: ClientSessionOptions) {
    const limits = resolveLimits(options.limits);
    const endpoint = new Endpoint(options.io, limits, options.timers);
    this.endpoint = endpoint;
    this.greeting = new Promise<Greeting>((resolve, reject) => {
      this.settleGreeting = { resolve, reject };
    });
    this.greeting.catch(() => undefined);
    const inFlight = () => Math.min(limits.maxInFlight, endpoint.peerLimits.maxInFlight);
    this.context = {
      endpoint,
      extensions: indexExtensions(options.extensions ?? []).byName,
      offered: [],
      capabilities: new Map(),
      transferSlots: new Slots(() =>
        endpoint.mode === 'synchronous' ? 1 : Math.max(1, inFlight() - 1),
      ),
      messageSlots: new Slots(inFlight),
      pulls: new PullReceiver(endpoint),
    };
    this.receiver =
      options.incoming === undefined ? undefined : new TransferReceiver(endpoint, options.incoming);
    endpoint.start({
      onRequest: (request) => this.onRequest(request),
      onUnsolicited: (response) => {
        this.onUnsolicited(response);
      },
      onClosed: async (reason) => {
        this.settleGreeting.reject(reason);
        this.context.pulls.closeAll();
        await this.receiver?.closeAll();
        for (const listener of this.listeners.close) listener(reason);
      },
    });
  }

  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof ClientEvents>(
    event: K,
    listener: (value: ClientEvents[K]) => void,
  ): () => void {
    const list = this.listeners[event] as ((value: ClientEvents[K]) => void)[];
    list.push(listener);
    return () => {
      const at = list.indexOf(listener);
      if (at >= 0) list.splice(at, 1);
    };
  }

  /** Feeds octets from the connection; resolves when they are handled. */
  receive(bytes: Uint8Array): Promise<void> {
    return this.endpoint.receive(bytes);
  }

  /** The connection ended: pending requests fail with SESSION_CLOSED. */
  end(): Promise<void> {
    return this.endpoint.end();
  }

  /** Current state. */
  get state(): SessionState {
    return this.endpoint.state;
  }

  /** Synchronous or pipelined. */
  get mode(): TransferMode {
    return this.endpoint.mode;
  }

  /** Extensions the server offered in HELO's OK. */
  get offered(): readonly string[] {
    return this.context.offered;
  }

  /** HELO with the certificate chain (DER, own certificate first). */
  helo(chain: Uint8Array): Promise<HeloResult> {
    return CLIENT_VERBS.HELO(this.context, chain);
  }

  /** OPT with in-band per-extension results. */
  opt(options: readonly Mt2Option[]): Promise<OptResult> {
    return CLIENT_VERBS.OPT(this.context, options);
  }

  /** Sends one part (split into fragments and chunks). */
  xfer(
    msgId: string,
    part: PartType,
    data: Uint8Array,
    options?: XferOptions,
  ): Promise<XferResult> {
    return CLIENT_VERBS.XFER(this.context, msgId, part, data, options);
  }

  /** Sends a whole message: envelope, headers, body. */
  transferMessage(msgId: string, parts: MessageParts, options?: XferOptions): Promise<XferResult> {
    return transferMessage(this.context, msgId, parts, options);
  }

  /** Kills this side's request `tag`. */
  abor(tag: number): Promise<string> {
    return CLIENT_VERBS.ABOR(this.context, tag);
  }

  /** Keep-alive. */
  noop(): Promise<string> {
    return CLIENT_VERBS.NOOP(this.context);
  }

  /** Ends the session. */
  quit(): Promise<void> {
    return CLIENT_VERBS.QUIT(this.context);
  }

  /** Message status (the STAT extension). */
  stat(msgId: string): Promise<StatResult> {
    return CLIENT_VERBS.STAT(this.context, msgId);
  }

  /**
   * Mailbox access: the changes after `since` (a cursor; 0 = everything), at most
   * `limit` entries (default and cap: the server's). Ask again from `cursor` while `more`.
   * @throws Mt2Error REFUSED (99.0.5.3 when the server does not offer MBOX),
   *   MALFORMED_RESPONSE when the server's entries break the grammar.
   */
  list(since: number, limit?: number): Promise<MailboxListing> {
    return CLIENT_VERBS.LIST(this.context, since, limit);
  }

  /**
   * Mailbox access: the server delivers `part` of each message with its own XFER;
   * `options.accept` may refuse any (a huge body), `options.onPart` gets each one.
   * Several PULL requests are sent when the ids do not fit one line.
   * @throws Mt2Error ABORTED after `options.signal` aborted, REFUSED, MALFORMED_RESPONSE.
   */
  pull(part: MailboxPart, msgIds: readonly string[], options?: PullOptions): Promise<PullResult> {
    return CLIENT_VERBS.PULL(this.context, part, msgIds, options);
  }

  /**
   * Mailbox access: adds and removes flags; resolves with the message's new entry.
   * @throws Mt2Error REFUSED with 120.0.5.27 for an unknown message.
   */
  flag(
    msgId: string,
    add: readonly MailboxFlag[],
    remove: readonly MailboxFlag[] = [],
  ): Promise<MailboxEntry> {
    return CLIENT_VERBS.FLAG(this.context, msgId, add, remove);
  }

  /** Mailbox access: marks deleted and expunges; resolves with how many were expunged. */
  dele(msgIds: readonly string[]): Promise<number> {
    return CLIENT_VERBS.DELE(this.context, msgIds);
  }

  /**
   * Any extension verb without a method of its own: sends it and
   * resolves with its OK; `onTmp` sees intermediate responses.
   * @throws Mt2Error REFUSED on ERR.
   */
  async request(
    verb: string,
    params: Mt2Request['params'],
    options: readonly Mt2Option[] = [],
    onTmp?: (response: Mt2Response) => void,
  ): Promise<Mt2Response> {
    const sent = this.endpoint.request(verb, params, options, onTmp === undefined ? {} : { onTmp });
    return okOrThrow(await sent.final);
  }

  private async onRequest(request: Mt2Request): Promise<void> {
    for (const listener of this.listeners.request) listener(request);
    const endpoint = this.endpoint;
    if (request.verb === 'NOOP') {
      endpoint.reply(request.tag, RESULT.OK);
    } else if (request.verb === 'ABOR') {
      await this.onAbor(request);
    } else if (request.verb === 'XFER' && endpoint.state === 'authenticated') {
      if (PullReceiver.isPullXfer(request)) this.context.pulls.onXfer(request);
      else if (this.receiver === undefined) endpoint.reply(request.tag, RESULT.TRANSFER_REFUSED);
      else await this.receiver.onXfer(request);
    } else if (request.verb === 'XFER') {
      endpoint.reply(request.tag, RESULT.BAD_SEQUENCE);
    } else {
      endpoint.reply(request.tag, RESULT.UNKNOWN_VERB, `Unknown verb ${request.verb}.`);
    }
  }

  /** The server kills one of its XFERs to us (docs/protocol.md section 6.5, full duplex). */
  private async onAbor(request: Mt2Request): Promise<void> {
    const endpoint = this.endpoint;
    const tag = aborTarget(request);
    const pulls = this.context.pulls;
    if (tag === undefined) {
      endpoint.reply(request.tag, RESULT.BAD_PARAMETERS, 'ABOR tag');
    } else if (pulls.hasActive(tag) || this.receiver?.hasActive(tag) === true) {
      endpoint.reply(request.tag, RESULT.ABORTED_COMMAND, `Command number ${tag} killed.`);
      if (pulls.hasActive(tag)) pulls.abort(tag);
      else await this.receiver?.abort(tag);
    } else {
      endpoint.reply(request.tag, RESULT.NO_SUCH_COMMAND);
    }
  }

  private onUnsolicited(response: Mt2Response): void {
    const endpoint = this.endpoint;
    if (endpoint.state !== 'awaiting-greeting') {
      for (const listener of this.listeners.unsolicited) listener(response);
      return;
    }
    if (response.status !== 'TMP') {
      const reason = new Mt2Error('REFUSED', response.text, response.code);
      void endpoint.close(reason);
      return;
    }
    const announced: Partial<Record<keyof Mt2Limits, number>> = {};
    for (const group of response.groups) {
      const key = LIMIT_OPTIONS[group.name];
      const value = group.kind === 'option' ? Number(group.values[0]) : NaN;
      if (key !== undefined && Number.isSafeInteger(value)) announced[key] = value;
    }
    let limits: Mt2Limits;
    try {
      limits = resolveLimits({ ...endpoint.limits, ...announced });
    } catch (error) {
      void endpoint.close(error as Mt2Error);
      return;
    }
    endpoint.peerLimits = limits;
    endpoint.moveTo('anonymous');
    this.settleGreeting.resolve({
      options: response.groups.filter((group) => group.kind === 'option'),
      limits,
      text: response.text,
    });
  }
}
