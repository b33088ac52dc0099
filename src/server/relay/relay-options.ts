import type { Credentials, IdentityValidator } from '../../identity/index.ts';
import type { Mt2Limits } from '../../protocol/index.ts';
import type { Route } from '../routing/index.ts';
import type { MessageStore } from '../store/index.ts';
import type { AddressLookup } from './address-lookup.ts';
import type { RelayClock } from './clock.ts';
import { RelayError } from './errors.ts';
import type { HostIdentity } from './host-session.ts';
import type { RelayLog } from './relay-log.ts';
import type { RetryPolicy } from './retry-policy.ts';

/** The relay's limits. Each must be at least 1 (maxKeptSessions may be 0). */
export interface RelayLimits {
  /** Domains worked on at once. Default 8. */
  readonly maxConcurrentDomains: number;
  /** Messages taken from a domain's queue per run (then other domains get a turn). Default 100. */
  readonly maxMessagesPerBatch: number;
  /** Messages in progress at once on one pipelined session. Default 8. */
  readonly maxParallelTransfers: number;
  /** Host sessions kept open between batches (trusted peers only). Default 16; 0 keeps none. */
  readonly maxKeptSessions: number;
  /** How long a kept session may stay unused, in ms. Default 60 000. */
  readonly keptSessionIdleMs: number;
  /** Longest connect and TLS handshake, and again greeting, HELO and OPT, in ms. Default 10 000. */
  readonly connectTimeoutMs: number;
}

export const DEFAULT_RELAY_LIMITS: RelayLimits = Object.freeze({
  maxConcurrentDomains: 8,
  maxMessagesPerBatch: 100,
  maxParallelTransfers: 8,
  maxKeptSessions: 16,
  keptSessionIdleMs: 60_000,
  connectTimeoutMs: 10_000,
});

/** Where the routes of a domain come from (mt2d's RoutingTable: --route, then DNS SRV). */
export interface RouteSource {
  routesFor(domain: string): Promise<readonly Route[]>;
}

/** Everything the relay is built from; mt2d's composition hands these in. */
export interface RelayOptions {
  /** The store mt2d queues messages in (`relay:<domain>`) and delivers local mail to. */
  readonly store: MessageStore;
  readonly routing: RouteSource;
  /** The host certificate and name this server relays with. */
  readonly host: HostIdentity;
  /** The process@domain credentials error reports are signed with. */
  readonly process: Credentials;
  /** Judges peers' host certificates; its trust settings decide which sessions are kept. */
  readonly validator: IdentityValidator;
  /** The store mailbox of a local address, or undefined for an address of another domain. */
  readonly localMailbox: (address: string) => string | undefined;
  /** Addresses of route host names. Default: the system resolver. */
  readonly lookup?: AddressLookup;
  readonly retry?: Partial<RetryPolicy>;
  readonly limits?: Partial<RelayLimits>;
  /** This side's protocol limits on host sessions. */
  readonly protocolLimits?: Partial<Mt2Limits>;
  /** Default: the system clock. */
  readonly clock?: RelayClock;
  /** Numbers in [0, 1) for the retry jitter. Default Math.random. */
  readonly random?: () => number;
  readonly log?: RelayLog;
}

/**
 * The limits with defaults filled in.
 * @throws RelayError RELAY_BAD_OPTION for a limit below its minimum.
 */
export function resolveRelayLimits(partial: Partial<RelayLimits> = {}): RelayLimits {
  const limits = { ...DEFAULT_RELAY_LIMITS, ...partial };
  for (const [name, value] of Object.entries(limits)) {
    const minimum = name === 'maxKeptSessions' ? 0 : 1;
    if (!Number.isInteger(value) || value < minimum) {
      throw new RelayError(
        'RELAY_BAD_OPTION',
        `${name} must be an integer >= ${minimum}: ${value}`,
      );
    }
  }
  return limits;
}
