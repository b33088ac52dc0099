// Delegated CA lookup for mt2d (mt2-profile.md section 5): the resolvers named by
// `trust.caResolvers`, asked in order, their answers cached for `trust.caResolverCacheMs`.
import { resolverChain, type CaResolver, type CaResolverSpec } from '../../identity/index.ts';

export type { CaResolverSpec };

const DNS_SPEC = /^dns:(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s/]+))(?::(\d{1,5}))?$/;
const LDAP_SPEC = /^ldaps?:\/\/[^\s/]+\/?$/;

/**
 * Reads a resolver entry: `dns:IP[:PORT]` (CERT, then TXT at `_mt2ca.DOMAIN`),
 * `ldap://HOST[:PORT]` or `ldaps://...` (FIRS-style entries), `file:DIR` (DOMAIN.pem files).
 * Undefined when the text is none of these.
 */
export function parseCaResolverSpec(text: string): CaResolverSpec | undefined {
  const dns = DNS_SPEC.exec(text);
  if (dns !== null) {
    const port = dns[3] === undefined ? 53 : Number(dns[3]);
    const host = dns[1] ?? dns[2];
    return host === undefined || port < 1 || port > 65535 ? undefined : { kind: 'dns', host, port };
  }
  if (LDAP_SPEC.test(text)) return { kind: 'ldap', url: text };
  if (text.startsWith('file:') && text.length > 'file:'.length) {
    return { kind: 'file', folder: text.slice('file:'.length) };
  }
  return undefined;
}

/** Longest wait for one resolver's answer: a HELO waits for it. */
const RESOLVER_TIMEOUT_MS = 5000;

/** The resolver of `trust.caResolvers`, cached; undefined when the list is empty. */
export function caResolverFor(
  specs: readonly CaResolverSpec[],
  cacheMs: number,
): CaResolver | undefined {
  return resolverChain(specs, { timeoutMs: RESOLVER_TIMEOUT_MS, cacheMs });
}
