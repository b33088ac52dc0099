import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import {
  IdentityValidator,
  SigningPool,
  appendTrace,
  appendTraceWith,
  caStoreOf,
  certificatesToPem,
  parseCertificates,
  type Credentials,
} from '../../identity/index.ts';
import { createMt2Server, mailboxExtension } from '../../protocol/index.ts';
import { acceptanceSession, type AcceptanceServer } from '../accept/connection.ts';
import { StoreMailbox } from '../mailbox/store-mailbox.ts';
import type { Delivered } from '../accept/message-intake.ts';
import { SpentStampLog } from '../postage/index.ts';
import { ListHost } from '../lists/index.ts';
import { Relay, dnsAddressLookup } from '../relay/index.ts';
import { RoutingTable, SrvRoutes, StaticRoutes } from '../routing/index.ts';
import { MessageStore } from '../store/index.ts';
import { readConfig, type ServerConfig } from './config.ts';
import { readServerCredentials, type ServerCredentials } from './credentials.ts';
import { dataDirLayout } from './data-dir.ts';
import { SILENT_LOG, type ServerLog } from './log.ts';
import { userCertificatePath } from './users.ts';

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
  readonly config: ServerConfig;
  readonly credentials: ServerCredentials;
  readonly store: MessageStore;
  readonly routing: RoutingTable;
  readonly validator: IdentityValidator;
  /** Stops listening, ends every session (99.0.4.4), closes the store. */
  close(): Promise<void>;
}

async function validatorFor(config: ServerConfig, ca: Credentials): Promise<IdentityValidator> {
  const others = await Promise.all(config.trust.caFiles.map((file) => readFile(file)));
  const anchors = [ca.certificate.raw, ...others].flatMap((pem) => parseCertificates(pem));
  return new IdentityValidator({
    store: caStoreOf(anchors, true),
    trust: {
      blacklistedIssuerDomains: config.trust.blacklistedIssuerDomains,
      vouchLists: [],
      trustedGateways: config.trust.trustedGateways,
    },
  });
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
  const validator = await validatorFor(config, credentials.ca);
  const log = options.log ?? SILENT_LOG;
  const store = await MessageStore.open(layout.store);
  const stamps = await SpentStampLog.open(layout.stamps).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  const routeEntries = [
    ...(options.routes ?? []),
    ...Object.entries(config.routes).map(([domain, target]) => `${domain}=${target}`),
  ];
  const { dnsServers } = config.relay;
  const dns = dnsServers.length > 0 ? { servers: dnsServers } : {};
  const routing = new RoutingTable([new StaticRoutes(routeEntries), new SrvRoutes(dns)]);
  // A user is local when its certificate file exists. Users are added while mt2d runs
  // (`mt2d user add`) but never removed, so only the addresses found are remembered: a
  // user added later is still found, and a known one costs no file system call. The key
  // is the address as asked, since that is the file name looked up.
  const knownUsers = new Set<string>();
  const isLocalUser = (address: string) => {
    if (knownUsers.has(address)) return true;
    if (!existsSync(userCertificatePath(layout, address))) return false;
    knownUsers.add(address);
    return true;
  };
  const localMailbox = (address: string) =>
    isLocalUser(address) ? address.toLowerCase() : undefined;
  const relay = new Relay({
    store,
    routing,
    host: { credentials: credentials.host, hostname: config.hostname },
    process: credentials.process,
    validator,
    localMailbox,
    ...(dnsServers.length > 0 ? { lookup: dnsAddressLookup(dnsServers) } : {}),
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
    validator,
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
    config,
    validator,
    store,
    stamps,
    log,
    isLocalUser: (address) => isLocalUser(address) || lists.isHostedList(address),
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
  return {
    address: { host: options.listen.host, port: listener.port },
    caCertificatePem: certificatesToPem([credentials.ca.certificate]),
    config,
    credentials,
    store,
    routing,
    validator,
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
