// Delegated CA lookup for mt2d (mt2-profile.md section 5): the resolvers named by
// `trust.caResolvers`, asked in order, their answers cached for `trust.caResolverCacheMs`.
import {
  CachingResolver,
  DnsResolver,
  FirstAnswerResolver,
  LdapResolver,
  StaticFileResolver,
  type CaResolver,
} from '../../identity/index.ts';

/** One entry of `trust.caResolvers`, parsed. */
export type CaResolverSpec =
  | { readonly kind: 'dns'; readonly host: string; readonly port: number }
  | { readonly kind: 'ldap'; readonly url: string }
  | { readonly kind: 'file'; readonly folder: string };

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

function resolverOf(spec: CaResolverSpec): CaResolver {
  switch (spec.kind) {
    case 'dns':
      return new DnsResolver({ host: spec.host, port: spec.port, timeoutMs: RESOLVER_TIMEOUT_MS });
    case 'ldap':
      return new LdapResolver({ url: spec.url, timeoutMs: RESOLVER_TIMEOUT_MS });
    case 'file':
      return new StaticFileResolver(spec.folder);
  }
}

/** The resolver of `trust.caResolvers`, cached; undefined when the list is empty. */
export function caResolverFor(
  specs: readonly CaResolverSpec[],
  cacheMs: number,
): CaResolver | undefined {
  if (specs.length === 0) return undefined;
  const resolvers = specs.map(resolverOf);
  const first = resolvers[0];
  const inner =
    resolvers.length === 1 && first !== undefined ? first : new FirstAnswerResolver(resolvers);
  return new CachingResolver(inner, { ttlMs: cacheMs });
}
