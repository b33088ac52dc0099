// RFC 5280 6.3: the revocation status of one certificate from the CRLs at hand, with
// distribution points, issuing distribution points, reason partitions, indirect CRLs
// (cRLIssuer / certificateIssuer) and delta CRLs.
import { isCa, type ParsedCertificate } from './certificate.ts';
import { REASON_REMOVE_FROM_CRL, type ParsedCrl } from './crl.ts';
import {
  ALL_REASON_BITS,
  type DistributionPoint,
  type DistributionPointName,
} from './extensions.internal.ts';
import {
  describeGeneralName,
  directoryNames,
  nameFromRdns,
  type DistinguishedName,
  type GeneralName,
} from './names.ts';
import { checkSignature, type WorkingKey } from './signature.internal.ts';

/** What the revocation check needs from the path validator. */
export interface RevocationContext {
  readonly crls: readonly ParsedCrl[];
  readonly at: Date;
  /** Validated keys allowed to sign CRLs issued under `issuer` (RFC 5280 6.3.3 (f)). */
  readonly crlSignerKeys: (issuer: DistinguishedName) => readonly WorkingKey[];
}

/** The outcome of a revocation check. */
export type RevocationStatus =
  | { readonly status: 'good' }
  | {
      readonly status: 'revoked';
      readonly reasonCode: number | undefined;
      readonly revocationDate: Date;
    }
  | { readonly status: 'undetermined'; readonly problems: readonly string[] };

function fullNames(name: DistributionPointName, relativeTo: DistinguishedName): GeneralName[] {
  if (name.kind === 'full') return [...name.names];
  return [{ kind: 'directory', value: nameFromRdns([...relativeTo.rdns, name.rdn]) }];
}

function sameGeneralName(a: GeneralName, b: GeneralName): boolean {
  if (a.kind === 'directory' && b.kind === 'directory') return a.value.key === b.value.key;
  return describeGeneralName(a) === describeGeneralName(b);
}

function anyShared(a: readonly GeneralName[], b: readonly GeneralName[]): boolean {
  return a.some((left) => b.some((right) => sameGeneralName(left, right)));
}

function isFresh(crl: ParsedCrl, at: Date): boolean {
  return crl.thisUpdate <= at && (crl.nextUpdate === undefined || at <= crl.nextUpdate);
}

/** The reasons covered by both sets (absent = all); bit 0 ("unused") is dropped. */
function intersect(
  a: ReadonlySet<number> | undefined,
  b: ReadonlySet<number> | undefined,
): Set<number> {
  return new Set(
    [...ALL_REASON_BITS].filter(
      (bit) => (a ?? ALL_REASON_BITS).has(bit) && (b ?? ALL_REASON_BITS).has(bit),
    ),
  );
}

/** RFC 5280 6.3.3 (b): is the CRL's issuer and scope right for this certificate and point? */
function inScope(
  crl: ParsedCrl,
  certificate: ParsedCertificate,
  point: DistributionPoint,
): string | undefined {
  const idp = crl.issuingDistributionPoint;
  if (point.crlIssuer !== undefined) {
    if (!directoryNames(point.crlIssuer).some((name) => name.key === crl.issuer.key))
      return 'issuer is not the cRLIssuer';
    if (idp?.indirectCRL !== true) return 'not an indirect CRL';
  } else if (crl.issuer.key !== certificate.issuer.key) {
    return 'issuer differs';
  }
  if (idp === undefined) return undefined;
  if (idp.name !== undefined) {
    const idpNames = fullNames(idp.name, crl.issuer);
    const pointNames =
      point.name !== undefined
        ? fullNames(point.name, directoryNames(point.crlIssuer ?? [])[0] ?? certificate.issuer)
        : (point.crlIssuer ?? []);
    if (!anyShared(idpNames, pointNames)) return 'distribution point names differ';
  }
  if (idp.onlyContainsUserCerts && isCa(certificate)) return 'covers user certificates only';
  if (idp.onlyContainsCACerts && !isCa(certificate)) return 'covers CA certificates only';
  if (idp.onlyContainsAttributeCerts) return 'covers attribute certificates only';
  return undefined;
}

function signedBy(crl: ParsedCrl, keys: readonly WorkingKey[]): WorkingKey | undefined {
  if (crl.tbsSignatureAlgorithm.oid !== crl.signatureAlgorithm.oid) return undefined;
  return keys.find(
    (key) => checkSignature(crl.tbs, crl.signatureAlgorithm, crl.signature, key) === 'valid',
  );
}

function scopeKey(crl: ParsedCrl): string {
  return JSON.stringify(crl.issuingDistributionPoint ?? null, (_key, value: unknown) =>
    value instanceof Set ? [...(value as Set<number>)] : value,
  );
}

/** A usable delta CRL for this complete CRL (RFC 5280 6.3.3 (a)(2) and (f)). */
function deltaFor(
  complete: ParsedCrl,
  key: WorkingKey,
  context: RevocationContext,
): ParsedCrl | undefined {
  if (complete.crlNumber === undefined) return undefined;
  const completeNumber = complete.crlNumber;
  return context.crls.find(
    (delta) =>
      delta.deltaBase !== undefined &&
      delta.deltaBase <= completeNumber &&
      (delta.crlNumber ?? 0n) > completeNumber &&
      delta.issuer.key === complete.issuer.key &&
      scopeKey(delta) === scopeKey(complete) &&
      !delta.hasUnknownCriticalExtension &&
      isFresh(delta, context.at) &&
      signedBy(delta, [key]) !== undefined,
  );
}

function entryFor(crl: ParsedCrl, certificate: ParsedCertificate) {
  return crl.entries.find(
    (entry) =>
      entry.serial === certificate.serial && entry.certificateIssuer.key === certificate.issuer.key,
  );
}

/** Determines the revocation status of `certificate` (RFC 5280 6.3.3). */
export function checkRevocation(
  certificate: ParsedCertificate,
  context: RevocationContext,
): RevocationStatus {
  const problems: string[] = [];
  const covered = new Set<number>();
  // Without a cRLDistributionPoints extension, the CRLs of the issuer itself apply,
  // as if one point named the issuer (RFC 5280 6.3.3, last paragraph).
  const points: readonly DistributionPoint[] =
    certificate.crlDistributionPoints.length > 0
      ? certificate.crlDistributionPoints
      : [
          {
            name: { kind: 'full', names: [{ kind: 'directory', value: certificate.issuer }] },
            reasons: undefined,
            crlIssuer: undefined,
          },
        ];

  for (const point of points) {
    for (const crl of context.crls) {
      if (covered.size === ALL_REASON_BITS.size) break;
      if (crl.deltaBase !== undefined) continue;
      const label = `CRL of ${crl.issuer.text}`;
      const scopeProblem = inScope(crl, certificate, point);
      if (scopeProblem !== undefined) continue;
      const interim = intersect(crl.issuingDistributionPoint?.onlySomeReasons, point.reasons);
      if ([...interim].every((bit) => covered.has(bit))) continue;
      if (!isFresh(crl, context.at)) {
        problems.push(`${label} is not current (thisUpdate/nextUpdate)`);
        continue;
      }
      if (
        crl.hasUnknownCriticalExtension ||
        crl.entries.some((entry) => entry.hasUnknownCriticalExtension)
      ) {
        problems.push(`${label} has an unknown critical extension`);
        continue;
      }
      const key = signedBy(crl, context.crlSignerKeys(crl.issuer));
      if (key === undefined) {
        problems.push(`${label}: no valid signer key verifies its signature`);
        continue;
      }
      const delta = deltaFor(crl, key, context);
      const deltaEntry = delta && entryFor(delta, certificate);
      if (deltaEntry !== undefined && deltaEntry.revocationDate <= context.at) {
        if (deltaEntry.reason === REASON_REMOVE_FROM_CRL) {
          for (const bit of interim) covered.add(bit);
          continue;
        }
        return {
          status: 'revoked',
          reasonCode: deltaEntry.reason,
          revocationDate: deltaEntry.revocationDate,
        };
      }
      const entry = entryFor(crl, certificate);
      if (
        entry !== undefined &&
        entry.reason !== REASON_REMOVE_FROM_CRL &&
        entry.revocationDate <= context.at
      ) {
        return {
          status: 'revoked',
          reasonCode: entry.reason,
          revocationDate: entry.revocationDate,
        };
      }
      for (const bit of interim) covered.add(bit);
    }
  }
  if (covered.size === ALL_REASON_BITS.size) return { status: 'good' };
  if (problems.length === 0)
    problems.push(covered.size === 0 ? 'no CRL covers it' : 'the CRLs cover only some reasons');
  return { status: 'undetermined', problems };
}
