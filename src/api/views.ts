/**
 * What the engine shows the UI: plain JSON-safe data (strings, numbers, booleans,
 * arrays, plain objects), the same over Electron IPC and over the web host's WebSocket.
 * No view carries private key material.
 */

/** Octets as standard base64 (attachments, PKCS#12 files the user picked). */
export type Base64 = string;
/** An instant as an ISO 8601 string in UTC. */
export type IsoDate = string;
/** An account, as the engine names it. */
export type AccountId = string;
/** A message in the local store (the engine's own key, not the msg-id). */
export type MessageRef = string;
/** An opaque keyset-paging cursor: pass it back as `after` for the next page. */
export type PageCursor = string;

export interface AddressView {
  readonly address: string;
  readonly name?: string;
}

/** One reason in a verdict: a stable code (docs/errors.md) and plain words for people. */
export interface ReasonView {
  readonly code: string;
  readonly text: string;
}

/** A page of a newest-first list; `next` is absent on the last page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly next?: PageCursor;
}

// ---- Certificates: one vocabulary across the app (reader, manager, contacts) ----

export interface CertificateSummary {
  /** SHA-256 of the DER, lower-case hex: the certificate's name everywhere in the API. */
  readonly fingerprint: string;
  /** The address (user), host name (host) or domain (CA) the certificate is for. */
  readonly subject: string;
  readonly kind: 'user' | 'host' | 'ca' | 'process';
  readonly issuer: string;
  readonly notBefore: IsoDate;
  readonly notAfter: IsoDate;
}

/** Validity (may this certificate be used?) kept apart from trust (who vouches for it?). */
export interface CertificateVerdictView {
  readonly certificate: CertificateSummary;
  readonly valid: boolean;
  readonly trusted: boolean;
  /** Who vouches, in plain words, when trusted: "your local CA", "vouch list", ... */
  readonly trustedBy?: string;
  /** One sentence for people, e.g. "Valid, issued by alpha.test; trusted: your local CA." */
  readonly summary: string;
  /** Why it is not valid (empty when valid). */
  readonly reasons: readonly ReasonView[];
  /**
   * Noticed without making it invalid, e.g. "the revocation status could not be
   * determined" when no CRL covers it: shown in the certificate's details, not on
   * every message it signed.
   */
  readonly notes?: readonly ReasonView[];
}

export interface CertificateDetailsView extends CertificateVerdictView {
  readonly serialNumber: string;
  readonly keyAlgorithm: string;
  readonly keyUsage: readonly string[];
  readonly extendedKeyUsage: readonly string[];
  readonly subjectAltNames: readonly string[];
  readonly fingerprints: { readonly sha256: string; readonly sha1: string };
  /** The chain from this certificate up to its root, each summarised. */
  readonly chain: readonly CertificateSummary[];
  readonly pem: string;
}

// ---- Application and accounts ----

export type ConnectionState = 'offline' | 'connecting' | 'online' | 'waiting-to-retry' | 'failed';

export interface ConnectionView {
  readonly state: ConnectionState;
  /** Why it is offline, failed or waiting, in plain words. */
  readonly error?: string;
  readonly retryAt?: IsoDate;
}

export interface AccountView {
  readonly id: AccountId;
  readonly address: string;
  readonly displayName?: string;
  /** `embedded`: the mt2d this app started for a new user; `remote`: any MT2 server. */
  readonly kind: 'embedded' | 'remote';
  readonly server: { readonly host: string; readonly port: number };
  readonly connection: ConnectionView;
  readonly certificate: CertificateSummary;
  /** A new key waits for its certificate (see certificateRequest). */
  readonly pendingRequest?: boolean;
}

/** A certificate request (CSR) made for a new key of an account; the key stays in the engine. */
export interface CertificateRequestView {
  readonly accountId: AccountId;
  readonly address: string;
  /** The PKCS#10 request to hand to a CA (PEM): the public key and the address only. */
  readonly csrPem: string;
  readonly createdAt: string;
}

/** What renewing did: the embedded server issued a new certificate, or a CSR waits for a CA. */
export type RenewalView =
  | { readonly kind: 'renewed'; readonly account: AccountView }
  | { readonly kind: 'request'; readonly request: CertificateRequestView };

export interface AppStatus {
  /** `needs-onboarding`: no identity yet; `locked`: the key's passphrase is needed. */
  readonly phase: 'needs-onboarding' | 'locked' | 'ready';
  readonly accounts: readonly AccountView[];
}

// ---- Folders and messages ----

export type FolderId = 'inbox' | 'sent' | 'outbox' | 'trash';

export interface FolderView {
  readonly id: FolderId;
  readonly name: string;
  readonly total: number;
  readonly unread: number;
}

/** The badge on a message, from its security result. */
export type VerificationBadge =
  /** Signature and trace verify and the sender's certificate is valid and trusted. */
  | 'verified'
  /** Signature verifies with a valid certificate that nobody here vouches for. */
  | 'valid-untrusted'
  /** Something failed: see the reasons. */
  | 'failed'
  /** Not signed. */
  | 'unsigned'
  /** Not checked yet. */
  | 'pending';

export type SendState = 'queued' | 'sending' | 'waiting-for-postage' | 'sent' | 'failed';

export interface SendStatusView {
  readonly state: SendState;
  readonly attempts: number;
  readonly nextAttemptAt?: IsoDate;
  /** Why the last attempt failed, or the error report that came back, in plain words. */
  readonly problem?: string;
}

export interface MessageSummaryView {
  readonly ref: MessageRef;
  readonly accountId: AccountId;
  readonly folder: FolderId;
  readonly from: AddressView;
  readonly to: readonly AddressView[];
  readonly subject: string;
  readonly date: IsoDate;
  readonly snippet: string;
  readonly unread: boolean;
  readonly flagged: boolean;
  readonly answered: boolean;
  readonly signed: boolean;
  /** Some part arrived (or leaves) encrypted. */
  readonly encrypted: boolean;
  readonly hasAttachments: boolean;
  readonly verification: VerificationBadge;
  /** Recipient-extension requests on this message waiting for the user's decision. */
  readonly pendingRequests: number;
  /** Only for outgoing messages. */
  readonly send?: SendStatusView;
  /** An error report or delivery failure that belongs to this message. */
  readonly deliveryProblem?: string;
  /**
   * Deleted for good here, it stays in the trash until the server has deleted it too
   * (offline: until the next connection); restoring it undoes that.
   */
  readonly deletingForGood: boolean;
}

export interface TraceHopView {
  readonly host: string;
  readonly at: IsoDate;
}

/** Everything known about a message's security, in the one vocabulary. */
export interface SecurityView {
  readonly badge: VerificationBadge;
  /** One sentence for people: "Signed by alice@alpha.test; valid and trusted." */
  readonly summary: string;
  readonly signature: {
    readonly state: 'valid' | 'invalid' | 'absent';
    readonly signer?: AddressView;
    readonly reasons: readonly ReasonView[];
  };
  readonly certificate?: CertificateVerdictView;
  readonly trace: {
    readonly state: 'valid' | 'invalid' | 'absent';
    readonly hops: readonly TraceHopView[];
    readonly reasons: readonly ReasonView[];
  };
  readonly encryptedParts: readonly ('headers' | 'body')[];
}

export type BodyState = 'not-fetched' | 'fetching' | 'fetched' | 'failed';

export interface AttachmentView {
  readonly index: number;
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
}

export interface BodyView {
  readonly text?: string;
  /** The HTML as received; the renderer shows it only in a sandboxed iframe under a CSP. */
  readonly html?: string;
  readonly attachments: readonly AttachmentView[];
  /** Whether the HTML refers to remote content, and whether the user allowed it. */
  readonly remoteContent: { readonly present: boolean; readonly allowed: boolean };
}

export interface MessageView {
  readonly summary: MessageSummaryView;
  readonly cc: readonly AddressView[];
  readonly replyTo: readonly AddressView[];
  readonly messageId: string;
  readonly inReplyTo?: string;
  readonly references: readonly string[];
  readonly security: SecurityView;
  readonly body: { readonly state: BodyState; readonly size: number; readonly error?: string };
  readonly requests: readonly ConsentRequestView[];
}

export interface AttachmentData {
  readonly filename: string;
  readonly contentType: string;
  readonly data: Base64;
}

export interface ContactView {
  readonly address: string;
  readonly name?: string;
  readonly certificate?: CertificateVerdictView;
  readonly learnedFrom: 'verified-message' | 'vcard' | 'import';
  readonly lastSeen: IsoDate;
}

// ---- Recipient extensions and consent (docs/extensions.md) ----

export type ConsentRule = 'ask' | 'always' | 'never';

export interface ConsentRequestView {
  readonly id: string;
  readonly messageRef?: MessageRef;
  readonly extension: string;
  readonly from: AddressView;
  /** The account address the request came to; replies go out from it. */
  readonly to?: AddressView;
  readonly senderVerified: boolean;
  /** What the request asks, in plain words. */
  readonly summary: string;
  /** Exactly what approving sends, in plain words (and to whom). */
  readonly willSend: string;
  readonly receivedAt: IsoDate;
  /** Why it waits: `POLICY_ASK`, `UNVERIFIED_SENDER` (even with "always"), `RETURN_ADDRESS_DIFFERS`, `BLOCKED`. */
  readonly heldBecause?: string;
  /** Message-ID of the message that carried it. */
  readonly messageId?: string;
  /** The request's payload exactly as received (XML text). */
  readonly payload?: string;
  /** For a vCard item: the card received, or the user's own card that approving sends. */
  readonly vcard?: VcardPreviewView;
  /** Exactly the messages approving sends, each as it will go out. */
  readonly replies?: readonly OutgoingReplyView[];
}

/** One message approving a request sends. */
export interface OutgoingReplyView {
  readonly to: string;
  readonly subject: string;
  /** The text body (for clients that do not read the extension). */
  readonly text: string;
  /** The payload XML as it goes out, with its approval mark. */
  readonly payload: string;
}

/** A vCard read for a preview card (RFC 6350 FN, EMAIL, TEL, ORG). */
export interface VcardPreviewView {
  /** `received`: approving adds it to contacts; `answer`: approving sends it (your card). */
  readonly source: 'received' | 'answer';
  readonly fullName: string;
  readonly emails: readonly string[];
  readonly phones: readonly string[];
  readonly organization?: string;
}

/** A chess-by-mail game; `me` is the user's side (chess.js colours). */
export interface ChessGameView {
  readonly id: string;
  readonly white: string;
  readonly black: string;
  readonly me: 'w' | 'b';
  /** `challenged`, `declined`, `active`, or the result (`1-0`, `0-1`, `1/2-1/2`). */
  readonly status: string;
  readonly pgn: string;
  readonly plies: number;
  /** The position, for drawing the board. */
  readonly fen: string;
  readonly turn: 'w' | 'b';
  readonly drawOfferedBy?: 'w' | 'b';
  /** The opponent's draw offer waiting for an answer: the consent request to approve (accept) or decline. */
  readonly drawOfferRequest?: string;
}

export interface MyVcardView {
  /** The user's vCard 4.0 text, absent until set in settings. */
  readonly vcard?: string;
  readonly fullName?: string;
}

export interface VcardContactView {
  readonly address: string;
  readonly fullName: string;
  readonly vcard: string;
  readonly certificateFingerprint?: string;
  readonly verified: boolean;
  readonly updatedAt: IsoDate;
}

export interface ListMembershipView {
  readonly list: string;
  /** `joining`, `confirming`, `member` or `leaving`. */
  readonly status: string;
  readonly name?: string;
  readonly since: IsoDate;
}

export interface AuditEntryView {
  readonly seq: number;
  readonly at: IsoDate;
  readonly extension: string;
  readonly peer: string;
  readonly action: string;
  readonly decidedBy: 'person' | 'default';
  readonly detail: string;
  /** Message-ID of the received message concerned, if any. */
  readonly messageId?: string;
}

export interface ConsentDefaultView {
  /** An extension's name, or `*`: every extension from `sender`. */
  readonly extension: string;
  /** Absent: the default for every sender. */
  readonly sender?: string;
  readonly rule: ConsentRule;
}

// ---- Trust settings (docs/certificate-validation.md) ----

export interface TrustSettingsView {
  readonly blacklistedIssuerDomains: readonly string[];
  readonly vouchedAddresses: readonly string[];
  readonly trustedGatewayHosts: readonly string[];
  /** Look up other domains' CA certificates through `resolvers` (docs/identity.md). */
  readonly delegatedValidation: boolean;
  /** Where delegated validation looks, tried in order until one finds the domain's CA. */
  readonly resolvers: readonly CaResolverView[];
}

/** One place where other domains publish their CA certificates. */
export type CaResolverView =
  /** A folder of DOMAIN.pem files on this computer (private links exchange CAs by hand). */
  | { readonly kind: 'static-file'; readonly folder: string }
  /** A DNS server answering CERT or `_mt2ca` TXT records. */
  | { readonly kind: 'dns'; readonly host: string; readonly port: number }
  /** A FIRS-style LDAP directory, e.g. ldap://directory.example:389. */
  | { readonly kind: 'ldap'; readonly url: string };

export interface CertificateListView {
  readonly mine: readonly CertificateVerdictView[];
  readonly people: readonly CertificateVerdictView[];
  readonly servers: readonly CertificateVerdictView[];
  readonly authorities: readonly CertificateVerdictView[];
}
