import type { SrvRecord } from 'node:dns';
import { Resolver } from 'node:dns/promises';
import { normalizeDomain, RoutingError, type Route, type RouteResolver } from './route.ts';

/** The SRV service label of MT2 (docs/protocol.md, routing): `_mt2._tcp.DOMAIN`. */
export const MT2_SRV_PREFIX = '_mt2._tcp.';

/** How long SRV answers are reused: 5 minutes (node's resolver does not expose TTLs). */
export const DEFAULT_SRV_CACHE_MS = 5 * 60 * 1000;

/** DNS errors that say "there is no such record", as opposed to "could not ask". */
const NO_DATA = new Set(['ENODATA', 'ENOTFOUND']);

export interface SrvRoutesOptions {
  /** DNS servers to ask (`IP` or `IP:PORT`); default: the system's. */
  readonly servers?: readonly string[];
  /** Milliseconds to keep answers. Default DEFAULT_SRV_CACHE_MS; 0 disables the cache. */
  readonly cacheMs?: number;
  /** Random numbers in [0, 1) for the weighted order. Default Math.random. */
  readonly random?: () => number;
  /** Milliseconds before a DNS query is abandoned. Default 5000. */
  readonly timeoutMs?: number;
}

/** Routes from DNS SRV records (RFC 2782): lower priority first, weighted order within. */
export class SrvRoutes implements RouteResolver {
  readonly #resolver: Resolver;
  readonly #cacheMs: number;
  readonly #random: () => number;
  readonly #cache = new Map<string, { records: readonly SrvRecord[]; until: number }>();

  constructor(options: SrvRoutesOptions = {}) {
    this.#resolver = new Resolver({ timeout: options.timeoutMs ?? 5000, tries: 2 });
    if (options.servers !== undefined) this.#resolver.setServers([...options.servers]);
    this.#cacheMs = options.cacheMs ?? DEFAULT_SRV_CACHE_MS;
    this.#random = options.random ?? Math.random;
  }

  async resolve(domain: string): Promise<readonly Route[]> {
    return orderSrvRecords(await this.#lookup(normalizeDomain(domain)), this.#random);
  }

  async #lookup(domain: string): Promise<readonly SrvRecord[]> {
    const cached = this.#cache.get(domain);
    if (cached !== undefined && cached.until > Date.now()) return cached.records;
    let records: readonly SrvRecord[];
    try {
      records = await this.#resolver.resolveSrv(MT2_SRV_PREFIX + domain);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (!NO_DATA.has(code)) {
        throw new RoutingError(
          'ROUTE_LOOKUP_FAILED',
          `SRV lookup for ${domain} failed: ${code}`,
          true,
        );
      }
      records = [];
    }
    if (this.#cacheMs > 0) this.#cache.set(domain, { records, until: Date.now() + this.#cacheMs });
    return records;
  }
}

/**
 * Orders SRV records as RFC 2782 intends: by priority, and within a priority by weighted
 * random draws, so a record of weight 3 comes first three times as often as one of
 * weight 1. (RFC 2782's literal draw over 0..sum inclusive skews small weights; the draw
 * here is over 0..sum-1, as Go's resolver does, which gives the exact proportions.)
 * Records of weight 0 follow the weighted ones, in random order. A single record whose
 * target is "." means the service is decidedly not available.
 */
export function orderSrvRecords(records: readonly SrvRecord[], random: () => number): Route[] {
  if (records.length === 1 && (records[0]?.name === '.' || records[0]?.name === '')) return [];
  const priorities = [...new Set(records.map((record) => record.priority))].sort((a, b) => a - b);
  const ordered: Route[] = [];
  for (const priority of priorities) {
    const remaining = records.filter((record) => record.priority === priority);
    while (remaining.length > 0) {
      const total = remaining.reduce((sum, record) => sum + record.weight, 0);
      let index: number;
      if (total === 0) {
        index = Math.floor(random() * remaining.length);
      } else {
        const draw = Math.floor(random() * total);
        let running = 0;
        index = remaining.findIndex((record) => (running += record.weight) > draw);
      }
      const [chosen] = remaining.splice(index, 1);
      if (chosen !== undefined) ordered.push({ host: chosen.name, port: chosen.port });
    }
  }
  return ordered;
}
