// Addresses as mt2d compares them, and the list patterns of mt2d.json (docs/mt2d.md, "Filters").
import { normalizeDomain } from '../routing/index.ts';

/**
 * The domain of an address, normalised (lower case, no trailing dot): the one place
 * mt2d reads a domain out of an address, so `bob@beta.test.` and `bob@BETA.test` go
 * where `bob@beta.test` goes.
 */
export function domainOf(address: string): string {
  return normalizeDomain(address.slice(address.lastIndexOf('@') + 1));
}

/** An address as mt2d compares it: lower case, its domain normalised ({@link domainOf}). */
export function normalizeAddress(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0
    ? address.toLowerCase()
    : `${address.slice(0, at).toLowerCase()}@${domainOf(address)}`;
}

function withinDomain(domain: string, parent: string): boolean {
  return domain === parent || domain.endsWith(`.${parent}`);
}

/**
 * Whether an address matches a pattern: `*` (everyone), `@domain` (the domain and its
 * subdomains) or an address (case-insensitive).
 */
export function addressMatches(pattern: string, address: string): boolean {
  const lower = pattern.toLowerCase();
  if (lower === '*') return true;
  if (lower.startsWith('@')) return withinDomain(domainOf(address), lower.slice(1));
  return lower === address.toLowerCase();
}

/** Whether a host name matches a pattern: `*`, `.domain` (anything under it) or a name. */
export function hostMatches(pattern: string, host: string): boolean {
  const lower = pattern.toLowerCase();
  const name = host.toLowerCase();
  if (lower === '*') return true;
  if (lower.startsWith('.')) return withinDomain(name, lower.slice(1));
  return lower === name;
}

/** Whether any pattern of `list` matches. */
export function anyAddressMatches(list: readonly string[], address: string): boolean {
  return list.some((pattern) => addressMatches(pattern, address));
}

/** Whether any pattern of `list` matches the host. */
export function anyHostMatches(list: readonly string[], host: string): boolean {
  return list.some((pattern) => hostMatches(pattern, host));
}
