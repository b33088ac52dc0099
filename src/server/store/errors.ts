/** Failures of the mt2d message store. Stable codes; callers and tests match on them. */
export type StoreErrorCode =
  | 'STORE_LOCKED'
  | 'STORE_CORRUPT'
  | 'STORE_CLOSED'
  | 'STORE_DUPLICATE_MESSAGE'
  | 'STORE_UNKNOWN_MESSAGE'
  | 'STORE_UNKNOWN_ENTRY'
  | 'STORE_TRANSACTION_FINISHED'
  | 'STORE_PART_ORDER';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}
