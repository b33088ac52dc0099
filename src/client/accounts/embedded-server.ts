import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ENGINE_ERROR, engineError } from '../errors.ts';
import type { EmbeddedServerSettings } from '../settings/settings.ts';

/** A running embedded mt2d, as the engine needs it. */
export interface EmbeddedServerHandle {
  readonly address: { readonly host: string; readonly port: number };
  close(): Promise<void>;
}

/**
 * How the engine sets up and runs the embedded mt2d. src/client may not import
 * src/server (architecture.md), so whoever creates the engine (main/, the web host,
 * tests) hands in src/server's functions: `{ init: initServerDirectory, certify:
 * addUser, renew: renewUser, start: startServer }` fit as they are.
 */
export interface EmbeddedServerHost {
  init(options: { dir: string; domain: string; hostname: string }): Promise<void>;
  certify(options: {
    dir: string;
    address: string;
    csrPem: string;
  }): Promise<{ certificatePem: string; chainPem: string }>;
  /** Certifies a new CSR of an existing local user (renewal). */
  renew(options: {
    dir: string;
    address: string;
    csrPem: string;
  }): Promise<{ certificatePem: string; chainPem: string }>;
  start(options: {
    dir: string;
    listen: { host: string; port: number };
  }): Promise<EmbeddedServerHandle>;
}

/** The embedded mt2d's folder inside the engine's data folder. */
export const EMBEDDED_DIR = 'mt2d';

/** Loopback only: the embedded server is never reachable from another machine. */
const LOOPBACK = '127.0.0.1';

/**
 * A fresh local domain: `u<12 hex>.mt2.localhost`. Names under `.localhost` never
 * resolve off this machine (RFC 6761), and the random label keeps two installations
 * from minting CAs for the same domain.
 */
export function newLocalDomain(): string {
  return `u${randomBytes(6).toString('hex')}.mt2.localhost`;
}

/** The host name of the embedded server's certificate. */
export function embeddedHostname(domain: string): string {
  return `mt2.${domain}`;
}

/** Creates the embedded server's folder: configuration, domain CA, host certificate. */
export async function initEmbeddedServer(
  host: EmbeddedServerHost,
  dataDir: string,
): Promise<EmbeddedServerSettings> {
  const domain = newLocalDomain();
  const dir = join(dataDir, EMBEDDED_DIR);
  try {
    await host.init({ dir, domain, hostname: embeddedHostname(domain) });
  } catch (error) {
    throw engineError(
      ENGINE_ERROR.EMBEDDED_SERVER,
      `The local mail server could not be set up: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return { dir: EMBEDDED_DIR, domain, port: 0 };
}

/** Has the embedded server's CA certify the user's CSR. */
export async function certifyLocalUser(
  host: EmbeddedServerHost,
  dataDir: string,
  settings: EmbeddedServerSettings,
  address: string,
  csrPem: string,
): Promise<{ certificatePem: string; chainPem: string }> {
  return host.certify({ dir: join(dataDir, settings.dir), address, csrPem });
}

/** Has the embedded server's CA certify a new CSR of a user it has (renewal). */
export async function renewLocalUser(
  host: EmbeddedServerHost,
  dataDir: string,
  settings: EmbeddedServerSettings,
  address: string,
  csrPem: string,
): Promise<{ certificatePem: string; chainPem: string }> {
  try {
    return await host.renew({ dir: join(dataDir, settings.dir), address, csrPem });
  } catch (error) {
    throw engineError(
      ENGINE_ERROR.EMBEDDED_SERVER,
      `The local mail server could not renew the certificate: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/**
 * Starts the embedded server on loopback, on its last port when that is free (so
 * nothing that remembered it breaks), else on a new one.
 */
export async function startEmbeddedServer(
  host: EmbeddedServerHost,
  dataDir: string,
  settings: EmbeddedServerSettings,
): Promise<EmbeddedServerHandle> {
  const dir = join(dataDir, settings.dir);
  if (settings.port !== 0) {
    try {
      return await host.start({ dir, listen: { host: LOOPBACK, port: settings.port } });
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && error.code === 'EADDRINUSE')) {
        throw wrap(error);
      }
    }
  }
  try {
    return await host.start({ dir, listen: { host: LOOPBACK, port: 0 } });
  } catch (error) {
    throw wrap(error);
  }
}

function wrap(error: unknown) {
  return engineError(
    ENGINE_ERROR.EMBEDDED_SERVER,
    `The local mail server could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
}
