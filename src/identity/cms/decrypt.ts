import {
  constants,
  createDecipheriv,
  privateDecrypt,
  type KeyObject,
  type X509Certificate,
} from 'node:crypto';
import { certificateIdentifiers, identifierNames } from '../certificate-fields.ts';
import { expectUniversal, isUniversal, readOid, stringOctets, TAG, type DerNode } from '../der.ts';
import { IdentityError } from '../errors.ts';
import {
  CONTENT_CIPHERS,
  DIGESTS,
  OID_ENVELOPED_DATA,
  OID_RSA_ENCRYPTION,
  OID_RSAES_OAEP,
} from '../oids.ts';
import { unwrapContentInfo } from './content-info.internal.ts';

/** Who decrypts: the recipient's certificate (to find its RecipientInfo) and key. */
export interface CmsRecipient {
  readonly certificate: X509Certificate;
  readonly privateKey: KeyObject;
}

function fail(code: IdentityError['code'], message: string): IdentityError {
  return new IdentityError(code, message);
}

/**
 * Removes PKCS#1 v1.5 type 2 padding (RFC 8017 section 7.2.2) from a raw RSA result.
 * Node 20 refuses RSA_PKCS1_PADDING for private decryption (CVE-2023-46809, the
 * Marvin attack), so the raw RSA operation is native and the padding check is here:
 * it reads every byte whatever it finds and has one error for every failure.
 */
function unpadPkcs1(block: Buffer, expectedBytes: number): Buffer {
  const separator = block.length - expectedBytes - 1;
  let bad = (block[0] ?? 1) | ((block[1] ?? 0) ^ 0x02) | (block[separator] ?? 1);
  for (let index = 2; index < separator; index++) bad |= (block[index] ?? 0) === 0 ? 1 : 0;
  if (separator < 10 || bad !== 0) {
    throw fail('CMS_DECRYPTION_FAILED', 'the content key does not decrypt with this key');
  }
  return block.subarray(separator + 1);
}

/** OAEP's hash from RSAES-OAEP-params (RFC 8017 A.2.1); SHA-1 when absent. */
function oaepHash(parameters: DerNode | undefined): string {
  const hashField = parameters?.children.find(
    (field) => field.tagClass === 'context' && field.tagNumber === 0,
  );
  if (hashField === undefined) return 'sha1';
  const algorithm = readOid(hashField.children[0]?.children[0]);
  const name = DIGESTS[algorithm];
  if (name === undefined) throw fail('CMS_UNSUPPORTED_ALGORITHM', `OAEP hash ${algorithm}`);
  return name;
}

function decryptContentKey(
  recipientInfo: DerNode,
  privateKey: KeyObject,
  keyBytes: number,
): Buffer {
  const [, , algorithmField, encryptedKeyField] = recipientInfo.children;
  const algorithm = readOid(algorithmField?.children[0]);
  const encryptedKey = stringOctets(
    expectUniversal(encryptedKeyField, TAG.OCTET_STRING, 'an encryptedKey'),
  );
  try {
    if (algorithm === OID_RSA_ENCRYPTION) {
      const block = privateDecrypt(
        { key: privateKey, padding: constants.RSA_NO_PADDING },
        encryptedKey,
      );
      return unpadPkcs1(block, keyBytes);
    }
    if (algorithm === OID_RSAES_OAEP) {
      return privateDecrypt(
        {
          key: privateKey,
          padding: constants.RSA_PKCS1_OAEP_PADDING,
          oaepHash: oaepHash(algorithmField?.children[1]),
        },
        encryptedKey,
      );
    }
  } catch (error) {
    if (error instanceof IdentityError) throw error;
    throw new IdentityError('CMS_DECRYPTION_FAILED', 'the content key does not decrypt', {
      cause: error,
    });
  }
  throw fail('CMS_UNSUPPORTED_ALGORITHM', `unsupported key transport ${algorithm}`);
}

/**
 * Decrypts CMS EnvelopedData (DER or BER) for one recipient: finds the
 * KeyTransRecipientInfo naming its certificate (issuer and serial, or subject key
 * identifier), unwraps the content key (RSA PKCS#1 v1.5 or RSA-OAEP) and decrypts the
 * content (AES-128/192/256-CBC or 3DES-CBC, openssl's default). Errors:
 * CMS_WRONG_CONTENT_TYPE, CMS_NO_MATCHING_RECIPIENT, CMS_DECRYPTION_FAILED,
 * CMS_UNSUPPORTED_ALGORITHM, IDENTITY_MALFORMED_INPUT, IDENTITY_INPUT_TOO_LARGE.
 */
export function decryptCms(der: Uint8Array, recipient: CmsRecipient): Buffer {
  const envelopedData = unwrapContentInfo(der, OID_ENVELOPED_DATA, 'EnvelopedData');
  const fields = envelopedData.children;
  // version, [0] originatorInfo, recipientInfos (the SET), encryptedContentInfo (the SEQUENCE)
  const recipientInfos = fields.find((field) => isUniversal(field, TAG.SET));
  const encryptedContentInfo = fields.find((field) => isUniversal(field, TAG.SEQUENCE));
  const ids = certificateIdentifiers(recipient.certificate);
  const match = recipientInfos?.children.find((recipientInfo) => {
    const rid = recipientInfo.children[1];
    // Only KeyTransRecipientInfo (a SEQUENCE) names a certificate this way.
    return isUniversal(recipientInfo, TAG.SEQUENCE) && rid !== undefined
      ? identifierNames(rid, ids)
      : false;
  });
  if (match === undefined) {
    throw fail('CMS_NO_MATCHING_RECIPIENT', `no recipient is ${recipient.certificate.subject}`);
  }
  const [, algorithmField, encryptedContent] = encryptedContentInfo?.children ?? [];
  const cipherOid = readOid(algorithmField?.children[0]);
  const cipher = CONTENT_CIPHERS[cipherOid];
  if (cipher === undefined) {
    throw fail('CMS_UNSUPPORTED_ALGORITHM', `unsupported content cipher ${cipherOid}`);
  }
  if (encryptedContent === undefined) {
    throw fail('IDENTITY_MALFORMED_INPUT', 'EnvelopedData without encryptedContent');
  }
  const iv = stringOctets(expectUniversal(algorithmField?.children[1], TAG.OCTET_STRING, 'an IV'));
  const contentKey = decryptContentKey(match, recipient.privateKey, cipher.keyBytes);
  try {
    const decipher = createDecipheriv(cipher.name, contentKey, iv);
    return Buffer.concat([decipher.update(stringOctets(encryptedContent)), decipher.final()]);
  } catch (error) {
    throw new IdentityError('CMS_DECRYPTION_FAILED', 'the content does not decrypt', {
      cause: error,
    });
  } finally {
    contentKey.fill(0);
  }
}
