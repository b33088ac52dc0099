import { createHash, sign, type KeyObject, type X509Certificate } from 'node:crypto';
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
  /**
   * Certificates to include besides the signer's; default: the credentials' chain. A
   * self-signed one (a root) is left out: a verifier trusts it only if it holds it already.
   */
  readonly extraCertificates?: readonly X509Certificate[];
  /**
   * Leave the signer's own certificate out too, when it travels beside the SignedData
   * (MT2's envelope `<certificate>`): the verifier passes it as an extra certificate.
   */
  readonly omitSigner?: boolean;
}

function attribute(type: string, value: Uint8Array): Buffer {
  return sequence(oid(type), setOf(value));
}

// The same in every SignedData we make (read only: the DER helpers copy what they wrap).
const SHA256_ALGORITHM = algorithmWithNull(OID_SHA256);
const DIGEST_ALGORITHMS = setOf(SHA256_ALGORITHM);
const CONTENT_TYPE_DATA = attribute(OID_CONTENT_TYPE, oid(OID_DATA));
const DATA_TYPE = oid(OID_DATA);

/** Makes the raw signature of the DER signed attributes with the key (sha256). */
export type RawSigner = (signedAttributes: Buffer, privateKey: KeyObject) => Promise<Buffer>;

/** The parts of a SignerInfo and SignedData that only depend on the signer (cached). */
interface SignerConstants {
  readonly signerIdentifier: Buffer;
  /** The `certificates [0]` field: the signer and its chain. */
  readonly certificates: Buffer;
  /** The same without the signer; empty (the field left out) when nothing else is sent. */
  readonly chainOnly: Buffer;
}

/** The `certificates [0]` field of a SignedData; empty when there is nothing to send. */
function certificatesField(certificates: readonly X509Certificate[]): Buffer {
  if (certificates.length === 0) return Buffer.alloc(0);
  return withIdentifier(0xa0, setOf(...certificates.map((certificate) => certificate.raw)));
}

// A host signs every trace entry with the same credentials: the certificate fields are
// read and the certificate SET OF sorted once per credentials and chain, not per message.
const constantsBySigner = new WeakMap<
  X509Certificate,
  WeakMap<readonly X509Certificate[], SignerConstants>
>();

function signerConstants(signer: Credentials, options: CmsSignOptions): SignerConstants {
  const extra = options.extraCertificates ?? signer.chain;
  let byChain = constantsBySigner.get(signer.certificate);
  if (byChain === undefined) {
    byChain = new WeakMap();
    constantsBySigner.set(signer.certificate, byChain);
  }
  let constants = byChain.get(extra);
  if (constants === undefined) {
    const chain = extra.filter((certificate) => !isSelfSigned(certificate));
    constants = {
      signerIdentifier: issuerAndSerialNumber(signer.certificate),
      certificates: certificatesField([signer.certificate, ...chain]),
      chainOnly: certificatesField(chain),
    };
    byChain.set(extra, constants);
  }
  return constants;
}

function isSelfSigned(certificate: X509Certificate): boolean {
  return certificate.checkIssued(certificate) && certificate.verify(certificate.publicKey);
}

const algorithmByKey = new WeakMap<KeyObject, Buffer>();

function signatureAlgorithmOf(privateKey: KeyObject): Buffer {
  let algorithm = algorithmByKey.get(privateKey);
  if (algorithm === undefined) {
    algorithm = signatureAlgorithmFor(privateKey);
    algorithmByKey.set(privateKey, algorithm);
  }
  return algorithm;
}

/** The signed attributes to sign, and how to wrap their signature into the SignedData. */
function prepareSignedData(
  content: Uint8Array,
  signer: Credentials,
  options: CmsSignOptions,
): { readonly signedSet: Buffer; assemble(signature: Buffer): Buffer } {
  const signatureAlgorithm = signatureAlgorithmOf(signer.privateKey); // refuses other keys first
  const constants = signerConstants(signer, options);
  const signedAttributes = [
    CONTENT_TYPE_DATA,
    attribute(OID_SIGNING_TIME, time(options.signingTime ?? new Date())),
    attribute(OID_MESSAGE_DIGEST, octetString(createHash('sha256').update(content).digest())),
  ];
  // The signature covers the attributes as a DER SET OF; SignerInfo carries them as [0].
  const signedSet = setOf(...signedAttributes);
  const assemble = (signature: Buffer) => {
    const signerInfo = sequence(
      integer(1),
      constants.signerIdentifier,
      SHA256_ALGORITHM,
      withIdentifier(0xa0, signedSet),
      signatureAlgorithm,
      octetString(signature),
    );
    const encapsulated =
      options.detached === false
        ? sequence(DATA_TYPE, contextConstructed(0, octetString(content)))
        : sequence(DATA_TYPE);
    const signedData = sequence(
      integer(1),
      DIGEST_ALGORITHMS,
      encapsulated,
      options.omitSigner === true ? constants.chainOnly : constants.certificates,
      setOf(signerInfo),
    );
    return wrapContentInfo(OID_SIGNED_DATA, signedData);
  };
  return { signedSet, assemble };
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
  const prepared = prepareSignedData(content, signer, options);
  return prepared.assemble(sign('sha256', prepared.signedSet, signer.privateKey));
}

/**
 * {@link signCms} with the raw signature made by `rawSign` (e.g. a {@link SigningPool}
 * on another thread); the same SignedData.
 */
export async function signCmsWith(
  content: Uint8Array,
  signer: Credentials,
  rawSign: RawSigner,
  options: CmsSignOptions = {},
): Promise<Buffer> {
  const prepared = prepareSignedData(content, signer, options);
  return prepared.assemble(await rawSign(prepared.signedSet, signer.privateKey));
}
