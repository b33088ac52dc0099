import type { CaResolverView } from '../../api/index.ts';
import {
  CachingResolver,
  DnsResolver,
  FirstAnswerResolver,
  LdapResolver,
  StaticFileResolver,
  type CaResolver,
} from '../../identity/index.ts';

function resolverOf(setting: CaResolverView): CaResolver {
  switch (setting.kind) {
    case 'static-file':
      return new StaticFileResolver(setting.folder);
    case 'dns':
      return new DnsResolver({ host: setting.host, port: setting.port });
    case 'ldap':
      return new LdapResolver({ url: setting.url });
  }
}

/**
 * The resolver delegated validation uses: the configured ones in order, their answers
 * cached (an hour, the identity layer's default), so a mailbox from one domain costs one
 * lookup. Undefined when none is configured.
 */
export function delegatedResolver(settings: readonly CaResolverView[]): CaResolver | undefined {
  if (settings.length === 0) return undefined;
  return new CachingResolver(new FirstAnswerResolver(settings.map(resolverOf)));
}
