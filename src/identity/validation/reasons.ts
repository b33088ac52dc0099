// The vocabulary of verdicts: why a certificate is not valid, and what was noticed.
// These codes are what the certificate manager, the reader and `mt2 cert verify` show;
// keep them stable.

/** Every reason code, with the sentence shown to people. */
export const REASON_TEXT = {
  // RFC 5280 path validation
  UNKNOWN_ISSUER: 'no chain from this certificate to a known CA',
  BAD_SIGNATURE: 'a signature in the chain does not verify',
  ALGORITHM_MISMATCH: 'the signature algorithm inside the certificate differs from the outer one',
  UNSUPPORTED_ALGORITHM: 'a signature algorithm in the chain is not supported',
  EXPIRED: 'a certificate in the chain has expired',
  NOT_YET_VALID: 'a certificate in the chain is not yet valid',
  ISSUER_NAME_MISMATCH: 'the issuer name does not match the subject of the certificate above it',
  NOT_A_CA: 'a certificate used as a CA is not marked as a CA (basicConstraints)',
  PATH_LENGTH_EXCEEDED: 'the chain is longer than a CA allows (pathLenConstraint)',
  KEY_USAGE_MISSING: 'a key is used for something its keyUsage does not allow',
  EXTENDED_KEY_USAGE_MISSING: 'the certificate is not issued for this purpose (extendedKeyUsage)',
  NAME_CONSTRAINT_VIOLATION: 'a name in the certificate is outside what its CA may certify',
  UNKNOWN_CRITICAL_EXTENSION: 'a certificate has a critical extension that is not understood',
  NO_VALID_POLICY: 'no certificate policy is valid for the whole chain, and one is required',
  INVALID_POLICY_MAPPING: 'a CA maps to or from anyPolicy',
  REVOKED: 'a certificate in the chain is revoked',
  REVOCATION_UNKNOWN: 'the revocation status of a certificate could not be determined',
  CRL_UNUSABLE: 'a CRL could not be used',
  MALFORMED_CERTIFICATE: 'a certificate could not be read',
  // MT2 rules (profile section 5)
  SUBJECT_ADDRESS_MISMATCH: 'the certificate is not bound to this address (rfc822Name)',
  SUBJECT_HOST_MISMATCH: 'the certificate is not bound to this host name (dNSName)',
  ISSUER_DOMAIN_MISSING: 'the certificate names no issuing domain (issuerAltName dNSName)',
  ISSUER_NOT_DELEGATION_PARENT: "the issuing domain is not the subject's domain or a parent of it",
  ISSUER_BLACKLISTED: 'the issuing domain is blacklisted',
  CA_NOT_FOUND: "the issuing domain's CA certificate could not be found",
  RESOLVER_FAILED: "looking up the issuing domain's CA certificate failed",
  GATEWAY_NOT_TRUSTED: 'the gateway vouching for this identity is not trusted explicitly',
} as const;

/** An UPPER_SNAKE reason code. */
export type ReasonCode = keyof typeof REASON_TEXT;

/** One reason: a stable code, a sentence, and which certificate it concerns. */
export interface Reason {
  readonly code: ReasonCode;
  /** Human text: the code's sentence with the specifics. */
  readonly message: string;
  /** Subject of the certificate concerned (readable DN), when one is. */
  readonly subject?: string;
}

/** Builds a reason; `detail` is appended to the code's sentence. */
export function reason(code: ReasonCode, detail?: string, subject?: string): Reason {
  const message = detail === undefined ? REASON_TEXT[code] : `${REASON_TEXT[code]}: ${detail}`;
  return subject === undefined ? { code, message } : { code, message, subject };
}
