import type { XmlElement } from '../../message/index.ts';
import type { IncomingMessage, LocalUser } from './context.ts';
import type { ExtensionError } from './errors.ts';
import type { ApprovalMark } from './xml-payload.ts';
import type { StateReader, StateWrite } from './state.ts';

/** Every payload is a union of kinds, told apart by `kind`. */
export interface PayloadBase {
  readonly kind: string;
}

/** A reply an extension wants sent: to whom, and the payload. */
export interface ExtensionReply<P extends PayloadBase> {
  readonly to: string;
  readonly payload: P;
}

/** Why a request may not be processed automatically, whatever the defaults say. */
export type ManualOnlyReason =
  /** RFC 8098 section 2.1: the notification would go to an address other than the sender. */
  'RETURN_ADDRESS_DIFFERS';

/**
 * What acting on an incoming payload would do, computed without changing anything:
 * the consent center shows it, and approval does exactly this.
 */
export interface HandlerOutcome<P extends PayloadBase> {
  /** One line for the user: what the sender asks and what approving does. */
  readonly summary: string;
  /** The replies approval sends, exactly. */
  readonly replies: readonly ExtensionReply<P>[];
  /** The state approval writes. */
  readonly writes: readonly StateWrite[];
  /** Set when this request must wait for the user even where a default says "always". */
  readonly manualOnly?: ManualOnlyReason;
  /**
   * Set when the request cannot be carried out yet but may be later (the user has no
   * vCard of their own yet): it stays pending, and approving throws this error until
   * the cause is gone.
   */
  readonly blockedBy?: ExtensionError;
}

/** What a handler is given: the message, the local user and read access to state. */
export interface HandlerContext {
  readonly message: IncomingMessage;
  readonly self: LocalUser;
  readonly state: StateReader;
  /** The `approval` mark of the incoming payload, when it carried one (answers do). */
  readonly incomingApproval?: ApprovalMark;
}

/**
 * One recipient extension: identity on the wire, payload schema and handler. The
 * registry (registry.ts) maps each {@link ExtensionName} to one of these.
 */
export interface RecipientExtension<P extends PayloadBase> {
  /** Dotted OID under RECIPIENT_EXTENSION_ARC; never renumbered. */
  readonly oid: string;
  /** Payload version this code writes and accepts. */
  readonly version: number;
  /** The `critical` flag written on outgoing extension elements. */
  readonly critical: boolean;
  /** XML namespace of the payload's root element. */
  readonly namespace: string;
  /** Reads a payload root (shared attributes already checked); throws EXTENSION_PAYLOAD_INVALID. */
  decode(root: XmlElement): P;
  /** Writes a payload as its root element (shared attributes are added by the caller). */
  encode(payload: P): XmlElement;
  /** A subject line for a message that carries `payload` (shown by any mail client). */
  subject(payload: P): string;
  /**
   * What approving `payload` would do in the current state. Pure: reads state, writes
   * nothing. Throws an ExtensionError when the payload can never be acted on (an
   * illegal chess move, a notification nobody asked for); it is then refused.
   */
  handle(payload: P, context: HandlerContext): HandlerOutcome<P>;
  /**
   * The notice sent when the user declines and asks the sender to be told, or
   * undefined when this payload has no notice (nothing is ever sent then).
   */
  declineNotice(payload: P, context: HandlerContext): ExtensionReply<P> | undefined;
}

/** Payload types by extension name: the shape of a registry. */
export type PayloadMap = Readonly<Record<string, PayloadBase>>;

/**
 * A registry: for each extension name, the extension with that payload type. A
 * missing entry, or one whose payload type does not match, is a compile error.
 */
export type ExtensionRegistry<Payloads extends PayloadMap> = {
  readonly [K in keyof Payloads & string]: RecipientExtension<Payloads[K]>;
};

/** Something the user starts: a message to `to` carrying `payload`, and the state it writes. */
export interface UserAction<P extends PayloadBase> {
  /** The user's address it goes out from, when not the primary one (a game's own side). */
  readonly from?: string;
  readonly to: readonly string[];
  readonly payload: P;
  readonly writes: readonly StateWrite[];
}
