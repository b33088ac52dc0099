// CA resolvers for delegated CA validation, all behind validation's CaResolver.
export { ResolverError, type ResolverErrorCode } from './errors.ts';
export { StaticFileResolver } from './static-file.ts';
export { LdapResolver, firsFilter, firsSearchBase, type LdapResolverOptions } from './ldap.ts';
export {
  DnsResolver,
  TXT_PREFIX,
  txtOwner,
  type DnsRecordKind,
  type DnsResolverOptions,
} from './dns.ts';
export { CachingResolver, type CachingOptions } from './caching.ts';
export { FirstAnswerResolver } from './first-answer.ts';
export { resolverChain, type CaResolverSpec, type ResolverChainOptions } from './chain.ts';
