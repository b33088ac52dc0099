export { HashcashError, type HashcashErrorCode } from './errors.ts';
export {
  parseStamp,
  formatStamp,
  leadingZeroBits,
  MAX_STAMP_BITS,
  MAX_STAMP_LENGTH,
  type HashcashStamp,
} from './stamp.ts';
export {
  checkStamp,
  redeemStamp,
  MemorySpentStampStore,
  DEFAULT_POSTAGE_BITS,
  DEFAULT_POSTAGE_POLICY,
  DEFAULT_STAMP_GRACE_MS,
  DEFAULT_STAMP_VALIDITY_MS,
  type CheckedStamp,
  type PostagePolicy,
  type SpentStampStore,
} from './check.ts';
export { mintStamp, type MintOptions } from './mint.ts';
