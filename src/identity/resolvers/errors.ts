/** Stable codes of {@link ResolverError}. */
export type ResolverErrorCode =
  | 'INVALID_DOMAIN'
  | 'RESOLVER_TIMEOUT'
  | 'RESOLVER_UNREACHABLE'
  | 'RESOLVER_BAD_RESPONSE'
  | 'RESOLVER_RESPONSE_TOO_LARGE';

/** Thrown (as a rejection) when a CA lookup itself fails; "nothing published" is not an error. */
export class ResolverError extends Error {
  override readonly name = 'ResolverError';
  readonly code: ResolverErrorCode;

  constructor(code: ResolverErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
