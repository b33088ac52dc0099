import type { CaResolverView } from '../../api/index.ts';
import { resolverChain, type CaResolver, type CaResolverSpec } from '../../identity/index.ts';

function specOf(setting: CaResolverView): CaResolverSpec {
  return setting.kind === 'static-file' ? { kind: 'file', folder: setting.folder } : setting;
}

/**
 * The resolver delegated validation uses: the configured ones in order, their answers
 * cached (an hour, the identity layer's default), so a mailbox from one domain costs one
 * lookup. Undefined when none is configured.
 */
export function delegatedResolver(settings: readonly CaResolverView[]): CaResolver | undefined {
  return resolverChain(settings.map(specOf));
}
