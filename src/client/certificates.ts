import { writeFile } from 'node:fs/promises';
import type {
  CertificateDetailsView,
  CertificateListView,
  CertificateVerdictView,
} from '../api/index.ts';
import {
  addressesOf,
  describeGeneralName,
  exportPkcs12,
  hostnamesOf,
  isPem,
  parseCertificate,
  pemEncode,
  readCertificate,
  readCertificates,
  type IdentityValidator,
  type ParsedCertificate,
} from '../identity/index.ts';
import { createHash } from 'node:crypto';
import { readersOf, type UnlockedAccount } from './accounts/accounts.ts';
import { ENGINE_ERROR, engineError } from './errors.ts';
import { certificateSummary, verdictView } from './security/certificate-summary.ts';
import type { LocalStoreProxy } from './store/index.ts';

/** Most people certificates listed (the contacts that have one). */
const MAX_PEOPLE = 1000;

/**
 * The validator's verdict on `certificate` (with `chain`), checked as the certificate of
 * `address` (by default the first address it names), else of the first host it names;
 * `relayedBy`, the server that delivered it, vouches for it when trusted as a gateway.
 */
export async function judge(
  certificate: ParsedCertificate,
  chain: readonly ParsedCertificate[],
  validator: IdentityValidator,
  address: string | undefined = addressesOf(certificate)[0],
  relayedBy?: string,
): Promise<CertificateVerdictView> {
  const hostname = hostnamesOf(certificate)[0];
  const verdict = await validator.validate({
    chain: [certificate, ...chain],
    ...(relayedBy === undefined ? {} : { relayedBy }),
    ...(address !== undefined
      ? { expected: { kind: 'user' as const, address } }
      : hostname !== undefined
        ? { expected: { kind: 'host' as const, hostname } }
        : {}),
  });
  return verdictView(certificate, verdict);
}

function details(
  certificate: ParsedCertificate,
  chain: readonly ParsedCertificate[],
  verdict: CertificateVerdictView,
): CertificateDetailsView {
  const der = Buffer.from(certificate.der);
  return {
    ...verdict,
    serialNumber: certificate.serial,
    keyAlgorithm: certificate.publicKeyAlgorithm.oid,
    keyUsage: [...(certificate.keyUsage ?? [])].map(String),
    extendedKeyUsage: [...(certificate.extKeyUsage ?? [])],
    subjectAltNames: certificate.subjectAltNames.map(describeGeneralName),
    fingerprints: {
      sha256: certificate.fingerprint,
      sha1: createHash('sha1').update(der).digest('hex'),
    },
    chain: [certificate, ...chain].map((item) => certificateSummary(item)),
    pem: pemEncode('CERTIFICATE', der),
  };
}

interface Known {
  readonly certificate: ParsedCertificate;
  readonly chain: readonly ParsedCertificate[];
  readonly group: keyof CertificateListView;
}

/** The certificate manager's side of the engine. */
export class Certificates {
  constructor(
    private readonly store: LocalStoreProxy,
    private readonly accounts: () => readonly UnlockedAccount[],
    private readonly validatorOf: (accountId: string) => IdentityValidator,
    /** The host certificates (DER) of the servers the engine connected to. */
    private readonly serverCertificates: () => readonly Uint8Array[],
  ) {}

  private primary(): UnlockedAccount {
    const first = this.accounts()[0];
    if (first === undefined)
      throw engineError(ENGINE_ERROR.LOCKED, 'Unlock with your passphrase first.');
    return first;
  }

  private async known(): Promise<Known[]> {
    const known: Known[] = [];
    for (const account of this.accounts()) {
      // The current certificate first, then those it replaced (kept for old mail).
      for (const credentials of readersOf(account)) {
        known.push({
          certificate: parseCertificate(credentials.certificate.raw),
          chain: credentials.chain.map((item) => parseCertificate(item.raw)),
          group: 'mine',
        });
      }
      for (const ca of readCertificates(account.record.trustedCaPem)) {
        known.push({ certificate: parseCertificate(ca.raw), chain: [], group: 'authorities' });
      }
    }
    for (const der of this.serverCertificates()) {
      known.push({ certificate: parseCertificate(der), chain: [], group: 'servers' });
    }
    for (const contact of await this.store.findContacts('', MAX_PEOPLE)) {
      if (contact.certificate !== undefined) {
        known.push({
          certificate: parseCertificate(contact.certificate),
          chain: [],
          group: 'people',
        });
      }
    }
    const seen = new Set<string>();
    return known.filter(
      (item) => !seen.has(item.certificate.fingerprint) && seen.add(item.certificate.fingerprint),
    );
  }

  async list(): Promise<CertificateListView> {
    const validator = this.validatorOf(this.primary().record.id);
    const lists: Record<keyof CertificateListView, CertificateVerdictView[]> = {
      mine: [],
      people: [],
      servers: [],
      authorities: [],
    };
    for (const item of await this.known()) {
      lists[item.group].push(await judge(item.certificate, item.chain, validator));
    }
    return lists;
  }

  async details(fingerprint: string): Promise<CertificateDetailsView> {
    const item = (await this.known()).find(
      (candidate) => candidate.certificate.fingerprint === fingerprint,
    );
    if (item === undefined) {
      throw engineError(ENGINE_ERROR.UNKNOWN_CERTIFICATE, 'There is no such certificate here.');
    }
    const validator = this.validatorOf(this.primary().record.id);
    return details(
      item.certificate,
      item.chain,
      await judge(item.certificate, item.chain, validator),
    );
  }

  /**
   * The certificate a message carries (its envelope's), judged as the certificate of the
   * message's sender, with the server that delivered it (`relayedBy`) as the message's
   * verification had it: the reader's verdict, shown in the manager's details view.
   * @throws ApiError ENGINE_UNKNOWN_CERTIFICATE when the message carries another one or none.
   */
  async onMessage(
    accountId: string,
    envelope: { readonly sender: string; readonly certificate?: Uint8Array },
    fingerprint: string,
    relayedBy?: string,
  ): Promise<CertificateDetailsView> {
    const certificate =
      envelope.certificate === undefined ? undefined : parseCertificate(envelope.certificate);
    if (certificate?.fingerprint !== fingerprint) {
      throw engineError(
        ENGINE_ERROR.UNKNOWN_CERTIFICATE,
        'This message does not carry that certificate.',
      );
    }
    const validator = this.validatorOf(accountId);
    const verdict = await judge(certificate, [], validator, envelope.sender, relayedBy);
    return details(certificate, [], verdict);
  }

  /**
   * Imports someone's certificate (PEM or base64 DER) as a contact's.
   * @throws ApiError ENGINE_BAD_CERTIFICATE when it cannot be read or names no address.
   */
  async import(data: string): Promise<CertificateDetailsView> {
    let certificate: ParsedCertificate;
    try {
      const input = isPem(data) ? readCertificate(data).raw : Buffer.from(data, 'base64');
      if (input.length === 0) throw new Error('no certificate in the data');
      certificate = parseCertificate(input);
    } catch (error) {
      if (error instanceof Error) {
        throw engineError(
          ENGINE_ERROR.BAD_CERTIFICATE,
          `This is not a certificate that can be read: ${error.message}`,
        );
      }
      throw error;
    }
    const address = addressesOf(certificate)[0];
    if (address === undefined) {
      throw engineError(ENGINE_ERROR.BAD_CERTIFICATE, 'This certificate names no mail address.');
    }
    await this.store.putContact({ address, certificate: certificate.der, source: 'import' });
    const validator = this.validatorOf(this.primary().record.id);
    return details(certificate, [], await judge(certificate, [], validator));
  }

  /** Writes the account's identity as PKCS#12 to `path` (never handed to the UI). */
  async exportIdentity(account: UnlockedAccount, path: string, password: string): Promise<void> {
    const p12 = exportPkcs12(account.credentials, password, {
      friendlyName: account.record.address,
    });
    await writeFile(path, p12, { mode: 0o600, flag: 'wx' }).catch((error: unknown) => {
      throw engineError(
        ENGINE_ERROR.EXPORT_FAILED,
        `The identity could not be written there: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  }
}
