import { ResolverError } from './errors.ts';

/** Longest domain name accepted (RFC 1035: 253 characters of text). */
const MAX_DOMAIN_LENGTH = 253;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Normalises a domain for lookups (lower case, no trailing dot) and refuses anything
 * that is not a plain DNS name, so it can go into file names, LDAP DNs and queries.
 */
export function checkedDomain(domain: string): string {
  const name = domain.toLowerCase().replace(/\.$/, '');
  if (
    name.length === 0 ||
    name.length > MAX_DOMAIN_LENGTH ||
    !name.split('.').every((label) => LABEL.test(label))
  ) {
    throw new ResolverError('INVALID_DOMAIN', `not a domain name: '${domain.slice(0, 80)}'`);
  }
  return name;
}
