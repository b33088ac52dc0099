/** Why a hashcash stamp is refused. Stable codes; tests and callers match on them. */
export type HashcashErrorCode =
  | 'HASHCASH_MALFORMED'
  | 'HASHCASH_UNSUPPORTED_VERSION'
  | 'HASHCASH_WRONG_RESOURCE'
  | 'HASHCASH_INSUFFICIENT_BITS'
  | 'HASHCASH_EXPIRED'
  | 'HASHCASH_FUTURE_DATED'
  | 'HASHCASH_DOUBLE_SPENT'
  | 'HASHCASH_MINT_ABORTED';

export class HashcashError extends Error {
  override readonly name = 'HashcashError';
  constructor(
    readonly code: HashcashErrorCode,
    message: string,
  ) {
    super(message);
  }
}
