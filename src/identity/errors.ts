/** Stable codes of every failure raised by src/identity (validation has its own). */
export type IdentityErrorCode =
  /** PEM, DER or an ASN.1 structure could not be read. */
  | 'IDENTITY_MALFORMED_INPUT'
  /** Input larger than the module's size limit. */
  | 'IDENTITY_INPUT_TOO_LARGE'
  /** A key of a kind this module does not handle (it issues RSA only). */
  | 'IDENTITY_UNSUPPORTED_KEY'
  /** An encrypted key or PKCS#12 file needs a passphrase and none was given. */
  | 'IDENTITY_PASSPHRASE_REQUIRED'
  /** The passphrase does not open the key or PKCS#12 file. */
  | 'IDENTITY_WRONG_PASSPHRASE'
  /** A PKCS#12 file holds no private key, or no certificate matching it. */
  | 'IDENTITY_PKCS12_INCOMPLETE'
  /** A CSR's self-signature does not verify. */
  | 'IDENTITY_CSR_BAD_SIGNATURE'
  /** An issuing request that the CA must refuse (name outside its domain, bad name). */
  | 'IDENTITY_ISSUE_REFUSED'
  /** The private key does not belong to the certificate. */
  | 'IDENTITY_KEY_MISMATCH'
  /** A signing pool's worker failed or stopped, the pool is closed or full, or holds another key. */
  | 'IDENTITY_SIGNING_FAILED'
  /** CMS input is not the expected content type. */
  | 'CMS_WRONG_CONTENT_TYPE'
  /** An algorithm (digest, signature, cipher, key transport) this module does not handle. */
  | 'CMS_UNSUPPORTED_ALGORITHM'
  /** Detached SignedData verified without the content, or attached with a second one. */
  | 'CMS_CONTENT_MISSING'
  /** The messageDigest attribute does not match the content (tampered content). */
  | 'CMS_CONTENT_DIGEST_MISMATCH'
  /** The signature does not verify with the signer's public key. */
  | 'CMS_BAD_SIGNATURE'
  /** SignedData has no signer, or its signer's certificate is not available. */
  | 'CMS_SIGNER_NOT_FOUND'
  /** The signer does not chain, by signature, to any of the given trust anchors. */
  | 'CMS_UNTRUSTED_SIGNER'
  /** No recipient of the EnvelopedData is the given certificate. */
  | 'CMS_NO_MATCHING_RECIPIENT'
  /** The content-encryption key or the content could not be decrypted. */
  | 'CMS_DECRYPTION_FAILED';

/**
 * A failure in src/identity: `code` is stable and is what callers and tests compare;
 * `message` is for people.
 */
export class IdentityError extends Error {
  override readonly name = 'IdentityError';

  constructor(
    readonly code: IdentityErrorCode,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Largest PEM, DER, PKCS#12 or CSR input accepted, in bytes (1 MiB). */
export const MAX_CREDENTIAL_INPUT_BYTES = 1024 * 1024;

/** Largest CMS object accepted, in bytes (64 MiB): a whole message part in memory. */
export const MAX_CMS_INPUT_BYTES = 64 * 1024 * 1024;

/** Throws IDENTITY_INPUT_TOO_LARGE when `input` exceeds `limitBytes`. */
export function assertInputSize(
  input: Uint8Array | string,
  limitBytes: number,
  what: string,
): void {
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.byteLength;
  if (size > limitBytes) {
    throw new IdentityError(
      'IDENTITY_INPUT_TOO_LARGE',
      `${what} is ${size} bytes; the limit is ${limitBytes}`,
    );
  }
}
