// Object identifiers used by the CMS, PKCS#12 and certificate code of this folder.

/** CMS content type id-data (RFC 5652 section 4). */
export const OID_DATA = '1.2.840.113549.1.7.1';
/** CMS content type id-signedData (RFC 5652 section 5). */
export const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
/** CMS content type id-envelopedData (RFC 5652 section 6). */
export const OID_ENVELOPED_DATA = '1.2.840.113549.1.7.3';

/** Signed attribute contentType (RFC 5652 section 11.1). */
export const OID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
/** Signed attribute messageDigest (RFC 5652 section 11.2). */
export const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
/** Signed attribute signingTime (RFC 5652 section 11.3). */
export const OID_SIGNING_TIME = '1.2.840.113549.1.9.5';

/** Digest algorithm OIDs and their node:crypto names. */
export const DIGESTS: Readonly<Record<string, string>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
/** id-sha256, the digest this module signs and MACs with. */
export const OID_SHA256 = '2.16.840.1.101.3.4.2.1';

/** rsaEncryption: RSA keys, PKCS#1 v1.5 signatures and key transport. */
export const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
/** id-RSAES-OAEP key transport (RFC 8017, RFC 4055). */
export const OID_RSAES_OAEP = '1.2.840.113549.1.1.7';
/** id-mgf1, OAEP's and PSS's mask generation function. */
export const OID_MGF1 = '1.2.840.113549.1.1.8';
/** sha256WithRSAEncryption: the signature of the certificates a domain CA issues. */
export const OID_SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
/** id-RSASSA-PSS signatures (RFC 4055). */
export const OID_RSASSA_PSS = '1.2.840.113549.1.1.10';
/** id-ecPublicKey, which some writers put in SignerInfo.signatureAlgorithm for ECDSA. */
export const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';

/** Content-encryption cipher OIDs, their node:crypto names and key sizes (all take an IV). */
export const CONTENT_CIPHERS: Readonly<Record<string, { name: string; keyBytes: number }>> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyBytes: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyBytes: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyBytes: 32 },
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', keyBytes: 24 },
};
/** aes256-CBC, for keys at rest. */
export const OID_AES256_CBC = '2.16.840.1.101.3.4.1.42';

/** The nameConstraints extension (RFC 5280 section 4.2.1.10), which forge cannot write. */
export const OID_NAME_CONSTRAINTS = '2.5.29.30';
/** The subjectKeyIdentifier extension (RFC 5280 section 4.2.1.2). */
export const OID_SUBJECT_KEY_IDENTIFIER = '2.5.29.14';

/** PBES2 password-based encryption (RFC 8018 section 6.2). */
export const OID_PBES2 = '1.2.840.113549.1.5.13';
/** PBKDF2 key derivation (RFC 8018 section 5.2). */
export const OID_PBKDF2 = '1.2.840.113549.1.5.12';
/** hmacWithSHA256, the PBKDF2 PRF used for keys at rest. */
export const OID_HMAC_SHA256 = '1.2.840.113549.2.9';
