import type { Approval } from '../recipient/context.ts';

/**
 * What happened, as the audit log records it:
 * - `received`: a request arrived (it is pending, or decided at once by a default);
 * - `autoApproved` / `approved`: approved by a default / by the user;
 * - `declined`: declined by the user or by a `never` default (detail says whether a notice went out);
 * - `initiated`: the user started something (a vCard request, a chess move, ...);
 * - `queued`: an outgoing message was handed to the engine to sign and send;
 * - `sent` / `failed`: the engine reported the outcome of sending; `failed` is also an approval that could not be carried out;
 * - `refused`: a payload that is malformed or can never be acted on (nothing applied);
 * - `policyChanged`: the user changed a default.
 */
export type AuditAction =
  | 'received'
  | 'autoApproved'
  | 'approved'
  | 'declined'
  | 'initiated'
  | 'queued'
  | 'sent'
  | 'failed'
  | 'refused'
  | 'policyChanged';

/** An audit entry before the store numbers it. */
export interface AuditDraft {
  readonly at: Date;
  readonly action: AuditAction;
  /** Registry name of the extension, when known. */
  readonly extension?: string;
  /** The other party: the sender of a request, or the recipients of an outgoing message. */
  readonly peer?: string;
  /** Whether the sender was verified (for received messages). */
  readonly verified?: boolean;
  /** Message-ID of the message concerned. */
  readonly messageId?: string;
  readonly pendingId?: string;
  readonly outgoingId?: string;
  /** Who approved, for approvals and outgoing messages. */
  readonly approval?: Approval;
  /** Error code, for `refused` and `failed`. */
  readonly code?: string;
  /** Human-readable detail. */
  readonly detail: string;
}

/** An entry of the append-only audit log; `seq` increases by one per entry from 1. */
export interface AuditEntry extends AuditDraft {
  readonly seq: number;
}
