import { mkdir } from 'node:fs/promises';
import {
  createDomainCa,
  createHostCredentials,
  createProcessCredentials,
  type KeyType,
} from '../../identity/index.ts';
import { defaultConfig, writeConfig } from './config.ts';
import { writeCredentials } from './credentials.ts';
import { dataDirLayout, exists } from './data-dir.ts';
import { DaemonError } from './errors.ts';

/** Options of {@link initServerDirectory}. */
export interface InitOptions {
  /** The data directory; created if missing. */
  readonly dir: string;
  /** The mail domain, e.g. `alpha.test`. */
  readonly domain: string;
  /** The host's name; default `mt2.<domain>`. */
  readonly hostname?: string;
  /**
   * The host key's type; default `ec` (ECDSA P-256): the host signs a trace entry for
   * every message it accepts, which costs about 20 times less than with RSA-2048.
   */
  readonly hostKeyType?: KeyType;
}

/**
 * `mt2d init`: writes the configuration, the domain CA, the host certificate and the
 * process@domain certificate (mt2d@domain) that signs error reports.
 * @throws DaemonError MT2D_ALREADY_INITIALISED when `dir` already holds mt2d.json;
 *   IdentityError IDENTITY_ISSUE_REFUSED when the hostname is outside the domain.
 */
export async function initServerDirectory(options: InitOptions): Promise<void> {
  const layout = dataDirLayout(options.dir);
  if (await exists(layout.config)) {
    throw new DaemonError('MT2D_ALREADY_INITIALISED', `${layout.config} already exists`);
  }
  const ca = await createDomainCa({ domain: options.domain });
  const hostname = (options.hostname ?? `mt2.${ca.domain}`).toLowerCase();
  const host = await createHostCredentials(ca, hostname, {
    keyType: options.hostKeyType ?? 'ec',
  });
  const processCredentials = await createProcessCredentials(ca);
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  await mkdir(layout.users, { recursive: true });
  await writeCredentials(layout.caCertificate, layout.caKey, ca);
  await writeCredentials(layout.hostCertificate, layout.hostKey, host);
  await writeCredentials(layout.processCertificate, layout.processKey, processCredentials);
  // Last: a directory with mt2d.json is a complete one.
  await writeConfig(layout.config, defaultConfig(ca.domain, hostname));
}
