// Path building: every chain from a certificate up to a trust anchor, by name chaining
// (RFC 4158 in its simplest form). Validation then tries the paths in order.
import type { ParsedCertificate } from './certificate.ts';
import type { DistinguishedName } from './names.ts';

/** A trust anchor: a name and a key, usually from a CA certificate the user trusts. */
export interface TrustAnchor {
  readonly name: DistinguishedName;
  /** SubjectPublicKeyInfo DER. */
  readonly spki: Uint8Array;
  /** The CA certificate the anchor came from, when there is one. */
  readonly certificate: ParsedCertificate | undefined;
}

/** A candidate path: anchor, then CA certificates downwards, then the target last. */
export interface CandidatePath {
  readonly anchor: TrustAnchor;
  /** Certificates from the one the anchor signed down to the target (last). */
  readonly certificates: readonly ParsedCertificate[];
}

/** Most certificates below the anchor in one path (default limit for building). */
export const MAX_PATH_CERTIFICATES = 12;

/** Most candidate paths tried for one certificate. */
export const MAX_CANDIDATE_PATHS = 64;

/**
 * Most partial chains explored for one certificate: bounds the work a hostile set of
 * look-alike CA certificates can cause (without it, n same-named CAs give n! chains).
 */
export const MAX_PARTIAL_CHAINS = 4096;

/** Makes a trust anchor from a CA certificate. */
export function anchorFromCertificate(certificate: ParsedCertificate): TrustAnchor {
  return { name: certificate.subject, spki: certificate.spki, certificate };
}

/**
 * Lists the paths from `target` to any of `anchors` through `intermediates`, shortest
 * first, at most MAX_CANDIDATE_PATHS. A certificate appears at most once in a path.
 */
export function buildPaths(
  target: ParsedCertificate,
  intermediates: readonly ParsedCertificate[],
  anchors: readonly TrustAnchor[],
): CandidatePath[] {
  const found: CandidatePath[] = [];
  let frontier: ParsedCertificate[][] = [[target]];
  let explored = 0;
  while (frontier.length > 0 && found.length < MAX_CANDIDATE_PATHS) {
    const next: ParsedCertificate[][] = [];
    for (const chain of frontier) {
      explored += 1;
      if (explored > MAX_PARTIAL_CHAINS) return found.slice(0, MAX_CANDIDATE_PATHS);
      const top = chain[0];
      if (top === undefined) continue;
      for (const anchor of anchors) {
        if (anchor.name.key === top.issuer.key) found.push({ anchor, certificates: chain });
      }
      if (chain.length >= MAX_PATH_CERTIFICATES) continue;
      for (const candidate of intermediates) {
        if (candidate.subject.key !== top.issuer.key) continue;
        if (chain.some((member) => member.fingerprint === candidate.fingerprint)) continue;
        next.push([candidate, ...chain]);
      }
    }
    frontier = next;
  }
  return found.slice(0, MAX_CANDIDATE_PATHS);
}
