import type { TrustSettingsView } from '../../api/index.ts';
import {
  caStoreOf,
  IdentityValidator,
  readCertificates,
  parseCertificate,
  type IdentityCheck,
  type TrustPolicy,
  type Verdict,
} from '../../identity/index.ts';
import { delegatedResolver } from './resolvers.ts';

/** How long a verdict is reused, in ms (trust settings changes replace the validator). */
export const VERDICT_CACHE_MS = 5 * 60 * 1000;
/** Most verdicts kept; the cache starts over when full. */
export const MAX_CACHED_VERDICTS = 1000;

/**
 * A validator that reuses its verdict for the same chain and expected identity for a
 * few minutes: a mailbox holds thousands of messages from a few senders through one
 * server, and path validation is most of what verifying a message costs. A verdict is
 * never reused past the earliest notAfter of its chain.
 */
export class CachingValidator extends IdentityValidator {
  private readonly verdicts = new Map<string, { verdict: Verdict; until: number }>();

  override async validate(check: IdentityCheck): Promise<Verdict> {
    if (check.crls !== undefined) return super.validate(check);
    const at = (check.at ?? new Date()).getTime();
    const key = JSON.stringify([
      check.chain.map((certificate) => certificate.fingerprint),
      check.expected ?? null,
      check.relayedBy ?? null,
    ]);
    const cached = this.verdicts.get(key);
    if (cached !== undefined && at < cached.until && at >= cached.until - VERDICT_CACHE_MS) {
      return cached.verdict;
    }
    const verdict = await super.validate(check);
    if (this.verdicts.size >= MAX_CACHED_VERDICTS) this.verdicts.clear();
    const expiry = Math.min(...check.chain.map((certificate) => certificate.notAfter.getTime()));
    this.verdicts.set(key, { verdict, until: Math.min(at + VERDICT_CACHE_MS, expiry) });
    return verdict;
  }
}

/** The name under which the user's own vouch list is shown. */
export const OWN_VOUCH_LIST = 'your vouch list';

/** The user's trust settings as the identity layer's policy. */
export function trustPolicyOf(settings: TrustSettingsView): TrustPolicy {
  return {
    blacklistedIssuerDomains: settings.blacklistedIssuerDomains,
    vouchLists:
      settings.vouchedAddresses.length === 0
        ? []
        : [{ name: OWN_VOUCH_LIST, domains: [], identities: settings.vouchedAddresses }],
    trustedGateways: settings.trustedGatewayHosts,
  };
}

/**
 * The validator for one account: its local CA store (the CAs of its own domain, which
 * it trusts to have verified identities), the user's trust settings, and with delegated
 * validation on, the resolvers that find other domains' CAs.
 */
export function accountValidator(
  trustedCaPem: string,
  trust: TrustSettingsView,
): IdentityValidator {
  const cas = readCertificates(trustedCaPem).map((certificate) =>
    parseCertificate(certificate.raw),
  );
  const resolver = trust.delegatedValidation ? delegatedResolver(trust.resolvers) : undefined;
  return new CachingValidator({
    store: caStoreOf(cas, true),
    trust: trustPolicyOf(trust),
    ...(resolver === undefined ? {} : { resolver }),
  });
}
