import { readFile, rename, writeFile } from 'node:fs/promises';
import { DEFAULT_PART_CACHE_BYTES } from '../store/index.ts';
import { parseCaResolverSpec } from './ca-resolvers.ts';
import { DaemonError } from './errors.ts';

/** Every size, count and time bound of mt2d (docs/mt2d.md, "Limits"). */
export interface ServerLimits {
  /** Most sessions open at once; more get 99.0.4.5. Default 1000. */
  readonly maxSessions: number;
  /** Largest message, all parts, in octets (MAXMSG). Default 64 MiB. */
  readonly maxMessageBytes: number;
  /** Largest headers or body part, in octets (MAXPART). Default 32 MiB. */
  readonly maxPartBytes: number;
  /** Largest envelope, in octets (kept in memory until it is complete). Default 256 KiB. */
  readonly maxEnvelopeBytes: number;
  /** Most recipients of one message. Default 100. */
  readonly maxRecipients: number;
  /** Most transfers in flight per session (MAXFLIGHT). Default 64. */
  readonly maxInFlight: number;
  /** Close a session after this long without input, in ms (IDLE). Default 300000. */
  readonly idleTimeoutMs: number;
  /** Bodies up to this size are checked for MIME syntax; larger ones are not. Default 1 MiB. */
  readonly mimeCheckMaxBytes: number;
  /**
   * Envelopes and headers kept in memory for LIST and PULL (src/server/store/part-cache.ts),
   * in octets; 0 keeps none. Default 64 MiB.
   */
  readonly partCacheBytes: number;
}

/** Hashcash postage (docs/mt2d.md, "Postage"). */
export interface PostageConfig {
  /** Leading zero bits required; 0 turns postage off. Default 20. */
  readonly bits: number;
  /** Days a stamp stays valid after its date. Default 28. */
  readonly validityDays: number;
  /** Days of clock skew tolerated. Default 2. */
  readonly graceDays: number;
  /** Senders that never pay (address or `@domain` patterns). Default: the own domain. */
  readonly exemptSenders: readonly string[];
}

/** Pre-transfer filters (docs/mt2d.md, "Filters"). */
export interface FilterConfig {
  /** Envelope senders refused (address or `@domain` patterns). */
  readonly blockedSenders: readonly string[];
  /** Envelope recipients refused (address or `@domain` patterns). */
  readonly blockedRecipients: readonly string[];
  /** Peer hosts refused in host sessions (host name or `.domain` patterns). */
  readonly blockedHosts: readonly string[];
  /** When not empty, only these hosts may open host sessions. */
  readonly allowedHosts: readonly string[];
  /** Transfer extensions (OPT names) and delivery extensions (OIDs) refused by policy. */
  readonly refusedExtensions: readonly string[];
  /** Check the MIME syntax of unencrypted bodies. Default true. */
  readonly checkMime: boolean;
  /** Phrases refused in the Subject of headers in the clear (case-insensitive). */
  readonly blockedSubjects: readonly string[];
  /** Phrases refused in the text of bodies in the clear (decoded, case-insensitive). */
  readonly blockedContent: readonly string[];
  /**
   * Encryption level: `any` (default), `required` (headers and body encrypted; control
   * messages, envelope only, pass) or `refused` (nothing encrypted, so filters can read it).
   */
  readonly encryption: EncryptionPolicy;
}

/** `filters.encryption`. */
export type EncryptionPolicy = 'any' | 'required' | 'refused';

/** Whom mt2d believes (docs/certificate-validation.md). */
export interface TrustConfig {
  /** PEM files of other domains' CAs to validate their hosts and users against. */
  readonly caFiles: readonly string[];
  /** Issuing domains whose certificates are refused (99.0.5.18). */
  readonly blacklistedIssuerDomains: readonly string[];
  /** Hosts trusted to have validated the identities they relay. */
  readonly trustedGateways: readonly string[];
  /**
   * Delegated CA lookup for CAs not in `caFiles`, asked in order: `dns:IP[:PORT]`,
   * `ldap://HOST[:PORT]`, `file:DIR`. Empty (the default): no lookup.
   */
  readonly caResolvers: readonly string[];
  /** How long a CA found by a resolver is kept, in ms. Default 3600000. */
  readonly caResolverCacheMs: number;
}

/** The relay to other domains (docs/mt2d-relay.md). */
export interface RelayConfig {
  /** DNS servers (`IP` or `IP:PORT`) for SRV records and their targets; empty: the system's. */
  readonly dnsServers: readonly string[];
  /** Wait before the first retry of a domain, in ms. Default 30000. */
  readonly initialRetryDelayMs: number;
  /** Longest wait between retries, in ms. Default 3600000. */
  readonly maxRetryDelayMs: number;
  /** A message undelivered this long is reported to its sender, in ms. Default 5 days. */
  readonly maxAgeMs: number;
  /** Domains worked on at once. Default 8. */
  readonly maxConcurrentDomains: number;
  /** Messages per run of a domain. Default 100. */
  readonly maxMessagesPerBatch: number;
  /** Host sessions kept open between batches (trusted peers). Default 16; 0 keeps none. */
  readonly maxKeptSessions: number;
  /** A kept session unused this long is closed, in ms. Default 60000. */
  readonly keptSessionIdleMs: number;
}

/** Hosted mailing lists (docs/mt2d.md, "Lists"). */
export interface ListsConfig {
  /** Most members of one list; past it, subscriptions are refused with TRY_LATER. Default 10000. */
  readonly maxMembers: number;
  /**
   * Most posts one list re-originates per minute. Default 60. Further posts wait,
   * durably, in the list's mailbox until the minute has passed.
   */
  readonly maxPostsPerMinute: number;
}

/** The defaults of {@link ListsConfig}. */
export const DEFAULT_LIST_LIMITS: ListsConfig = { maxMembers: 10_000, maxPostsPerMinute: 60 };

/** The contents of `mt2d.json`. */
export interface ServerConfig {
  readonly version: 1;
  /** The mail domain this server serves, e.g. `alpha.test`. */
  readonly domain: string;
  /** This host's name (its host certificate's dNSName). */
  readonly hostname: string;
  readonly limits: ServerLimits;
  readonly postage: PostageConfig;
  /** Per recipient: senders (address or `@domain`) that need no postage. */
  readonly whitelists: Readonly<Record<string, readonly string[]>>;
  readonly filters: FilterConfig;
  readonly trust: TrustConfig;
  /** Static routes: destination domain to `host:port`. */
  readonly routes: Readonly<Record<string, string>>;
  readonly relay: RelayConfig;
  readonly lists: ListsConfig;
}

const MIB = 1024 * 1024;

export const DEFAULT_LIMITS: ServerLimits = {
  maxSessions: 1000,
  maxMessageBytes: 64 * MIB,
  maxPartBytes: 32 * MIB,
  maxEnvelopeBytes: 256 * 1024,
  maxRecipients: 100,
  maxInFlight: 64,
  idleTimeoutMs: 300_000,
  mimeCheckMaxBytes: MIB,
  partCacheBytes: DEFAULT_PART_CACHE_BYTES,
};

/** The configuration `mt2d init` writes for a domain. */
export function defaultConfig(domain: string, hostname: string): ServerConfig {
  return {
    version: 1,
    domain,
    hostname,
    limits: DEFAULT_LIMITS,
    postage: { bits: 20, validityDays: 28, graceDays: 2, exemptSenders: [`@${domain}`] },
    whitelists: {},
    filters: {
      blockedSenders: [],
      blockedRecipients: [],
      blockedHosts: [],
      allowedHosts: [],
      refusedExtensions: [],
      checkMime: true,
      blockedSubjects: [],
      blockedContent: [],
      encryption: 'any',
    },
    trust: {
      caFiles: [],
      blacklistedIssuerDomains: [],
      trustedGateways: [],
      caResolvers: [],
      caResolverCacheMs: 3_600_000,
    },
    routes: {},
    relay: {
      dnsServers: [],
      initialRetryDelayMs: 30_000,
      maxRetryDelayMs: 3_600_000,
      maxAgeMs: 5 * 24 * 3_600_000,
      maxConcurrentDomains: 8,
      maxMessagesPerBatch: 100,
      maxKeptSessions: 16,
      keptSessionIdleMs: 60_000,
    },
    lists: DEFAULT_LIST_LIMITS,
  };
}

type Json = unknown;

function fail(path: string, expected: string): never {
  throw new DaemonError('MT2D_CONFIG_INVALID', `mt2d.json: ${path} must be ${expected}`);
}

function objectAt(value: Json, path: string): Record<string, Json> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'an object');
  return value as Record<string, Json>;
}

function stringAt(value: Json, path: string): string {
  if (typeof value !== 'string' || value === '') fail(path, 'a non-empty string');
  return value;
}

function countAt(value: Json, path: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    fail(path, `an integer of at least ${min}`);
  }
  return value;
}

function stringsAt(value: Json, path: string): string[] {
  if (!Array.isArray(value)) fail(path, 'an array of strings');
  return value.map((item, index) => stringAt(item, `${path}[${index}]`));
}

/** Reads an optional section key with its default; unknown keys are refused (typos). */
function section<T extends object>(
  value: Json,
  path: string,
  defaults: T,
  read: { [K in keyof T]: (value: Json, path: string) => T[K] },
): T {
  if (value === undefined) return defaults;
  const object = objectAt(value, path);
  for (const key of Object.keys(object)) {
    if (!Object.hasOwn(read, key)) fail(`${path}.${key}`, 'a known key (unknown key)');
  }
  const out: Partial<T> = {};
  for (const key of Object.keys(read) as (keyof T & string)[]) {
    out[key] = object[key] === undefined ? defaults[key] : read[key](object[key], `${path}.${key}`);
  }
  return out as T;
}

function stringMap<T>(
  value: Json,
  path: string,
  read: (value: Json, path: string) => T,
): Record<string, T> {
  if (value === undefined) return {};
  const out: Record<string, T> = {};
  for (const [key, item] of Object.entries(objectAt(value, path))) {
    out[key.toLowerCase()] = read(item, `${path}.${key}`);
  }
  return out;
}

const count = (min: number) => (value: Json, path: string) => countAt(value, path, min);

/**
 * Validates parsed `mt2d.json`: every key of docs/mt2d.md, defaults for the missing
 * optional ones, unknown keys refused.
 * @throws DaemonError MT2D_CONFIG_INVALID naming the key.
 */
export function parseConfig(value: Json): ServerConfig {
  const root = objectAt(value, '(root)');
  if (root['version'] !== 1) fail('version', '1');
  const domain = stringAt(root['domain'], 'domain').toLowerCase();
  const hostname = stringAt(root['hostname'], 'hostname').toLowerCase();
  const defaults = defaultConfig(domain, hostname);
  const known = new Set(Object.keys(defaults));
  for (const key of Object.keys(root)) if (!known.has(key)) fail(key, 'a known key (unknown key)');
  return {
    version: 1,
    domain,
    hostname,
    limits: section(root['limits'], 'limits', defaults.limits, {
      maxSessions: count(1),
      maxMessageBytes: count(0),
      maxPartBytes: count(0),
      maxEnvelopeBytes: count(1),
      maxRecipients: count(1),
      maxInFlight: count(1),
      idleTimeoutMs: count(0),
      mimeCheckMaxBytes: count(0),
      partCacheBytes: count(0),
    }),
    postage: section(root['postage'], 'postage', defaults.postage, {
      bits: count(0),
      validityDays: count(1),
      graceDays: count(0),
      exemptSenders: stringsAt,
    }),
    whitelists: stringMap(root['whitelists'], 'whitelists', stringsAt),
    filters: section(root['filters'], 'filters', defaults.filters, {
      blockedSenders: stringsAt,
      blockedRecipients: stringsAt,
      blockedHosts: stringsAt,
      allowedHosts: stringsAt,
      refusedExtensions: stringsAt,
      checkMime: (item, path) => (typeof item === 'boolean' ? item : fail(path, 'true or false')),
      blockedSubjects: stringsAt,
      blockedContent: stringsAt,
      encryption: (item, path) =>
        item === 'any' || item === 'required' || item === 'refused'
          ? item
          : fail(path, '"any", "required" or "refused"'),
    }),
    trust: section(root['trust'], 'trust', defaults.trust, {
      caFiles: stringsAt,
      blacklistedIssuerDomains: stringsAt,
      trustedGateways: stringsAt,
      caResolvers: (item, path) =>
        stringsAt(item, path).map((text, index) =>
          parseCaResolverSpec(text) === undefined
            ? fail(`${path}[${index}]`, 'dns:IP[:PORT], ldap://HOST[:PORT] or file:DIR')
            : text,
        ),
      caResolverCacheMs: count(0),
    }),
    routes: stringMap(root['routes'], 'routes', stringAt),
    relay: section(root['relay'], 'relay', defaults.relay, {
      dnsServers: stringsAt,
      initialRetryDelayMs: count(0),
      maxRetryDelayMs: count(0),
      maxAgeMs: count(0),
      maxConcurrentDomains: count(1),
      maxMessagesPerBatch: count(1),
      maxKeptSessions: count(0),
      keptSessionIdleMs: count(1),
    }),
    lists: section(root['lists'], 'lists', defaults.lists, {
      maxMembers: count(1),
      maxPostsPerMinute: count(1),
    }),
  };
}

/** Reads and validates `path`. */
export async function readConfig(path: string): Promise<ServerConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new DaemonError('MT2D_NOT_INITIALISED', `${path} does not exist (run mt2d init)`);
    }
    throw error;
  }
  let parsed: Json;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new DaemonError(
      'MT2D_CONFIG_INVALID',
      `${path} is not JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return parseConfig(parsed);
}

/** Writes `config` to `path` atomically (a temporary file renamed over it). */
export async function writeConfig(path: string, config: ServerConfig): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, path);
}
