import type { CertificateSummary, CertificateVerdictView, ReasonView } from '../../api/index.ts';
import {
  addressesOf,
  hostnamesOf,
  isCa,
  issuerDomainsOf,
  parseCertificate,
  readCertificate,
  type ParsedCertificate,
  type Verdict,
} from '../../identity/index.ts';
import { certificateSentence, trustedByWords } from './vocabulary.ts';

function kindOf(certificate: ParsedCertificate): CertificateSummary['kind'] {
  if (isCa(certificate)) return 'ca';
  const addresses = addressesOf(certificate);
  if (addresses.length > 0) {
    // process@domain certificates are user certificates of a host's process.
    return addresses.some((address) => /^(mt2d|process)@/i.test(address)) ? 'process' : 'user';
  }
  return 'host';
}

function subjectOf(certificate: ParsedCertificate): string {
  if (isCa(certificate)) return issuerDomainsOf(certificate)[0] ?? certificate.subject.text;
  return addressesOf(certificate)[0] ?? hostnamesOf(certificate)[0] ?? certificate.subject.text;
}

/** Parses one certificate given as PEM (first block) or DER. */
export function parseAny(input: string | Uint8Array): ParsedCertificate {
  const der = typeof input === 'string' ? readCertificate(input).raw : input;
  return parseCertificate(der);
}

/** The API's summary of a certificate (PEM or DER). */
export function certificateSummary(
  input: string | Uint8Array | ParsedCertificate,
): CertificateSummary {
  const certificate =
    typeof input === 'string' || input instanceof Uint8Array ? parseAny(input) : input;
  return {
    fingerprint: certificate.fingerprint,
    subject: subjectOf(certificate),
    kind: kindOf(certificate),
    issuer: issuerDomainsOf(certificate)[0] ?? certificate.issuer.text,
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
  };
}

/** The validator's reasons (or warnings) in the API's form. */
export function reasonViews(reasons: Verdict['warnings']): ReasonView[] {
  return reasons.map((item) => ({ code: item.code, text: item.message }));
}

/** A verdict about `certificate` in the API's one vocabulary. */
export function verdictView(
  certificate: ParsedCertificate,
  verdict: Verdict,
): CertificateVerdictView {
  const summary = certificateSummary(certificate);
  const trustedBy = trustedByWords(verdict.trustedBy);
  return {
    certificate: summary,
    valid: verdict.valid,
    trusted: verdict.trusted,
    ...(trustedBy === undefined ? {} : { trustedBy }),
    summary: certificateSentence(
      summary,
      verdict.valid,
      trustedBy,
      verdict.source === 'delegated' ? verdict.caOrigin : undefined,
    ),
    reasons: reasonViews(verdict.validityReasons),
    ...(verdict.warnings.length === 0 ? {} : { notes: reasonViews(verdict.warnings) }),
  };
}
