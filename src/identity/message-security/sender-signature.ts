// The sender's signature in the envelope (profile section 5): over the message id and the
// SHA-256 of each part as transferred, so one signature covers the whole message.
import type { X509Certificate } from 'node:crypto';
import type { Mt2Envelope } from '../../message/index.ts';
import type { Credentials } from '../issue.ts';
import type { IdentityValidator, Verdict } from '../validation/index.ts';
import { encryptedPartsOf, type MessageParts } from './encryption.ts';
import {
  MessageSecurityError,
  type MessageSecurityFailure,
  type MessageSecurityReasonCode,
} from './errors.ts';
import { IdentityError } from '../errors.ts';
import {
  assertCertifiedFor,
  judgeSigner,
  openSignature,
  readCertificateOrUndefined,
  signStatement,
  type OpenedSignature,
} from './signer.internal.ts';
import {
  decodeMessageStatement,
  encodeMessageStatement,
  sha256,
  type MessageStatement,
  type PartDigest,
  type SignedPartType,
} from './statement.ts';

/** The outcome of one check: passed, failed, or not reached (an earlier check failed). */
export type CheckState = 'passed' | 'failed' | 'not-checked';

/** The checks a sender signature goes through, in order. */
export type MessageCheck =
  /** The CMS signature verifies, made with the envelope certificate's key. */
  | 'signature'
  /** The signed message id is the envelope's. */
  | 'messageId'
  /** The headers octets are the signed ones. */
  | 'headers'
  /** The body octets are the signed ones. */
  | 'body'
  /** The error-report data is the signed one (control messages). */
  | 'errorReport'
  /** The parts marked encrypted in the envelope are the ones signed as encrypted. */
  | 'encryptionFlags'
  /** The validator's verdict on the signer's certificate at the given time. */
  | 'certificate'
  /** The certificate's rfc822Name is the envelope sender. */
  | 'senderBinding';

/** What verifying a sender signature found. */
export interface MessageVerification {
  /** True when every applicable check passed. */
  readonly valid: boolean;
  /** Every failed check, in check order; empty when valid. */
  readonly failures: readonly MessageSecurityFailure[];
  readonly checks: Readonly<Record<MessageCheck, CheckState>>;
  /** The certificate that signed, once the signature verified. */
  readonly signer: X509Certificate | undefined;
  /** The validator's verdict on the signer, once the signature verified. */
  readonly verdict: Verdict | undefined;
  /** The signingTime the signer claims (not checked against anything). */
  readonly signingTime: Date | undefined;
}

const PART_CHECKS: Readonly<Record<SignedPartType, [MessageCheck, MessageSecurityReasonCode]>> = {
  'message/headers': ['headers', 'HEADERS_DIGEST_MISMATCH'],
  'message/body': ['body', 'BODY_DIGEST_MISMATCH'],
  'message/error-report': ['errorReport', 'ERROR_REPORT_DIGEST_MISMATCH'],
};

/** The digests of a message's headers and body, with the envelope's encryption marks. */
export function messagePartDigests(parts: MessageParts): PartDigest[] {
  const encrypted = encryptedPartsOf(parts.envelope);
  return [
    { type: 'message/headers', encrypted: encrypted.has('headers'), digest: sha256(parts.headers) },
    { type: 'message/body', encrypted: encrypted.has('body'), digest: sha256(parts.body) },
  ];
}

/**
 * Signs a statement about `parts` with the sender's credentials and returns the
 * envelope with `signature` and `certificate` set. MSGSEC_NOT_CERTIFIED when the
 * certificate is not bound to the envelope sender address; MSGSEC_WRONG_MESSAGE_KIND
 * for a control message (see buildErrorReport).
 */
export function signMessage(
  parts: MessageParts,
  credentials: Credentials,
  at: Date = new Date(),
): Mt2Envelope {
  if (parts.envelope.control) {
    throw new MessageSecurityError(
      'MSGSEC_WRONG_MESSAGE_KIND',
      'sign control messages with buildErrorReport',
    );
  }
  return signEnvelope(parts.envelope, messagePartDigests(parts), credentials, at);
}

/** Signs the statement about `envelope` and `digests`; shared with error reports. */
export function signEnvelope(
  envelope: Mt2Envelope,
  digests: readonly PartDigest[],
  credentials: Credentials,
  at: Date,
): Mt2Envelope {
  assertCertifiedFor(credentials.certificate, { kind: 'user', address: envelope.sender });
  const statement = encodeMessageStatement({ messageId: envelope.messageId, parts: digests });
  return {
    ...envelope,
    // The certificate travels once, in `<certificate>`; the verifier hands it to CMS.
    signature: signStatement(statement, credentials, at, { omitSigner: true }),
    certificate: credentials.certificate.raw,
  };
}

/**
 * Verifies the sender signature of a message against its parts as transferred: the
 * signature, message id, each part's digest, the encryption marks, the signer's
 * certificate (validator verdict at `at`) and its binding to the envelope sender.
 * Never throws for what a peer sent; the failures say what is wrong.
 * `relayedBy` is the host that delivered the message (its trace entry verified), for
 * the validator's trusted-gateway rule (docs/certificate-validation.md).
 */
export function verifyMessage(
  parts: MessageParts,
  validator: IdentityValidator,
  at: Date,
  relayedBy?: string,
): Promise<MessageVerification> {
  return verifyEnvelopeSignature(
    parts.envelope,
    messagePartDigests(parts),
    validator,
    at,
    relayedBy,
  );
}

type SenderSignature =
  | { readonly ok: true; readonly opened: OpenedSignature; readonly statement: MessageStatement }
  | { readonly ok: false; readonly failure: MessageSecurityFailure };

/** Opens the envelope's signature: present, readable, verifying, by the envelope certificate. */
function openSenderSignature(envelope: Mt2Envelope): SenderSignature {
  const fail = (code: MessageSecurityReasonCode, message: string): SenderSignature => ({
    ok: false,
    failure: { code, message },
  });
  if (envelope.signature === undefined || envelope.certificate === undefined) {
    return fail('SIGNATURE_MISSING', 'the envelope has no sender signature or certificate');
  }
  const certificate = readCertificateOrUndefined(envelope.certificate);
  if (certificate === undefined) {
    return fail('SIGNATURE_MALFORMED', 'the envelope certificate cannot be read');
  }
  const opening = openSignature(envelope.signature, [certificate]);
  if (!opening.ok) {
    // The signer's certificate travels in `<certificate>`: a SignerInfo naming another
    // one (not sent) was signed by someone else.
    const code = {
      invalid: 'SIGNATURE_INVALID',
      malformed: 'SIGNATURE_MALFORMED',
      'unknown-signer': 'SIGNER_NOT_ENVELOPE_CERTIFICATE',
    } as const satisfies Record<typeof opening.problem, MessageSecurityReasonCode>;
    return fail(code[opening.problem], opening.message);
  }
  const { opened } = opening;
  if (!opened.signer.raw.equals(certificate.raw)) {
    return fail('SIGNER_NOT_ENVELOPE_CERTIFICATE', `signed by ${opened.signer.subject}`);
  }
  try {
    return { ok: true, opened, statement: decodeMessageStatement(opened.statement) };
  } catch (error) {
    if (!(error instanceof IdentityError)) throw error;
    return fail('SIGNATURE_MALFORMED', error.message);
  }
}

function notChecked(): Record<MessageCheck, CheckState> {
  return {
    signature: 'not-checked',
    messageId: 'not-checked',
    headers: 'not-checked',
    body: 'not-checked',
    errorReport: 'not-checked',
    encryptionFlags: 'not-checked',
    certificate: 'not-checked',
    senderBinding: 'not-checked',
  };
}

/** Verifies the envelope signature against the expected part digests; shared with error reports. */
export async function verifyEnvelopeSignature(
  envelope: Mt2Envelope,
  expected: readonly PartDigest[],
  validator: IdentityValidator,
  at: Date,
  relayedBy?: string,
): Promise<MessageVerification> {
  const checks = notChecked();
  const signature = openSenderSignature(envelope);
  if (!signature.ok) {
    checks.signature = 'failed';
    const failures = [signature.failure];
    return {
      valid: false,
      failures,
      checks,
      signer: undefined,
      verdict: undefined,
      signingTime: undefined,
    };
  }
  const { opened, statement } = signature;
  checks.signature = 'passed';
  const failures: MessageSecurityFailure[] = [];
  const check = (name: MessageCheck, passed: boolean, failure: MessageSecurityFailure) => {
    checks[name] = passed ? 'passed' : 'failed';
    if (!passed) failures.push(failure);
  };
  check('messageId', statement.messageId === envelope.messageId, {
    code: 'MESSAGE_ID_MISMATCH',
    message: `signed for ${statement.messageId}, the envelope says ${envelope.messageId}`,
  });
  let flagsMatch = true;
  for (const part of expected) {
    const signed = statement.parts.find((candidate) => candidate.type === part.type);
    const [name, code] = PART_CHECKS[part.type];
    check(name, signed?.digest.equals(part.digest) === true, {
      code,
      message: `the ${part.type} octets are not the signed ones`,
    });
    if (signed !== undefined && signed.encrypted !== part.encrypted) flagsMatch = false;
  }
  check('encryptionFlags', flagsMatch, {
    code: 'ENCRYPTION_FLAGS_MISMATCH',
    message: 'the envelope marks other parts encrypted than the signer did',
  });
  const sender = { kind: 'user', address: envelope.sender } as const;
  const judgement = await judgeSigner(validator, opened, sender, at, relayedBy);
  check('certificate', judgement.certificateReasons.length === 0, {
    code: 'CERTIFICATE_INVALID',
    message: judgement.certificateReasons.map((item) => item.message).join('; '),
    certificateReasons: judgement.certificateReasons,
  });
  check('senderBinding', judgement.bindingReasons.length === 0, {
    code: 'SENDER_NOT_BOUND',
    message: `the certificate ${opened.signer.subject} is not bound to '${envelope.sender}'`,
  });
  return {
    valid: failures.length === 0,
    failures,
    checks,
    signer: opened.signer,
    verdict: judgement.verdict,
    signingTime: opened.signingTime,
  };
}
