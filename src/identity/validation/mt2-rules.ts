// The MT2 identity rules (profile section 5; slides "Identity Types" and "Delegated CA
// Validation"): a user certificate is bound to its address (rfc822Name), a host
// certificate to its hostname (dNSName), and the issuing domain (issuerAltName
// dNSName) is the subject's domain or a parent of it.
import type { ParsedCertificate } from './certificate.ts';
import { reason, type Reason } from './reasons.ts';

/** extendedKeyUsage purposes (RFC 5280 4.2.1.12). */
export const PURPOSE = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  emailProtection: '1.3.6.1.5.5.7.3.4',
} as const;

/**
 * Who a certificate must belong to: a user by address or a host by name. `purpose`
 * is the extendedKeyUsage required (default: emailProtection for a user,
 * serverAuth for a host).
 */
export type ExpectedIdentity =
  | { readonly kind: 'user'; readonly address: string; readonly purpose?: string }
  | { readonly kind: 'host'; readonly hostname: string; readonly purpose?: string };

/** The extendedKeyUsage purpose an identity check requires. */
export function purposeOf(expected: ExpectedIdentity): string {
  return (
    expected.purpose ?? (expected.kind === 'user' ? PURPOSE.emailProtection : PURPOSE.serverAuth)
  );
}

/** Lower-cases a domain and drops one trailing dot. */
export function normaliseDomain(domain: string): string {
  return domain.toLowerCase().replace(/\.$/, '');
}

/** The domain part of an address (after the last "@"), normalised. */
export function domainOfAddress(address: string): string {
  return normaliseDomain(address.slice(address.lastIndexOf('@') + 1));
}

/** The domain an identity lives in: an address's domain, or the hostname itself. */
export function subjectDomain(expected: ExpectedIdentity): string {
  return expected.kind === 'user'
    ? domainOfAddress(expected.address)
    : normaliseDomain(expected.hostname);
}

/** True when `parent` equals `child` or is a parent domain of it (label-wise). */
export function isDelegationParent(parent: string, child: string): boolean {
  const up = normaliseDomain(parent);
  const down = normaliseDomain(child);
  return up.length > 0 && (down === up || down.endsWith(`.${up}`));
}

/** The issuing domains a certificate names (issuerAltName dNSName entries). */
export function issuerDomainsOf(certificate: ParsedCertificate): string[] {
  return certificate.issuerAltNames.flatMap((name) =>
    name.kind === 'dns' ? [normaliseDomain(name.value)] : [],
  );
}

/** The addresses a certificate is bound to (subjectAltName rfc822Name). */
export function addressesOf(certificate: ParsedCertificate): string[] {
  return certificate.subjectAltNames.flatMap((name) =>
    name.kind === 'rfc822' ? [name.value] : [],
  );
}

/** The host names a certificate is bound to (subjectAltName dNSName). */
export function hostnamesOf(certificate: ParsedCertificate): string[] {
  return certificate.subjectAltNames.flatMap((name) =>
    name.kind === 'dns' ? [normaliseDomain(name.value)] : [],
  );
}

function sameAddress(a: string, b: string): boolean {
  // The local part is compared exactly, the domain without case (RFC 5280 7.5).
  const at = a.lastIndexOf('@');
  const bt = b.lastIndexOf('@');
  return at > 0 && a.slice(0, at) === b.slice(0, bt) && domainOfAddress(a) === domainOfAddress(b);
}

/** Checks that the certificate belongs to the expected user or host. */
export function checkSubjectBinding(
  certificate: ParsedCertificate,
  expected: ExpectedIdentity,
): Reason[] {
  const subject = certificate.subject.text;
  if (expected.kind === 'user') {
    const addresses = addressesOf(certificate);
    if (addresses.some((address) => sameAddress(address, expected.address))) return [];
    const has = addresses.length === 0 ? 'it names no address' : `it names ${addresses.join(', ')}`;
    return [reason('SUBJECT_ADDRESS_MISMATCH', `expected ${expected.address}, ${has}`, subject)];
  }
  const hostnames = hostnamesOf(certificate);
  if (hostnames.includes(normaliseDomain(expected.hostname))) return [];
  const has = hostnames.length === 0 ? 'it names no host' : `it names ${hostnames.join(', ')}`;
  return [reason('SUBJECT_HOST_MISMATCH', `expected ${expected.hostname}, ${has}`, subject)];
}

/**
 * Checks the issuing domain against the subject's domain. `required` makes a missing
 * issuerAltName a failure (delegated validation needs it to find the CA).
 */
export function checkIssuerDelegation(
  certificate: ParsedCertificate,
  domain: string,
  required: boolean,
): Reason[] {
  const issuers = issuerDomainsOf(certificate);
  const subject = certificate.subject.text;
  if (issuers.length === 0)
    return required ? [reason('ISSUER_DOMAIN_MISSING', undefined, subject)] : [];
  if (issuers.some((issuer) => isDelegationParent(issuer, domain))) return [];
  return [
    reason(
      'ISSUER_NOT_DELEGATION_PARENT',
      `${issuers.join(', ')} is not ${domain} or a parent of it`,
      subject,
    ),
  ];
}
