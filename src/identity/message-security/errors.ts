import type { Reason } from '../validation/index.ts';

/** Stable codes of the errors that message-security functions throw (bad calls, bad input). */
export type MessageSecurityErrorCode =
  /** The signing certificate is not bound to the address or host it is to sign for. */
  | 'MSGSEC_NOT_CERTIFIED'
  /** A part, a signature or a trace is larger than this module's limits. */
  | 'MSGSEC_INPUT_TOO_LARGE'
  /** The call does not fit the message: parts of a control message, a report on a report. */
  | 'MSGSEC_WRONG_MESSAGE_KIND'
  /** A part to encrypt without any certificate to encrypt it to. */
  | 'MSGSEC_NO_RECIPIENTS';

/** A failure raised by src/identity/message-security; tests and callers compare `code`. */
export class MessageSecurityError extends Error {
  override readonly name = 'MessageSecurityError';

  constructor(
    readonly code: MessageSecurityErrorCode,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Why a received message's signature or trace does not verify. These are results, not
 * errors: verification never throws for what a peer sent.
 */
export type MessageSecurityReasonCode =
  /** The envelope has no sender signature or no sender certificate. */
  | 'SIGNATURE_MISSING'
  /** The signature or its signed statement cannot be read. */
  | 'SIGNATURE_MALFORMED'
  /** The signature does not verify (altered statement, or made by another key than its certificate's). */
  | 'SIGNATURE_INVALID'
  /** The signature verifies, but with a key other than the envelope certificate's. */
  | 'SIGNER_NOT_ENVELOPE_CERTIFICATE'
  /** The signed message id is not the envelope's. */
  | 'MESSAGE_ID_MISMATCH'
  /** The headers part octets are not the ones signed. */
  | 'HEADERS_DIGEST_MISMATCH'
  /** The body part octets are not the ones signed. */
  | 'BODY_DIGEST_MISMATCH'
  /** The error-report data is not the one signed. */
  | 'ERROR_REPORT_DIGEST_MISMATCH'
  /** The parts the envelope marks encrypted differ from the ones signed as encrypted. */
  | 'ENCRYPTION_FLAGS_MISMATCH'
  /** The validator did not find the signer's certificate valid (expired, unknown CA, ...). */
  | 'CERTIFICATE_INVALID'
  /** The signer's certificate is not bound to the envelope sender address (rfc822Name). */
  | 'SENDER_NOT_BOUND'
  /** Not a control message with error-report data, as an error report must be. */
  | 'NOT_AN_ERROR_REPORT'
  /** A trace entry carries no signature. */
  | 'TRACE_SIGNATURE_MISSING'
  /** A trace signature or its statement cannot be read. */
  | 'TRACE_SIGNATURE_MALFORMED'
  /** A trace signature does not verify. */
  | 'TRACE_SIGNATURE_INVALID'
  /** A trace entry does not sign the signature before it (an entry removed, reordered or inserted). */
  | 'TRACE_LINK_BROKEN'
  /** A trace entry's host or time differ from the ones its host signed. */
  | 'TRACE_ENTRY_ALTERED'
  /** The validator did not find the trace host's certificate valid. */
  | 'TRACE_CERTIFICATE_INVALID'
  /** The trace host's certificate is not bound to the entry's host name (dNSName). */
  | 'TRACE_HOST_NOT_BOUND'
  /** More trace entries than MAX_TRACE_ENTRIES. */
  | 'TRACE_TOO_LONG';

/** One failed check: a stable code, a sentence, and the validator's reasons where it decided. */
export interface MessageSecurityFailure {
  readonly code: MessageSecurityReasonCode;
  /** For people; never compared. */
  readonly message: string;
  /** With CERTIFICATE_INVALID and TRACE_CERTIFICATE_INVALID: the verdict's reasons. */
  readonly certificateReasons?: readonly Reason[];
}
