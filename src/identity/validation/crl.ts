// Certificate revocation lists (RFC 5280 section 5), decoded once for the CRL checks.
import {
  children,
  decodeOne,
  expectUniversal,
  isContext,
  readIntegerHex,
  readTime,
  TAG,
} from './der.internal.ts';
import { CertificateInputError } from './errors.ts';
import {
  decodeDistributionPoints,
  decodeExtensions,
  decodeIntegerExtension,
  decodeIssuingDistributionPoint,
  decodeReasonCode,
  OID,
  type DistributionPoint,
  type IssuingDistributionPoint,
} from './extensions.internal.ts';
import { decodeAlgorithm, pemOrDer, type AlgorithmIdentifier } from './certificate.ts';
import {
  decodeGeneralNamesDer,
  decodeName,
  directoryNames,
  type DistinguishedName,
} from './names.ts';

/** Largest CRL accepted, in bytes (16 MiB). */
export const MAX_CRL_BYTES = 16 * 1024 * 1024;

/** CRL reason codes (RFC 5280 5.3.1). */
export const CRL_REASONS: Readonly<Record<number, string>> = {
  0: 'unspecified',
  1: 'keyCompromise',
  2: 'cACompromise',
  3: 'affiliationChanged',
  4: 'superseded',
  5: 'cessationOfOperation',
  6: 'certificateHold',
  8: 'removeFromCRL',
  9: 'privilegeWithdrawn',
  10: 'aACompromise',
};

/** The reasonCode that undoes a hold in a delta CRL. */
export const REASON_REMOVE_FROM_CRL = 8;

/** One revoked certificate. */
export interface CrlEntry {
  readonly serial: string;
  readonly revocationDate: Date;
  /** reasonCode, when the entry has one. */
  readonly reason: number | undefined;
  /** The issuer of the revoked certificate (the CRL issuer unless an indirect CRL says otherwise). */
  readonly certificateIssuer: DistinguishedName;
  /** True when the entry has a critical extension this layer does not know. */
  readonly hasUnknownCriticalExtension: boolean;
}

/** A decoded CRL. */
export interface ParsedCrl {
  readonly der: Uint8Array;
  readonly tbs: Uint8Array;
  readonly issuer: DistinguishedName;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | undefined;
  readonly entries: readonly CrlEntry[];
  readonly crlNumber: bigint | undefined;
  /** The BaseCRLNumber of a delta CRL; undefined for a complete CRL. */
  readonly deltaBase: bigint | undefined;
  readonly issuingDistributionPoint: IssuingDistributionPoint | undefined;
  readonly freshestCrl: readonly DistributionPoint[];
  /** True when the CRL itself has a critical extension this layer does not know. */
  readonly hasUnknownCriticalExtension: boolean;
  readonly tbsSignatureAlgorithm: AlgorithmIdentifier;
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly signature: Uint8Array;
}

const KNOWN_CRL_EXTENSIONS = new Set<string>([
  OID.authorityKeyIdentifier,
  OID.issuerAltName,
  OID.crlNumber,
  OID.deltaCrlIndicator,
  OID.issuingDistributionPoint,
  OID.freshestCrl,
  OID.authorityInfoAccess,
]);
const KNOWN_ENTRY_EXTENSIONS = new Set<string>([
  OID.reasonCode,
  OID.invalidityDate,
  OID.certificateIssuer,
]);

/** Decodes a DER CRL. Throws CertificateInputError when it is not one. */
export function parseCrl(der: Uint8Array): ParsedCrl {
  if (der.length > MAX_CRL_BYTES) {
    throw new CertificateInputError('INPUT_TOO_LARGE', `CRL over ${MAX_CRL_BYTES} bytes`);
  }
  const [tbsTlv, algorithmTlv, signatureTlv] = children(
    expectUniversal(decodeOne(der), TAG.sequence, 'a CRL'),
  );
  const tbs = expectUniversal(tbsTlv, TAG.sequence, 'a TBSCertList');
  const fields = children(tbs);
  if (fields[0]?.tagNumber === TAG.integer) fields.shift();
  const [innerAlgorithm, issuerTlv, thisUpdateTlv, ...rest] = fields;
  if (issuerTlv === undefined || thisUpdateTlv === undefined) {
    throw new CertificateInputError('MALFORMED_DER', 'malformed DER: incomplete TBSCertList');
  }
  const issuer = decodeName(issuerTlv);
  let nextUpdate: Date | undefined;
  if (
    rest[0] !== undefined &&
    (rest[0].tagNumber === TAG.utcTime || rest[0].tagNumber === TAG.generalizedTime)
  ) {
    nextUpdate = readTime(rest[0]);
    rest.shift();
  }
  const revoked = rest[0]?.tagNumber === TAG.sequence ? children(rest[0]) : [];
  const extensionsWrapper = rest.find((tlv) => isContext(tlv, 0));
  const extensions =
    extensionsWrapper === undefined
      ? []
      : decodeExtensions(children(extensionsWrapper)[0] ?? extensionsWrapper);
  const valueOf = (oid: string) => extensions.find((extension) => extension.oid === oid)?.value;

  let currentIssuer = issuer;
  const entries = revoked.map((entryTlv): CrlEntry => {
    const [serialTlv, dateTlv, entryExtensionsTlv] = children(
      expectUniversal(entryTlv, TAG.sequence, 'a CRL entry'),
    );
    if (dateTlv === undefined)
      throw new CertificateInputError('MALFORMED_DER', 'malformed DER: CRL entry without date');
    const entryExtensions =
      entryExtensionsTlv === undefined ? [] : decodeExtensions(entryExtensionsTlv);
    const reasonValue = entryExtensions.find(
      (extension) => extension.oid === OID.reasonCode,
    )?.value;
    const issuerValue = entryExtensions.find(
      (extension) => extension.oid === OID.certificateIssuer,
    )?.value;
    // certificateIssuer applies to this entry and every later one (RFC 5280 5.3.3).
    if (issuerValue !== undefined)
      currentIssuer = directoryNames(decodeGeneralNamesDer(issuerValue))[0] ?? currentIssuer;
    return {
      serial: readIntegerHex(expectUniversal(serialTlv, TAG.integer, 'a serial number')),
      revocationDate: readTime(dateTlv),
      reason: reasonValue === undefined ? undefined : decodeReasonCode(reasonValue),
      certificateIssuer: currentIssuer,
      hasUnknownCriticalExtension: entryExtensions.some(
        (extension) => extension.critical && !KNOWN_ENTRY_EXTENSIONS.has(extension.oid),
      ),
    };
  });
  const number = valueOf(OID.crlNumber);
  const base = valueOf(OID.deltaCrlIndicator);
  const idp = valueOf(OID.issuingDistributionPoint);
  const freshest = valueOf(OID.freshestCrl);
  return {
    der,
    tbs: tbs.encoded,
    issuer,
    thisUpdate: readTime(thisUpdateTlv),
    nextUpdate,
    entries,
    crlNumber: number && decodeIntegerExtension(number),
    deltaBase: base && decodeIntegerExtension(base),
    issuingDistributionPoint: idp && decodeIssuingDistributionPoint(idp),
    freshestCrl: freshest ? decodeDistributionPoints(freshest) : [],
    hasUnknownCriticalExtension: extensions.some(
      (extension) => extension.critical && !KNOWN_CRL_EXTENSIONS.has(extension.oid),
    ),
    tbsSignatureAlgorithm: decodeAlgorithm(innerAlgorithm),
    signatureAlgorithm: decodeAlgorithm(algorithmTlv),
    signature: expectUniversal(signatureTlv, TAG.bitString, 'a signature').content.subarray(1),
  };
}

/** Reads every CRL of a PEM bundle or one DER CRL. */
export function readCrls(bytes: Uint8Array): ParsedCrl[] {
  return pemOrDer(bytes, ['X509 CRL']).map(parseCrl);
}
