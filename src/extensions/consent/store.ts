import type { Mt2Headers, XmlNode } from '../../message/index.ts';
import type { Approval, SenderIdentity } from '../recipient/context.ts';
import type { ManualOnlyReason } from '../recipient/spec.ts';
import type { StateReader, StateWrite } from '../recipient/state.ts';
import type { AuditDraft, AuditEntry } from './audit.ts';
import type { PolicyRule } from './policy.ts';

/** Why a request waits for the user instead of being decided by a default. */
export type HoldReason =
  /** No default, or `ask`. */
  | 'POLICY_ASK'
  /** A default says `always`, but the sender is not verified. */
  | 'UNVERIFIED_SENDER'
  /** A default says `always`, but the extension forbids automatic processing here. */
  | ManualOnlyReason
  /** The request cannot be carried out yet (see HandlerOutcome.blockedBy). */
  | 'BLOCKED';

/** A reply as the consent center shows it before approval: recipient and exact payload. */
export interface DeclaredReply {
  readonly to: string;
  /** The extension element's content, as it will be sent (before the approval mark). */
  readonly content: readonly XmlNode[];
}

/** A request waiting for the user's decision. Holding it changes nothing else. */
export interface PendingItem {
  /** Stable id: the same message delivered twice gives the same id. */
  readonly id: string;
  /** Registry name of the extension. */
  readonly extension: string;
  readonly oid: string;
  readonly messageId: string;
  /** Subject of the message that carried the request, for the reply. */
  readonly subject?: string;
  readonly sender: SenderIdentity;
  /** The local address it was delivered to. */
  readonly recipient: string;
  readonly receivedAt: Date;
  /** The payload as received (the extension element's content). */
  readonly content: readonly XmlNode[];
  /** What the request asks, for the user. */
  readonly summary: string;
  /** Exactly what approving sends (as computed on receipt). */
  readonly declared: readonly DeclaredReply[];
  readonly heldBecause: HoldReason;
}

/** An outgoing message handed to the engine and not yet reported sent or failed. */
export interface OutgoingMessage {
  /** Id to report the outcome with (reportSent / reportFailed). */
  readonly id: string;
  /** Registry name of the extension. */
  readonly extension: string;
  readonly from: string;
  readonly to: readonly string[];
  /** The headers to send, with the extension element; the engine signs them. */
  readonly headers: Mt2Headers;
  /** Who approved sending it. */
  readonly approval: Approval;
  /** The pending item it answers, when it is a reply. */
  readonly pendingId?: string;
}

/** One atomic change to the consent store. */
export interface StoreBatch {
  readonly putPending?: readonly PendingItem[];
  readonly deletePending?: readonly string[];
  /** Defaults to set; a rule whose policy is undefined removes the default under that key. */
  readonly policies?: readonly { readonly key: string; readonly rule?: PolicyRule }[];
  readonly state?: readonly StateWrite[];
  readonly putOutgoing?: readonly OutgoingMessage[];
  readonly deleteOutgoing?: readonly string[];
  readonly audit?: readonly AuditDraft[];
}

/**
 * Persistence of the consent engine: pending items, defaults, the audit log, outgoing
 * messages awaiting a send report, and extension state. The engine runs next to its
 * database and calls this synchronously (better-sqlite3 is synchronous); `commit`
 * applies a whole batch or nothing (one SQLite transaction).
 */
export interface ConsentStore extends StateReader {
  /** The pending item `id`, or undefined. */
  pendingItem(id: string): PendingItem | undefined;
  /** Pending items, oldest first. */
  pendingItems(): PendingItem[];
  /** How many items are pending. */
  pendingCount(): number;
  /** The default stored under `key` (see policyKey), or undefined. */
  policyRule(key: string): PolicyRule | undefined;
  /** Every default, in the order they were first set. */
  policyRules(): PolicyRule[];
  /** The outgoing message `id` while it awaits its send report, or undefined. */
  outgoingMessage(id: string): OutgoingMessage | undefined;
  /** Audit entries with `seq` greater than `afterSeq` (default 0: all), in order. */
  auditEntries(afterSeq?: number): AuditEntry[];
  /** Applies `batch` atomically: all of it, or (if it throws) none of it. */
  commit(batch: StoreBatch): void;
}
