// Every operation of the local store, in one interface. The synchronous core
// (LocalStore, used inside the store's worker thread) implements it as written; the
// async facade (LocalStoreProxy) offers the same operations returning promises.
import type {
  AccountId,
  Contact,
  ContactInput,
  FlagAck,
  FlagChange,
  Folder,
  FolderCount,
  ListPage,
  ListQuery,
  MessageInput,
  MessageSummary,
  OutboxFilter,
  OutboxItem,
  OutboxItemInput,
  OutboxUpdate,
  Page,
  PageRequest,
  SearchQuery,
  StoredBody,
  StoredMessage,
  VerificationBatch,
  WriteResult,
} from './types.ts';

export interface LocalStoreApi {
  // ---- accounts and sync state ----
  /** Adds the account if it is not there yet. Every other operation needs it to exist. */
  ensureAccount(accountId: AccountId): void;
  /** Removes the account and everything stored for it (messages, queues, outbox, cursors). */
  deleteAccount(accountId: AccountId): void;
  /** The LIST cursor stored for the account's mailbox; 0 when none yet. */
  listCursor(accountId: AccountId, mailbox: string): number;
  /**
   * Applies one page of LIST results and stores its cursor, all in one transaction (or,
   * without a cursor, the first messages of a page, committed with its end; see
   * ListPage.cursor).
   */
  applyListPage(page: ListPage): WriteResult;

  // ---- messages ----
  /**
   * Inserts or replaces messages (by account and msg-id), in one transaction. A replaced
   * message keeps its body; while a local flag change is queued it keeps its local flags.
   */
  putMessages(messages: readonly MessageInput[]): WriteResult;
  /** The msg-ids of `msgIds` that are not stored for the account, in the given order. */
  missingMessageIds(accountId: AccountId, msgIds: readonly string[]): string[];
  /** Everything stored about one message but its body, or undefined. */
  message(accountId: AccountId, msgId: string): StoredMessage | undefined;
  /**
   * Up to `limit` messages from the server with no verification stored (an engine that
   * stopped between storing headers and storing verdicts leaves them so).
   */
  unverifiedMessages(accountId: AccountId, limit: number): StoredMessage[];
  /** How many messages from the server have no verification stored. */
  unverifiedCount(accountId: AccountId): number;
  /** Stores the fetched body and the text extracted from it (indexed for search). */
  putBody(accountId: AccountId, msgId: string, body: StoredBody): void;
  /** The stored body, or undefined when it was not fetched. */
  messageBody(accountId: AccountId, msgId: string): StoredBody | undefined;
  /** Replaces the verification result (JSON text) of a message. */
  setVerification(accountId: AccountId, msgId: string, verificationJson: string): void;
  /**
   * Stores many verification results and upserts the contacts learnt from them, in one
   * transaction. A message removed meanwhile is skipped; returns how many were written.
   */
  storeVerifications(batch: VerificationBatch): number;
  /** Moves messages to a local folder; returns how many moved. */
  moveMessages(accountId: AccountId, msgIds: readonly string[], folder: Folder): number;
  /** Removes messages (and their queued flag changes); returns how many were removed. */
  removeMessages(accountId: AccountId, msgIds: readonly string[]): number;

  // ---- flags ----
  /**
   * Sets a message's flags locally and queues the change for the server. Until it is
   * acknowledged, flags reported by the server do not override it.
   */
  setFlags(accountId: AccountId, msgId: string, flags: readonly string[]): FlagChange;
  /** Up to `limit` queued flag changes of the account, oldest first (they stay queued). */
  pendingFlagChanges(accountId: AccountId, limit: number): FlagChange[];
  /** Removes pushed changes from the queue; a change set again since it was taken stays. */
  acknowledgeFlagChanges(accountId: AccountId, acks: readonly FlagAck[]): number;

  // ---- lists and search ----
  /** A page of a folder (or its unread / flagged messages), newest first. */
  listMessages(query: ListQuery, page: PageRequest): Page<MessageSummary>;
  /** Total and unread messages per folder of the account (every folder, zeros included). */
  folderCounts(accountId: AccountId): FolderCount[];
  /** Full-text search, newest first. */
  searchMessages(query: SearchQuery, page: PageRequest): Page<MessageSummary>;

  // ---- outbox ----
  /** Queues a draft for sending; state `queued`, no attempts yet. */
  addOutboxItem(input: OutboxItemInput): OutboxItem;
  outboxItem(id: number): OutboxItem | undefined;
  /** Items matching `filter`, oldest first. */
  listOutbox(filter: OutboxFilter): OutboxItem[];
  /** Queued items whose next attempt is due at `now`, soonest first, at most `limit`. */
  dueOutboxItems(now: Date, limit: number): OutboxItem[];
  /** Changes an item and returns it as stored. */
  updateOutboxItem(id: number, update: OutboxUpdate): OutboxItem;
  /** Removes an item; returns whether there was one. */
  deleteOutboxItem(id: number): boolean;

  // ---- contacts ----
  /** Adds or updates a contact (first seen kept, last seen moved on, certificate replaced when given). */
  putContact(input: ContactInput): Contact;
  contact(address: string): Contact | undefined;
  /** Contacts whose address or display name starts with `prefix` (case-insensitive), by address. */
  findContacts(prefix: string, limit: number): Contact[];
}

/** The operation names, for the worker's dispatch table. */
export type LocalStoreOperation = keyof LocalStoreApi;

/** Every operation; a Record so the compiler rejects a missing or unknown name. */
const OPERATION_SET: Readonly<Record<LocalStoreOperation, true>> = {
  ensureAccount: true,
  deleteAccount: true,
  listCursor: true,
  applyListPage: true,
  putMessages: true,
  missingMessageIds: true,
  message: true,
  unverifiedMessages: true,
  unverifiedCount: true,
  putBody: true,
  messageBody: true,
  setVerification: true,
  storeVerifications: true,
  moveMessages: true,
  removeMessages: true,
  setFlags: true,
  pendingFlagChanges: true,
  acknowledgeFlagChanges: true,
  listMessages: true,
  folderCounts: true,
  searchMessages: true,
  addOutboxItem: true,
  outboxItem: true,
  listOutbox: true,
  dueOutboxItems: true,
  updateOutboxItem: true,
  deleteOutboxItem: true,
  putContact: true,
  contact: true,
  findContacts: true,
};

/** Every operation name, for the worker's dispatch and the facade. */
export const LOCAL_STORE_OPERATIONS = Object.keys(OPERATION_SET) as readonly LocalStoreOperation[];

/** The async facade's view of the store: the same operations, as promises. */
export type AsyncLocalStoreApi = {
  readonly [K in LocalStoreOperation]: (
    ...args: Parameters<LocalStoreApi[K]>
  ) => Promise<ReturnType<LocalStoreApi[K]>>;
};
