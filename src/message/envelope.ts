import type { Mt2Extension } from './extension.ts';

/** One hop of the transfer path, appended by each host that relays the message. */
export interface TraceEntry {
  /** The relaying host's name (the dNSName of its host certificate). */
  readonly host: string;
  /** When the host received the message. */
  readonly time: Date;
  /**
   * CMS signature (DER) by the host's key over the previous entry's signature, or over
   * the sender's signature for the first hop (mt2-profile.md section 5). Absent only
   * on a trace entry that is not signed yet.
   */
  readonly signature?: Uint8Array;
}

/** The outcome for one recipient in an error report. */
export interface ErrorReportResult {
  /** The recipient address the result is about. */
  readonly recipient: string;
  /** Dotted MT2 result code, e.g. `99.0.5.1`. */
  readonly code: string;
  /** Human-readable explanation. */
  readonly text: string;
}

/** Error-report data: which message failed, and why, per recipient. */
export interface ErrorReport {
  /** The msg-id of the message being reported on. */
  readonly messageId: string;
  /** One entry per affected recipient, in order. */
  readonly results: readonly ErrorReportResult[];
}

/**
 * `message/envelope`: everything about transfer and delivery, never encrypted
 * (mt2-profile.md section 4). Addresses here are bare addresses in UTF-8
 * (internationalised local parts and domains allowed); the envelope sender is empty
 * for a message that must never be answered with an error report.
 */
export interface Mt2Envelope {
  /** The message id, the `msg-id` of every XFER of this message. */
  readonly messageId: string;
  /** Envelope sender address, or '' for the null sender. */
  readonly sender: string;
  /**
   * Envelope recipient addresses, in order. May be empty at rest (a control message, or
   * a legacy message imported without any); a transfer needs at least one.
   */
  readonly recipients: readonly string[];
  /** True for a control message (an error report, say), which is an envelope alone. */
  readonly control: boolean;
  /** The sender's detached CMS signature (DER) over the message id and the digests of headers and body. */
  readonly signature?: Uint8Array;
  /** The sender's X.509 certificate (DER). */
  readonly certificate?: Uint8Array;
  /** Transfer-path trace, oldest hop first. */
  readonly trace: readonly TraceEntry[];
  /** Delivery extensions (hashcash postage, whitelists, notifications), in order. */
  readonly extensions: readonly Mt2Extension[];
  /** Present on an error report. */
  readonly errorReport?: ErrorReport;
}
