// RFC 5280 section 6.1, basic path validation: for each candidate path (path-building.ts)
// run the per-certificate checks (6.1.3), prepare the state for the next certificate
// (6.1.4) and wrap up (6.1.5). Revocation (6.3) is in revocation.internal.ts, name
// constraints in name-constraints.internal.ts, certificate policies in
// policy.internal.ts.
import { isSelfIssued, type ParsedCertificate } from './certificate.ts';
import type { ParsedCrl } from './crl.ts';
import { OID } from './extensions.internal.ts';
import {
  addConstraints,
  nameConstraintViolations,
  UNCONSTRAINED,
  type NameConstraintState,
} from './name-constraints.internal.ts';
import type { DistinguishedName } from './names.ts';
import { buildPaths, type CandidatePath, type TrustAnchor } from './path-building.ts';
import { CRL_REASONS } from './crl.ts';
import { CertificateInputError } from './errors.ts';
import { PolicyProcessor } from './policy.internal.ts';
import { reason, type Reason } from './reasons.ts';
import { checkRevocation } from './revocation.internal.ts';
import {
  checkSignature,
  dsaParametersOf,
  lacksDsaParameters,
  type WorkingKey,
} from './signature.internal.ts';

/**
 * How revocation is checked: 'require' fails a certificate whose status no CRL
 * settles; 'best-effort' checks the CRLs at hand and only warns when none settles it;
 * 'off' skips CRLs.
 */
export type RevocationMode = 'require' | 'best-effort' | 'off';

/** Inputs of path validation. */
export interface PathValidationOptions {
  readonly anchors: readonly TrustAnchor[];
  /** Certificates that may be CAs in the path (not trusted by themselves). */
  readonly intermediates?: readonly ParsedCertificate[];
  readonly crls?: readonly ParsedCrl[];
  /** Validation time; default now. */
  readonly at?: Date;
  /** Default 'best-effort'. */
  readonly revocation?: RevocationMode;
  /** An extendedKeyUsage purpose OID the target must have (if it has the extension). */
  readonly requiredPurpose?: string;
}

/** The outcome of RFC 5280 path validation for one certificate. */
export interface PathValidationResult {
  readonly valid: boolean;
  /** Why not valid; empty when valid. */
  readonly reasons: readonly Reason[];
  /** Things noticed that do not make it invalid (e.g. revocation not checked). */
  readonly warnings: readonly Reason[];
  /** The path that was validated (or that came closest), target first, anchor's CA last. */
  readonly chain: readonly ParsedCertificate[];
  /** The anchor the path ends at; undefined when no path was found. */
  readonly anchor: TrustAnchor | undefined;
}

/** Extensions this validator recognises; a critical one not listed fails (6.1.4 (o)). */
const RECOGNISED_EXTENSIONS = new Set<string>([
  OID.subjectKeyIdentifier,
  OID.authorityKeyIdentifier,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.subjectAltName,
  OID.issuerAltName,
  OID.basicConstraints,
  OID.nameConstraints,
  OID.crlDistributionPoints,
  OID.freshestCrl,
  OID.authorityInfoAccess,
  OID.subjectInfoAccess,
  OID.certificatePolicies,
  OID.policyMappings,
  OID.policyConstraints,
  OID.inhibitAnyPolicy,
]);

const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';

/** Deepest nesting of CRL-signer validation (a CRL signer's own CRL signer, ...). */
const MAX_SIGNER_DEPTH = 4;

interface Run {
  readonly options: PathValidationOptions;
  readonly depth: number;
  /**
   * Whether each CRL-signer candidate (by fingerprint) validated, shared by the whole
   * validation so each is validated once; false while in progress, which breaks cycles.
   */
  readonly signerVerdicts: Map<string, boolean>;
}

interface PathState {
  key: WorkingKey;
  issuerName: DistinguishedName;
  maxPathLength: number;
  constraints: NameConstraintState;
}

function subjectOf(certificate: ParsedCertificate): string {
  return certificate.subject.text || `(empty subject, serial ${certificate.serial})`;
}

function checkValidityPeriod(certificate: ParsedCertificate, at: Date): Reason[] {
  const subject = subjectOf(certificate);
  if (at < certificate.notBefore) {
    return [reason('NOT_YET_VALID', `valid from ${certificate.notBefore.toISOString()}`, subject)];
  }
  if (at > certificate.notAfter) {
    return [reason('EXPIRED', `expired ${certificate.notAfter.toISOString()}`, subject)];
  }
  return [];
}

function checkCertificateSignature(certificate: ParsedCertificate, key: WorkingKey): Reason[] {
  const subject = subjectOf(certificate);
  if (
    Buffer.compare(
      certificate.tbsSignatureAlgorithm.encoded,
      certificate.signatureAlgorithm.encoded,
    ) !== 0
  ) {
    return [reason('ALGORITHM_MISMATCH', undefined, subject)];
  }
  const outcome = checkSignature(
    certificate.tbs,
    certificate.signatureAlgorithm,
    certificate.signature,
    key,
  );
  switch (outcome) {
    case 'valid':
      return [];
    case 'unsupported-algorithm':
      return [reason('UNSUPPORTED_ALGORITHM', certificate.signatureAlgorithm.oid, subject)];
    default:
      return [reason('BAD_SIGNATURE', undefined, subject)];
  }
}

function mayCertify(certificate: ParsedCertificate, usage: 'keyCertSign' | 'cRLSign'): boolean {
  return certificate.keyUsage === undefined || certificate.keyUsage.has(usage);
}

/** The options for validating a CRL signer: the same inputs, no purpose required. */
function signerOptions(options: PathValidationOptions): PathValidationOptions {
  const { requiredPurpose: _unused, ...rest } = options;
  return rest;
}

/** Keys allowed to sign CRLs of `issuer` for the certificate at `index` of `path`. */
function crlSignerKeys(
  issuer: DistinguishedName,
  path: CandidatePath,
  index: number,
  issuerKey: WorkingKey,
  run: Run,
): WorkingKey[] {
  const keys: WorkingKey[] = [];
  const above = path.certificates.slice(0, index);
  const direct = above.at(-1);
  if (
    path.anchor.name.key === issuer.key &&
    (direct === undefined || direct.subject.key !== issuer.key)
  ) {
    keys.push({ spki: path.anchor.spki, inheritedParameters: undefined });
  }
  if (direct?.subject.key === issuer.key && mayCertify(direct, 'cRLSign')) keys.push(issuerKey);
  for (const ancestor of above.slice(0, -1).reverse()) {
    if (ancestor.subject.key === issuer.key && mayCertify(ancestor, 'cRLSign')) {
      keys.push({ spki: ancestor.spki, inheritedParameters: dsaParametersOf(ancestor.spki) });
    }
  }
  // A CRL signer's own certificate may be covered by the CRL it signs (PKITS 4.14.30):
  // while validating a signer, its own key is acceptable for its issuer's name.
  const target = path.certificates.at(-1);
  if (run.depth > 0 && target !== undefined && index === path.certificates.length - 1) {
    if (target.subject.key === issuer.key && mayCertify(target, 'cRLSign')) {
      keys.push({ spki: target.spki, inheritedParameters: dsaParametersOf(target.spki) });
    }
  }
  if (run.depth >= MAX_SIGNER_DEPTH) return keys;
  const inPath = new Set(path.certificates.map((certificate) => certificate.fingerprint));
  for (const candidate of run.options.intermediates ?? []) {
    if (candidate.subject.key !== issuer.key || inPath.has(candidate.fingerprint)) continue;
    if (!mayCertify(candidate, 'cRLSign')) continue;
    let valid = run.signerVerdicts.get(candidate.fingerprint);
    if (valid === undefined) {
      run.signerVerdicts.set(candidate.fingerprint, false);
      valid = validateWithDepth(
        candidate,
        signerOptions(run.options),
        run.depth + 1,
        run.signerVerdicts,
      ).valid;
      run.signerVerdicts.set(candidate.fingerprint, valid);
    }
    if (valid)
      keys.push({ spki: candidate.spki, inheritedParameters: dsaParametersOf(candidate.spki) });
  }
  return keys;
}

function checkRevocationOf(
  certificate: ParsedCertificate,
  path: CandidatePath,
  index: number,
  state: PathState,
  run: Run,
): { reasons: Reason[]; warnings: Reason[] } {
  const mode = run.options.revocation ?? 'best-effort';
  if (mode === 'off') return { reasons: [], warnings: [] };
  const issuerKey = state.key;
  const status = checkRevocation(certificate, {
    crls: run.options.crls ?? [],
    at: run.options.at ?? new Date(),
    crlSignerKeys: (issuer) => crlSignerKeys(issuer, path, index, issuerKey, run),
  });
  const subject = subjectOf(certificate);
  if (status.status === 'good') return { reasons: [], warnings: [] };
  if (status.status === 'revoked') {
    const why =
      status.reasonCode === undefined
        ? 'no reason given'
        : (CRL_REASONS[status.reasonCode] ?? `reason ${status.reasonCode}`);
    return {
      reasons: [reason('REVOKED', `${why}, since ${status.revocationDate.toISOString()}`, subject)],
      warnings: [],
    };
  }
  const unknown = reason('REVOCATION_UNKNOWN', status.problems.join('; '), subject);
  return mode === 'require'
    ? { reasons: [unknown], warnings: [] }
    : { reasons: [], warnings: [unknown] };
}

/** Runs a step that reads an extension; a malformed extension becomes a reason. */
function guarded(step: () => Reason[], subject: string): Reason[] {
  try {
    return step();
  } catch (error) {
    if (error instanceof CertificateInputError)
      return [reason('MALFORMED_CERTIFICATE', error.message, subject)];
    throw error;
  }
}

function validateCandidate(path: CandidatePath, run: Run): PathValidationResult {
  const at = run.options.at ?? new Date();
  const certificates = path.certificates;
  const reasons: Reason[] = [];
  const warnings: Reason[] = [];
  const state: PathState = {
    key: { spki: path.anchor.spki, inheritedParameters: dsaParametersOf(path.anchor.spki) },
    issuerName: path.anchor.name,
    maxPathLength: certificates.length,
    // An anchor's own nameConstraints bind the whole path (an MT2 domain CA is
    // limited to its domain even when it is the anchor).
    constraints: addConstraints(UNCONSTRAINED, path.anchor.certificate?.nameConstraints),
  };
  const policy = new PolicyProcessor(certificates.length);
  certificates.forEach((certificate, index) => {
    const last = index === certificates.length - 1;
    const subject = subjectOf(certificate);
    // 6.1.3 (a): signature, validity period, revocation, name chaining.
    reasons.push(...checkCertificateSignature(certificate, state.key));
    reasons.push(...checkValidityPeriod(certificate, at));
    const revocation = checkRevocationOf(certificate, path, index, state, run);
    reasons.push(...revocation.reasons);
    warnings.push(...revocation.warnings);
    if (certificate.issuer.key !== state.issuerName.key)
      reasons.push(reason('ISSUER_NAME_MISMATCH', undefined, subject));
    // 6.1.3 (b)-(c): names, skipped for self-issued intermediates.
    if (last || !isSelfIssued(certificate)) {
      for (const violation of nameConstraintViolations(certificate, state.constraints)) {
        reasons.push(reason('NAME_CONSTRAINT_VIOLATION', violation, subject));
      }
    }
    // 6.1.3 (d)-(f): certificate policies.
    reasons.push(...guarded(() => policy.processCertificate(certificate, index + 1), subject));
    // 6.1.4 (o) / 6.1.5 (f): critical extensions must be understood.
    for (const extension of certificate.extensions) {
      if (extension.critical && !RECOGNISED_EXTENSIONS.has(extension.oid)) {
        reasons.push(reason('UNKNOWN_CRITICAL_EXTENSION', extension.oid, subject));
      }
    }
    if (!last) {
      // 6.1.4 (a)-(b), (h)-(j): policy mappings and policy counters.
      reasons.push(...guarded(() => policy.prepareNext(certificate, index + 1), subject));
      // 6.1.4 (k): a CA in the path must say so (v1/v2 certificates cannot).
      if (certificate.version < 3 || certificate.basicConstraints?.ca !== true) {
        reasons.push(reason('NOT_A_CA', undefined, subject));
      }
      // 6.1.4 (l)-(m): path length, not counting self-issued certificates.
      if (!isSelfIssued(certificate)) {
        if (state.maxPathLength <= 0)
          reasons.push(reason('PATH_LENGTH_EXCEEDED', undefined, subject));
        state.maxPathLength -= 1;
      }
      const limit = certificate.basicConstraints?.pathLength;
      if (limit !== undefined && limit < state.maxPathLength) state.maxPathLength = limit;
      // 6.1.4 (n): keyCertSign.
      if (!mayCertify(certificate, 'keyCertSign')) {
        reasons.push(reason('KEY_USAGE_MISSING', 'keyCertSign is not set', subject));
      }
      // 6.1.4 (g): name constraints for the certificates below.
      state.constraints = addConstraints(state.constraints, certificate.nameConstraints);
    }
    // 6.1.4 (c)-(f): the next working key, inheriting DSA parameters when absent.
    state.key = {
      spki: certificate.spki,
      inheritedParameters: lacksDsaParameters(certificate.spki)
        ? state.key.inheritedParameters
        : dsaParametersOf(certificate.spki),
    };
    state.issuerName = certificate.subject;
  });
  const target = certificates.at(-1);
  if (target !== undefined)
    reasons.push(...guarded(() => policy.wrapUp(target), subjectOf(target)));
  const purpose = run.options.requiredPurpose;
  if (target?.extKeyUsage !== undefined && purpose !== undefined) {
    if (
      !target.extKeyUsage.includes(purpose) &&
      !target.extKeyUsage.includes(ANY_EXTENDED_KEY_USAGE)
    ) {
      reasons.push(reason('EXTENDED_KEY_USAGE_MISSING', `needs ${purpose}`, subjectOf(target)));
    }
  }
  return {
    valid: reasons.length === 0,
    reasons,
    warnings,
    chain: [...certificates].reverse(),
    anchor: path.anchor,
  };
}

function validateWithDepth(
  target: ParsedCertificate,
  options: PathValidationOptions,
  depth: number,
  signerVerdicts: Map<string, boolean>,
): PathValidationResult {
  const paths = buildPaths(target, options.intermediates ?? [], options.anchors);
  if (paths.length === 0) {
    return {
      valid: false,
      reasons: [reason('UNKNOWN_ISSUER', `issuer ${target.issuer.text}`, subjectOf(target))],
      warnings: [],
      chain: [target],
      anchor: undefined,
    };
  }
  let closest: PathValidationResult | undefined;
  for (const path of paths) {
    const result = validateCandidate(path, { options, depth, signerVerdicts });
    if (result.valid) return result;
    if (closest === undefined || failureRank(result) < failureRank(closest)) closest = result;
  }
  return (
    closest ?? validateCandidate(paths[0] as CandidatePath, { options, depth, signerVerdicts })
  );
}

/**
 * Orders failed paths for reporting: a path whose signatures verify is the real chain
 * (others were name-chaining guesses), then the one with fewest reasons.
 */
function failureRank(result: PathValidationResult): number {
  const badSignatures = result.reasons.filter((item) => item.code === 'BAD_SIGNATURE').length;
  return badSignatures * 1000 + result.reasons.length;
}

/**
 * Validates `target` per RFC 5280 6.1 and 6.3: builds the paths to the anchors and
 * returns the first valid one, or the reasons of the failed path closest to valid.
 */
export function validatePath(
  target: ParsedCertificate,
  options: PathValidationOptions,
): PathValidationResult {
  return validateWithDepth(target, options, 0, new Map());
}
