import { access } from 'node:fs/promises';
import { join } from 'node:path';

/** Where everything of one mt2d lives inside its data directory (docs/mt2d.md). */
export interface DataDirLayout {
  readonly config: string;
  readonly caCertificate: string;
  readonly caKey: string;
  readonly hostCertificate: string;
  readonly hostKey: string;
  readonly processCertificate: string;
  readonly processKey: string;
  /** One `<address>.pem` per local user: the certificate issued to them. */
  readonly users: string;
  /** The MessageStore (messages, mailboxes). */
  readonly store: string;
  /** The SpentStampLog (hashcash double-spend store). */
  readonly stamps: string;
  /** Hosted mailing lists: `<address>.json` (state; its existence makes the list), `.pem`, `.key`. */
  readonly lists: string;
}

/** The layout of the data directory `dir`. */
export function dataDirLayout(dir: string): DataDirLayout {
  return {
    config: join(dir, 'mt2d.json'),
    caCertificate: join(dir, 'ca', 'ca.pem'),
    caKey: join(dir, 'ca', 'ca.key'),
    hostCertificate: join(dir, 'host', 'host.pem'),
    hostKey: join(dir, 'host', 'host.key'),
    processCertificate: join(dir, 'process', 'process.pem'),
    processKey: join(dir, 'process', 'process.key'),
    users: join(dir, 'users'),
    store: join(dir, 'store'),
    stamps: join(dir, 'stamps'),
    lists: join(dir, 'lists'),
  };
}

/** Whether a file (or directory) of the data directory exists. */
export async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
