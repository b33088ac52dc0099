import type { Mt2Option, Mt2Request, Mt2Response } from '../codec/frames.ts';
import { resolveLimits, type Mt2Limits } from '../codec/limits.ts';
import { Mt2Error } from '../errors.ts';
import { RESULT } from '../result-codes.ts';
import { Endpoint, type SessionIo, type SessionTimers } from './endpoint.ts';
import { indexExtensions, isOffered, type PeerInfo, type TransferExtension } from './extension.ts';
import {
  SERVER_VERBS,
  type HeloRequest,
  type HeloVerdict,
  type ServerContext,
  type ServerVerbSpec,
} from './server-verbs/index.ts';
import type { SessionState, TransferMode } from './states.ts';
import { TransferReceiver, type TransferHooks } from './transfer-receiver.ts';

/** The protocol version this implementation speaks, announced as `(VER=...)`. */
export const PROTOCOL_VERSION = '1.0';

/**
 * Storage and policy behind hooks (mt2d implements them): the session asks, the hooks
 * decide. Validating a certificate is the caller's job (src/identity), handed in here.
 */
export interface ServerHooks extends TransferHooks {
  /**
   * HELO's certificate data arrived and its first certificate is the TLS client
   * certificate; validate it and say whether the peer is trusted (PIPE needs that).
   */
  onHelo(request: HeloRequest): HeloVerdict | Promise<HeloVerdict>;
  /** A `*` response of the client (e.g. its complaint about a line of ours). */
  onUnsolicited?(response: Mt2Response): void;
  /** The session closed; `reason.code` says why (SESSION_CLOSED for QUIT or a hang-up). */
  onClose?(reason: Mt2Error): void;
}

/** Options of {@link ServerSession}. */
export interface ServerSessionOptions {
  readonly io: SessionIo;
  readonly hooks: ServerHooks;
  /** The TLS client certificate (DER) from the transport, or null without one. */
  readonly tlsCertificate: Uint8Array | null;
  /**
   * Whether HELO's certificate must equal the TLS client certificate. Default true;
   * false only for sessions both ends configured as plaintext.
   */
  readonly requireTlsCertificate?: boolean;
  /** Defaults: {@link DEFAULT_LIMITS}. */
  readonly limits?: Partial<Mt2Limits>;
  /** Transfer extensions (PIPE, STAT, ...). URG is always refused in-band. */
  readonly extensions?: readonly TransferExtension[];
  /** Free text of the greeting. Default `MT2 ready.` */
  readonly greetingText?: string;
  /** Default: the global timers. */
  readonly timers?: SessionTimers;
}

/** `OPT (URG)`: TCP urgent data is replaced by ABOR between chunks (docs/protocol.md 4.3). */
const URG: TransferExtension = {
  name: 'URG',
  namespace: '99',
  offeredTo: () => false,
};

/** The limits as greeting options, so the client can keep to them. */
export function limitOptions(limits: Mt2Limits): Mt2Option[] {
  const pairs: [string, number][] = [
    ['MAXLINE', limits.maxLineBytes],
    ['MAXCHUNK', limits.maxChunkBytes],
    ['MAXPART', limits.maxPartBytes],
    ['MAXMSG', limits.maxMessageBytes],
    ['MAXCERT', limits.maxCertificateBytes],
    ['MAXFLIGHT', limits.maxInFlight],
    ['IDLE', limits.idleTimeoutMs],
  ];
  return pairs.map(([name, value]) => ({ kind: 'option', name, values: [String(value)] }));
}

/**
 * The server role of an MT2 session, free of sockets (docs/protocol.md section 6):
 * one gate (state, tag order, known verb), then the verb's handler, storage behind
 * {@link ServerHooks}. Feed it octets with {@link receive}; it writes through `io`.
 */
export class ServerSession {
  private readonly endpoint: Endpoint;
  private readonly context: ServerContext;
  private readonly extensionVerbs: ReturnType<typeof indexExtensions>['byVerb'];

  constructor(private readonly options: ServerSessionOptions) {
    const limits = resolveLimits(options.limits);
    this.endpoint = new Endpoint(options.io, limits, options.timers);
    const { byName, byVerb } = indexExtensions([URG, ...(options.extensions ?? [])]);
    this.extensionVerbs = byVerb;
    const receiver = new TransferReceiver(this.endpoint, options.hooks);
    this.context = {
      endpoint: this.endpoint,
      receiver,
      extensions: byName,
      tlsCertificate: options.tlsCertificate,
      requireTlsCertificate: options.requireTlsCertificate ?? true,
      onHelo: (request) => options.hooks.onHelo(request),
      peer: { authenticated: false, trusted: false, identity: undefined },
    };
  }

  /** Sends the greeting `[* TMP 99.0.3.1 (VER=1.0) (MAXLINE=...) ... text]`. */
  start(): void {
    this.endpoint.start({
      onRequest: (request) => this.gate(request),
      onUnsolicited: (response) => this.options.hooks.onUnsolicited?.(response),
      onClosed: async (reason) => {
        await this.context.receiver.closeAll();
        this.options.hooks.onClose?.(reason);
      },
    });
    this.endpoint.moveTo('anonymous');
    const version: Mt2Option = { kind: 'option', name: 'VER', values: [PROTOCOL_VERSION] };
    this.endpoint.reply('*', RESULT.GREETING, this.options.greetingText ?? 'MT2 ready.', [
      version,
      ...limitOptions(this.endpoint.limits),
    ]);
  }

  /** Feeds octets from the connection; resolves when they are handled. */
  receive(bytes: Uint8Array): Promise<void> {
    return this.endpoint.receive(bytes);
  }

  /** The connection ended: whatever is not committed is discarded. */
  end(): Promise<void> {
    return this.endpoint.end();
  }

  /** Closes the session from this side without a word (uncommitted messages are discarded). */
  close(reason: Mt2Error): Promise<void> {
    return this.endpoint.close(reason);
  }

  /** Says `[* ERR 99.0.4.4 ...]` (retry later), then closes: the server is going down. */
  shutdown(): Promise<void> {
    this.endpoint.reply('*', RESULT.SHUTTING_DOWN);
    return this.endpoint.close(new Mt2Error('SESSION_CLOSED', 'server shutting down'));
  }

  /** Current state. */
  get state(): SessionState {
    return this.endpoint.state;
  }

  /** Synchronous or pipelined. */
  get mode(): TransferMode {
    return this.endpoint.mode;
  }

  /** What HELO established about the peer. */
  get peer(): PeerInfo {
    return this.context.peer;
  }

  /** Transfers receiving data now. */
  get transfersInFlight(): number {
    return this.context.receiver.inFlight;
  }

  /** The gate: every check shared by all verbs runs here, before any handler. */
  private async gate(request: Mt2Request): Promise<void> {
    const endpoint = this.endpoint;
    if (endpoint.state === 'closing') return;
    const spec = this.findVerb(request.verb);
    if (spec === undefined) {
      endpoint.reply(request.tag, RESULT.UNKNOWN_VERB, `Unknown verb ${request.verb}.`);
      return;
    }
    if (!spec.states.includes(endpoint.state)) {
      endpoint.reply(request.tag, RESULT.BAD_SEQUENCE, `${request.verb} not allowed now.`);
      return;
    }
    try {
      await spec.handle(request, this.context);
    } catch {
      endpoint.reply(request.tag, RESULT.PEER_FAILURE);
    }
  }

  /** A core verb, or the verb of an extension offered to this peer. */
  private findVerb(verb: string): ServerVerbSpec | undefined {
    if (Object.hasOwn(SERVER_VERBS, verb)) return SERVER_VERBS[verb as keyof typeof SERVER_VERBS];
    const entry = this.extensionVerbs.get(verb);
    if (entry === undefined || !isOffered(entry.extension, this.context.peer)) return undefined;
    return { states: ['authenticated'], handle: entry.handler };
  }
}
