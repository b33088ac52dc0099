// Name checks shared by the issuing code: what a CA of a domain may put in a certificate.
import { IdentityError } from './errors.ts';

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$/i;

function refuse(why: string): IdentityError {
  return new IdentityError('IDENTITY_ISSUE_REFUSED', why);
}

/** Lower-cases and checks a DNS name (LDH labels, at most 253 octets, no trailing dot). */
export function normalizeDnsName(name: string): string {
  const lower = name.toLowerCase();
  if (lower.length > 253 || !lower.split('.').every((label) => LABEL.test(label))) {
    throw refuse(`'${name}' is not a valid DNS name`);
  }
  return lower;
}

/** True when `name` is `domain` itself or a name under it. */
export function isWithinDomain(name: string, domain: string): boolean {
  return name === domain || name.endsWith(`.${domain}`);
}

/** Checks that `hostname` may be certified by the CA of `domain`; returns it normalised. */
export function hostnameForDomain(hostname: string, domain: string): string {
  const normalized = normalizeDnsName(hostname);
  if (!isWithinDomain(normalized, domain)) {
    throw refuse(`host ${normalized} is outside the CA's domain ${domain}`);
  }
  return normalized;
}

/**
 * Checks that `address` (local@domain) may be certified by the CA of `domain`; returns it
 * with the domain lower-cased (the local part keeps its case, RFC 5321 section 2.4).
 */
export function addressForDomain(address: string, domain: string): string {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  if (at <= 0 || !LOCAL_PART.test(local)) throw refuse(`'${address}' is not a valid address`);
  const addressDomain = normalizeDnsName(address.slice(at + 1));
  if (!isWithinDomain(addressDomain, domain)) {
    throw refuse(`address ${address} is outside the CA's domain ${domain}`);
  }
  return `${local}@${addressDomain}`;
}
