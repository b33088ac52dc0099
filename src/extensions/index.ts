export * from './oids.ts';
export * from './hashcash/index.ts';
export { ExtensionError, type ExtensionErrorCode } from './recipient/errors.ts';
export type {
  Approval,
  IncomingMessage,
  LocalUser,
  PolicyScopeKind,
  SenderIdentity,
} from './recipient/context.ts';
export {
  addressKey,
  deleteState,
  putState,
  type CollectionName,
  type StateCollections,
  type StateReader,
  type StateWrite,
} from './recipient/state.ts';
export type {
  ExtensionRegistry,
  ExtensionReply,
  HandlerContext,
  HandlerOutcome,
  ManualOnlyReason,
  PayloadBase,
  PayloadMap,
  RecipientExtension,
  UserAction,
} from './recipient/spec.ts';
export {
  MAX_PAYLOAD_CHARS,
  childElements,
  enumAttribute,
  expectEmpty,
  integerAttribute,
  optionalAttribute,
  optionalChild,
  readPayloadRoot,
  requiredAttribute,
  requiredChild,
  textContent,
  writePayloadRoot,
  xmlElement,
  type ApprovalMark,
  type PayloadRoot,
  type ValueRule,
} from './recipient/xml-payload.ts';
export type { AuditAction, AuditDraft, AuditEntry } from './consent/audit.ts';
export {
  policyKey,
  resolvePolicy,
  type ConsentPolicy,
  type PolicyRule,
  type PolicyScope,
  type ResolvedPolicy,
} from './consent/policy.ts';
export type {
  ConsentStore,
  DeclaredReply,
  HoldReason,
  OutgoingMessage,
  PendingItem,
  StoreBatch,
} from './consent/store.ts';
export { MemoryConsentStore } from './consent/memory-store.ts';
export {
  ConsentEngine,
  MAX_EXTENSIONS_PER_MESSAGE,
  MAX_PENDING_ITEMS,
  type ConsentChoice,
  type ConsentEngineOptions,
  type ReceiveResult,
  type Refusal,
} from './consent/engine.ts';
export {
  RECIPIENT_EXTENSIONS,
  type RecipientExtensionName,
  type RecipientPayloads,
} from './registry.ts';
export type { ChessColor, ChessGame, ChessResult, ChessStatus } from './chess/game-record.ts';
export {
  CHESS_NAMESPACE,
  GAME_ID_PATTERN,
  MAX_PGN_CHARS,
  MAX_PLY,
  type ChessPayload,
} from './chess/payload.ts';
export {
  offerChessDraw,
  playChessMove,
  resignChessGame,
  startChessGame,
  type NewChessGame,
} from './chess/actions.ts';
export type { Contact } from './vcard/contact.ts';
export {
  MAX_VCARD_CHARS,
  readVcard,
  writeVcard,
  type VcardFields,
  type VcardSummary,
} from './vcard/card.ts';
export { VCARD_NAMESPACE, type VcardPayload } from './vcard/payload.ts';
export { requestVcard, shareVcard } from './vcard/extension.ts';
export type {
  DispositionRequestRecord,
  DispositionType,
  ReceivedNotification,
} from './disposition/record.ts';
export {
  DISPOSITION_NAMESPACE,
  DISPOSITION_TYPES,
  type DispositionPayload,
} from './disposition/payload.ts';
export { requestDisposition, type DispositionRequestOptions } from './disposition/extension.ts';
export type { ListMembership, MembershipStatus } from './lists/record.ts';
export {
  LIST_NAMESPACE,
  type ListAction,
  type ListPayload,
  type ListRefusal,
} from './lists/payload.ts';
export { listsImOn, subscribeToList, unsubscribeFromList } from './lists/extension.ts';
export {
  LIST_CONFIRMATION_TTL_MS,
  MAX_LIST_CONFIRMATIONS,
  handleListControl,
  newListToken,
  type HostedList,
  type ListHostOptions,
  type ListHostResult,
  type PendingConfirmation,
} from './lists/host.ts';
export { decodePayload, encodePayload, type DecodedPayload } from './recipient/codec.ts';
