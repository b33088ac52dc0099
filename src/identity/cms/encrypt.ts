import {
  constants,
  createCipheriv,
  publicEncrypt,
  randomBytes,
  type X509Certificate,
} from 'node:crypto';
import { issuerAndSerialNumber } from '../certificate-fields.ts';
import {
  contextConstructed,
  contextPrimitive,
  integer,
  octetString,
  oid,
  sequence,
  setOf,
} from '../der.ts';
import { IdentityError } from '../errors.ts';
import {
  CONTENT_CIPHERS,
  OID_DATA,
  OID_ENVELOPED_DATA,
  OID_MGF1,
  OID_RSA_ENCRYPTION,
  OID_RSAES_OAEP,
  OID_SHA256,
} from '../oids.ts';
import { algorithmWithNull } from './algorithms.internal.ts';
import { wrapContentInfo } from './content-info.internal.ts';

/** Content-encryption ciphers that encryptCms can use. */
export type CmsContentCipher = 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc';

/** How the content key is wrapped for each RSA recipient. */
export type CmsKeyTransport = 'rsa-pkcs1-v1_5' | 'rsa-oaep-sha256';

/** How to encrypt. */
export interface CmsEncryptOptions {
  /** The content cipher; default `aes-256-cbc`. */
  readonly cipher?: CmsContentCipher;
  /**
   * Key transport; default `rsa-pkcs1-v1_5`, which every CMS reader decrypts.
   * `rsa-oaep-sha256` (RFC 8017, SHA-256 and MGF1-SHA-256) for recipients known to read it.
   */
  readonly keyTransport?: CmsKeyTransport;
}

/** RSAES-OAEP-params for SHA-256 (RFC 4055 section 4.1). */
function oaepSha256Algorithm(): Buffer {
  const sha256 = algorithmWithNull(OID_SHA256);
  return sequence(
    oid(OID_RSAES_OAEP),
    sequence(contextConstructed(0, sha256), contextConstructed(1, sequence(oid(OID_MGF1), sha256))),
  );
}

const AES_BLOCK_BYTES = 16;

function cipherOid(name: CmsContentCipher): { oid: string; keyBytes: number } {
  const entry = Object.entries(CONTENT_CIPHERS).find(([, cipher]) => cipher.name === name);
  if (entry === undefined) throw new IdentityError('CMS_UNSUPPORTED_ALGORITHM', name);
  return { oid: entry[0], keyBytes: entry[1].keyBytes };
}

/** KeyTransRecipientInfo for an RSA recipient (RFC 5652 section 6.2.1), version 0. */
function keyTransRecipient(
  recipient: X509Certificate,
  contentKey: Buffer,
  keyTransport: CmsKeyTransport,
): Buffer {
  if (recipient.publicKey.asymmetricKeyType !== 'rsa') {
    throw new IdentityError(
      'CMS_UNSUPPORTED_ALGORITHM',
      `recipient ${recipient.subject} has a ${recipient.publicKey.asymmetricKeyType ?? 'non-RSA'} key; only RSA key transport is implemented`,
    );
  }
  const oaep = keyTransport === 'rsa-oaep-sha256';
  const encryptedKey = publicEncrypt(
    oaep
      ? { key: recipient.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }
      : { key: recipient.publicKey, padding: constants.RSA_PKCS1_PADDING },
    contentKey,
  );
  return sequence(
    integer(0),
    issuerAndSerialNumber(recipient),
    oaep ? oaepSha256Algorithm() : algorithmWithNull(OID_RSA_ENCRYPTION),
    octetString(encryptedKey),
  );
}

/**
 * Encrypts arbitrary octets as CMS EnvelopedData (RFC 5652 section 6), DER, to every
 * recipient certificate: one random content key, AES-CBC (default AES-256), the key
 * wrapped for each RSA recipient with PKCS#1 v1.5 key transport, which every CMS
 * reader (openssl cms, S/MIME clients) decrypts. MT2 includes the sender among the
 * recipients so that the sender can read its own sent mail.
 * Errors: CMS_UNSUPPORTED_ALGORITHM for a non-RSA recipient; a RangeError for none.
 */
export function encryptCms(
  content: Uint8Array,
  recipients: readonly X509Certificate[],
  options: CmsEncryptOptions = {},
): Buffer {
  if (recipients.length === 0) throw new RangeError('encryptCms needs at least one recipient');
  const cipher = cipherOid(options.cipher ?? 'aes-256-cbc');
  const contentKey = randomBytes(cipher.keyBytes);
  const iv = randomBytes(AES_BLOCK_BYTES);
  const encipher = createCipheriv(options.cipher ?? 'aes-256-cbc', contentKey, iv);
  const encryptedContent = Buffer.concat([encipher.update(content), encipher.final()]);
  const envelopedData = sequence(
    integer(0),
    setOf(
      ...recipients.map((recipient) =>
        keyTransRecipient(recipient, contentKey, options.keyTransport ?? 'rsa-pkcs1-v1_5'),
      ),
    ),
    sequence(
      oid(OID_DATA),
      sequence(oid(cipher.oid), octetString(iv)),
      contextPrimitive(0, encryptedContent),
    ),
  );
  contentKey.fill(0);
  return wrapContentInfo(OID_ENVELOPED_DATA, envelopedData);
}
