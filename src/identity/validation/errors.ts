/** Stable codes of {@link CertificateInputError}: input that cannot be read at all. */
export type CertificateInputErrorCode = 'MALFORMED_DER' | 'MALFORMED_PEM' | 'INPUT_TOO_LARGE';

/**
 * Thrown when bytes handed to the validation layer are not a certificate or CRL it can
 * read (bad DER, bad PEM, over the size limit). A certificate that parses but fails a
 * check is not an error: it yields a verdict with reasons.
 */
export class CertificateInputError extends Error {
  override readonly name = 'CertificateInputError';
  readonly code: CertificateInputErrorCode;

  constructor(code: CertificateInputErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
