// Decoders for the X.509 v3 certificate and CRL extensions that validation processes.
import {
  bitsOf,
  children,
  decodeOne,
  expectUniversal,
  isContext,
  readBigInteger,
  readBoolean,
  readOid,
  readSmallInteger,
  TAG,
  type Tlv,
} from './der.internal.ts';
import {
  decodeGeneralName,
  decodeGeneralNames,
  decodeRdnAttributes,
  type GeneralName,
  type NameAttribute,
} from './names.ts';

/** Extension OIDs (RFC 5280 4.2 and 5.2). */
export const OID = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  basicConstraints: '2.5.29.19',
  crlNumber: '2.5.29.20',
  reasonCode: '2.5.29.21',
  invalidityDate: '2.5.29.24',
  deltaCrlIndicator: '2.5.29.27',
  issuingDistributionPoint: '2.5.29.28',
  certificateIssuer: '2.5.29.29',
  nameConstraints: '2.5.29.30',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  policyMappings: '2.5.29.33',
  authorityKeyIdentifier: '2.5.29.35',
  policyConstraints: '2.5.29.36',
  extKeyUsage: '2.5.29.37',
  freshestCrl: '2.5.29.46',
  inhibitAnyPolicy: '2.5.29.54',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  subjectInfoAccess: '1.3.6.1.5.5.7.1.11',
} as const;

/** One extension as found in the certificate or CRL. */
export interface RawExtension {
  readonly oid: string;
  readonly critical: boolean;
  /** The extnValue OCTET STRING's content: the DER of the extension's own value. */
  readonly value: Uint8Array;
}

/** Decodes an Extensions SEQUENCE. */
export function decodeExtensions(tlv: Tlv): RawExtension[] {
  return children(expectUniversal(tlv, TAG.sequence, 'Extensions')).map((extension) => {
    const parts = children(expectUniversal(extension, TAG.sequence, 'an Extension'));
    const [oidTlv, second, third] = parts;
    const critical =
      third === undefined ? false : readBoolean(expectUniversal(second, TAG.boolean, 'critical'));
    const valueTlv = expectUniversal(third ?? second, TAG.octetString, 'extnValue');
    return {
      oid: readOid(expectUniversal(oidTlv, TAG.oid, 'extnID')),
      critical,
      value: valueTlv.content,
    };
  });
}

/** basicConstraints (RFC 5280 4.2.1.9). */
export interface BasicConstraints {
  readonly ca: boolean;
  /** pathLenConstraint: how many non-self-issued CAs may follow; undefined = no limit. */
  readonly pathLength: number | undefined;
}

/** Decodes basicConstraints. */
export function decodeBasicConstraints(der: Uint8Array): BasicConstraints {
  let ca = false;
  let pathLength: number | undefined;
  for (const part of children(expectUniversal(decodeOne(der), TAG.sequence, 'BasicConstraints'))) {
    if (part.tagNumber === TAG.boolean) ca = readBoolean(part);
    else pathLength = readSmallInteger(part);
  }
  return { ca, pathLength };
}

/** keyUsage bit names, in bit order (RFC 5280 4.2.1.3). */
export const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;

/** One keyUsage bit by name. */
export type KeyUsage = (typeof KEY_USAGE_BITS)[number];

/** Decodes keyUsage into the set of named bits. */
export function decodeKeyUsage(der: Uint8Array): Set<KeyUsage> {
  const bits = bitsOf(expectUniversal(decodeOne(der), TAG.bitString, 'KeyUsage').content);
  return new Set(KEY_USAGE_BITS.filter((_, index) => bits.has(index)));
}

/** Decodes extKeyUsage into its purpose OIDs. */
export function decodeExtKeyUsage(der: Uint8Array): string[] {
  return children(expectUniversal(decodeOne(der), TAG.sequence, 'ExtKeyUsage')).map(readOid);
}

/** A GeneralSubtree's base (minimum and maximum are unused in the Internet profile). */
export type GeneralSubtree = GeneralName;

/** nameConstraints (RFC 5280 4.2.1.10). */
export interface NameConstraints {
  readonly permitted: readonly GeneralSubtree[];
  readonly excluded: readonly GeneralSubtree[];
}

/** Decodes nameConstraints. */
export function decodeNameConstraints(der: Uint8Array): NameConstraints {
  let permitted: GeneralSubtree[] = [];
  let excluded: GeneralSubtree[] = [];
  for (const part of children(expectUniversal(decodeOne(der), TAG.sequence, 'NameConstraints'))) {
    const subtrees = children(part).map((subtree) => {
      const [base] = children(expectUniversal(subtree, TAG.sequence, 'GeneralSubtree'));
      if (base === undefined) return { kind: 'other', tag: -1 } as const;
      return decodeGeneralName(base);
    });
    if (isContext(part, 0)) permitted = subtrees;
    else if (isContext(part, 1)) excluded = subtrees;
  }
  return { permitted, excluded };
}

/** A DistributionPointName: full names, or one RDN relative to the CRL issuer. */
export type DistributionPointName =
  | { readonly kind: 'full'; readonly names: readonly GeneralName[] }
  | { readonly kind: 'relative'; readonly rdn: readonly NameAttribute[] };

/** Revocation reason bits of ReasonFlags (RFC 5280 4.2.1.13); bit 0 is unused. */
export const ALL_REASON_BITS: ReadonlySet<number> = new Set([1, 2, 3, 4, 5, 6, 7, 8]);

/** One entry of cRLDistributionPoints or freshestCRL. */
export interface DistributionPoint {
  readonly name: DistributionPointName | undefined;
  /** Reason bits this point covers; undefined = all reasons. */
  readonly reasons: ReadonlySet<number> | undefined;
  /** Who issues the CRL when not the certificate's issuer (indirect CRLs). */
  readonly crlIssuer: readonly GeneralName[] | undefined;
}

function decodeDistributionPointName(wrapper: Tlv): DistributionPointName | undefined {
  const [choice] = children(wrapper);
  if (isContext(choice, 0)) return { kind: 'full', names: decodeGeneralNames(choice) };
  if (isContext(choice, 1)) return { kind: 'relative', rdn: decodeRdnAttributes(choice) };
  return undefined;
}

function reasonBits(tlv: Tlv): Set<number> {
  return bitsOf(tlv.content);
}

/** Decodes cRLDistributionPoints or freshestCRL. */
export function decodeDistributionPoints(der: Uint8Array): DistributionPoint[] {
  return children(expectUniversal(decodeOne(der), TAG.sequence, 'CRLDistributionPoints')).map(
    (point) => {
      let name: DistributionPointName | undefined;
      let reasons: Set<number> | undefined;
      let crlIssuer: GeneralName[] | undefined;
      for (const part of children(expectUniversal(point, TAG.sequence, 'DistributionPoint'))) {
        if (isContext(part, 0)) name = decodeDistributionPointName(part);
        else if (isContext(part, 1)) reasons = reasonBits(part);
        else if (isContext(part, 2)) crlIssuer = decodeGeneralNames(part);
      }
      return { name, reasons, crlIssuer };
    },
  );
}

/** issuingDistributionPoint (RFC 5280 5.2.5). */
export interface IssuingDistributionPoint {
  readonly name: DistributionPointName | undefined;
  readonly onlyContainsUserCerts: boolean;
  readonly onlyContainsCACerts: boolean;
  /** Reason bits this CRL covers; undefined = all reasons. */
  readonly onlySomeReasons: ReadonlySet<number> | undefined;
  readonly indirectCRL: boolean;
  readonly onlyContainsAttributeCerts: boolean;
}

function implicitBoolean(tlv: Tlv): boolean {
  return tlv.content.length === 1 && tlv.content[0] !== 0;
}

/** Decodes issuingDistributionPoint. */
export function decodeIssuingDistributionPoint(der: Uint8Array): IssuingDistributionPoint {
  let result: IssuingDistributionPoint = {
    name: undefined,
    onlyContainsUserCerts: false,
    onlyContainsCACerts: false,
    onlySomeReasons: undefined,
    indirectCRL: false,
    onlyContainsAttributeCerts: false,
  };
  for (const part of children(
    expectUniversal(decodeOne(der), TAG.sequence, 'IssuingDistributionPoint'),
  )) {
    if (isContext(part, 0)) result = { ...result, name: decodeDistributionPointName(part) };
    else if (isContext(part, 1))
      result = { ...result, onlyContainsUserCerts: implicitBoolean(part) };
    else if (isContext(part, 2)) result = { ...result, onlyContainsCACerts: implicitBoolean(part) };
    else if (isContext(part, 3)) result = { ...result, onlySomeReasons: reasonBits(part) };
    else if (isContext(part, 4)) result = { ...result, indirectCRL: implicitBoolean(part) };
    else if (isContext(part, 5))
      result = { ...result, onlyContainsAttributeCerts: implicitBoolean(part) };
  }
  return result;
}

/** Decodes an INTEGER-valued extension (cRLNumber, deltaCRLIndicator). */
export function decodeIntegerExtension(der: Uint8Array): bigint {
  return readBigInteger(decodeOne(der));
}

/** Decodes a CRL entry's reasonCode (an ENUMERATED). */
export function decodeReasonCode(der: Uint8Array): number {
  const tlv = decodeOne(der);
  return tlv.content[0] ?? 0;
}
