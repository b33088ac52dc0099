// The list patterns of mt2d.json (docs/mt2d.md, "Filters").

/** The domain of an address, lower case. */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
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
