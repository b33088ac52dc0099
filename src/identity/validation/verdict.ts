// The verdict: what the app shows about a certificate. Validity (authorised to use this
// certificate) and trust (vouched for) are separate answers.
import type { ParsedCertificate } from './certificate.ts';
import { reason, type Reason } from './reasons.ts';
import type { TrustAttestation } from './trust.ts';

/** Where the CA that validated the certificate came from. */
export type VerdictSource = 'local-store' | 'delegated' | 'gateway' | 'none';

/** One certificate of the validated chain, as shown to people. */
export interface ChainLink {
  readonly subject: string;
  readonly issuer: string;
  readonly serial: string;
  /** SHA-256 of the DER, lowercase hex. */
  readonly fingerprint: string;
  /** ISO 8601. */
  readonly notBefore: string;
  /** ISO 8601. */
  readonly notAfter: string;
}

/** The full answer about one certificate. */
export interface Verdict {
  /** Authorised to use this certificate: the chain, the MT2 rules and the blacklist pass. */
  readonly valid: boolean;
  /** Why not valid; empty when valid. */
  readonly validityReasons: readonly Reason[];
  /** Noticed but not failing (e.g. revocation not determinable in best-effort mode). */
  readonly warnings: readonly Reason[];
  /** Vouched for by someone the user trusts; only ever true for a valid certificate. */
  readonly trusted: boolean;
  readonly trustedBy: readonly TrustAttestation[];
  /** Target first, then up to the CA that anchors it (the CA included). */
  readonly chain: readonly ChainLink[];
  readonly source: VerdictSource;
  /** Where a delegated CA was fetched from, e.g. "ldap://..."; undefined otherwise. */
  readonly caOrigin: string | undefined;
  /** The issuing domain the certificate names (issuerAltName dNSName), if any. */
  readonly issuerDomain: string | undefined;
}

/** The verdict on input that is not a usable certificate at all (none, too many, not DER). */
export function malformedVerdict(message: string): Verdict {
  return {
    valid: false,
    validityReasons: [reason('MALFORMED_CERTIFICATE', message)],
    warnings: [],
    trusted: false,
    trustedBy: [],
    chain: [],
    source: 'none',
    caOrigin: undefined,
    issuerDomain: undefined,
  };
}

/** A chain link for one certificate. */
export function linkOf(certificate: ParsedCertificate): ChainLink {
  return {
    subject: certificate.subject.text,
    issuer: certificate.issuer.text,
    serial: certificate.serial,
    fingerprint: certificate.fingerprint,
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
  };
}

/** Multi-line text of a verdict, as `mt2 cert verify` prints it. */
export function formatVerdict(verdict: Verdict): string {
  const lines = [`valid: ${verdict.valid ? 'yes' : 'no'} (source: ${verdict.source})`];
  for (const item of verdict.validityReasons) {
    lines.push(
      `  ${item.code}: ${item.message}${item.subject === undefined ? '' : ` [${item.subject}]`}`,
    );
  }
  for (const item of verdict.warnings) lines.push(`  warning ${item.code}: ${item.message}`);
  const by = verdict.trustedBy.map((attestation) =>
    attestation.kind === 'gateway'
      ? `gateway ${attestation.host}`
      : attestation.kind === 'ca'
        ? `CA ${attestation.name}`
        : `${attestation.name} (${attestation.entry})`,
  );
  lines.push(`trusted: ${verdict.trusted ? `yes, by ${by.join(', ')}` : 'no'}`);
  if (verdict.caOrigin !== undefined) lines.push(`CA from: ${verdict.caOrigin}`);
  verdict.chain.forEach((link, index) => {
    lines.push(`chain[${index}]: ${link.subject} (serial ${link.serial}, until ${link.notAfter})`);
  });
  return lines.join('\n');
}
