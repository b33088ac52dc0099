import { constants, createHash, verify, type X509Certificate, type KeyObject } from 'node:crypto';
import { x509Of } from './certificate-cache.ts';
import {
  certificateIdentifiers,
  identifierNames,
  identifiersOf,
  type CertificateIdentifiers,
} from '../certificate-fields.ts';
import {
  expectUniversal,
  isContext,
  isUniversal,
  readIntegerHex,
  readOid,
  stringOctets,
  TAG,
  withIdentifier,
  type DerNode,
} from '../der.ts';
import { IdentityError } from '../errors.ts';
import {
  DIGESTS,
  OID_CONTENT_TYPE,
  OID_MESSAGE_DIGEST,
  OID_RSASSA_PSS,
  OID_SIGNED_DATA,
  OID_SIGNING_TIME,
} from '../oids.ts';
import { digestName, signatureKeyType } from './algorithms.internal.ts';
import { unwrapContentInfo } from './content-info.internal.ts';

/** What to verify against. */
export interface CmsVerifyOptions {
  /** The signed octets, for detached SignedData; when given, used instead of any eContent. */
  readonly content?: Uint8Array;
  /** Signer certificates that the SignedData does not carry (openssl `-nocerts`). */
  readonly extraCertificates?: readonly X509Certificate[];
  /**
   * When given, every signer must chain by signature (X509Certificate.checkIssued and
   * verify) to one of these, through the certificates found; otherwise CMS_UNTRUSTED_SIGNER.
   * Full RFC 5280 validation of the signer is src/identity/validation's job.
   */
  readonly trustAnchors?: readonly X509Certificate[];
}

/** One signer whose signature verified. */
export interface CmsSigner {
  readonly certificate: X509Certificate;
  /** The signingTime attribute, if present. */
  readonly signingTime: Date | undefined;
  /** node:crypto name of the digest used, e.g. `sha256`. */
  readonly digestAlgorithm: string;
  /** Signer certificate up to the trust anchor, when trust anchors were given; else empty. */
  readonly chain: readonly X509Certificate[];
}

/** The result of a successful verification. */
export interface CmsVerification {
  /** The content that was signed (the eContent, or options.content). */
  readonly content: Buffer;
  /** The first signer (there is always at least one). */
  readonly signer: CmsSigner;
  /** Every signer, in SignerInfo order. */
  readonly signers: readonly CmsSigner[];
  /** Every certificate the SignedData carries, in order (parsed on first access). */
  readonly certificates: readonly X509Certificate[];
}

/** Longest issuer chain followed from a signer to a trust anchor. */
const MAX_CHAIN_LENGTH = 10;

function fail(code: IdentityError['code'], message: string): IdentityError {
  return new IdentityError(code, message);
}

/**
 * A certificate the signer may be: its identifiers read from the DER already parsed,
 * and the X509Certificate made only when needed (it costs about as much as the
 * signature check itself, and usually only the signer's is needed).
 */
interface Candidate {
  readonly ids: CertificateIdentifiers;
  readonly certificate: () => X509Certificate;
}

function embeddedCandidate(node: DerNode): Candidate {
  let parsed: X509Certificate | undefined;
  return {
    ids: identifiersOf(node),
    certificate: () => {
      try {
        parsed ??= x509Of(node.raw);
      } catch (error) {
        throw new IdentityError('IDENTITY_MALFORMED_INPUT', 'unreadable certificate in CMS', {
          cause: error,
        });
      }
      return parsed;
    },
  };
}

function readCandidates(field: DerNode | undefined): Candidate[] {
  // CertificateChoices other than Certificate (attribute certificates, [0]-[3]) are skipped.
  return (field?.children ?? [])
    .filter((choice) => isUniversal(choice, TAG.SEQUENCE))
    .map(embeddedCandidate);
}

interface SignedAttributes {
  readonly messageDigest: Buffer;
  readonly contentType: string;
  readonly signingTime: Date | undefined;
}

function readTime(node: DerNode | undefined): Date | undefined {
  if (node === undefined) return undefined;
  const text = node.content.toString('latin1');
  const match = /^(\d{2}|\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (match === null) return undefined;
  const [, year = '', month, day, hour, minute, second] = match;
  const fullYear = year.length === 4 ? year : `${Number(year) >= 50 ? '19' : '20'}${year}`;
  return new Date(`${fullYear}-${month}-${day}T${hour}:${minute}:${second}Z`);
}

function readSignedAttributes(field: DerNode): SignedAttributes {
  const values = new Map<string, DerNode[]>();
  for (const attribute of field.children) {
    const type = readOid(attribute.children[0]);
    if (values.has(type)) throw fail('IDENTITY_MALFORMED_INPUT', `attribute ${type} twice`);
    values.set(type, [...(attribute.children[1]?.children ?? [])]);
  }
  const [digest] = values.get(OID_MESSAGE_DIGEST) ?? [];
  const [contentType] = values.get(OID_CONTENT_TYPE) ?? [];
  if (digest === undefined || contentType === undefined) {
    throw fail('IDENTITY_MALFORMED_INPUT', 'signed attributes lack messageDigest or contentType');
  }
  return {
    messageDigest: stringOctets(expectUniversal(digest, TAG.OCTET_STRING, 'a messageDigest')),
    contentType: readOid(contentType),
    signingTime: readTime(values.get(OID_SIGNING_TIME)?.[0]),
  };
}

/** node:crypto verify options for RSASSA-PSS-params (RFC 4055 section 3.1); SHA-1 and 20 by default. */
function pssOptions(parameters: DerNode | undefined, publicKey: KeyObject) {
  const field = (tag: number) =>
    parameters?.children.find((child) => child.tagClass === 'context' && child.tagNumber === tag);
  const hashOid = field(0)?.children[0]?.children[0];
  const digest = hashOid === undefined ? 'sha1' : DIGESTS[readOid(hashOid)];
  if (digest === undefined) throw fail('CMS_UNSUPPORTED_ALGORITHM', 'unsupported PSS hash');
  const saltField = field(2)?.children[0];
  const saltLength = saltField === undefined ? 20 : parseInt(readIntegerHex(saltField), 16);
  return { digest, key: { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength } };
}

function checkSignature(
  algorithmField: DerNode | undefined,
  digest: string,
  data: Buffer,
  signature: Buffer,
  publicKey: KeyObject,
): void {
  const algorithm = readOid(algorithmField?.children[0]);
  const keyType = signatureKeyType(algorithm);
  if (keyType === undefined) {
    throw fail('CMS_UNSUPPORTED_ALGORITHM', `unsupported signature algorithm ${algorithm}`);
  }
  if (publicKey.asymmetricKeyType !== keyType) {
    throw fail('CMS_BAD_SIGNATURE', `a ${keyType} signature from a non-${keyType} key`);
  }
  let valid: boolean;
  try {
    if (algorithm === OID_RSASSA_PSS) {
      const pss = pssOptions(algorithmField?.children[1], publicKey);
      valid = verify(pss.digest, data, pss.key, signature);
    } else {
      valid = verify(digest, data, publicKey, signature);
    }
  } catch {
    valid = false; // a signature that is not even well-formed (bad DER for ECDSA)
  }
  if (!valid) throw fail('CMS_BAD_SIGNATURE', 'the signature does not verify');
}

function chainToAnchor(
  signer: X509Certificate,
  pool: readonly X509Certificate[],
  anchors: readonly X509Certificate[],
): X509Certificate[] {
  const issuedBy = (subject: X509Certificate, issuer: X509Certificate) =>
    subject.checkIssued(issuer) && subject.verify(issuer.publicKey);
  const chain = [signer];
  let current = signer;
  while (chain.length <= MAX_CHAIN_LENGTH) {
    if (anchors.some((anchor) => anchor.raw.equals(current.raw))) return chain;
    const anchor = anchors.find((candidate) => issuedBy(current, candidate));
    if (anchor !== undefined) return [...chain, anchor];
    const next = pool.find(
      (candidate) => candidate.ca && !chain.includes(candidate) && issuedBy(current, candidate),
    );
    if (next === undefined) break;
    chain.push(next);
    current = next;
  }
  throw fail(
    'CMS_UNTRUSTED_SIGNER',
    `the signer ${signer.subject} does not chain to a trusted certificate`,
  );
}

function verifySigner(
  signerInfo: DerNode,
  content: Buffer,
  eContentType: string,
  candidates: readonly Candidate[],
  options: CmsVerifyOptions,
): CmsSigner {
  const [, sid, digestAlgorithm, ...rest] = signerInfo.children;
  if (sid === undefined) throw fail('IDENTITY_MALFORMED_INPUT', 'SignerInfo without sid');
  const certificate = candidates
    .find((candidate) => identifierNames(sid, candidate.ids))
    ?.certificate();
  if (certificate === undefined) {
    throw fail('CMS_SIGNER_NOT_FOUND', "the signer's certificate is not available");
  }
  const digest = digestName(digestAlgorithm);
  const signedAttributes = isContext(rest[0], 0) ? rest.shift() : undefined;
  const [signatureAlgorithm, signatureField] = rest;
  const signature = stringOctets(expectUniversal(signatureField, TAG.OCTET_STRING, 'a signature'));
  let signedData = content;
  let signingTime: Date | undefined;
  if (signedAttributes !== undefined) {
    const attributes = readSignedAttributes(signedAttributes);
    if (attributes.contentType !== eContentType) {
      throw fail('IDENTITY_MALFORMED_INPUT', 'contentType attribute differs from eContentType');
    }
    if (!createHash(digest).update(content).digest().equals(attributes.messageDigest)) {
      throw fail('CMS_CONTENT_DIGEST_MISMATCH', 'the content does not match its messageDigest');
    }
    signedData = withIdentifier(0x31, signedAttributes.raw);
    signingTime = attributes.signingTime;
  }
  checkSignature(signatureAlgorithm, digest, signedData, signature, certificate.publicKey);
  const chain =
    options.trustAnchors === undefined
      ? []
      : chainToAnchor(
          certificate,
          candidates.map((candidate) => candidate.certificate()),
          options.trustAnchors,
        );
  return { certificate, signingTime, digestAlgorithm: digest, chain };
}

/**
 * Verifies CMS SignedData (DER or BER, attached or detached): for each signer, the
 * messageDigest attribute against the content and the signature over the DER SET of
 * signed attributes (or over the content when there are none), with node:crypto, so
 * RSA (PKCS#1 v1.5 and PSS) and ECDSA signers and certificates work. Errors:
 * CMS_WRONG_CONTENT_TYPE, CMS_CONTENT_MISSING, CMS_SIGNER_NOT_FOUND,
 * CMS_CONTENT_DIGEST_MISMATCH, CMS_BAD_SIGNATURE, CMS_UNSUPPORTED_ALGORITHM,
 * CMS_UNTRUSTED_SIGNER, IDENTITY_MALFORMED_INPUT, IDENTITY_INPUT_TOO_LARGE.
 */
export function verifyCms(der: Uint8Array, options: CmsVerifyOptions = {}): CmsVerification {
  const signedData = unwrapContentInfo(der, OID_SIGNED_DATA, 'SignedData');
  const [, , encapsulated, ...fields] = signedData.children;
  const eContentType = readOid(encapsulated?.children[0]);
  const eContent = encapsulated?.children[1]?.children[0];
  let content: Buffer;
  if (options.content !== undefined) {
    const given = options.content;
    content = Buffer.from(given.buffer, given.byteOffset, given.byteLength); // a view, not a copy
  } else if (eContent !== undefined) content = stringOctets(eContent);
  else throw fail('CMS_CONTENT_MISSING', 'detached SignedData needs the content to verify');
  const embedded = readCandidates(fields.find((field) => isContext(field, 0)));
  const signerInfos = fields.at(-1);
  if (!isUniversal(signerInfos, TAG.SET) || signerInfos.children.length === 0) {
    throw fail('CMS_SIGNER_NOT_FOUND', 'the SignedData has no signer');
  }
  const candidates = [
    ...embedded,
    ...(options.extraCertificates ?? []).map((certificate) => ({
      ids: certificateIdentifiers(certificate),
      certificate: () => certificate,
    })),
  ];
  const signers = signerInfos.children.map((signerInfo) =>
    verifySigner(signerInfo, content, eContentType, candidates, options),
  );
  const [signer] = signers;
  if (signer === undefined) throw fail('CMS_SIGNER_NOT_FOUND', 'the SignedData has no signer');
  return {
    content,
    signer,
    signers,
    get certificates() {
      return embedded.map((candidate) => candidate.certificate());
    },
  };
}
