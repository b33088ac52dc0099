import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import {
  SigningPool,
  appendTrace,
  appendTraceWith,
  certificatesToPem,
  readCertificates,
  type IdentityValidator,
} from '../../identity/index.ts';
import { Mt2Error, createMt2Server, mailboxExtension } from '../../protocol/index.ts';
import { acceptanceSession, type AcceptanceServer } from '../accept/connection.ts';
import { StoreMailbox } from '../mailbox/store-mailbox.ts';
import type { Delivered } from '../accept/message-intake.ts';
import { SpentStampLog } from '../postage/index.ts';
import { ListHost } from '../lists/index.ts';
import { Relay } from '../relay/index.ts';
import type { RoutingTable } from '../routing/index.ts';
import { MessageStore } from '../store/index.ts';
import { readConfig, type ServerConfig } from './config.ts';
import { readServerCredentials, type ServerCredentials } from './credentials.ts';
import { dataDirLayout } from './data-dir.ts';
import { buildLiveConfig, reloadableChanges } from './live-config.ts';
import { SILENT_LOG, type ServerLog } from './log.ts';
import { isUserAddress, userCertificatePath } from './users.ts';

/** Options of {@link startServer}. */
export interface StartServerOptions {
  /** The data directory `mt2d init` made. */
  readonly dir: string;
  /** Where to listen; port 0 picks a free one (see `RunningServer.address`). */
  readonly listen: { readonly host: string; readonly port: number };
  /** Extra static routes `DOMAIN=HOST:PORT`, before those of mt2d.json. */
  readonly routes?: readonly string[];
  /** Structured log; default: none. */
  readonly log?: ServerLog;
  /** Called after a message was queued for another domain (`relay:<domain>`). */
  readonly onRelayQueued?: (domain: string) => void;
}

/** A running mt2d. */
export interface RunningServer {
  readonly address: { readonly host: string; readonly port: number };
  /** The domain CA certificate (PEM): what clients of this server trust. */
  readonly caCertificatePem: string;
  /** The configuration in force (replaced by {@link reload}). */
  readonly config: ServerConfig;
  readonly credentials: ServerCredentials;
  readonly store: MessageStore;
  readonly routing: RoutingTable;
  readonly validator: IdentityValidator;
  /**
   * Reads the configuration, trust files, users and lists again (SIGHUP) without ending
   * any session: new sessions and messages, in open sessions too, go by the new ones.
   * A configuration that does not read or build is refused and the running one stays.
   * Sessions of users removed since (`mt2d user remove`) are ended.
   * @returns the keys changed that only take effect at the next start, and the sessions
   *   of removed users that were ended.
   * @throws DaemonError MT2D_CONFIG_INVALID, MT2D_RELOAD_REFUSED; RoutingError
   *   ROUTE_INVALID; IdentityError for a trust file that is no certificate.
   */
  reload(): Promise<{ readonly needsRestart: readonly string[]; readonly endedSessions: number }>;
  /** Stops listening, ends every session (99.0.4.4), closes the store. */
  close(): Promise<void>;
}

/**
 * Starts mt2d on a data directory: reads the configuration and credentials, opens the
 * message store (replaying its log) and the spent-stamp log, and listens for MT2 over TLS.
 * The composition of the daemon lives here, so wiring in another part is a few lines.
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const layout = dataDirLayout(options.dir);
  const config = await readConfig(layout.config);
  const credentials = await readServerCredentials(layout);
  const extraRoutes = options.routes ?? [];
  let live = await buildLiveConfig(config, credentials.ca, extraRoutes);
  const log = options.log ?? SILENT_LOG;
  const store = await MessageStore.open(layout.store, {
    partCacheBytes: config.limits.partCacheBytes,
  });
  const stamps = await SpentStampLog.open(layout.stamps).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  // A user is local when its certificate file exists. Users are added while mt2d runs
  // (`mt2d user add`) and removed only with a reload after `mt2d user remove`, so only
  // the addresses found are remembered (until the reload): a user added later is still
  // found, and a known one costs no file system call. The key is the address as asked,
  // since that is the file name looked up.
  const knownUsers = new Set<string>();
  const isLocalUser = (address: string) => {
    if (knownUsers.has(address)) return true;
    // Only names `user add` could have made reach the file system (no `../` probing).
    if (!isUserAddress(address, config.domain)) return false;
    if (!existsSync(userCertificatePath(layout, address))) return false;
    knownUsers.add(address);
    return true;
  };
  // Read at each HELO (once per session), so a `user remove` counts at once there.
  const issuedCertificate = async (address: string) => {
    try {
      const pem = await readFile(userCertificatePath(layout, address));
      const raw = readCertificates(pem)[0]?.raw;
      return raw === undefined ? undefined : new Uint8Array(raw);
    } catch {
      return undefined; // removed, or unreadable: no certificate is the user's
    }
  };
  const localMailbox = (address: string) =>
    isLocalUser(address) ? address.toLowerCase() : undefined;
  // The relay and the list host read these through getters: a reload swaps `live`.
  const relay = new Relay({
    store,
    routing: { routesFor: (domain) => live.routing.routesFor(domain) },
    host: { credentials: credentials.host, hostname: config.hostname },
    process: credentials.process,
    get validator() {
      return live.validator;
    },
    localMailbox,
    get lookup() {
      return live.lookup;
    },
    retry: {
      initialDelayMs: config.relay.initialRetryDelayMs,
      maxDelayMs: config.relay.maxRetryDelayMs,
      maxAgeMs: config.relay.maxAgeMs,
    },
    limits: {
      maxConcurrentDomains: config.relay.maxConcurrentDomains,
      maxMessagesPerBatch: config.relay.maxMessagesPerBatch,
      maxKeptSessions: config.relay.maxKeptSessions,
      keptSessionIdleMs: config.relay.keptSessionIdleMs,
    },
    log,
  });
  const queued = (domain: string) => {
    relay.onRelayQueued(domain);
    options.onRelayQueued?.(domain);
  };
  const lists = await ListHost.open({
    dir: options.dir,
    store,
    get validator() {
      return live.validator;
    },
    host: { credentials: credentials.host, hostname: config.hostname },
    localMailbox,
    onRelayQueued: queued,
    log,
    limits: config.lists,
  });
  const onDelivered = (delivered: Delivered) => {
    log.event('delivered', {
      msgId: delivered.msgId,
      sender: delivered.envelope.sender,
      local: delivered.local.join(','),
      relay: delivered.remoteDomains.join(','),
      duplicate: delivered.duplicate,
    });
    for (const domain of delivered.remoteDomains) queued(domain);
    for (const address of delivered.local) lists.wake(address);
  };
  // RSA trace signatures (about 0.35 ms each) are made on worker threads, overlapping with
  // the wire and the store; an ECDSA P-256 one costs about what the hand-off to a worker
  // does, and inline it saves a thread switch per message (bench/README.md, bench:server).
  const hostKey = credentials.host.privateKey;
  const signing = hostKey.asymmetricKeyType === 'rsa' ? new SigningPool(hostKey) : undefined;
  const server: AcceptanceServer = {
    get config() {
      return live.config;
    },
    get validator() {
      return live.validator;
    },
    store,
    stamps,
    log,
    isLocalUser: (address) => isLocalUser(address) || lists.isHostedList(address),
    issuedCertificate,
    appendTrace: (envelope, at) =>
      signing === undefined
        ? appendTrace(envelope, credentials.host, config.hostname, at)
        : appendTraceWith(envelope, credentials.host, config.hostname, at, signing.sign),
    onDelivered,
    mailbox: mailboxExtension(new StoreMailbox(store)),
  };
  const { limits } = config;
  let sessions = 0;
  let listener;
  try {
    listener = await createMt2Server(
      {
        identity: {
          key: credentials.host.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
          cert: certificatesToPem([credentials.host.certificate, ...credentials.host.chain]),
        },
        sessionFor: () => acceptanceSession(server, `s${++sessions}`),
        maxSessions: limits.maxSessions,
        limits: {
          maxMessageBytes: limits.maxMessageBytes,
          maxPartBytes: limits.maxPartBytes,
          maxInFlight: limits.maxInFlight,
          idleTimeoutMs: limits.idleTimeoutMs,
        },
      },
      options.listen.port,
      options.listen.host,
    );
  } catch (error) {
    await Promise.all([store.close(), stamps.close(), signing?.close()]);
    throw error;
  }
  log.event('listening', {
    host: options.listen.host,
    port: listener.port,
    domain: config.domain,
    hostname: config.hostname,
  });
  relay.start();
  lists.start();
  let closing: Promise<void> | undefined;
  let reloads = Promise.resolve();
  return {
    address: { host: options.listen.host, port: listener.port },
    caCertificatePem: certificatesToPem([credentials.ca.certificate]),
    get config() {
      return live.config;
    },
    credentials,
    store,
    get routing() {
      return live.routing;
    },
    get validator() {
      return live.validator;
    },
    reload() {
      // One at a time: two SIGHUPs in a row must not interleave their swaps.
      const run = reloads.then(async () => {
        const next = await readConfig(layout.config);
        const needsRestart = reloadableChanges(live.config, next);
        live = await buildLiveConfig(next, credentials.ca, extraRoutes);
        knownUsers.clear();
        await lists.reload();
        const removed = [...listener.sessions].filter(
          ({ peer }) =>
            peer.kind === 'user' && peer.identity !== undefined && !isLocalUser(peer.identity),
        );
        await Promise.all(
          removed.map((session) =>
            session.close(new Mt2Error('SESSION_CLOSED', 'the user was removed from this server')),
          ),
        );
        return { needsRestart, endedSessions: removed.length };
      });
      reloads = run.then(
        () => undefined,
        () => undefined,
      );
      return run;
    },
    close() {
      closing ??= (async () => {
        await listener.close();
        await lists.close();
        await relay.close();
        await Promise.all([store.close(), stamps.close(), signing?.close()]);
        log.event('stopped', {});
      })();
      return closing;
    },
  };
}
