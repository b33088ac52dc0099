// The synchronous core of the local store: every operation of LocalStoreApi on one
// better-sqlite3 connection. It blocks while SQLite works, so the app uses it inside a
// worker thread (openLocalStoreWorker); tests and the worker use it directly.
import { LocalStoreError, toLocalStoreError } from './errors.ts';
import { toMatchExpression } from './fts-query.ts';
import {
  MAX_ID_CHARS,
  MAX_INDEXED_TEXT_CHARS,
  MAX_JSON_CHARS,
  MAX_STORED_BODY_BYTES,
} from './limits.ts';
import { checkContactInput } from './contact-input.ts';
import {
  checkArrivedEnvelope,
  checkListPage,
  checkMessageInputs,
  type CheckedListPage,
} from './message-input.ts';
import { ACCOUNT_ID, batchText, type MessageBatch } from './message-batch.ts';
import { checkOutboxFilter, checkOutboxItemInput, checkOutboxUpdate } from './outbox-input.ts';
import { openDatabase } from './open-database.ts';
import {
  LOCAL_STORE_OPERATIONS,
  type LocalStoreApi,
  type LocalStoreOperation,
} from './operations.ts';
import { decodeCursor } from './page-cursor.ts';
import { snippetOf } from './snippet.ts';
import * as accounts from './queries/accounts.ts';
import * as contacts from './queries/contacts.ts';
import * as flags from './queries/flags.ts';
import * as listing from './queries/listing.ts';
import * as messages from './queries/messages.ts';
import * as outbox from './queries/outbox.ts';
import * as search from './queries/search-index.ts';
import type { StoreDb } from './store-db.ts';
import type {
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
import {
  checkAccountIds,
  checkBytes,
  checkCount,
  checkDate,
  checkEach,
  checkFlags,
  checkFolder,
  checkId,
  checkIds,
  checkJson,
  checkLimit,
  checkList,
  checkObject,
  checkOneOf,
  checkText,
} from './validate.ts';

export interface LocalStoreOptions {
  /** The database file; created (with its -wal and -shm files beside it) if missing. */
  readonly path: string;
  /** How long to wait for another connection's lock, ms (default 5000). */
  readonly busyTimeoutMs?: number;
}

const LIST_FILTERS = ['all', 'unread', 'flagged'] as const;

/** Which LIST pages a page continues: its account and mailbox, as one string. */
function pageKey(page: { readonly accountId: string; readonly mailbox: string }): string {
  return JSON.stringify([page.accountId, page.mailbox]);
}

/** Writes a checked LIST page (or part of one) inside the caller's transaction. */
function writeListPage(db: StoreDb, page: CheckedListPage): WriteResult {
  const { accountId, mailbox, cursor, newMessages, updates, removed } = page;
  accounts.requireAccount(db, accountId);
  const inserted = messages.putMessageBatch(db, newMessages);
  let updated = newMessages.count - inserted;
  for (const update of updates) {
    if (
      messages.updateServerState(db, accountId, update.msgId, update.server, update.serverFlags)
    ) {
      updated++;
    }
  }
  let removedCount = 0;
  for (const msgId of removed) if (messages.removeMessage(db, accountId, msgId)) removedCount++;
  if (cursor !== undefined) accounts.writeListCursor(db, accountId, mailbox, cursor);
  return { inserted, updated, removed: removedCount };
}

export class LocalStore implements LocalStoreApi {
  #db: StoreDb | undefined;
  /**
   * The page (pageKey) whose parts wait for the page's end in a transaction left open
   * (applyCheckedListPage); any other use of the connection commits them first.
   */
  #openPage: string | undefined;
  /** Pages one of whose parts failed (rolling back the others): their ends are refused. */
  readonly #brokenPages = new Set<string>();

  private constructor(db: StoreDb) {
    this.#db = db;
  }

  /**
   * Opens the store, creating or migrating the file. Throws LOCAL_STORE_CORRUPT,
   * LOCAL_STORE_FOREIGN_FILE or LOCAL_STORE_SCHEMA_TOO_NEW without changing the file.
   */
  static open(options: LocalStoreOptions): LocalStore {
    return new LocalStore(openDatabase(options));
  }

  /**
   * The open connection, with no page's parts left uncommitted (for every operation, and
   * the consent store sharing it); LOCAL_STORE_CLOSED after close.
   */
  get db(): StoreDb {
    const db = this.#connection();
    this.#endOpenPage(db, 'COMMIT');
    return db;
  }

  #connection(): StoreDb {
    if (this.#db === undefined)
      throw new LocalStoreError('LOCAL_STORE_CLOSED', 'the store is closed');
    return this.#db;
  }

  #endOpenPage(db: StoreDb, outcome: 'COMMIT' | 'ROLLBACK'): void {
    const page = this.#openPage;
    if (page === undefined) return;
    this.#openPage = undefined;
    try {
      db.endUnsynced(outcome);
    } catch (error) {
      // The parts are lost with a commit that failed: the page's end must not store its
      // cursor over them.
      this.#brokenPages.add(page);
      throw error;
    }
  }

  /**
   * Moves what the WAL holds into the database file, without waiting for readers. The
   * worker calls it once the store has been idle for a moment; commits do not (see
   * open-database.ts), so writing a page never waits for a checkpoint.
   */
  checkpoint(): void {
    try {
      this.db.checkpoint();
    } catch (error) {
      throw toLocalStoreError(error);
    }
  }

  /** Whether parts of a LIST page wait, uncommitted, for the page's end. */
  get pageOpen(): boolean {
    return this.#openPage !== undefined;
  }

  /** Commits the parts of a LIST page written so far (a no-op when none wait). */
  commitOpenPage(): void {
    this.#endOpenPage(this.#connection(), 'COMMIT');
  }

  /** Closes the connection (committing a page's parts, checkpointing the WAL). Idempotent. */
  close(): void {
    const db = this.#db;
    this.#db = undefined;
    if (db === undefined) return;
    try {
      this.#endOpenPage(db, 'COMMIT');
    } finally {
      db.close();
    }
  }

  // ---- accounts and sync state ----

  ensureAccount(accountId: string): void {
    accounts.ensureAccount(this.db, checkId('accountId', accountId), Date.now());
  }

  deleteAccount(accountId: string): void {
    const db = this.db;
    const id = checkId('accountId', accountId);
    db.transaction(() => {
      accounts.deleteAccount(db, id);
    });
  }

  listCursor(accountId: string, mailbox: string): number {
    return accounts.readListCursor(
      this.db,
      checkId('accountId', accountId),
      checkId('mailbox', mailbox),
    );
  }

  applyListPage(page: ListPage): WriteResult {
    return this.applyCheckedListPage(checkListPage(page));
  }

  /**
   * applyListPage of a page checked already: the worker's caller checks pages and
   * message batches on its own thread (byte-transfer.ts).
   */
  applyCheckedListPage(page: CheckedListPage): WriteResult {
    const db = this.#connection();
    const isPart = page.cursor === undefined;
    const key = pageKey(page);
    if (this.#openPage !== undefined && this.#openPage !== key) this.#endOpenPage(db, 'COMMIT');
    if (!isPart && this.#brokenPages.delete(key)) {
      this.#endOpenPage(db, 'COMMIT');
      throw new LocalStoreError(
        'LOCAL_STORE_PAGE_INCOMPLETE',
        `a part of this page of ${page.accountId} failed: its cursor is not stored`,
      );
    }
    // What a page writes comes from the server, and its cursor commits with it: a page
    // lost to a power cut is listed and pulled again (docs/client-store.md, "Durability").
    if (this.#openPage === undefined) {
      if (!isPart) return db.unsyncedTransaction(() => writeListPage(db, page));
      // One commit for a page's parts, not one each: a commit rewrites every page of the
      // msg_key index it touched, and random msg-ids touch them all.
      db.beginUnsynced();
      this.#openPage = key;
    }
    try {
      const result = writeListPage(db, page);
      if (!isPart) this.#endOpenPage(db, 'COMMIT');
      return result;
    } catch (error) {
      this.#endOpenPage(db, 'ROLLBACK');
      // A failed part takes the page's parts with it, so its end is refused; a failed end
      // is the page's last call.
      if (isPart) this.#brokenPages.add(key);
      else this.#brokenPages.delete(key);
      throw error;
    }
  }

  // ---- messages ----

  putMessages(list: readonly MessageInput[]): WriteResult {
    return this.putCheckedMessages(checkMessageInputs('messages', list));
  }

  /** putMessages of messages checked already (see applyCheckedListPage). */
  putCheckedMessages(batch: MessageBatch): WriteResult {
    const db = this.db;
    return db.transaction(() => {
      const accountIds = new Set<string>();
      for (let index = 0; index < batch.count; index++)
        accountIds.add(batchText(batch, index, ACCOUNT_ID));
      for (const accountId of accountIds) accounts.requireAccount(db, accountId);
      const inserted = messages.putMessageBatch(db, batch);
      return { inserted, updated: batch.count - inserted, removed: 0 };
    });
  }

  missingMessageIds(accountId: string, msgIds: readonly string[]): string[] {
    // A sync asks for its next page while this one's parts are open: it sees them, and
    // leaves them for the page's end to commit.
    const db = this.#connection();
    const account = checkId('accountId', accountId);
    const ids = checkIds('msgIds', msgIds);
    const stored = messages.storedIdsOfAccount(db, account, new Set(ids));
    return ids.filter((msgId) => !stored.has(msgId));
  }

  message(accountId: string, msgId: string): StoredMessage | undefined {
    return messages.readMessage(this.db, checkId('accountId', accountId), checkId('msgId', msgId));
  }

  unverifiedCount(accountId: string): number {
    return messages.countUnverifiedMessages(this.db, checkId('accountId', accountId));
  }

  unverifiedMessages(accountId: string, limit: number): StoredMessage[] {
    return messages.readUnverifiedMessages(
      this.db,
      checkId('accountId', accountId),
      checkLimit('limit', limit),
    );
  }

  putBody(accountId: string, msgId: string, body: StoredBody): void {
    const db = this.db;
    const account = checkId('accountId', accountId);
    const id = checkId('msgId', msgId);
    const input = checkObject('body', body);
    const checked: StoredBody = {
      body: checkBytes('body.body', input['body'], MAX_STORED_BODY_BYTES),
      // Text beyond the indexing limit is cut, not refused: the body itself is whole.
      text: checkText('body.text', input['text'], Number.MAX_SAFE_INTEGER).slice(
        0,
        MAX_INDEXED_TEXT_CHARS,
      ),
    };
    db.transaction(() => {
      messages.writeBody(
        db,
        messages.requireMessageId(db, account, id),
        checked,
        snippetOf(checked.text),
      );
    });
  }

  messageBody(accountId: string, msgId: string): StoredBody | undefined {
    return messages.readBody(this.db, checkId('accountId', accountId), checkId('msgId', msgId));
  }

  setVerification(accountId: string, msgId: string, verificationJson: string): void {
    const db = this.db;
    const account = checkId('accountId', accountId);
    const id = checkId('msgId', msgId);
    const json = checkJson('verificationJson', verificationJson, MAX_JSON_CHARS);
    messages.writeVerification(db, messages.requireMessageId(db, account, id), json);
  }

  storeVerifications(batch: VerificationBatch): number {
    const db = this.db;
    const input = checkObject('batch', batch) as Partial<VerificationBatch>;
    const account = checkId('batch.accountId', input.accountId);
    const verifications = checkEach(
      'batch.verifications',
      checkList('batch.verifications', input.verifications),
      (item) => {
        const checked = checkObject('', item);
        return {
          msgId: checkId('.msgId', checked['msgId']),
          json: checkJson('.verificationJson', checked['verificationJson'], MAX_JSON_CHARS),
          envelope:
            checked['envelope'] === undefined
              ? undefined
              : checkArrivedEnvelope('.envelope', checked['envelope']),
        };
      },
    );
    const now = Date.now();
    const learnt = checkList('batch.contacts', input.contacts ?? []).map((contact) =>
      checkContactInput(contact as ContactInput, now),
    );
    return db.transaction(() => {
      let written = 0;
      for (const { msgId, json, envelope } of verifications) {
        const id = messages.findMessageId(db, account, msgId);
        if (id === undefined) continue;
        if (envelope !== undefined)
          messages.writeArrivedEnvelope(db, id, envelope.envelopeXml, envelope.display);
        messages.writeVerification(db, id, json);
        written++;
      }
      for (const contact of learnt) contacts.upsertContact(db, contact);
      return written;
    });
  }

  moveMessages(accountId: string, msgIds: readonly string[], folder: Folder): number {
    const db = this.db;
    const account = checkId('accountId', accountId);
    const target = checkFolder('folder', folder);
    const ids = checkIds('msgIds', msgIds);
    return db.transaction(
      () => ids.filter((msgId) => messages.moveMessage(db, account, msgId, target)).length,
    );
  }

  removeMessages(accountId: string, msgIds: readonly string[]): number {
    const db = this.db;
    const account = checkId('accountId', accountId);
    const ids = checkIds('msgIds', msgIds);
    return db.transaction(
      () => ids.filter((msgId) => messages.removeMessage(db, account, msgId)).length,
    );
  }

  // ---- flags ----

  setFlags(accountId: string, msgId: string, flagList: readonly string[]): FlagChange {
    const db = this.db;
    const account = checkId('accountId', accountId);
    const id = checkId('msgId', msgId);
    const checked = checkFlags('flags', flagList);
    return db.transaction(() => {
      const key = messages.requireMessageId(db, account, id);
      flags.setLocalFlags(db, key, checked);
      return flags.flagChange(db, key);
    });
  }

  pendingFlagChanges(accountId: string, limit: number): FlagChange[] {
    return flags.pendingFlagChanges(
      this.db,
      checkId('accountId', accountId),
      checkLimit('limit', limit),
    );
  }

  acknowledgeFlagChanges(accountId: string, acks: readonly FlagAck[]): number {
    const db = this.db;
    const account = checkId('accountId', accountId);
    const checked = checkEach('acks', checkList('acks', acks), (value) => {
      const ack = checkObject('', value);
      return {
        msgId: checkId('.msgId', ack['msgId']),
        revision: checkCount('.revision', ack['revision']),
      };
    });
    return db.transaction(
      () =>
        checked.filter((ack) => flags.acknowledgeFlagChange(db, account, ack.msgId, ack.revision))
          .length,
    );
  }

  // ---- lists and search ----

  listMessages(query: ListQuery, page: PageRequest): Page<MessageSummary> {
    const input = checkObject('query', query);
    const request = checkObject('page', page);
    return listing.listPage(
      this.db,
      checkAccountIds('query.accountId', input['accountId']),
      checkFolder('query.folder', input['folder']),
      checkOneOf('query.filter', input['filter'] ?? 'all', LIST_FILTERS),
      decodeCursor(request['after']),
      checkLimit('page.limit', request['limit']),
    );
  }

  folderCounts(accountId: string): FolderCount[] {
    return listing.folderCounts(this.db, checkId('accountId', accountId));
  }

  searchMessages(query: SearchQuery, page: PageRequest): Page<MessageSummary> {
    const input = checkObject('query', query);
    const request = checkObject('page', page);
    const accountIds = checkAccountIds('query.accountId', input['accountId']);
    const folder =
      input['folder'] === undefined ? undefined : checkFolder('query.folder', input['folder']);
    const beforeKey = decodeCursor(request['after']);
    const limit = checkLimit('page.limit', request['limit']);
    const match = toMatchExpression(
      checkText('query.text', input['text'], Number.MAX_SAFE_INTEGER),
    );
    if (match === undefined) return { items: [] };
    this.indexQueued();
    return listing.searchPage(this.db, accountIds, match, folder, beforeKey, limit);
  }

  /**
   * Indexes messages queued for search (queries/search-index.ts): those of the
   * `batches` oldest writes, or all; returns whether more wait. The worker calls it
   * when the store is idle, a search first of all.
   */
  indexQueued(batches?: number): boolean {
    const db = this.db;
    if (!search.hasQueued(db)) return false;
    // Rebuilt from the messages if lost to a power cut: the queue's rows come back too.
    return db.unsyncedTransaction(() => search.indexQueued(db, batches));
  }

  /** Whether messages wait to be indexed for search (read without committing a page). */
  get indexPending(): boolean {
    return search.hasQueued(this.#connection());
  }

  // ---- outbox ----

  addOutboxItem(input: OutboxItemInput): OutboxItem {
    const db = this.db;
    const now = Date.now();
    const item = checkOutboxItemInput(input, now);
    return db.transaction(() => {
      accounts.requireAccount(db, item.accountId);
      return outbox.insertOutboxItem(db, item.accountId, item.draftJson, item.nextAttemptAtMs, now);
    });
  }

  outboxItem(id: number): OutboxItem | undefined {
    return outbox.readOutboxItem(this.db, checkCount('id', id));
  }

  listOutbox(filter: OutboxFilter): OutboxItem[] {
    return outbox.listOutbox(this.db, checkOutboxFilter(filter));
  }

  dueOutboxItems(now: Date, limit: number): OutboxItem[] {
    return outbox.dueOutboxItems(this.db, checkDate('now', now), checkLimit('limit', limit));
  }

  updateOutboxItem(id: number, update: OutboxUpdate): OutboxItem {
    const db = this.db;
    const key = checkCount('id', id);
    const columns = checkOutboxUpdate(update);
    return db.transaction(() => outbox.updateOutboxItem(db, key, columns, Date.now()));
  }

  deleteOutboxItem(id: number): boolean {
    return outbox.deleteOutboxItem(this.db, checkCount('id', id));
  }

  // ---- contacts ----

  putContact(input: ContactInput): Contact {
    return contacts.upsertContact(this.db, checkContactInput(input, Date.now()));
  }

  contact(address: string): Contact | undefined {
    return contacts.readContact(this.db, checkId('address', address).toLowerCase());
  }

  findContacts(prefix: string, limit: number): Contact[] {
    return contacts.findContacts(
      this.db,
      checkText('prefix', prefix, MAX_ID_CHARS),
      checkLimit('limit', limit),
    );
  }
}

// Every operation throws LocalStoreError only: SQLite's own errors (a damaged page, a
// full disk) are turned into their codes here, once, rather than in each method.
type Operations = Record<LocalStoreOperation, (...args: unknown[]) => unknown>;
const prototype = LocalStore.prototype as unknown as Operations;
for (const operation of LOCAL_STORE_OPERATIONS) {
  const run = prototype[operation];
  prototype[operation] = function (this: LocalStore, ...args: unknown[]) {
    try {
      return run.apply(this, args);
    } catch (error) {
      throw toLocalStoreError(error);
    }
  };
}
