// The one place where the engine's verdicts become words for people: the reader's
// security panel, the badges' tooltips, the certificate manager and send problems all
// take their sentences from here, so one state is always described the same way.
import type {
  CertificateSummary,
  SecurityView,
  SendState,
  VerificationBadge,
} from '../../api/index.ts';
import type { MessageSecurityReasonCode, TrustAttestation } from '../../identity/index.ts';

/** What each message-security failure means, for people. */
export const MESSAGE_CHECK_TEXT: Readonly<Record<MessageSecurityReasonCode, string>> = {
  SIGNATURE_MISSING: 'The message is not signed.',
  SIGNATURE_MALFORMED: 'The signature cannot be read.',
  SIGNATURE_INVALID: 'The signature does not match: the message was changed or forged.',
  SIGNER_NOT_ENVELOPE_CERTIFICATE:
    'The message was signed with another certificate than the one it carries.',
  MESSAGE_ID_MISMATCH: 'The signature belongs to another message.',
  HEADERS_DIGEST_MISMATCH: 'The subject, addresses or other headers were changed after signing.',
  BODY_DIGEST_MISMATCH: 'The text or attachments were changed after signing.',
  ERROR_REPORT_DIGEST_MISMATCH: 'The error report was changed after signing.',
  ENCRYPTION_FLAGS_MISMATCH: 'The parts marked as encrypted are not the ones the sender encrypted.',
  CERTIFICATE_INVALID: "The sender's certificate is not valid.",
  SENDER_NOT_BOUND: "The sender's certificate is for another address than the sender's.",
  NOT_AN_ERROR_REPORT: 'This is not a well-formed error report.',
  TRACE_SIGNATURE_MISSING: 'A server on the way did not sign its trace entry.',
  TRACE_SIGNATURE_MALFORMED: "A server's trace signature cannot be read.",
  TRACE_SIGNATURE_INVALID: "A server's trace signature does not match.",
  TRACE_LINK_BROKEN: 'The delivery path was changed: a hop was removed, reordered or inserted.',
  TRACE_ENTRY_ALTERED: 'A hop of the delivery path was altered.',
  TRACE_CERTIFICATE_INVALID: "A server's certificate on the delivery path is not valid.",
  TRACE_HOST_NOT_BOUND: "A server's certificate does not match the name it signed the path with.",
  TRACE_TOO_LONG: 'The delivery path is too long (a loop or an attack).',
};

/** Who vouches, in plain words: "your local CA", "the vouch list Acme", ... */
export function trustedByWords(attestations: readonly TrustAttestation[]): string | undefined {
  if (attestations.length === 0) return undefined;
  return attestations
    .map((attestation) => {
      if (attestation.kind === 'ca') return `the CA of ${attestation.name}`;
      if (attestation.kind === 'gateway') return `the trusted gateway ${attestation.host}`;
      return `${attestation.name} (${attestation.entry})`;
    })
    .join(', ');
}

/**
 * "Valid, issued by alpha.test; trusted by the CA of alpha.test." With a CA found by
 * delegated validation, where it was found: "Valid, issued by beta.test (its CA looked
 * up at file:/…/beta.test.pem); nobody you trust vouches for it."
 */
export function certificateSentence(
  certificate: CertificateSummary,
  valid: boolean,
  trustedBy: string | undefined,
  delegatedCaOrigin?: string,
): string {
  if (!valid) return `Not valid: the certificate of ${certificate.subject} cannot be relied on.`;
  const trust =
    trustedBy === undefined ? 'nobody you trust vouches for it.' : `trusted by ${trustedBy}.`;
  const origin =
    delegatedCaOrigin === undefined ? '' : ` (its CA looked up at ${delegatedCaOrigin})`;
  return `Valid, issued by ${certificate.issuer}${origin}; ${trust}`;
}

/** The badge for a verification state. */
export function badgeFor(security: Omit<SecurityView, 'badge' | 'summary'>): VerificationBadge {
  if (security.trace.state === 'invalid' || security.signature.state === 'invalid') return 'failed';
  if (security.signature.state === 'absent') return 'unsigned';
  const certificate = security.certificate;
  if (certificate === undefined || !certificate.valid) return 'failed';
  return certificate.trusted ? 'verified' : 'valid-untrusted';
}

/** One sentence for the reader: "Signed by alice@alpha.test; valid and trusted." */
export function securitySentence(security: Omit<SecurityView, 'summary'>): string {
  const signer = security.signature.signer?.address ?? 'the sender';
  switch (security.badge) {
    case 'verified':
      return `Signed by ${signer}; valid and trusted.`;
    case 'valid-untrusted':
      return `Signed by ${signer}; the certificate is valid, but nobody you trust vouches for it.`;
    case 'unsigned':
      return 'Not signed: the sender cannot be confirmed.';
    case 'pending':
      return 'Not checked yet.';
    case 'failed': {
      const first = [...security.signature.reasons, ...security.trace.reasons][0];
      // The reader puts the badge's own words ("Verification failed.") before this.
      return first?.text ?? "The sender's certificate is not valid.";
    }
  }
}

/** What an outgoing message's state means. */
export const SEND_STATE_TEXT: Readonly<Record<SendState, string>> = {
  queued: 'Waiting to be sent.',
  sending: 'Sending.',
  'waiting-for-postage': 'Computing the postage the recipient’s server asks for.',
  sent: 'Sent.',
  failed: 'Not sent.',
};

/** Plain words for a delivery refused with an MT2 result code. */
export function refusalText(code: string, serverText: string): string {
  return `The server refused the message (${code}): ${serverText}`;
}

/** Plain words for an error report that came back for one of our messages. */
export function errorReportText(
  results: readonly { recipient: string; code: string; text: string }[],
): string {
  return results
    .map((result) => `Not delivered to ${result.recipient} (${result.code}): ${result.text}`)
    .join(' ');
}
