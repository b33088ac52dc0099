import type { Mt2Request } from '../codec/frames.ts';
import type { Endpoint } from './endpoint.ts';

/**
 * Who is on the other end of an authenticated session: a user (a personal certificate,
 * reading its own mailbox) or a host (a server relaying mail).
 */
export type PeerKind = 'user' | 'host';

/** What the server knows of its peer, for deciding which extensions to offer. */
export interface PeerInfo {
  /** True once HELO was accepted. */
  readonly authenticated: boolean;
  /** True when the HELO hook called the peer trusted (pipelining is only for them). */
  readonly trusted: boolean;
  /** What the HELO hook said the peer is (e.g. its host name or address), if anything. */
  readonly identity: string | undefined;
  /**
   * What the HELO hook said the peer is; absent when it did not say (then no user-only
   * extension, such as mailbox access, is offered).
   */
  readonly kind?: PeerKind;
}

/** What an extension sees of the session it runs in. */
export interface ExtensionContext {
  readonly endpoint: Endpoint;
  readonly peer: PeerInfo;
}

/** The in-band answer for one extension of an OPT request. */
export interface OptOutcome {
  /** A result code in the extension's namespace (or the core's). */
  readonly code: string;
  /** Free text; defaults to the core meaning of the code's detail. */
  readonly text?: string;
}

/** Handles one extension verb on the receiving side; it must answer the request. */
export type ExtensionVerbHandler = (
  request: Mt2Request,
  context: ExtensionContext,
) => void | Promise<void>;

/**
 * The extension point (docs/protocol.md section 8): a transfer extension adds OPT names
 * and verbs without changing the sessions. PIPE and STAT are built on it; mailbox
 * access (LIST, PULL, FLAG, DELE, transfer-extensions/mailbox.ts) too.
 */
export interface TransferExtension {
  /** The OPT name and the name listed in HELO's OK, upper case, e.g. `PIPE`. */
  readonly name: string;
  /** The extension's result-code namespace, e.g. `110`. */
  readonly namespace: string;
  /**
   * Server side: whether this peer is offered the extension. An extension not
   * offered is refused in OPT and its verbs are unknown. Default: authenticated peers.
   */
  offeredTo?(peer: PeerInfo): boolean;
  /**
   * Server side: what the extension can do beyond its base, listed as values of its
   * group in HELO's OK (`(MBOX=PACK)`); a client that does not know them sees the name.
   */
  readonly capabilities?: readonly string[];
  /**
   * Server side: handles `OPT (NAME=values)`. Absent: the extension takes no OPT and
   * is refused there (its verbs work without one).
   */
  onOpt?(values: readonly string[], context: ExtensionContext): OptOutcome | Promise<OptOutcome>;
  /** Client side: the server granted `OPT (NAME=values)`; apply it here too. */
  onOptGranted?(values: readonly string[], endpoint: Endpoint): void;
  /** Server side: the verbs this extension adds, by upper-case verb. */
  readonly verbs?: Readonly<Record<string, ExtensionVerbHandler>>;
  /**
   * Server side: `ABOR tag` names a request of the peer this extension is still working
   * on (a PULL sending its XFERs). Stop it and return true; the extension then answers
   * the killed request (after ABOR's OK). False: the tag is none of its own.
   */
  abort?(tag: number, context: ExtensionContext): boolean;
}

/** Whether `extension` is offered to `peer` (see {@link TransferExtension.offeredTo}). */
export function isOffered(extension: TransferExtension, peer: PeerInfo): boolean {
  return extension.offeredTo?.(peer) ?? peer.authenticated;
}

/**
 * Indexes extensions by name and by verb.
 * @throws Error when two extensions claim one name or one verb (a configuration bug).
 */
export function indexExtensions(extensions: readonly TransferExtension[]): {
  byName: ReadonlyMap<string, TransferExtension>;
  byVerb: ReadonlyMap<string, { extension: TransferExtension; handler: ExtensionVerbHandler }>;
} {
  const byName = new Map<string, TransferExtension>();
  const byVerb = new Map<string, { extension: TransferExtension; handler: ExtensionVerbHandler }>();
  for (const extension of extensions) {
    if (byName.has(extension.name)) throw new Error(`extension ${extension.name} twice`);
    byName.set(extension.name, extension);
    for (const [verb, handler] of Object.entries(extension.verbs ?? {})) {
      if (byVerb.has(verb)) throw new Error(`verb ${verb} claimed twice`);
      byVerb.set(verb, { extension, handler });
    }
  }
  return { byName, byVerb };
}
