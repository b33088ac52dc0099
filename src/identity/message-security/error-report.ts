// Error reports (profile section 4, mt2d design): a control message, the envelope
// alone, from process@domain, signed with the process certificate, to the sender of
// the message that failed. Its signature covers the error-report data.
import { randomBytes } from 'node:crypto';
import type { ErrorReport, ErrorReportResult, Mt2Envelope } from '../../message/index.ts';
import { sequence, tlv } from '../der.ts';
import type { Credentials } from '../issue.ts';
import { addressesOf, parseCertificate, type IdentityValidator } from '../validation/index.ts';
import { MessageSecurityError } from './errors.ts';
import {
  signEnvelope,
  verifyEnvelopeSignature,
  type MessageVerification,
} from './sender-signature.ts';
import { sha256, type PartDigest } from './statement.ts';

const UTF8_STRING = 0x0c;
const utf8 = (text: string) => tlv(UTF8_STRING, Buffer.from(text, 'utf8'));

/**
 * The DER the error-report data is signed as: SEQUENCE { messageId UTF8String,
 * results SEQUENCE OF SEQUENCE { recipient, code, text UTF8String } }.
 */
export function encodeErrorReportData(report: ErrorReport): Buffer {
  return sequence(
    utf8(report.messageId),
    sequence(
      ...report.results.map((result) =>
        sequence(utf8(result.recipient), utf8(result.code), utf8(result.text)),
      ),
    ),
  );
}

function reportDigest(report: ErrorReport): PartDigest {
  return {
    type: 'message/error-report',
    encrypted: false,
    digest: sha256(encodeErrorReportData(report)),
  };
}

/**
 * Builds the signed error report on `original` for the recipients in `failures`: a
 * control message with a fresh id `report-<hex>@<domain>`, sender the address of the
 * process certificate, one recipient (the original sender), signed at `at`.
 * MSGSEC_WRONG_MESSAGE_KIND when the original has the null sender or is itself a control
 * message (reports on reports would loop), or when `failures` is empty;
 * MSGSEC_NOT_CERTIFIED when the process certificate names no address.
 */
export function buildErrorReport(
  original: Mt2Envelope,
  failures: readonly ErrorReportResult[],
  processCredentials: Credentials,
  at: Date,
): Mt2Envelope {
  if (original.sender === '' || original.control) {
    throw new MessageSecurityError(
      'MSGSEC_WRONG_MESSAGE_KIND',
      'no error report on a message from the null sender or on a control message',
    );
  }
  if (failures.length === 0) {
    throw new MessageSecurityError('MSGSEC_WRONG_MESSAGE_KIND', 'an error report needs a failure');
  }
  const [sender] = addressesOf(parseCertificate(processCredentials.certificate.raw));
  if (sender === undefined) {
    throw new MessageSecurityError(
      'MSGSEC_NOT_CERTIFIED',
      'the process certificate names no address',
    );
  }
  const domain = sender.slice(sender.lastIndexOf('@') + 1);
  const errorReport: ErrorReport = { messageId: original.messageId, results: [...failures] };
  const envelope: Mt2Envelope = {
    messageId: `report-${randomBytes(16).toString('hex')}@${domain}`,
    sender,
    recipients: [original.sender],
    control: true,
    trace: [],
    extensions: [],
    errorReport,
  };
  return signEnvelope(envelope, [reportDigest(errorReport)], processCredentials, at);
}

/**
 * Verifies a received error report: a control message with error-report data, signed
 * over that data by a certificate valid at `at` and bound to the envelope sender.
 * The result is that of verifyMessage, with the `errorReport` check in place of the
 * headers and body; NOT_AN_ERROR_REPORT for anything else. Never throws for what a peer sent.
 */
export async function verifyErrorReport(
  envelope: Mt2Envelope,
  validator: IdentityValidator,
  at: Date,
): Promise<MessageVerification> {
  if (!envelope.control || envelope.errorReport === undefined) {
    const verification = await verifyEnvelopeSignature(envelope, [], validator, at);
    return {
      ...verification,
      valid: false,
      failures: [
        { code: 'NOT_AN_ERROR_REPORT', message: 'not a control message with error-report data' },
        ...verification.failures,
      ],
    };
  }
  return verifyEnvelopeSignature(envelope, [reportDigest(envelope.errorReport)], validator, at);
}
