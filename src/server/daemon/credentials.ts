import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  certificatesToPem,
  domainCaFrom,
  privateKeyToPem,
  readCertificates,
  readPrivateKey,
  type Credentials,
  type DomainCa,
} from '../../identity/index.ts';
import type { DataDirLayout } from './data-dir.ts';
import { DaemonError } from './errors.ts';

/** The three identities of a server: its domain CA, its host, its process user. */
export interface ServerCredentials {
  readonly ca: DomainCa;
  readonly host: Credentials;
  /** process@domain: signs the error reports this server sends. */
  readonly process: Credentials;
}

/**
 * Writes credentials as two files: the key (PKCS#8 PEM, mode 0600: the data directory
 * is the server's secret, as a CA key on disk always is) and the certificate with its
 * chain (PEM).
 */
export async function writeCredentials(
  certificatePath: string,
  keyPath: string,
  credentials: Credentials,
): Promise<void> {
  await mkdir(dirname(keyPath), { recursive: true, mode: 0o700 });
  await writeFile(keyPath, privateKeyToPem(credentials.privateKey), { mode: 0o600 });
  await writeFile(
    certificatePath,
    certificatesToPem([credentials.certificate, ...credentials.chain]),
  );
}

async function readCredentials(certificatePath: string, keyPath: string): Promise<Credentials> {
  try {
    const [certificate, ...chain] = readCertificates(await readFile(certificatePath, 'utf8'));
    if (certificate === undefined) throw new Error(`${certificatePath} holds no certificate`);
    return { certificate, chain, privateKey: readPrivateKey(await readFile(keyPath, 'utf8')) };
  } catch (error) {
    throw new DaemonError(
      'MT2D_CREDENTIALS_UNREADABLE',
      `${certificatePath} / ${keyPath}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Reads the CA, host and process credentials of a data directory. */
export async function readServerCredentials(layout: DataDirLayout): Promise<ServerCredentials> {
  const ca = domainCaFrom(await readCredentials(layout.caCertificate, layout.caKey));
  return {
    ca,
    host: await readCredentials(layout.hostCertificate, layout.hostKey),
    process: await readCredentials(layout.processCertificate, layout.processKey),
  };
}

/** Reads only the domain CA (user administration needs nothing else). */
export async function readDomainCa(layout: DataDirLayout): Promise<DomainCa> {
  return domainCaFrom(await readCredentials(layout.caCertificate, layout.caKey));
}
