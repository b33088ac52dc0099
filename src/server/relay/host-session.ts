import { isIP } from 'node:net';
import {
  certificatesToPem,
  checkPeer,
  hostnamesOf,
  isDelegationParent,
  parseCertificate,
  privateKeyToPem,
  type Credentials,
  type IdentityValidator,
} from '../../identity/index.ts';
import {
  connectMt2,
  pipeExtension,
  resolveLimits,
  type ClientSession,
  type Mt2Limits,
} from '../../protocol/index.ts';
import type { Route } from '../routing/index.ts';
import type { AddressLookup } from './address-lookup.ts';
import { RelayError } from './errors.ts';

/** This server's host identity: the host certificate (with its chain) and its name. */
export interface HostIdentity {
  readonly credentials: Credentials;
  readonly hostname: string;
}

/** How host sessions are opened. */
export interface HostSessionOptions {
  readonly identity: HostIdentity;
  /** Judges the peer's host certificate (its local CA store, resolvers, trust policy). */
  readonly validator: IdentityValidator;
  readonly lookup: AddressLookup;
  /** Longest connect and TLS handshake, and again longest greeting, HELO and OPT, in ms. */
  readonly connectTimeoutMs: number;
  /** This side's protocol limits (defaults: the protocol's). */
  readonly limits?: Partial<Mt2Limits>;
}

/** An authenticated host session to a peer of one destination domain. */
export interface HostSession {
  readonly session: ClientSession;
  readonly domain: string;
  readonly route: Route;
  /** The host name the peer's certificate was validated for. */
  readonly peerHost: string;
  /** The validator called the peer trusted (so the session may be kept between batches). */
  readonly trusted: boolean;
  /** PIPE was offered and granted. */
  readonly pipelined: boolean;
  /** The smaller of both sides' MAXFLIGHT. */
  readonly maxInFlight: number;
  /** The peer's IDLE limit, in ms (0: none). */
  readonly peerIdleTimeoutMs: number;
  isOpen(): boolean;
  /** Says QUIT and closes; never rejects. */
  quit(): Promise<void>;
  /** Drops the connection at once. */
  destroy(): void;
}

/**
 * Opens a host session to `route` for `domain` (issue 5, "relay to other domains with the
 * host identity"): TLS 1.3 with the host certificate as client certificate, the peer's
 * host certificate validated (src/identity checkPeer, purpose serverAuth) for the name
 * the route gave, HELO with our host chain, then PIPE when offered.
 *
 * A route by name (an SRV target, a static route by name) must be served by a host
 * certificate for that name. A route by address (a static `DOMAIN=IP:PORT`) names no
 * host, so the certificate must name a host inside the destination domain.
 * @throws Mt2Error TLS_FAILED (connection, handshake or certificate; the message says
 *   which), REFUSED (HELO refused, with the peer's code), or RelayError
 *   RELAY_ADDRESS_UNKNOWN.
 */
export async function openHostSession(
  domain: string,
  route: Route,
  options: HostSessionOptions,
): Promise<HostSession> {
  const address = await options.lookup(route.host);
  const byName = isIP(route.host) === 0;
  let judged: { host: string; trusted: boolean } | undefined;
  const { credentials } = options.identity;
  const connection = await connectMt2({
    host: address,
    port: route.port,
    // By address, SNI names the domain (an IP literal is no valid SNI, RFC 6066).
    servername: byName ? route.host : domain,
    identity: {
      key: privateKeyToPem(credentials.privateKey),
      cert: certificatesToPem([credentials.certificate, ...credentials.chain]),
    },
    checkServerCertificate: async (der, intermediates) => {
      const chain: [Uint8Array, ...Uint8Array[]] = [der, ...intermediates];
      judged = await judgePeer(chain, byName ? route.host : undefined, domain, options.validator);
    },
    extensions: [pipeExtension()],
    connectTimeoutMs: options.connectTimeoutMs,
    ...(options.limits === undefined ? {} : { limits: options.limits }),
  });
  const { session } = connection;
  // connectMt2 bounds connect and handshake; this bounds the greeting, HELO and OPT.
  const deadline = setTimeout(() => {
    connection.destroy();
  }, options.connectTimeoutMs);
  try {
    if (judged === undefined) {
      throw new RelayError('RELAY_PEER_INVALID', 'the peer certificate was never checked');
    }
    const peer = judged;
    const greeting = await session.greeting;
    const chain = Buffer.concat([
      credentials.certificate.raw,
      ...credentials.chain.map((c) => c.raw),
    ]);
    const helo = await session.helo(new Uint8Array(chain));
    let pipelined = false;
    if (helo.offered.includes('PIPE')) {
      const granted = await session.opt([{ kind: 'option', name: 'PIPE', values: ['ON'] }]);
      pipelined = granted.ok && session.mode === 'pipelined';
    }
    return {
      session,
      domain,
      route,
      peerHost: peer.host,
      trusted: peer.trusted,
      pipelined,
      maxInFlight: Math.min(greeting.limits.maxInFlight, resolveLimits(options.limits).maxInFlight),
      peerIdleTimeoutMs: greeting.limits.idleTimeoutMs,
      isOpen: () => session.state === 'authenticated',
      quit: async () => {
        await quitWithin(session, QUIT_TIMEOUT_MS);
        connection.destroy();
      },
      destroy: () => {
        connection.destroy();
      },
    };
  } catch (error) {
    connection.destroy();
    throw error;
  } finally {
    clearTimeout(deadline);
  }
}

/** How long QUIT may wait for its answer before the connection is dropped anyway. */
const QUIT_TIMEOUT_MS = 2000;

/** Says QUIT; a peer that does not answer in time does not hold up a shutdown. */
async function quitWithin(session: ClientSession, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  try {
    await Promise.race([session.quit().catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Validates the peer's host certificate with the intermediates it presented (its own
 * first); returns the name it is for and whether trusted.
 */
async function judgePeer(
  chainDer: readonly [Uint8Array, ...Uint8Array[]],
  routeHost: string | undefined,
  domain: string,
  validator: IdentityValidator,
): Promise<{ host: string; trusted: boolean }> {
  const host = routeHost ?? hostInDomain(chainDer[0], domain);
  const verdict = await checkPeer(validator, {
    chainDer,
    expected: { kind: 'host', hostname: host },
    role: 'server',
  });
  if (!verdict.valid) {
    const reasons = verdict.validityReasons.map((reason) => reason.message).join('; ');
    throw new RelayError('RELAY_PEER_INVALID', `host certificate of ${host}: ${reasons}`);
  }
  return { host, trusted: verdict.trusted };
}

function hostInDomain(der: Uint8Array, domain: string): string {
  let names: string[];
  try {
    names = hostnamesOf(parseCertificate(der));
  } catch (error) {
    throw new RelayError('RELAY_PEER_INVALID', `unreadable host certificate: ${String(error)}`);
  }
  const host = names.find((name) => isDelegationParent(domain, name));
  if (host === undefined) {
    throw new RelayError(
      'RELAY_PEER_NOT_IN_DOMAIN',
      `the peer's certificate names no host of ${domain} (${names.join(', ') || 'none'})`,
    );
  }
  return host;
}
