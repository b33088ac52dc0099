import type { PeerInfo } from '../session/extension.ts';
import type { PartType } from '../session/transfer-receiver.ts';

/** The mailbox-access extension's OPT/HELO name (docs/protocol.md section 8.4). */
export const MAILBOX_EXTENSION_NAME = 'MBOX';

/** The mailbox-access extension's result-code namespace. */
export const MAILBOX_NAMESPACE = '120';

/** The flags a message can carry, in their wire spelling. */
export const MAILBOX_FLAGS = ['seen', 'flagged', 'deleted', 'answered'] as const;

/** A message flag. */
export type MailboxFlag = (typeof MAILBOX_FLAGS)[number];

/** The octets of each part of a message; 0 = the part is absent. */
export interface MailboxPartSizes {
  readonly envelope: number;
  readonly headers: number;
  readonly body: number;
}

/**
 * One message summary, as LIST returns it. A tombstone (`expunged: true`) tells the
 * client to remove the message; it carries no sizes (all 0) and no flags.
 */
export interface MailboxEntry {
  readonly msgId: string;
  /** Arrival order in the mailbox, from 1; never reused. */
  readonly uid: number;
  /**
   * The mailbox change that last touched this message, from 1. Each change gets its own
   * modseq, so the entries of a listing have strictly increasing modseqs.
   */
  readonly modseq: number;
  readonly partSizes: MailboxPartSizes;
  /** Each flag at most once. */
  readonly flags: readonly MailboxFlag[];
  /** Tombstone: the message was expunged; the client removes it. */
  readonly expunged: boolean;
}

/** One page of LIST: the changes after a cursor. */
export interface MailboxListing {
  /** In strictly increasing modseq order, all above the cursor asked from. */
  readonly entries: readonly MailboxEntry[];
  /** Ask from here next time (at least the last entry's modseq). */
  readonly cursor: number;
  /** True when the page was cut at its limit: ask again from `cursor`. */
  readonly more: boolean;
}

/** A part a client can PULL: the XFER part type names. */
export type MailboxPart = PartType;

/**
 * The mailbox behind the extension (mt2d implements it, per authenticated user session).
 * Every method may throw: the peer then gets a transient failure (`120.0.4.3`).
 */
export interface MailboxBackend {
  /**
   * The entries whose modseq is above `since` (0 = everything), in increasing modseq
   * order, at most `limit` of them (1 or more), with the cursor to ask from next time.
   */
  list(peer: PeerInfo, since: number, limit: number): Promise<MailboxListing>;
  /**
   * One part's octets; undefined when the message or the part is unknown (or empty). A
   * backend that has the part at hand returns it without a promise (a PULL reads
   * thousands). The octets may be shared: the extension never modifies them.
   */
  readPart(
    peer: PeerInfo,
    msgId: string,
    part: MailboxPart,
  ): Uint8Array | undefined | Promise<Uint8Array | undefined>;
  /**
   * Adds and removes flags (no flag is in both lists) as one change, and returns the
   * message's new entry; undefined when the message is unknown.
   */
  setFlags(
    peer: PeerInfo,
    msgId: string,
    add: readonly MailboxFlag[],
    remove: readonly MailboxFlag[],
  ): Promise<MailboxEntry | undefined>;
  /**
   * Marks the messages deleted and expunges them: each leaves a tombstone that later
   * LISTs return. Unknown ids are skipped. Resolves with how many were expunged.
   */
  expunge(peer: PeerInfo, msgIds: readonly string[]): Promise<number>;
}

/** Options of {@link mailboxExtension}. */
export interface MailboxExtensionOptions {
  /** Most entries one LIST returns; a larger LIMIT is cut to it. Default 5000. */
  readonly maxListEntries?: number;
  /** Most msg-ids one PULL or DELE may name; more get `120.0.5.30`. Default 1000. */
  readonly maxPullIds?: number;
}

/** What became of one msg-id of a PULL. */
export type PullOutcome = 'delivered' | 'refused' | 'unknown';

/** PULL's answer, per msg-id asked (the client's view). */
export interface PullResult {
  /** Every msg-id asked, with its outcome, in the order asked. */
  readonly outcomes: ReadonlyMap<string, PullOutcome>;
  readonly delivered: number;
  readonly refused: number;
  readonly unknown: number;
}

/** How a client PULL handles what the server sends. */
export interface PullOptions {
  /** Receives each part delivered, whole, once its data is complete. */
  readonly onPart?: (msgId: string, bytes: Uint8Array) => void | Promise<void>;
  /**
   * Asked before any data of a part: false refuses it (e.g. a huge body). Default:
   * accept everything within this side's maxPartBytes.
   */
  readonly accept?: (msgId: string, size: number) => boolean;
  /** Aborting it sends ABOR for the PULL in progress: its remaining XFERs stop. */
  readonly signal?: AbortSignal;
  /** Most msg-ids per PULL request (the server's cap is at least this). Default 500. */
  readonly idsPerRequest?: number;
  /**
   * Asks for parts packed into XFERs of about this many octets (`(PACK=bytes)`), when
   * the server offers it: far fewer round trips for many small parts. `accept` is then
   * asked for every part of a pack, and one refusal refuses the pack. Absent: one XFER
   * per part.
   */
  readonly packBytes?: number;
}

/**
 * The mailbox-access result codes (docs/protocol.md sections 5 and 8.4). Most reuse a
 * core detail with its core meaning; 3.30 and 5.30 are the extension's own.
 */
export const MAILBOX_RESULT = Object.freeze({
  /** LIST, PULL, FLAG, DELE done. */
  OK: '120.0.2.0',
  /** LIST: a line of entries; more lines or the final OK follow. */
  ENTRIES: '120.0.3.30',
  /** More PULLs in progress than the server runs at once; retry later. */
  TOO_MANY_IN_FLIGHT: '120.0.4.1',
  /** The mailbox failed; retry later. */
  STORAGE_UNAVAILABLE: '120.0.4.3',
  /** Missing or wrong parameters (a bad flag, a bad LIMIT, a msg-id twice, ...). */
  BAD_PARAMETERS: '120.0.5.4',
  /** The PULL was killed by ABOR; its remaining XFERs were not sent. */
  TRANSFER_ABORTED: '120.0.5.14',
  /** The mailbox answered something the extension cannot send. */
  PEER_FAILURE: '120.0.5.26',
  /** FLAG: no such message. */
  UNKNOWN_MESSAGE: '120.0.5.27',
  /** PULL or DELE names more msg-ids than the server takes in one request. */
  TOO_MANY_IDS: '120.0.5.30',
} as const);
