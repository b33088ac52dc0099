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
  /** One part's octets; undefined when the message or the part is unknown (or empty). */
  readPart(peer: PeerInfo, msgId: string, part: MailboxPart): Promise<Uint8Array | undefined>;
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
  /** Every msg-id asked, with its outcome. */
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
}
