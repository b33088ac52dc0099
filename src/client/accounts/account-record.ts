import type { AccountView, ConnectionView } from '../../api/index.ts';
import { certificateSummary } from '../security/certificate-summary.ts';

/** What the settings keep about an account; the private key is in its own encrypted file. */
export interface AccountRecord {
  readonly id: string;
  readonly address: string;
  readonly displayName?: string;
  readonly kind: 'embedded' | 'remote';
  readonly server: { readonly host: string; readonly port: number };
  /** The host name the server's certificate must name (SNI too). */
  readonly serverName: string;
  /** The user's certificate, PEM. */
  readonly certificatePem: string;
  /** The CA certificates above it, nearest first, PEM. */
  readonly chainPem: string;
  /** The account's local CA store (the anchors mail and the server are checked with), PEM. */
  readonly trustedCaPem: string;
  /** The key as encrypted PKCS#8 PEM, relative to the data folder. */
  readonly keyFile: string;
  /** A new key (encrypted like keyFile) and its CSR, until the issued certificate is installed. */
  readonly pending?: PendingRequest;
  /** Earlier certificates with their keys (encrypted), kept so old mail stays readable. */
  readonly previous?: readonly RetiredKey[];
}

export interface PendingRequest {
  readonly keyFile: string;
  readonly csrPem: string;
  readonly createdAt: string;
}

export interface RetiredKey {
  readonly certificatePem: string;
  readonly keyFile: string;
}

/** The account as the UI sees it. */
export function accountView(record: AccountRecord, connection: ConnectionView): AccountView {
  return {
    id: record.id,
    address: record.address,
    ...(record.displayName === undefined ? {} : { displayName: record.displayName }),
    kind: record.kind,
    server: { ...record.server },
    connection,
    certificate: certificateSummary(record.certificatePem),
    ...(record.pending === undefined ? {} : { pendingRequest: true }),
  };
}
