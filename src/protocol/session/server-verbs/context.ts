import type { Mt2Request } from '../../codec/frames.ts';
import type { Endpoint } from '../endpoint.ts';
import type { PeerInfo, PeerKind, TransferExtension } from '../extension.ts';
import type { SessionState } from '../states.ts';
import type { TransferReceiver } from '../transfer-receiver.ts';

/** The core verbs of MT2 (docs/protocol.md section 6). */
export const CORE_VERBS = ['HELO', 'OPT', 'XFER', 'ABOR', 'NOOP', 'QUIT'] as const;

/** A core verb. */
export type CoreVerb = (typeof CORE_VERBS)[number];

/** What HELO gives the server's hook: the chain and the certificate it starts with. */
export interface HeloRequest {
  /** HELO's data: DER certificates back to back, the peer's own first. */
  readonly chain: readonly Uint8Array[];
  /** The first certificate of the chain (already checked equal to the TLS one). */
  readonly certificate: Uint8Array;
}

/** The HELO hook's answer: validation is the caller's (src/identity), handed in. */
export type HeloVerdict =
  | {
      readonly accept: true;
      readonly trusted: boolean;
      readonly identity?: string;
      /** `user` for a personal certificate (mailbox access is offered), `host` for a server. */
      readonly kind?: PeerKind;
    }
  | { readonly accept: false; readonly code: string; readonly text?: string };

/** What a server verb handler works with. */
export interface ServerContext {
  readonly endpoint: Endpoint;
  readonly receiver: TransferReceiver;
  readonly extensions: ReadonlyMap<string, TransferExtension>;
  /** The TLS client certificate (DER), or null on a plaintext connection. */
  readonly tlsCertificate: Uint8Array | null;
  /** False only where both ends are configured for plaintext (tests, a benchmark row). */
  readonly requireTlsCertificate: boolean;
  onHelo(request: HeloRequest): HeloVerdict | Promise<HeloVerdict>;
  peer: PeerInfo;
}

/** One verb's handler: it answers the request. */
export interface ServerVerbSpec {
  /** States in which the verb is allowed; elsewhere it gets 99.0.5.5. */
  readonly states: readonly SessionState[];
  handle(request: Mt2Request, context: ServerContext): void | Promise<void>;
}

/** The open states: where ABOR, NOOP and QUIT are allowed. */
export const OPEN_STATES: readonly SessionState[] = ['anonymous', 'identifying', 'authenticated'];
