// What mt2d builds from its configuration and replaces as a whole on reload (SIGHUP):
// the configuration itself, the validator (trust files, CA resolvers and their cache),
// the routing table (routes, DNS servers) and the address lookup.
import { readFile } from 'node:fs/promises';
import {
  IdentityValidator,
  caStoreOf,
  parseCertificates,
  type Credentials,
} from '../../identity/index.ts';
import { dnsAddressLookup, systemAddressLookup, type AddressLookup } from '../relay/index.ts';
import { RoutingTable, SrvRoutes, StaticRoutes } from '../routing/index.ts';
import { caResolverFor, parseCaResolverSpec } from './ca-resolvers.ts';
import type { ServerConfig } from './config.ts';
import { DaemonError } from './errors.ts';

/** The configuration in force and what is built from it. */
export interface LiveConfig {
  readonly config: ServerConfig;
  readonly validator: IdentityValidator;
  readonly routing: RoutingTable;
  readonly lookup: AddressLookup;
}

async function readTrustFile(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new DaemonError('MT2D_CONFIG_INVALID', `trust.caFiles: cannot read ${file}: ${why}`);
  }
}

async function validatorFor(config: ServerConfig, ca: Credentials): Promise<IdentityValidator> {
  const others = await Promise.all(config.trust.caFiles.map(readTrustFile));
  const anchors = [ca.certificate.raw, ...others].flatMap((pem) => parseCertificates(pem));
  const specs = config.trust.caResolvers.flatMap((text) => parseCaResolverSpec(text) ?? []);
  const resolver = caResolverFor(specs, config.trust.caResolverCacheMs);
  return new IdentityValidator({
    store: caStoreOf(anchors, true),
    ...(resolver === undefined ? {} : { resolver }),
    trust: {
      blacklistedIssuerDomains: config.trust.blacklistedIssuerDomains,
      vouchLists: [],
      trustedGateways: config.trust.trustedGateways,
    },
  });
}

/**
 * Builds everything of `config` that a reload replaces; `extraRoutes` (`--route`) come
 * before the configuration's routes.
 * @throws DaemonError MT2D_CONFIG_INVALID for an unreadable trust file; RoutingError
 *   ROUTE_INVALID for a bad route; IdentityError for a trust file that is no PEM.
 */
export async function buildLiveConfig(
  config: ServerConfig,
  ca: Credentials,
  extraRoutes: readonly string[],
): Promise<LiveConfig> {
  const routeEntries = [
    ...extraRoutes,
    ...Object.entries(config.routes).map(([domain, target]) => `${domain}=${target}`),
  ];
  const { dnsServers } = config.relay;
  const dns = dnsServers.length > 0 ? { servers: dnsServers } : {};
  return {
    config,
    validator: await validatorFor(config, ca),
    routing: new RoutingTable([new StaticRoutes(routeEntries), new SrvRoutes(dns)]),
    lookup: dnsServers.length > 0 ? dnsAddressLookup(dnsServers) : systemAddressLookup,
  };
}

/** Keys whose values are fixed when mt2d starts (the listener's, the relay's and lists' limits). */
const FIXED_AT_START: readonly (readonly [string, (c: ServerConfig) => unknown])[] = [
  ['limits.maxSessions', (c) => c.limits.maxSessions],
  ['limits.maxMessageBytes', (c) => c.limits.maxMessageBytes],
  ['limits.maxPartBytes', (c) => c.limits.maxPartBytes],
  ['limits.maxInFlight', (c) => c.limits.maxInFlight],
  ['limits.partCacheBytes', (c) => c.limits.partCacheBytes],
  ['limits.idleTimeoutMs', (c) => c.limits.idleTimeoutMs],
  ['relay.initialRetryDelayMs', (c) => c.relay.initialRetryDelayMs],
  ['relay.maxRetryDelayMs', (c) => c.relay.maxRetryDelayMs],
  ['relay.maxAgeMs', (c) => c.relay.maxAgeMs],
  ['relay.maxConcurrentDomains', (c) => c.relay.maxConcurrentDomains],
  ['relay.maxMessagesPerBatch', (c) => c.relay.maxMessagesPerBatch],
  ['relay.maxKeptSessions', (c) => c.relay.maxKeptSessions],
  ['relay.keptSessionIdleMs', (c) => c.relay.keptSessionIdleMs],
  ['lists.maxMembers', (c) => c.lists.maxMembers],
  ['lists.maxPostsPerMinute', (c) => c.lists.maxPostsPerMinute],
];

/**
 * Checks a configuration read for a reload against the running one.
 * @returns the keys changed that take effect only at the next start.
 * @throws DaemonError MT2D_RELOAD_REFUSED when `domain` or `hostname` changed (the
 *   credentials are made for them).
 */
export function reloadableChanges(running: ServerConfig, next: ServerConfig): string[] {
  for (const key of ['domain', 'hostname'] as const) {
    if (running[key] !== next[key]) {
      throw new DaemonError(
        'MT2D_RELOAD_REFUSED',
        `${key} changed from ${running[key]} to ${next[key]}: restart mt2d for that`,
      );
    }
  }
  return FIXED_AT_START.filter(([, value]) => value(running) !== value(next)).map(([key]) => key);
}
