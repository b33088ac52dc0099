import { appendTrace, buildErrorReport, type Credentials } from '../../identity/index.ts';
import { encodeEnvelope, type ErrorReportResult, type Mt2Envelope } from '../../message/index.ts';
import type { MessageStore } from '../store/index.ts';
import type { HostIdentity } from './host-session.ts';
import { domainOf } from '../accept/patterns.ts';
import { relayMailbox } from './relay-queue.ts';

/** What sending error reports needs. */
export interface ErrorReportSenderOptions {
  readonly store: MessageStore;
  /** The process@domain credentials reports are signed with. */
  readonly process: Credentials;
  /** The host identity that appends this hop's trace entry. */
  readonly host: HostIdentity;
  /** The store mailbox of a local address, or undefined when the address is not local. */
  readonly localMailbox: (address: string) => string | undefined;
  /** A report was queued for relay to `domain`. */
  readonly onRelayQueued: (domain: string) => void;
}

/** Where a report went, or why none was sent. */
export type ReportOutcome =
  | { readonly sent: true; readonly reportId: string; readonly mailbox: string }
  | {
      readonly sent: false;
      readonly reason: 'null-sender' | 'control-message' | 'unknown-local-sender';
    };

/**
 * Sends the error report on `original` (profile section 4): signed with the process
 * certificate (buildErrorReport), given this host's trace entry as if it had arrived
 * here, stored durably in the sender's mailbox when the sender is local, else queued in
 * `relay:<sender's domain>`. No report on a report or on a null-sender message, so
 * reports never loop.
 */
export async function sendErrorReport(
  original: Mt2Envelope,
  failures: readonly ErrorReportResult[],
  at: Date,
  options: ErrorReportSenderOptions,
): Promise<ReportOutcome> {
  if (original.sender === '') return { sent: false, reason: 'null-sender' };
  if (original.control) return { sent: false, reason: 'control-message' };
  const report = appendTrace(
    buildErrorReport(original, failures, options.process, at),
    options.host.credentials,
    options.host.hostname,
    at,
  );
  const local = options.localMailbox(original.sender);
  const remoteDomain = domainOf(original.sender);
  // A sender of our own domain without a mailbox here (a user since removed): relaying
  // the report would only send it back to us.
  if (local === undefined && remoteDomain === domainOf(report.sender)) {
    return { sent: false, reason: 'unknown-local-sender' };
  }
  const mailbox = local ?? relayMailbox(remoteDomain);
  const incoming = options.store.begin(report.messageId);
  await incoming.appendFragment('envelope', encodeEnvelope(report));
  await incoming.commit([mailbox]);
  if (local === undefined) options.onRelayQueued(remoteDomain);
  return { sent: true, reportId: report.messageId, mailbox };
}
