// The local CA store: CA certificates this user or server knows (slides: "If issuer is
// known/trusted, MUST validate against local CA certificate repository").
import type { ParsedCertificate } from './certificate.ts';
import { anchorFromCertificate, type TrustAnchor } from './path-building.ts';

/** One CA of the local store. */
export interface CaStoreEntry {
  readonly certificate: ParsedCertificate;
  /**
   * True when the user trusts this CA to have verified identities (so its
   * certificates are also trusted, not only valid). A CA added only to validate is false.
   */
  readonly vouches: boolean;
}

/** The local CA store. */
export interface LocalCaStore {
  readonly entries: readonly CaStoreEntry[];
}

/** Builds a store from CA certificates, all with the same `vouches` setting. */
export function caStoreOf(
  certificates: readonly ParsedCertificate[],
  vouches: boolean,
): LocalCaStore {
  return { entries: certificates.map((certificate) => ({ certificate, vouches })) };
}

/** The store's CAs as trust anchors. */
export function storeAnchors(store: LocalCaStore): TrustAnchor[] {
  return store.entries.map((entry) => anchorFromCertificate(entry.certificate));
}

/** The store entry an anchor came from. */
export function entryForAnchor(store: LocalCaStore, anchor: TrustAnchor): CaStoreEntry | undefined {
  return store.entries.find(
    (entry) => entry.certificate.fingerprint === anchor.certificate?.fingerprint,
  );
}
