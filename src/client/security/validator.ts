import type { TrustSettingsView } from '../../api/index.ts';
import {
  caStoreOf,
  IdentityValidator,
  readCertificates,
  parseCertificate,
  type TrustPolicy,
} from '../../identity/index.ts';

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
 * it trusts to have verified identities) and the user's trust settings.
 */
export function accountValidator(
  trustedCaPem: string,
  trust: TrustSettingsView,
): IdentityValidator {
  const cas = readCertificates(trustedCaPem).map((certificate) =>
    parseCertificate(certificate.raw),
  );
  return new IdentityValidator({ store: caStoreOf(cas, true), trust: trustPolicyOf(trust) });
}
