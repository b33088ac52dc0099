// Shared by the sender signature, the trace chain and error reports: sign a statement,
// open a received signature, and judge its signer with the IdentityValidator.
import type { X509Certificate } from 'node:crypto';
import { x509Of } from '../cms/certificate-cache.ts';
import { signCms, signCmsWith, type CmsSignOptions, type RawSigner } from '../cms/sign.ts';
import { verifyCms } from '../cms/verify.ts';
import { IdentityError } from '../errors.ts';
import type { Credentials } from '../issue.ts';
import {
  checkSubjectBinding,
  parseCertificate,
  type ExpectedIdentity,
  CertificateInputError,
  type IdentityValidator,
  type ParsedCertificate,
  type Reason,
  type Verdict,
} from '../validation/index.ts';
import { MessageSecurityError } from './errors.ts';

/** Largest sender or trace signature accepted, in bytes (64 KiB: a signer and its chain). */
export const MAX_SIGNATURE_BYTES = 64 * 1024;

/** Signs a statement as CMS SignedData with the statement embedded (it is small). */
export function signStatement(
  statement: Buffer,
  signer: Credentials,
  at: Date,
  options: Pick<CmsSignOptions, 'omitSigner'> = {},
): Buffer {
  return signCms(statement, signer, { ...options, detached: false, signingTime: at });
}

/** {@link signStatement} with the raw signature made by `rawSign` (e.g. on a worker). */
export function signStatementWith(
  statement: Buffer,
  signer: Credentials,
  at: Date,
  rawSign: RawSigner,
): Promise<Buffer> {
  return signCmsWith(statement, signer, rawSign, { detached: false, signingTime: at });
}

/**
 * Parsed certificates by object: a host signs every trace entry with the same one, and
 * the verifier hands out one object per distinct certificate (certificate-cache).
 */
const parsedCertificates = new WeakMap<X509Certificate, ParsedCertificate>();

/** The certificate as the validator reads it, parsed once per object. */
export function parsedCertificateOf(certificate: X509Certificate): ParsedCertificate {
  let parsed = parsedCertificates.get(certificate);
  if (parsed === undefined) {
    parsed = parseCertificate(certificate.raw);
    parsedCertificates.set(certificate, parsed);
  }
  return parsed;
}

/** Throws MSGSEC_NOT_CERTIFIED unless `certificate` is bound to `expected`. */
export function assertCertifiedFor(certificate: X509Certificate, expected: ExpectedIdentity): void {
  const reasons = checkSubjectBinding(parsedCertificateOf(certificate), expected);
  if (reasons.length > 0) {
    const name = expected.kind === 'user' ? expected.address : expected.hostname;
    throw new MessageSecurityError(
      'MSGSEC_NOT_CERTIFIED',
      `the certificate ${certificate.subject} is not bound to ${name}`,
    );
  }
}

/** A signature that verified: its embedded statement, its signer and the certificates it carried. */
export interface OpenedSignature {
  readonly statement: Buffer;
  readonly signer: X509Certificate;
  readonly signingTime: Date | undefined;
  /** The signer's certificate, then the others it carried, as the validator reads them. */
  readonly chain: readonly ParsedCertificate[];
}

/** The outcome of opening a signature: opened, unreadable, or not verifying. */
export type Opening =
  | { readonly ok: true; readonly opened: OpenedSignature }
  | {
      readonly ok: false;
      /** `unknown-signer`: the SignerInfo names a certificate neither sent nor given. */
      readonly problem: 'malformed' | 'invalid' | 'unknown-signer';
      readonly message: string;
    };

const INVALID_CODES = new Set(['CMS_BAD_SIGNATURE', 'CMS_CONTENT_DIGEST_MISMATCH']);

function problemOf(code: string): 'malformed' | 'invalid' | 'unknown-signer' {
  if (INVALID_CODES.has(code)) return 'invalid';
  return code === 'CMS_SIGNER_NOT_FOUND' ? 'unknown-signer' : 'malformed';
}

/** Verifies a SignedData with one signer and an embedded statement; never throws for bad input. */
export function openSignature(
  der: Uint8Array,
  extraCertificates: readonly X509Certificate[] = [],
): Opening {
  if (der.byteLength > MAX_SIGNATURE_BYTES) {
    return { ok: false, problem: 'malformed', message: `over ${MAX_SIGNATURE_BYTES} bytes` };
  }
  try {
    const verified = verifyCms(der, { extraCertificates });
    if (verified.signers.length !== 1) {
      return { ok: false, problem: 'malformed', message: 'not exactly one signer' };
    }
    const signer = verified.signer.certificate;
    const others = verified.certificates.filter((other) => !other.raw.equals(signer.raw));
    return {
      ok: true,
      opened: {
        statement: verified.content,
        signer,
        signingTime: verified.signer.signingTime,
        chain: [signer, ...others].map(parsedCertificateOf),
      },
    };
  } catch (error) {
    if (error instanceof CertificateInputError) {
      return { ok: false, problem: 'malformed', message: error.message };
    }
    if (!(error instanceof IdentityError)) throw error;
    return {
      ok: false,
      problem: problemOf(error.code),
      message: error.message,
    };
  }
}

/** The validator's answer about a signer, with the binding to the expected name apart. */
export interface SignerJudgement {
  readonly verdict: Verdict;
  /** Why the certificate is not bound to the expected address or host; empty when it is. */
  readonly bindingReasons: readonly Reason[];
  /** Every other reason the verdict gives; empty when the certificate is valid. */
  readonly certificateReasons: readonly Reason[];
}

const BINDING_CODES = new Set(['SUBJECT_ADDRESS_MISMATCH', 'SUBJECT_HOST_MISMATCH']);

/** Validates the signer (with the other certificates it sent) for `expected` at `at`; `relayedBy` as in IdentityCheck. */
export async function judgeSigner(
  validator: IdentityValidator,
  opened: OpenedSignature,
  expected: ExpectedIdentity,
  at: Date,
  relayedBy?: string,
): Promise<SignerJudgement> {
  const verdict = await validator.validate({
    chain: opened.chain,
    expected,
    at,
    ...(relayedBy === undefined ? {} : { relayedBy }),
  });
  const [target] = opened.chain;
  return {
    verdict,
    bindingReasons: target === undefined ? [] : checkSubjectBinding(target, expected),
    certificateReasons: verdict.validityReasons.filter((item) => !BINDING_CODES.has(item.code)),
  };
}

/** The X509Certificate in `der`, or undefined when it cannot be read. */
export function readCertificateOrUndefined(der: Uint8Array): X509Certificate | undefined {
  try {
    return x509Of(der);
  } catch {
    return undefined;
  }
}
