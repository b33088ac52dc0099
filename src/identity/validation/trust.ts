// Trust, kept apart from validity (slides "Validity vs Trust", "Trust Mechanisms"):
// blacklists of issuing domains, vouch lists, trusted CAs and explicitly trusted
// gateways.
import { isDelegationParent, normaliseDomain } from './mt2-rules.ts';

/** A third-party list of organisations (domains) or identities (addresses) it vouches for. */
export interface VouchList {
  /** Shown as "trusted by <name>". */
  readonly name: string;
  /** Domains vouched for, subdomains included. */
  readonly domains: readonly string[];
  /** Single addresses or host names vouched for. */
  readonly identities: readonly string[];
}

/** The user's or server's trust settings. */
export interface TrustPolicy {
  /** Issuing domains whose certificates are refused outright (subdomains included). */
  readonly blacklistedIssuerDomains: readonly string[];
  readonly vouchLists: readonly VouchList[];
  /** Hosts trusted to have validated the identities they relay (interior gateways). */
  readonly trustedGateways: readonly string[];
}

/** No blacklist, no vouch list, no gateway. */
export const EMPTY_TRUST_POLICY: TrustPolicy = {
  blacklistedIssuerDomains: [],
  vouchLists: [],
  trustedGateways: [],
};

/** Who vouches for an identity. */
export type TrustAttestation =
  | { readonly kind: 'ca'; readonly name: string }
  | { readonly kind: 'vouch-list'; readonly name: string; readonly entry: string }
  | { readonly kind: 'gateway'; readonly host: string };

/** The blacklist entry that covers one of `issuerDomains`, if any. */
export function blacklistEntryFor(
  policy: TrustPolicy,
  issuerDomains: readonly string[],
): string | undefined {
  return policy.blacklistedIssuerDomains.find((entry) =>
    issuerDomains.some((domain) => isDelegationParent(entry, domain)),
  );
}

/** True when `host` is an explicitly trusted gateway. */
export function isTrustedGateway(policy: TrustPolicy, host: string): boolean {
  return policy.trustedGateways.some(
    (gateway) => normaliseDomain(gateway) === normaliseDomain(host),
  );
}

/** The vouch-list entries that cover an identity (its address or host name, or its domain). */
export function vouchesFor(
  policy: TrustPolicy,
  identity: string,
  domain: string,
): TrustAttestation[] {
  return policy.vouchLists.flatMap((list) => {
    const byIdentity = list.identities.find(
      (entry) => entry.toLowerCase() === identity.toLowerCase(),
    );
    if (byIdentity !== undefined)
      return [{ kind: 'vouch-list', name: list.name, entry: byIdentity } as const];
    const byDomain = list.domains.find((entry) => isDelegationParent(entry, domain));
    return byDomain === undefined
      ? []
      : [{ kind: 'vouch-list', name: list.name, entry: byDomain } as const];
  });
}
