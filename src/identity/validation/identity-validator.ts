// Validation of an MT2 identity, in the profile's order (section 5): the local CA store;
// else delegated CA validation through a resolver; else explicit trust of the gateway
// that relayed it. Then the MT2 rules, the blacklist, and trust (vouching) apart.
import { parseCertificate, type ParsedCertificate } from './certificate.ts';
import type { ParsedCrl } from './crl.ts';
import { entryForAnchor, storeAnchors, type LocalCaStore } from './ca-store.ts';
import {
  addressesOf,
  checkIssuerDelegation,
  checkSubjectBinding,
  domainOfAddress,
  hostnamesOf,
  isDelegationParent,
  issuerDomainsOf,
  purposeOf,
  subjectDomain,
  type ExpectedIdentity,
} from './mt2-rules.ts';
import { anchorFromCertificate, type TrustAnchor } from './path-building.ts';
import {
  validatePath,
  type PathValidationOptions,
  type PathValidationResult,
  type RevocationMode,
} from './path-validation.ts';
import { reason, type Reason } from './reasons.ts';
import type { CaResolver } from './resolver.ts';
import {
  blacklistEntryFor,
  EMPTY_TRUST_POLICY,
  isTrustedGateway,
  vouchesFor,
  type TrustAttestation,
  type TrustPolicy,
} from './trust.ts';
import { linkOf, malformedVerdict, type Verdict, type VerdictSource } from './verdict.ts';

/** How an IdentityValidator is set up. */
export interface IdentityValidatorOptions {
  readonly store: LocalCaStore;
  /** Delegated CA lookup; without one, only the local store and gateways validate. */
  readonly resolver?: CaResolver;
  /** Default: no blacklist, vouch list or gateway. */
  readonly trust?: TrustPolicy;
  /** Default 'best-effort' (domain CAs need not publish CRLs). */
  readonly revocation?: RevocationMode;
}

/** One identity to check. */
export interface IdentityCheck {
  /** The presented certificates: the identity's own first, then any CAs it sent. */
  readonly chain: readonly ParsedCertificate[];
  /** Who the certificate must belong to; without it the binding rules are skipped. */
  readonly expected?: ExpectedIdentity;
  /** Validation time; default now. */
  readonly at?: Date;
  readonly crls?: readonly ParsedCrl[];
  /** The authenticated host that relayed this identity, for gateway trust. */
  readonly relayedBy?: string;
}

interface Outcome {
  readonly source: VerdictSource;
  readonly path: PathValidationResult;
  readonly caOrigin: string | undefined;
}

/** Failures that mean "no CA could be found", which a trusted gateway may stand in for. */
const ISSUER_UNKNOWN_CODES = new Set(['UNKNOWN_ISSUER', 'CA_NOT_FOUND', 'RESOLVER_FAILED']);

/** The verdict when nothing was presented. */
const NO_CERTIFICATE = malformedVerdict('no certificate was presented');

function failed(target: ParsedCertificate, reasons: Reason[]): PathValidationResult {
  return { valid: false, reasons, warnings: [], chain: [target], anchor: undefined };
}

function identityOf(
  target: ParsedCertificate,
  expected: ExpectedIdentity | undefined,
): { name: string; domain: string } | undefined {
  if (expected !== undefined) {
    return {
      name: expected.kind === 'user' ? expected.address : expected.hostname,
      domain: subjectDomain(expected),
    };
  }
  const address = addressesOf(target)[0];
  if (address !== undefined) return { name: address, domain: domainOfAddress(address) };
  const host = hostnamesOf(target)[0];
  return host === undefined ? undefined : { name: host, domain: host };
}

/** Validates MT2 identities against a local store, a resolver and a trust policy. */
export class IdentityValidator {
  readonly #options: IdentityValidatorOptions;

  constructor(options: IdentityValidatorOptions) {
    this.#options = options;
  }

  /** Returns the verdict for one presented identity. Never rejects for a bad certificate. */
  async validate(check: IdentityCheck): Promise<Verdict> {
    const target = check.chain[0];
    if (target === undefined) return NO_CERTIFICATE;
    const pathOptions: Omit<PathValidationOptions, 'anchors'> = {
      intermediates: check.chain.slice(1),
      crls: check.crls ?? [],
      at: check.at ?? new Date(),
      revocation: this.#options.revocation ?? 'best-effort',
      ...(check.expected === undefined ? {} : { requiredPurpose: purposeOf(check.expected) }),
    };
    const local = validatePath(target, {
      ...pathOptions,
      anchors: storeAnchors(this.#options.store),
    });
    if (local.anchor !== undefined)
      return this.#verdict(check, target, {
        source: 'local-store',
        path: local,
        caOrigin: undefined,
      });
    const delegated = await this.#delegated(target, check, pathOptions);
    if (delegated?.path.anchor !== undefined) return this.#verdict(check, target, delegated);
    const outcome = delegated ?? { source: 'none', path: local, caOrigin: undefined };
    const gateway = check.relayedBy;
    const trust = this.#options.trust ?? EMPTY_TRUST_POLICY;
    if (
      gateway !== undefined &&
      isTrustedGateway(trust, gateway) &&
      outcome.path.reasons.every((item) => ISSUER_UNKNOWN_CODES.has(item.code))
    ) {
      return this.#verdict(check, target, {
        source: 'gateway',
        path: this.#gatewayPath(target, check.at),
        caOrigin: undefined,
      });
    }
    return this.#verdict(check, target, outcome);
  }

  /** Steps 1-4 of the slides' "Delegated CA Validation"; undefined when not applicable. */
  async #delegated(
    target: ParsedCertificate,
    check: IdentityCheck,
    pathOptions: Omit<PathValidationOptions, 'anchors'>,
  ): Promise<Outcome | undefined> {
    const resolver = this.#options.resolver;
    const issuerDomain = issuerDomainsOf(target)[0];
    const identity = identityOf(target, check.expected);
    if (resolver === undefined) return undefined;
    if (issuerDomain === undefined || identity === undefined) {
      return {
        source: 'delegated',
        path: failed(target, [reason('ISSUER_DOMAIN_MISSING', undefined, target.subject.text)]),
        caOrigin: undefined,
      };
    }
    if (!isDelegationParent(issuerDomain, identity.domain)) {
      return {
        source: 'delegated',
        path: failed(target, checkIssuerDelegation(target, identity.domain, true)),
        caOrigin: undefined,
      };
    }
    let found;
    try {
      found = await resolver.resolve(issuerDomain);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      return {
        source: 'delegated',
        path: failed(target, [reason('RESOLVER_FAILED', `${resolver.name}: ${detail}`)]),
        caOrigin: undefined,
      };
    }
    const anchors: { anchor: TrustAnchor; origin: string }[] = [];
    const warnings: Reason[] = [];
    for (const item of found) {
      try {
        anchors.push({
          anchor: anchorFromCertificate(parseCertificate(item.der)),
          origin: item.origin,
        });
      } catch {
        warnings.push(reason('MALFORMED_CERTIFICATE', `CA certificate from ${item.origin}`));
      }
    }
    if (anchors.length === 0) {
      return {
        source: 'delegated',
        path: {
          ...failed(target, [
            reason('CA_NOT_FOUND', `${resolver.name} has none for ${issuerDomain}`),
          ]),
          warnings,
        },
        caOrigin: undefined,
      };
    }
    const path = validatePath(target, {
      ...pathOptions,
      anchors: anchors.map((item) => item.anchor),
    });
    const origin = anchors.find((item) => item.anchor === path.anchor)?.origin;
    return {
      source: 'delegated',
      path: { ...path, warnings: [...warnings, ...path.warnings] },
      caOrigin: origin,
    };
  }

  /** A trusted gateway vouches for the chain; the certificate's own dates still count. */
  #gatewayPath(target: ParsedCertificate, at: Date | undefined): PathValidationResult {
    const now = at ?? new Date();
    const reasons: Reason[] = [];
    if (now < target.notBefore)
      reasons.push(reason('NOT_YET_VALID', undefined, target.subject.text));
    if (now > target.notAfter) reasons.push(reason('EXPIRED', undefined, target.subject.text));
    return {
      valid: reasons.length === 0,
      reasons,
      warnings: [],
      chain: [target],
      anchor: undefined,
    };
  }

  #verdict(check: IdentityCheck, target: ParsedCertificate, outcome: Outcome): Verdict {
    const trust = this.#options.trust ?? EMPTY_TRUST_POLICY;
    const issuerDomains = issuerDomainsOf(target);
    const identity = identityOf(target, check.expected);
    const reasons: Reason[] = [...outcome.path.reasons];
    if (check.expected !== undefined) reasons.push(...checkSubjectBinding(target, check.expected));
    if (identity !== undefined && outcome.source !== 'delegated') {
      reasons.push(...checkIssuerDelegation(target, identity.domain, false));
    }
    const blacklisted = blacklistEntryFor(trust, issuerDomains);
    if (blacklisted !== undefined)
      reasons.push(reason('ISSUER_BLACKLISTED', blacklisted, target.subject.text));
    const valid = reasons.length === 0;
    const trustedBy: TrustAttestation[] = [];
    if (valid) {
      const anchor = outcome.path.anchor;
      const entry =
        anchor && outcome.source === 'local-store'
          ? entryForAnchor(this.#options.store, anchor)
          : undefined;
      if (entry?.vouches === true)
        trustedBy.push({ kind: 'ca', name: entry.certificate.subject.text });
      if (outcome.source === 'gateway' && check.relayedBy !== undefined)
        trustedBy.push({ kind: 'gateway', host: check.relayedBy });
      if (identity !== undefined)
        trustedBy.push(...vouchesFor(trust, identity.name, identity.domain));
    }
    const chain = outcome.path.chain.map(linkOf);
    const anchorCertificate = outcome.path.anchor?.certificate;
    if (anchorCertificate !== undefined) chain.push(linkOf(anchorCertificate));
    return {
      valid,
      validityReasons: reasons,
      warnings: outcome.path.warnings,
      trusted: trustedBy.length > 0,
      trustedBy,
      chain,
      source: outcome.source,
      caOrigin: outcome.caOrigin,
      issuerDomain: issuerDomains[0],
    };
  }
}
