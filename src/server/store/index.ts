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
export type { RecoveryReport } from './record-log.ts';
