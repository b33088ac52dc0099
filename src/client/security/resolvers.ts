import type { CaResolverView } from '../../api/index.ts';
import {
  CachingResolver,
  DnsResolver,
  LdapResolver,
  StaticFileResolver,
  type CaResolver,
  type ResolvedCa,
} from '../../identity/index.ts';

/** Asks each resolver in turn; the first that finds certificates answers. */
class FirstAnswer implements CaResolver {
  readonly name: string;

  constructor(private readonly resolvers: readonly CaResolver[]) {
    this.name = resolvers.map((resolver) => resolver.name).join('+');
  }

  async resolve(domain: string): Promise<readonly ResolvedCa[]> {
    let failure: Error | undefined;
    for (const resolver of this.resolvers) {
      try {
        const found = await resolver.resolve(domain);
        if (found.length > 0) return found;
      } catch (error) {
        // Another resolver may still know the domain; the first failure is reported.
        failure ??= error instanceof Error ? error : new Error(String(error));
      }
    }
    if (failure !== undefined) throw failure;
    return [];
  }
}

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
  return new CachingResolver(new FirstAnswer(settings.map(resolverOf)));
}
