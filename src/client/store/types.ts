// The records the local store keeps and the shapes its operations take and return.
// Every operation of the store is listed in `LocalStoreApi` (operations.ts); these are
// the values that cross it, so they are plain data (structured-clone safe: the async
// facade copies them between threads).

/** The engine's id for an account (any non-empty string up to MAX_ID_CHARS). */
export type AccountId = string;

/** The local folders a message can be in. Server mailboxes map onto `inbox`. */
export const FOLDERS = ['inbox', 'sent', 'outbox', 'drafts', 'trash'] as const;
export type Folder = (typeof FOLDERS)[number];

/** Which messages of a folder a list shows. */
export type ListFilter = 'all' | 'unread' | 'flagged';

/** Flag names with a meaning to the store (unread = not `seen`); others are kept as given. */
export const SEEN_FLAG = 'seen';
export const FLAGGED_FLAG = 'flagged';

/** Octet size of each part of the message on the server (LIST's MSG sizes). */
export interface PartSizes {
  readonly envelope: number;
  readonly headers: number;
  readonly body: number;
}

/** Where the message is on the server; absent for a message that exists only here (a draft). */
export interface ServerLocation {
  /** The server mailbox (as LIST names it). */
  readonly mailbox: string;
  readonly uid: number;
  readonly modseq: number;
}

/** Fields shown in message lists, worked out from envelope and headers (displayFields). */
export interface DisplayFields {
  readonly fromName: string;
  readonly fromAddress: string;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly subject: string;
  /** The message's date (headers' Date, or arrival when it has none). */
  readonly date: Date;
  readonly hasAttachments: boolean;
  readonly signed: boolean;
  readonly encrypted: boolean;
  /** The first words of the body text (up to MAX_SNIPPET_CHARS). */
  readonly snippet: string;
}

/**
 * The display of a message pulled by its headers alone, not encrypted, before its
 * envelope: left to the store, which works it out from `headersXml` as it writes the
 * message (headers-display.ts), on its own thread rather than the caller's. What the
 * headers do not give is empty; `arrival` is the date when they give none.
 */
export interface DisplayFromHeaders {
  readonly fromHeaders: true;
  readonly arrival: Date;
}

/**
 * A message as the engine hands it to the store (new, or replacing what is stored under
 * the same account and msg-id). The envelope and headers are the raw bytes as received,
 * so signatures can be verified again later.
 */
export interface MessageInput {
  readonly accountId: AccountId;
  /** The MT2 msg-id, unique per account. */
  readonly msgId: string;
  readonly folder: Folder;
  // The optional fields may also be given as undefined, so that a batch's objects can
  // all have one shape: the store reads a page of 1,000, and property reads on objects
  // of many shapes cost several times as much.
  readonly server?: ServerLocation | undefined;
  readonly sizes: PartSizes;
  /** The flags the server reported (sorted and deduplicated by the store). */
  readonly serverFlags: readonly string[];
  readonly envelopeXml: Uint8Array;
  /** Absent when the headers have not been fetched (or cannot be read: encrypted). */
  readonly headersXml?: Uint8Array | undefined;
  /** DisplayFromHeaders only with headersXml (plain XML) and an empty envelopeXml. */
  readonly display: DisplayFields | DisplayFromHeaders;
  /** The engine's verification result (signature, trace, certificate verdict), as JSON text. */
  readonly verificationJson?: string | undefined;
}

/** A message whose display is given, not left to the store. */
export type DisplayedMessageInput = MessageInput & { readonly display: DisplayFields };

/** One row of a message list: display fields and state, no raw parts. */
export interface MessageSummary {
  readonly accountId: AccountId;
  readonly msgId: string;
  readonly folder: Folder;
  readonly server?: ServerLocation;
  readonly sizes: PartSizes;
  /** The flags as the user sees them: the server's, or a local change not yet pushed. */
  readonly flags: readonly string[];
  readonly unread: boolean;
  readonly flagged: boolean;
  readonly display: DisplayFields;
  /** True once the body is stored locally. */
  readonly hasBody: boolean;
}

/** Everything stored about a message but its body (read the body with `messageBody`). */
export interface StoredMessage extends MessageSummary {
  readonly serverFlags: readonly string[];
  readonly envelopeXml: Uint8Array;
  readonly headersXml?: Uint8Array;
  readonly verificationJson?: string;
}

/** The body as stored, and its extracted text. */
export interface StoredBody {
  readonly body: Uint8Array;
  readonly text: string;
}

/** A change the server reported for a message already stored (LIST after a cursor). */
export interface ServerStateUpdate {
  readonly msgId: string;
  readonly server: ServerLocation;
  readonly serverFlags: readonly string[];
}

/**
 * One page of LIST results applied atomically: new messages, changed state, removed
 * (expunged) messages, and the cursor to ask from next time. The cursor is stored only
 * if all of it lands.
 */
export interface ListPage {
  readonly accountId: AccountId;
  readonly mailbox: string;
  /**
   * Absent: the first new messages of a page whose end (its cursor, with the rest) comes
   * in a later call. They are written in a transaction left open for the rest of the
   * page, which the page's end commits; so does any other call (another account's page
   * too), and a failure rolls back what it holds. Should the end never come, the stored
   * cursor stays: the page is listed again, and its messages committed already are not
   * missing. An end that follows a failed part of its page is refused
   * (LOCAL_STORE_PAGE_INCOMPLETE) and its cursor not stored.
   */
  readonly cursor?: number;
  readonly messages?: readonly MessageInput[];
  readonly updates?: readonly ServerStateUpdate[];
  readonly removed?: readonly string[];
}

/**
 * The envelope of a message that was synced with its headers only, and what the list
 * shows once it is in (the sender when the headers name none, the signed and encrypted
 * icons). The message keeps its date, place and folder.
 */
export interface ArrivedEnvelope {
  readonly envelopeXml: Uint8Array;
  readonly display: Omit<DisplayFields, 'date' | 'hasAttachments' | 'snippet'>;
}

/** One message's verification result (JSON text), for {@link VerificationBatch}. */
export interface VerificationInput {
  readonly msgId: string;
  readonly verificationJson: string;
  /** The envelope, when it was pulled for this verification. */
  readonly envelope?: ArrivedEnvelope;
}

/**
 * Verification results of many messages of one account and the contacts learnt from
 * them, written in one transaction (one disk sync instead of one per message).
 */
export interface VerificationBatch {
  readonly accountId: AccountId;
  readonly verifications: readonly VerificationInput[];
  readonly contacts?: readonly ContactInput[];
}

/** What a batch write did. */
export interface WriteResult {
  readonly inserted: number;
  readonly updated: number;
  readonly removed: number;
}

/** A local flag change waiting to be pushed to the server. */
export interface FlagChange {
  readonly accountId: AccountId;
  readonly msgId: string;
  /** The full flag set the message should have on the server. */
  readonly flags: readonly string[];
  readonly server?: ServerLocation;
  /** Changes with every set; acknowledge with the one taken, so a newer set is kept. */
  readonly revision: number;
}

/** Acknowledges a pushed flag change (see FlagChange.revision). */
export interface FlagAck {
  readonly msgId: string;
  readonly revision: number;
}

/** Which messages a list shows. */
export interface ListQuery {
  /** One account, or several: their messages in one list, newest first. */
  readonly accountId: AccountId | readonly AccountId[];
  readonly folder: Folder;
  readonly filter?: ListFilter;
}

/** A full-text search: every word must match (from, to, subject or body text). */
export interface SearchQuery {
  /** One account, or several: their messages in one list, newest first. */
  readonly accountId: AccountId | readonly AccountId[];
  /** Words as the user typed them; FTS syntax in it has no effect. */
  readonly text: string;
  /** Only this folder (default: every folder). */
  readonly folder?: Folder;
}

/** Where a page starts: `after` is the `next` of the previous page. */
export interface PageRequest {
  /** Rows per page, 1 to MAX_PAGE_SIZE. */
  readonly limit: number;
  readonly after?: string;
}

/** A page of rows, newest first. `next` is absent on the last page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly next?: string;
}

/** How many messages a folder holds. */
export interface FolderCount {
  readonly folder: Folder;
  readonly total: number;
  readonly unread: number;
}

// ---- Outbox ----

export type OutboxState = 'queued' | 'sending' | 'sent' | 'failed';

export interface OutboxItemInput {
  readonly accountId: AccountId;
  /** The draft to send, as the engine serialises it (JSON text). */
  readonly draftJson: string;
  /** When to try first (default: now). */
  readonly nextAttemptAt?: Date;
}

export interface OutboxItem {
  readonly id: number;
  readonly accountId: AccountId;
  readonly draftJson: string;
  readonly state: OutboxState;
  readonly attempts: number;
  readonly nextAttemptAt: Date;
  readonly lastError?: string;
  /** The error report that came back for it (JSON text from the engine). */
  readonly errorReportJson?: string;
  /** The msg-id it was sent under, once known. */
  readonly msgId?: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Fields to change on an outbox item; `null` clears an optional field. */
export interface OutboxUpdate {
  readonly state?: OutboxState;
  readonly attempts?: number;
  readonly nextAttemptAt?: Date;
  readonly lastError?: string | null;
  readonly errorReportJson?: string | null;
  readonly msgId?: string | null;
  readonly draftJson?: string;
}

export interface OutboxFilter {
  readonly accountId?: AccountId;
  readonly state?: OutboxState;
}

// ---- Contacts ----

/** Where a contact was learned. */
export type ContactSource = 'verifiedMessage' | 'vcard' | 'import';

export interface ContactInput {
  readonly address: string;
  readonly displayName?: string;
  /** The contact's certificate (DER); its SHA-256 fingerprint is computed by the store. */
  readonly certificate?: Uint8Array;
  /**
   * The server that delivered the message the certificate came from (its trace entry
   * verified); stored with the certificate, replaced whenever a certificate is given.
   */
  readonly deliveredBy?: string;
  readonly source: ContactSource;
  /** When this was seen (default: now). */
  readonly seenAt?: Date;
}

export interface Contact {
  /** Lower-cased. */
  readonly address: string;
  readonly displayName?: string;
  readonly certificate?: Uint8Array;
  /** SHA-256 of the certificate, lower-case hex. */
  readonly certificateFingerprint?: string;
  /** The server that delivered the message the certificate came from, if known. */
  readonly deliveredBy?: string;
  /** Where it was last learned. */
  readonly source: ContactSource;
  readonly firstSeen: Date;
  readonly lastSeen: Date;
}
