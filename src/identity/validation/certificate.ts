// Certificates as the validator sees them: decoded once, with the extensions that
// path validation and the MT2 rules need already read.
import { createHash } from 'node:crypto';
import {
  children,
  decodeOne,
  expectUniversal,
  isContext,
  readIntegerHex,
  readOid,
  readSmallInteger,
  readTime,
  TAG,
  type Tlv,
} from './der.internal.ts';
import { IdentityError } from '../errors.ts';
import { isPem, pemDecodeAll, type PemBlock } from '../pem.ts';
import { CertificateInputError } from './errors.ts';
import {
  decodeBasicConstraints,
  decodeDistributionPoints,
  decodeExtensions,
  decodeExtKeyUsage,
  decodeKeyUsage,
  decodeNameConstraints,
  OID,
  type BasicConstraints,
  type DistributionPoint,
  type KeyUsage,
  type NameConstraints,
  type RawExtension,
} from './extensions.internal.ts';
import {
  decodeGeneralNamesDer,
  decodeName,
  type DistinguishedName,
  type GeneralName,
} from './names.ts';

/** Largest certificate accepted, in bytes (64 KiB; real ones are 1-4 KiB). */
export const MAX_CERTIFICATE_BYTES = 64 * 1024;

/** An AlgorithmIdentifier: the OID and the DER of its parameters, if any. */
export interface AlgorithmIdentifier {
  readonly oid: string;
  readonly parameters: Uint8Array | undefined;
  /** The complete DER, for comparing two identifiers. */
  readonly encoded: Uint8Array;
}

/** A decoded X.509 certificate. */
export interface ParsedCertificate {
  readonly der: Uint8Array;
  /** The signed part (TBSCertificate), as encoded. */
  readonly tbs: Uint8Array;
  /** 1, 2 or 3. */
  readonly version: number;
  /** Serial number as lowercase hex without leading zeros. */
  readonly serial: string;
  readonly issuer: DistinguishedName;
  readonly subject: DistinguishedName;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** SubjectPublicKeyInfo as encoded. */
  readonly spki: Uint8Array;
  readonly publicKeyAlgorithm: AlgorithmIdentifier;
  /** The signature algorithm inside the TBS (must equal the outer one). */
  readonly tbsSignatureAlgorithm: AlgorithmIdentifier;
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly signature: Uint8Array;
  readonly extensions: readonly RawExtension[];
  readonly basicConstraints: BasicConstraints | undefined;
  readonly keyUsage: ReadonlySet<KeyUsage> | undefined;
  /** extKeyUsage purpose OIDs; undefined when the extension is absent. */
  readonly extKeyUsage: readonly string[] | undefined;
  readonly subjectAltNames: readonly GeneralName[];
  readonly issuerAltNames: readonly GeneralName[];
  readonly nameConstraints: NameConstraints | undefined;
  readonly crlDistributionPoints: readonly DistributionPoint[];
  readonly freshestCrl: readonly DistributionPoint[];
  /** SHA-256 of the DER, lowercase hex. */
  readonly fingerprint: string;
}

/** Decodes an AlgorithmIdentifier SEQUENCE. */
export function decodeAlgorithm(tlv: Tlv | undefined): AlgorithmIdentifier {
  const sequence = expectUniversal(tlv, TAG.sequence, 'an AlgorithmIdentifier');
  const [oid, parameters] = children(sequence);
  return {
    oid: readOid(expectUniversal(oid, TAG.oid, 'an algorithm OID')),
    parameters:
      parameters === undefined || parameters.tagNumber === TAG.null
        ? undefined
        : parameters.encoded,
    encoded: sequence.encoded,
  };
}

function findExtension(extensions: readonly RawExtension[], oid: string): RawExtension | undefined {
  return extensions.find((extension) => extension.oid === oid);
}

/** Decodes a DER certificate. Throws CertificateInputError when it is not one. */
export function parseCertificate(der: Uint8Array): ParsedCertificate {
  if (der.length > MAX_CERTIFICATE_BYTES) {
    throw new CertificateInputError(
      'INPUT_TOO_LARGE',
      `certificate over ${MAX_CERTIFICATE_BYTES} bytes`,
    );
  }
  const [tbsTlv, algorithmTlv, signatureTlv] = children(
    expectUniversal(decodeOne(der), TAG.sequence, 'a Certificate'),
  );
  const tbs = expectUniversal(tbsTlv, TAG.sequence, 'a TBSCertificate');
  const fields = children(tbs);
  let version = 1;
  if (isContext(fields[0], 0)) {
    const [versionTlv] = children(fields[0]);
    version = readSmallInteger(expectUniversal(versionTlv, TAG.integer, 'a version')) + 1;
    fields.shift();
  }
  const [serialTlv, innerAlgorithm, issuerTlv, validityTlv, subjectTlv, spkiTlv, ...optional] =
    fields;
  const [notBeforeTlv, notAfterTlv] = children(
    expectUniversal(validityTlv, TAG.sequence, 'a Validity'),
  );
  if (
    notBeforeTlv === undefined ||
    notAfterTlv === undefined ||
    issuerTlv === undefined ||
    subjectTlv === undefined
  ) {
    throw new CertificateInputError('MALFORMED_DER', 'malformed DER: incomplete TBSCertificate');
  }
  const spki = expectUniversal(spkiTlv, TAG.sequence, 'a SubjectPublicKeyInfo');
  const extensionsWrapper = optional.find((tlv) => isContext(tlv, 3));
  const extensions =
    extensionsWrapper === undefined
      ? []
      : decodeExtensions(children(extensionsWrapper)[0] ?? extensionsWrapper);
  const valueOf = (oid: string) => findExtension(extensions, oid)?.value;
  const basicConstraints = valueOf(OID.basicConstraints);
  const keyUsage = valueOf(OID.keyUsage);
  const extKeyUsage = valueOf(OID.extKeyUsage);
  const subjectAltName = valueOf(OID.subjectAltName);
  const issuerAltName = valueOf(OID.issuerAltName);
  const nameConstraints = valueOf(OID.nameConstraints);
  const distributionPoints = valueOf(OID.crlDistributionPoints);
  const freshest = valueOf(OID.freshestCrl);
  const signatureBits = expectUniversal(signatureTlv, TAG.bitString, 'a signature');
  return {
    der,
    tbs: tbs.encoded,
    version,
    serial: readIntegerHex(expectUniversal(serialTlv, TAG.integer, 'a serial number')),
    issuer: decodeName(issuerTlv),
    subject: decodeName(subjectTlv),
    notBefore: readTime(notBeforeTlv),
    notAfter: readTime(notAfterTlv),
    spki: spki.encoded,
    publicKeyAlgorithm: decodeAlgorithm(children(spki)[0]),
    tbsSignatureAlgorithm: decodeAlgorithm(innerAlgorithm),
    signatureAlgorithm: decodeAlgorithm(algorithmTlv),
    signature: signatureBits.content.subarray(1),
    extensions,
    basicConstraints: basicConstraints && decodeBasicConstraints(basicConstraints),
    keyUsage: keyUsage && decodeKeyUsage(keyUsage),
    extKeyUsage: extKeyUsage && decodeExtKeyUsage(extKeyUsage),
    subjectAltNames: subjectAltName ? decodeGeneralNamesDer(subjectAltName) : [],
    issuerAltNames: issuerAltName ? decodeGeneralNamesDer(issuerAltName) : [],
    nameConstraints: nameConstraints && decodeNameConstraints(nameConstraints),
    crlDistributionPoints: distributionPoints ? decodeDistributionPoints(distributionPoints) : [],
    freshestCrl: freshest ? decodeDistributionPoints(freshest) : [],
    fingerprint: createHash('sha256').update(der).digest('hex'),
  };
}

/** True when subject and issuer are the same name (RFC 5280 6.1: "self-issued"). */
export function isSelfIssued(certificate: ParsedCertificate): boolean {
  return certificate.subject.key === certificate.issuer.key;
}

/** True when the certificate asserts cA in basicConstraints. */
export function isCa(certificate: ParsedCertificate): boolean {
  return certificate.basicConstraints?.ca === true;
}

/**
 * Splits PEM text into the DER of each block with one of `labels` (decoded by ../pem.ts);
 * DER input is returned as one item.
 */
export function pemOrDer(bytes: Uint8Array, labels: readonly string[]): Uint8Array[] {
  if (!isPem(bytes)) return [bytes];
  let blocks: PemBlock[];
  try {
    blocks = pemDecodeAll(Buffer.from(bytes).toString('latin1'));
  } catch (error) {
    const tooLarge = error instanceof IdentityError && error.code === 'IDENTITY_INPUT_TOO_LARGE';
    throw new CertificateInputError(
      tooLarge ? 'INPUT_TOO_LARGE' : 'MALFORMED_PEM',
      error instanceof Error ? error.message : 'unreadable PEM',
    );
  }
  const wanted = blocks.filter((block) => labels.includes(block.label));
  if (wanted.length === 0) {
    throw new CertificateInputError(
      'MALFORMED_PEM',
      `no PEM block labelled ${labels.join(' or ')}`,
    );
  }
  return wanted.map((block) => new Uint8Array(block.der));
}

/** Parses every certificate of a PEM bundle or one DER certificate into our model. */
export function parseCertificates(bytes: Uint8Array): ParsedCertificate[] {
  return pemOrDer(bytes, ['CERTIFICATE', 'TRUSTED CERTIFICATE', 'X509 CERTIFICATE']).map(
    parseCertificate,
  );
}
