import { randomBytes, X509Certificate } from 'node:crypto';
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
} from '../../identity/index.ts';
import { ENGINE_ERROR, engineError } from '../errors.ts';
import type { Settings } from '../settings/settings.ts';
import type { AccountRecord } from './account-record.ts';
import { readKeyFile, writeKeyFile, type KeyFileOptions } from './key-file.ts';

/** An account whose key is open for this run. */
export interface UnlockedAccount {
  readonly record: AccountRecord;
  readonly credentials: Credentials;
}

function newAccountId(): string {
  return `a${randomBytes(6).toString('hex')}`;
}

function keyFileOf(id: string): string {
  return `keys/${id}.pem`;
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
      opened.push({
        record,
        credentials: {
          certificate: new X509Certificate(record.certificatePem),
          privateKey,
          chain: readCertificates(record.chainPem),
        },
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

  /** Changes where an account's server is (the embedded server moved to another port). */
  moveServer(id: string, port: number): AccountRecord {
    const records = this.records().map((record) =>
      record.id === id ? { ...record, server: { ...record.server, port } } : record,
    );
    this.settings.set('accounts', records);
    const moved = this.record(id);
    const open = this.open.get(id);
    if (open !== undefined) this.open.set(id, { ...open, record: moved });
    return moved;
  }
}
