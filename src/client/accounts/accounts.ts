import { randomBytes, X509Certificate } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  certificatesToPem,
  createCsr,
  generateRsaPrivateKey,
  addressesOf,
  IdentityError,
  importPkcs12,
  parseCertificate,
  readCertificates,
  type Credentials,
  type IdentityValidator,
} from '../../identity/index.ts';
import { ENGINE_ERROR, engineError } from '../errors.ts';
import type { Settings } from '../settings/settings.ts';
import type { AccountRecord, PendingRequest } from './account-record.ts';
import { issuedCredentials } from './issued-certificate.ts';
import { readKeyFile, writeKeyFile, type KeyFileOptions } from './key-file.ts';

/** An account whose key is open for this run. */
export interface UnlockedAccount {
  readonly record: AccountRecord;
  readonly credentials: Credentials;
  /** The keys and certificates before renewals (record.previous), newest first. */
  readonly previous?: readonly Credentials[];
}

/** Every key that may read the account's mail: the current one, then earlier ones. */
export function readersOf(account: UnlockedAccount): readonly Credentials[] {
  return [account.credentials, ...(account.previous ?? [])];
}

function newAccountId(): string {
  return `a${randomBytes(6).toString('hex')}`;
}

function keyFileOf(id: string): string {
  return `keys/${id}.pem`;
}

/** A new key's file: each key of an account has its own, earlier ones stay for old mail. */
function newKeyFileOf(id: string): string {
  return `keys/${id}-${randomBytes(4).toString('hex')}.pem`;
}

/**
 * The accounts: their records in the settings, their keys in encrypted files, and the
 * keys opened by unlock() for this run (they never leave this process).
 */
export class Accounts {
  private readonly open = new Map<string, UnlockedAccount>();

  constructor(
    private readonly dataDir: string,
    private readonly settings: Settings,
    private readonly keyOptions: KeyFileOptions = {},
  ) {}

  records(): readonly AccountRecord[] {
    return this.settings.get('accounts');
  }

  record(id: string): AccountRecord {
    const found = this.records().find((record) => record.id === id);
    if (found === undefined)
      throw engineError(ENGINE_ERROR.UNKNOWN_ACCOUNT, 'There is no such account.');
    return found;
  }

  get phase(): 'needs-onboarding' | 'locked' | 'ready' {
    const records = this.records();
    if (records.length === 0) return 'needs-onboarding';
    return records.every((record) => this.open.has(record.id)) ? 'ready' : 'locked';
  }

  /** The account with its open key. @throws ApiError ENGINE_LOCKED before unlock(). */
  unlocked(id: string): UnlockedAccount {
    const account = this.open.get(id);
    if (account !== undefined) return account;
    this.record(id);
    throw engineError(ENGINE_ERROR.LOCKED, 'Unlock with your passphrase first.');
  }

  all(): readonly UnlockedAccount[] {
    return [...this.open.values()];
  }

  /**
   * Opens every account's key with the passphrase. All or nothing: a passphrase that
   * opens one key but not another changes nothing.
   * @throws ApiError ENGINE_WRONG_PASSPHRASE, ENGINE_NOT_SET_UP
   */
  async unlock(passphrase: string): Promise<readonly UnlockedAccount[]> {
    const records = this.records();
    if (records.length === 0)
      throw engineError(ENGINE_ERROR.NOT_SET_UP, 'There is no identity yet.');
    const opened: UnlockedAccount[] = [];
    for (const record of records) {
      const privateKey = await readKeyFile(this.dataDir, record.keyFile, passphrase);
      const chain = readCertificates(record.chainPem);
      const previous: Credentials[] = [];
      for (const retired of record.previous ?? []) {
        previous.push({
          certificate: new X509Certificate(retired.certificatePem),
          privateKey: await readKeyFile(this.dataDir, retired.keyFile, passphrase),
          chain,
        });
      }
      opened.push({
        record,
        credentials: { certificate: new X509Certificate(record.certificatePem), privateKey, chain },
        previous,
      });
    }
    for (const account of opened) this.open.set(account.record.id, account);
    return opened;
  }

  /**
   * A new key for `address` and its CSR; `certify` gets the CSR and returns the
   * certificate and chain (the embedded server's CA signs it).
   */
  async createWithCsr(
    request: { address: string; displayName: string; passphrase: string },
    certify: (csrPem: string) => Promise<{ certificatePem: string; chainPem: string }>,
    server: { host: string; port: number; serverName: string },
  ): Promise<UnlockedAccount> {
    const privateKey = await generateRsaPrivateKey();
    const csr = createCsr(privateKey, {
      address: request.address,
      displayName: request.displayName,
    });
    const issued = await certify(csr);
    const credentials: Credentials = {
      certificate: new X509Certificate(issued.certificatePem),
      privateKey,
      chain: readCertificates(issued.chainPem),
    };
    return this.add(credentials, {
      kind: 'embedded',
      address: request.address,
      displayName: request.displayName,
      server,
      trustedCaPem: issued.chainPem,
      passphrase: request.passphrase,
    });
  }

  /**
   * A remote account from a PKCS#12 file. Its CA certificates become the account's
   * local CA store; the server's host name is the one given.
   * @throws ApiError ENGINE_BAD_IDENTITY_FILE, ENGINE_WRONG_PASSPHRASE (another account's
   *   key does not open with this passphrase: one passphrase unlocks them all)
   */
  async importP12(request: {
    p12: Uint8Array;
    p12Password: string;
    passphrase: string;
    server: { host: string; port: number };
  }): Promise<UnlockedAccount> {
    await this.checkSamePassphrase(request.passphrase);
    let credentials: Credentials;
    try {
      credentials = importPkcs12(request.p12, request.p12Password);
    } catch (error) {
      if (!(error instanceof IdentityError)) throw error;
      throw engineError(
        ENGINE_ERROR.BAD_IDENTITY_FILE,
        error.code === 'IDENTITY_WRONG_PASSPHRASE'
          ? 'The password does not open this identity file.'
          : `This identity file cannot be used: ${error.message}`,
      );
    }
    const address = addressesOf(parseCertificate(credentials.certificate.raw))[0];
    if (address === undefined) {
      throw engineError(
        ENGINE_ERROR.BAD_IDENTITY_FILE,
        'This identity file holds no personal (address) certificate.',
      );
    }
    if (credentials.chain.length === 0) {
      throw engineError(
        ENGINE_ERROR.BAD_IDENTITY_FILE,
        'This identity file does not include its CA certificate.',
      );
    }
    return this.add(credentials, {
      kind: 'remote',
      address,
      server: { ...request.server, serverName: request.server.host },
      trustedCaPem: certificatesToPem(credentials.chain.slice(-1)),
      passphrase: request.passphrase,
    });
  }

  private async checkSamePassphrase(passphrase: string): Promise<void> {
    const first = this.records()[0];
    if (first !== undefined) await readKeyFile(this.dataDir, first.keyFile, passphrase);
  }

  private async add(
    credentials: Credentials,
    details: {
      kind: AccountRecord['kind'];
      address: string;
      displayName?: string;
      server: { host: string; port: number; serverName: string };
      trustedCaPem: string;
      passphrase: string;
    },
  ): Promise<UnlockedAccount> {
    const id = newAccountId();
    const keyFile = keyFileOf(id);
    await writeKeyFile(
      this.dataDir,
      keyFile,
      credentials.privateKey,
      details.passphrase,
      this.keyOptions,
    );
    // The key file must open with the passphrase before the account is recorded.
    await readKeyFile(this.dataDir, keyFile, details.passphrase);
    const record: AccountRecord = {
      id,
      address: details.address,
      ...(details.displayName === undefined ? {} : { displayName: details.displayName }),
      kind: details.kind,
      server: { host: details.server.host, port: details.server.port },
      serverName: details.server.serverName,
      certificatePem: certificatesToPem([credentials.certificate]),
      chainPem: certificatesToPem(credentials.chain),
      trustedCaPem: details.trustedCaPem,
      keyFile,
    };
    this.settings.set('accounts', [...this.records(), record]);
    const account = { record, credentials };
    this.open.set(id, account);
    return account;
  }

  /** The record `id` with `change` applied, saved; the open account follows. */
  private update(id: string, change: (record: AccountRecord) => AccountRecord): AccountRecord {
    const records = this.records().map((record) => (record.id === id ? change(record) : record));
    this.settings.set('accounts', records);
    const updated = this.record(id);
    const open = this.open.get(id);
    if (open !== undefined) this.open.set(id, { ...open, record: updated });
    return updated;
  }

  /**
   * A new key for the account, encrypted at rest with the passphrase (the one that
   * opens the account's key: one passphrase unlocks everything), and its CSR naming the
   * account's address. Replaces an earlier pending request and its key.
   * @throws ApiError ENGINE_WRONG_PASSPHRASE, ENGINE_LOCKED, ENGINE_UNKNOWN_ACCOUNT
   */
  async createRequest(id: string, passphrase: string): Promise<PendingRequest> {
    const account = this.unlocked(id);
    await readKeyFile(this.dataDir, account.record.keyFile, passphrase);
    const privateKey = await generateRsaPrivateKey();
    const keyFile = newKeyFileOf(id);
    await writeKeyFile(this.dataDir, keyFile, privateKey, passphrase, this.keyOptions);
    await readKeyFile(this.dataDir, keyFile, passphrase);
    const pending: PendingRequest = {
      keyFile,
      csrPem: createCsr(privateKey, {
        address: account.record.address,
        ...(account.record.displayName === undefined
          ? {}
          : { displayName: account.record.displayName }),
      }),
      createdAt: new Date().toISOString(),
    };
    const earlier = account.record.pending;
    this.update(id, (record) => ({ ...record, pending }));
    if (earlier !== undefined) await rm(join(this.dataDir, earlier.keyFile), { force: true });
    return pending;
  }

  /**
   * Installs the certificate issued for the pending request (see issuedCredentials for
   * the checks): the pending key becomes the account's key, the old certificate and key
   * are kept in `previous`. Nothing changes when a check fails.
   * @throws ApiError ENGINE_NO_PENDING_REQUEST, ENGINE_CERTIFICATE_REFUSED,
   *   ENGINE_WRONG_PASSPHRASE, ENGINE_LOCKED
   */
  async install(
    id: string,
    certificatePem: string,
    passphrase: string,
    validator: IdentityValidator,
  ): Promise<UnlockedAccount> {
    const account = this.unlocked(id);
    const pending = account.record.pending;
    if (pending === undefined) {
      throw engineError(
        ENGINE_ERROR.NO_PENDING_REQUEST,
        'There is no certificate request waiting: create one first.',
      );
    }
    const pendingKey = await readKeyFile(this.dataDir, pending.keyFile, passphrase);
    const credentials = await issuedCredentials({
      pem: certificatePem,
      pendingKey,
      address: account.record.address,
      currentChain: account.credentials.chain,
      validator,
    });
    const record = this.update(id, ({ pending: _installed, ...record }) => ({
      ...record,
      certificatePem: certificatesToPem([credentials.certificate]),
      chainPem: certificatesToPem(credentials.chain),
      keyFile: pending.keyFile,
      previous: [
        { certificatePem: record.certificatePem, keyFile: record.keyFile },
        ...(record.previous ?? []),
      ],
    }));
    const installed = {
      record,
      credentials,
      previous: [account.credentials, ...(account.previous ?? [])],
    };
    this.open.set(id, installed);
    return installed;
  }

  /** Changes where an account's server is (the embedded server moved to another port). */
  moveServer(id: string, port: number): AccountRecord {
    return this.update(id, (record) => ({ ...record, server: { ...record.server, port } }));
  }
}
