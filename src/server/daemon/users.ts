import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  certificatesToPem,
  createCsr,
  exportPkcs12,
  generateRsaPrivateKey,
  issueUserCertificate,
} from '../../identity/index.ts';
import { MessageStore } from '../store/index.ts';
import { liveEntries } from '../relay/index.ts';
import { readConfig } from './config.ts';
import { readDomainCa } from './credentials.ts';
import { dataDirLayout, exists, type DataDirLayout } from './data-dir.ts';
import { DaemonError } from './errors.ts';

/** Local parts mt2d gives mailboxes to: they name files, so a safe ASCII subset. */
const LOCAL_PART = /^[a-z0-9](?:[a-z0-9._+-]{0,62}[a-z0-9])?$/;

/**
 * The canonical (lower-case) form of a local user's address.
 * @throws DaemonError MT2D_ADDRESS_INVALID when it is no address of `domain` or its
 *   local part is outside `[a-z0-9._+-]`.
 */
export function localAddress(address: string, domain: string): string {
  const lower = address.toLowerCase();
  if (!isUserAddress(lower, domain)) {
    throw new DaemonError(
      'MT2D_ADDRESS_INVALID',
      `'${address}' is not an address of ${domain} (local part: a-z 0-9 . _ + -)`,
    );
  }
  return lower;
}

/** Whether `address` can name a local user's file (see {@link localAddress}); never throws. */
export function isUserAddress(address: string, domain: string): boolean {
  const at = address.lastIndexOf('@');
  return at > 0 && address.slice(at + 1) === domain && LOCAL_PART.test(address.slice(0, at));
}

/** The file holding a local user's certificate: its existence makes the user local. */
export function userCertificatePath(layout: DataDirLayout, address: string): string {
  return join(layout.users, `${address}.pem`);
}

/** What `mt2d user add --csr` hands back. */
export interface IssuedUser {
  readonly certificatePem: string;
  /** The domain CA certificate (PEM), to install beside the user's certificate. */
  readonly chainPem: string;
}

async function locate(dir: string, address: string) {
  const layout = dataDirLayout(dir);
  const config = await readConfig(layout.config);
  const canonical = localAddress(address, config.domain);
  return { layout, canonical, path: userCertificatePath(layout, canonical) };
}

async function prepare(dir: string, address: string) {
  const { layout, canonical, path } = await locate(dir, address);
  // A hosted list's address is taken too: its mailbox is the list's input queue.
  if ((await exists(path)) || (await exists(join(layout.lists, `${canonical}.json`)))) {
    throw new DaemonError('MT2D_USER_EXISTS', `${canonical} already has a certificate`);
  }
  return { path, address: canonical, ca: await readDomainCa(layout) };
}

/**
 * `mt2d user add --csr`: certifies the user's CSR (made where their key lives) for
 * `address` and registers the user (a mailbox of this server).
 * @throws DaemonError MT2D_ADDRESS_INVALID, MT2D_USER_EXISTS, MT2D_NOT_INITIALISED;
 *   IdentityError for a bad CSR or one asking for another address.
 */
export async function addUser(options: {
  readonly dir: string;
  readonly address: string;
  readonly csrPem: string;
}): Promise<IssuedUser> {
  const { path, address, ca } = await prepare(options.dir, options.address);
  const certificate = issueUserCertificate(ca, options.csrPem, { address });
  const certificatePem = certificatesToPem([certificate]);
  await writeFile(path, certificatePem, { flag: 'wx' });
  return { certificatePem, chainPem: certificatesToPem([ca.certificate]) };
}

/**
 * `mt2d user renew --csr`: certifies a new CSR of an existing local user (a new key, or
 * a certificate that expires soon). The mailbox stays; only the new certificate opens a
 * session from now on, while mail signed with an earlier one still verifies.
 * @throws DaemonError MT2D_USER_UNKNOWN, MT2D_ADDRESS_INVALID, MT2D_NOT_INITIALISED;
 *   IdentityError for a bad CSR or one asking for another address.
 */
export async function renewUser(options: {
  readonly dir: string;
  readonly address: string;
  readonly csrPem: string;
}): Promise<IssuedUser> {
  const { layout, canonical, path } = await locate(options.dir, options.address);
  if (!(await exists(path))) {
    throw new DaemonError('MT2D_USER_UNKNOWN', `${canonical} is no local user here`);
  }
  const ca = await readDomainCa(layout);
  const certificate = issueUserCertificate(ca, options.csrPem, { address: canonical });
  const certificatePem = certificatesToPem([certificate]);
  const temporary = `${path}.tmp`;
  await writeFile(temporary, certificatePem);
  await rename(temporary, path);
  return { certificatePem, chainPem: certificatesToPem([ca.certificate]) };
}

/**
 * `mt2d user add --p12`: makes the user's key here, certifies it and returns the whole
 * identity as a password-protected PKCS#12 (key, certificate, CA).
 */
export async function addUserWithP12(options: {
  readonly dir: string;
  readonly address: string;
  readonly p12Password: string;
}): Promise<Uint8Array> {
  const { path, address, ca } = await prepare(options.dir, options.address);
  const privateKey = await generateRsaPrivateKey();
  const certificate = issueUserCertificate(ca, createCsr(privateKey, { address }), { address });
  await writeFile(path, certificatesToPem([certificate]), { flag: 'wx' });
  return new Uint8Array(
    exportPkcs12({ certificate, privateKey, chain: [ca.certificate] }, options.p12Password, {
      friendlyName: address,
    }),
  );
}

/** What `mt2d user remove` did. */
export interface RemovedUser {
  readonly address: string;
  /** Messages expunged from the mailbox (`purge`); 0 when the mailbox was kept. */
  readonly purged: number;
}

/**
 * `mt2d user remove`: the user's certificate file goes, so the address has no mailbox
 * here any more (its certificate is refused in HELO with 99.0.5.40, mail to it with
 * 99.0.5.46, once a running mt2d reloads). The mailbox's messages stay in the store
 * unless `purge`, which expunges them; purging needs the store, so mt2d must be stopped
 * (STORE_LOCKED otherwise, and nothing is changed).
 * @throws DaemonError MT2D_ADDRESS_INVALID, MT2D_USER_UNKNOWN, MT2D_NOT_INITIALISED;
 *   StoreError STORE_LOCKED when purging while mt2d runs.
 */
export async function removeUser(options: {
  readonly dir: string;
  readonly address: string;
  readonly purge?: boolean;
}): Promise<RemovedUser> {
  const layout = dataDirLayout(options.dir);
  const config = await readConfig(layout.config);
  const address = localAddress(options.address, config.domain);
  const path = userCertificatePath(layout, address);
  if (!(await exists(path))) {
    throw new DaemonError('MT2D_USER_UNKNOWN', `${address} has no certificate here`);
  }
  if (options.purge !== true) {
    await rm(path);
    return { address, purged: 0 };
  }
  // The store first: while mt2d runs it is locked, and then nothing is removed.
  const store = await MessageStore.open(layout.store);
  try {
    await rm(path);
    let purged = 0;
    for (let batch = liveEntries(store, address, 1000); batch.length > 0;) {
      for (const entry of batch) await store.expunge(address, entry.uid);
      purged += batch.length;
      batch = liveEntries(store, address, 1000);
    }
    return { address, purged };
  } finally {
    await store.close();
  }
}
