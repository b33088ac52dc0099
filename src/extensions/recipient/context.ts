import type { Mt2Headers } from '../../message/index.ts';

/**
 * What the identity layer found out about who sent a message. The consent engine
 * does not validate certificates itself; it is handed this verdict.
 */
export interface SenderIdentity {
  /** The sender's address (`local@domain`), as in From. */
  readonly address: string;
  /**
   * True only when the message was signed by a certificate that validates for
   * `address`. Anything else (unsigned, invalid, expired, revoked) is false, and such
   * a sender is never processed automatically.
   */
  readonly verified: boolean;
  /** SHA-256 fingerprint of the signer's certificate (lower-case hex), when there was one. */
  readonly certificateFingerprint?: string;
}

/** A received message as the consent engine needs it. */
export interface IncomingMessage {
  /** Message-ID of the message (without angle brackets); replies refer to it. */
  readonly messageId: string;
  readonly sender: SenderIdentity;
  /** The local user's address this message was delivered to. */
  readonly recipient: string;
  /** When it arrived. */
  readonly receivedAt: Date;
  /** The decrypted headers object; its `extensions` hold the recipient extensions. */
  readonly headers: Mt2Headers;
}

/** The local user, as the extensions see them. */
export interface LocalUser {
  /** The user's own address; replies go out from it. */
  readonly address: string;
  /** The user's own vCard (vCard 4.0 text), edited in settings; absent when not set up. */
  readonly vcard?: string;
}

/** Who approved an action: the user, just now, or one of their defaults. */
export type Approval =
  { readonly by: 'person' } | { readonly by: 'default'; readonly scope: PolicyScopeKind };

/** Which kind of default decided: per extension, per sender, or per sender and extension. */
export type PolicyScopeKind = 'extension' | 'sender' | 'senderExtension';
