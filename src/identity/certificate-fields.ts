// The fields of a certificate that CMS names it by: issuer and serial number, and the
// subject key identifier (RFC 5652 section 10.2.4 and 5.3).
import type { X509Certificate } from 'node:crypto';
import {
  isContext,
  isUniversal,
  readDer,
  readIntegerHex,
  readOid,
  sequence,
  stringOctets,
  TAG,
  type DerNode,
} from './der.ts';
import { IdentityError } from './errors.ts';
import { OID_SUBJECT_KEY_IDENTIFIER } from './oids.ts';

/** How CMS can refer to a certificate. */
export interface CertificateIdentifiers {
  /** The issuer Name, DER, as the certificate encodes it. */
  readonly issuer: Buffer;
  /** The serial number INTEGER element, DER. */
  readonly serialNumber: Buffer;
  /** The serial number as unsigned hex without leading zeros. */
  readonly serialHex: string;
  /** The subjectKeyIdentifier extension's key identifier, if present. */
  readonly subjectKeyId: Buffer | undefined;
}

function findSubjectKeyId(extensionsField: DerNode | undefined): Buffer | undefined {
  const extensions = extensionsField?.children[0]?.children ?? [];
  for (const extension of extensions) {
    if (readOid(extension.children[0]) !== OID_SUBJECT_KEY_IDENTIFIER) continue;
    const value = extension.children.at(-1);
    if (!isUniversal(value, TAG.OCTET_STRING)) return undefined;
    const keyId = readDer(value.content);
    return isUniversal(keyId, TAG.OCTET_STRING) ? stringOctets(keyId) : undefined;
  }
  return undefined;
}

/** Reads issuer, serial number and subject key identifier from a certificate's DER. */
export function certificateIdentifiers(certificate: X509Certificate): CertificateIdentifiers {
  return identifiersOf(readDer(certificate.raw));
}

/** The same, from an already parsed Certificate element (one inside a SignedData). */
export function identifiersOf(certificateNode: DerNode): CertificateIdentifiers {
  const tbs = certificateNode.children[0];
  const fields = tbs?.children ?? [];
  const first = isContext(fields[0], 0) ? 1 : 0;
  const serial = fields[first];
  const issuer = fields[first + 2];
  if (!isUniversal(serial, TAG.INTEGER) || !isUniversal(issuer, TAG.SEQUENCE)) {
    throw new IdentityError('IDENTITY_MALFORMED_INPUT', 'certificate without issuer or serial');
  }
  return {
    issuer: issuer.raw,
    serialNumber: serial.raw,
    serialHex: readIntegerHex(serial),
    subjectKeyId: findSubjectKeyId(fields.find((field) => isContext(field, 3))),
  };
}

/** IssuerAndSerialNumber of a certificate, DER. */
export function issuerAndSerialNumber(certificate: X509Certificate): Buffer {
  const ids = certificateIdentifiers(certificate);
  return sequence(ids.issuer, ids.serialNumber);
}

/**
 * True when a SignerIdentifier or RecipientIdentifier (IssuerAndSerialNumber, or [0]
 * SubjectKeyIdentifier) names the certificate with identifiers `ids`.
 */
export function identifierNames(identifier: DerNode, ids: CertificateIdentifiers): boolean {
  if (identifier.tagClass === 'context' && identifier.tagNumber === 0) {
    return ids.subjectKeyId !== undefined && stringOctets(identifier).equals(ids.subjectKeyId);
  }
  const [issuer, serial] = identifier.children;
  return (
    isUniversal(identifier, TAG.SEQUENCE) &&
    issuer?.raw.equals(ids.issuer) === true &&
    readIntegerHex(serial) === ids.serialHex
  );
}
