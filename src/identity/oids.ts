// Object identifiers used by the CMS and certificate code of this folder.

/** CMS content types (RFC 5652 section 4 to 6). */
export const OID_DATA = '1.2.840.113549.1.7.1';
export const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
export const OID_ENVELOPED_DATA = '1.2.840.113549.1.7.3';

/** CMS signed attributes (RFC 5652 section 11). */
export const OID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
export const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
export const OID_SIGNING_TIME = '1.2.840.113549.1.9.5';

/** Digest algorithms and their node:crypto names. */
export const DIGESTS: Readonly<Record<string, string>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
export const OID_SHA256 = '2.16.840.1.101.3.4.2.1';

/** Public-key algorithms as they appear in SignerInfo.signatureAlgorithm. */
export const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
export const OID_RSAES_OAEP = '1.2.840.113549.1.1.7';
export const OID_MGF1 = '1.2.840.113549.1.1.8';
export const OID_RSASSA_PSS = '1.2.840.113549.1.1.10';
export const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';

/** Content-encryption ciphers and their node:crypto names (all take an IV parameter). */
export const CONTENT_CIPHERS: Readonly<Record<string, { name: string; keyBytes: number }>> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyBytes: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyBytes: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyBytes: 32 },
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', keyBytes: 24 },
};
export const OID_AES256_CBC = '2.16.840.1.101.3.4.1.42';

/** Certificate extensions and name types not built into node-forge. */
export const OID_NAME_CONSTRAINTS = '2.5.29.30';
export const OID_SUBJECT_KEY_IDENTIFIER = '2.5.29.14';

/** Password-based encryption of keys at rest (RFC 8018). */
export const OID_PBES2 = '1.2.840.113549.1.5.13';
export const OID_PBKDF2 = '1.2.840.113549.1.5.12';
export const OID_HMAC_SHA256 = '1.2.840.113549.2.9';
