import { createHash, sign, type X509Certificate } from 'node:crypto';
import { issuerAndSerialNumber } from '../certificate-fields.ts';
import {
  contextConstructed,
  integer,
  octetString,
  oid,
  sequence,
  setOf,
  time,
  withIdentifier,
} from '../der.ts';
import type { Credentials } from '../issue.ts';
import {
  OID_CONTENT_TYPE,
  OID_DATA,
  OID_MESSAGE_DIGEST,
  OID_SHA256,
  OID_SIGNED_DATA,
  OID_SIGNING_TIME,
} from '../oids.ts';
import { algorithmWithNull, signatureAlgorithmFor } from './algorithms.internal.ts';
import { wrapContentInfo } from './content-info.internal.ts';

/** How to sign. */
export interface CmsSignOptions {
  /** Leave the content out of the SignedData (MT2 signs each part detached); default true. */
  readonly detached?: boolean;
  /** The signingTime attribute; default: now. */
  readonly signingTime?: Date;
  /** Certificates to include besides the signer's; default: the credentials' chain. */
  readonly extraCertificates?: readonly X509Certificate[];
}

function attribute(type: string, value: Uint8Array): Buffer {
  return sequence(oid(type), setOf(value));
}

/**
 * Signs arbitrary octets as CMS SignedData (RFC 5652 section 5), DER: SHA-256,
 * signed attributes contentType, signingTime and messageDigest, the signer named by
 * issuer and serial number, the signer's certificate and chain included. RSA
 * (PKCS#1 v1.5) and ECDSA keys sign through node:crypto. (Ed25519 is refused: OpenSSL
 * 3.0 cannot read it in CMS, so it could not be tested against a real peer.)
 */
export function signCms(
  content: Uint8Array,
  signer: Credentials,
  options: CmsSignOptions = {},
): Buffer {
  const signatureAlgorithm = signatureAlgorithmFor(signer.privateKey); // refuses other keys first
  const digestAlgorithm = algorithmWithNull(OID_SHA256);
  const signedAttributes = [
    attribute(OID_CONTENT_TYPE, oid(OID_DATA)),
    attribute(OID_SIGNING_TIME, time(options.signingTime ?? new Date())),
    attribute(OID_MESSAGE_DIGEST, octetString(createHash('sha256').update(content).digest())),
  ];
  // The signature covers the attributes as a DER SET OF; SignerInfo carries them as [0].
  const signedSet = setOf(...signedAttributes);
  const signature = sign('sha256', signedSet, signer.privateKey);
  const signerInfo = sequence(
    integer(1),
    issuerAndSerialNumber(signer.certificate),
    digestAlgorithm,
    withIdentifier(0xa0, signedSet),
    signatureAlgorithm,
    octetString(signature),
  );
  const certificates = [signer.certificate, ...(options.extraCertificates ?? signer.chain)].map(
    (certificate) => certificate.raw,
  );
  const encapsulated =
    options.detached === false
      ? sequence(oid(OID_DATA), contextConstructed(0, octetString(content)))
      : sequence(oid(OID_DATA));
  const signedData = sequence(
    integer(1),
    setOf(digestAlgorithm),
    encapsulated,
    withIdentifier(0xa0, setOf(...certificates)),
    setOf(signerInfo),
  );
  return wrapContentInfo(OID_SIGNED_DATA, signedData);
}
