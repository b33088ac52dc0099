// Mailing lists hosted by mt2d (docs/mt2d.md, "Lists").
export {
  LIST_HOST_ERROR_CODES,
  ListHostError,
  type ListHostErrorCode,
  type ListRefusalCode,
} from './errors.ts';
export {
  addList,
  addListMembers,
  hostedListAddresses,
  listFiles,
  listMembers,
  removeList,
  type AddListOptions,
  type ListFiles,
} from './list-admin.ts';
export { derivedMessageId, listIdOf } from './list-messages.ts';
export { MAX_ANSWERED_KEPT, readListRecord, type ListRecord } from './list-record.ts';
export { ListHost, type ListHostOptions } from './list-host.ts';
