// The resolver a list of configured lookups makes: each built from its spec, asked in
// order (the first answer wins), the answers cached. Shared by the client's trust
// settings and mt2d's `trust.caResolvers`.
import type { CaResolver } from '../validation/index.ts';
import { CachingResolver } from './caching.ts';
import { DnsResolver } from './dns.ts';
import { FirstAnswerResolver } from './first-answer.ts';
import { LdapResolver } from './ldap.ts';
import { StaticFileResolver } from './static-file.ts';

/** One configured CA lookup. */
export type CaResolverSpec =
  | { readonly kind: 'dns'; readonly host: string; readonly port: number }
  | { readonly kind: 'ldap'; readonly url: string }
  | { readonly kind: 'file'; readonly folder: string };

/** How long to wait for a network resolver, and to keep answers; defaults: the resolvers'. */
export interface ResolverChainOptions {
  readonly timeoutMs?: number;
  readonly cacheMs?: number;
}

function resolverOf(spec: CaResolverSpec, timeout: { timeoutMs?: number }): CaResolver {
  switch (spec.kind) {
    case 'dns':
      return new DnsResolver({ host: spec.host, port: spec.port, ...timeout });
    case 'ldap':
      return new LdapResolver({ url: spec.url, ...timeout });
    case 'file':
      return new StaticFileResolver(spec.folder);
  }
}

/** The configured resolvers in order, cached; undefined when there are none. */
export function resolverChain(
  specs: readonly CaResolverSpec[],
  options: ResolverChainOptions = {},
): CaResolver | undefined {
  if (specs.length === 0) return undefined;
  const timeout = options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs };
  const resolvers = specs.map((spec) => resolverOf(spec, timeout));
  const [only] = resolvers;
  const inner =
    resolvers.length === 1 && only !== undefined ? only : new FirstAnswerResolver(resolvers);
  return new CachingResolver(
    inner,
    options.cacheMs === undefined ? {} : { ttlMs: options.cacheMs },
  );
}
