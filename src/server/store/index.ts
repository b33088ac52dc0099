export { StoreError, type StoreErrorCode } from './errors.ts';
export {
  MessageStore,
  IncomingMessage,
  PART_TYPES,
  type CommittedMessage,
  type MailboxChanges,
  type MailboxEntry,
  type PartSizes,
  type PartType,
} from './message-store.ts';
export { DEFAULT_PART_CACHE_BYTES } from './part-cache.ts';
export type { RecoveryReport } from './record-log.ts';
