import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  AccountView,
  ApiEvent,
  ApiParams,
  AppStatus,
  BodyView,
  CertificateRequestView,
  ConnectionView,
  FolderView,
  MessageSummaryView,
  MessageView,
  Mt2Api,
  Page,
  RenewalView,
  TrustSettingsView,
} from '../api/index.ts';
import {
  bodyText,
  decodeEnvelope,
  encodeEnvelope,
  parseBody,
  summarizeHeaders,
  type Mt2Envelope,
  type Mt2Extension,
  type Mt2Headers,
} from '../message/index.ts';
import {
  decryptPart,
  encryptedPartsOf,
  parseCertificate,
  readCertificate,
} from '../identity/index.ts';
import { AccountRuntime } from './account-runtime.ts';
import { accountView } from './accounts/account-record.ts';
import { Accounts, readersOf, type UnlockedAccount } from './accounts/accounts.ts';
import {
  certifyLocalUser,
  embeddedHostname,
  renewLocalUser,
  initEmbeddedServer,
  startEmbeddedServer,
  EMBEDDED_DIR,
  type EmbeddedServerHandle,
  type EmbeddedServerHost,
} from './accounts/embedded-server.ts';
import type { KeyFileOptions } from './accounts/key-file.ts';
import { Certificates, judge } from './certificates.ts';
import type { BackoffOptions } from './connection/backoff.ts';
import { ENGINE_ERROR, engineError } from './errors.ts';
import { FOLDER_NAMES, readVerification, summaryView } from './message-views.ts';
import { messageRef, outgoingKey, parseRef, wireMsgId, type MessageKey } from './refs.ts';
import { composeMessage } from './send/compose.ts';
import { Outbox } from './send/outbox.ts';
import { deliveredBy, securityView, verifyIncoming } from './security/verify-incoming.ts';
import { reverifyOnOpen } from './certificates-reverify.ts';
import { ConfSettings, type Settings } from './settings/settings.ts';
import {
  openLocalStoreWorker,
  snippetOf,
  type LocalStoreProxy,
  type MessageSummary,
  type OutboxItem,
  type StoredMessage,
} from './store/index.ts';
import type { SyncReport } from './sync/mailbox-sync.ts';
import {
  readHeaders,
  awaitsEnvelope,
  storedHeaders,
  type IncomingMessage as SyncedMessage,
} from './sync/incoming-message.ts';
import type { StoredVerification } from './security/verify-incoming.ts';
import { ConsentApi, type ConsentMethod } from './consent/consent-api.ts';

/** Options of {@link createEngine}. */
export interface EngineOptions {
  /** The user-data folder: settings, keys, the local store, the embedded mt2d. */
  readonly dataDir: string;
  /** src/server's functions, for the embedded mt2d (see EmbeddedServerHost). */
  readonly embeddedServer?: EmbeddedServerHost;
  /** Settings store; default conf in `dataDir/settings.json` (Electron passes electron-store). */
  readonly settings?: Settings;
  /** How often an idle connection syncs again, in ms. Default 30000. */
  readonly pollIntervalMs?: number;
  /** How long syncNow and openBody wait for a connection, in ms. Default 15000. */
  readonly connectWaitMs?: number;
  readonly backoff?: BackoffOptions;
  /**
   * Addresses to connect to instead of resolving a server's name, like a hosts file
   * (tests run servers named mt2.alpha.test on 127.0.0.1). The certificate is still
   * checked against the name.
   */
  readonly hostAliases?: Readonly<Record<string, string>>;
  /** The local store's worker script (default: the store's own; see LocalStoreWorkerOptions). */
  readonly storeWorkerUrl?: URL;
  /** PBKDF2 rounds for keys at rest (default 600,000; tests lower it). */
  readonly keyFile?: KeyFileOptions;
}

/** The engine: the API, its events, and close(). */
export interface Engine extends Mt2Api {
  /** Subscribes to events; returns the unsubscribe function. */
  onEvent(listener: (event: ApiEvent) => void): () => void;
  /** Stops connections, the embedded server and the store. */
  close(): Promise<void>;
  /** For tests and diagnostics: an account's runtime (connection, last sync report). */
  runtime(accountId: string): {
    readonly lastReport: SyncReport | undefined;
    dropConnection(): void;
  };
  /** The embedded server's address, when it runs. */
  readonly embeddedAddress: { readonly host: string; readonly port: number } | undefined;
}

const STORE_FILE = 'cache.sqlite';
const REMOTE_CONTENT = /\b(?:src|href|background)\s*=\s*["']?\s*https?:/i;

/** Outgoing copies show their send status and carry no consent requests. */
function isOutgoing(row: MessageSummary): boolean {
  return row.folder === 'outbox' || row.folder === 'sent';
}

/**
 * A stored message's envelope. One synced with its headers only that is still waiting
 * for it (the engine was offline when it was opened) is ENGINE_OFFLINE.
 */
function storedEnvelope(stored: StoredMessage): Mt2Envelope {
  if (awaitsEnvelope(stored)) {
    throw engineError(
      ENGINE_ERROR.OFFLINE,
      'Not connected: the signature and certificate of this message can be fetched once the connection is back.',
    );
  }
  return decodeEnvelope(stored.envelopeXml);
}

/** What a page of summaries reads once instead of once per row (see summaries()). */
interface PageReads {
  /** The row's account's outbox items, by the msg-id they send. */
  readonly outbox?: ReadonlyMap<string, OutboxItem> | undefined;
  /** Pending consent requests, by the message that carried them. */
  readonly pending?: ReadonlyMap<string, readonly unknown[]> | undefined;
}

/** A message's Message-ID (its msg-id when the headers have none) and References. */
function threadIds(
  headers: Mt2Headers | undefined,
  key: MessageKey,
): { messageId: string; references: string[] } {
  const references = headers?.fields.find((field) => field.kind === 'references');
  return {
    messageId:
      (headers === undefined ? undefined : summarizeHeaders(headers).messageId) ??
      wireMsgId(key.msgId),
    references: references?.kind === 'references' ? [...references.ids] : [],
  };
}

/** Creates the engine on a data folder; starts the embedded server if there is one. */
export async function createEngine(options: EngineOptions): Promise<Engine> {
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const settings = options.settings ?? new ConfSettings(options.dataDir);
  const store = await openLocalStoreWorker({
    path: join(options.dataDir, STORE_FILE),
    ...(options.storeWorkerUrl === undefined ? {} : { workerUrl: options.storeWorkerUrl }),
  });
  const engine = new Mt2Engine(options, settings, store);
  try {
    await engine.start();
  } catch (error) {
    await engine.close();
    throw error;
  }
  return engine;
}

class Mt2Engine implements Engine {
  private readonly listeners = new Set<(event: ApiEvent) => void>();
  private readonly accounts: Accounts;
  private readonly runtimes = new Map<string, AccountRuntime>();
  private readonly connections = new Map<string, ConnectionView>();
  private readonly outbox: Outbox;
  private readonly certificates: Certificates;
  private readonly remoteAllowed = new Set<string>();
  private readonly consent: ConsentApi;
  private server: EmbeddedServerHandle | undefined;
  private closed = false;

  constructor(
    private readonly options: EngineOptions,
    private readonly settings: Settings,
    private readonly store: LocalStoreProxy,
  ) {
    this.accounts = new Accounts(options.dataDir, settings, options.keyFile);
    this.outbox = new Outbox(store, {
      onStatus: (accountId, msgId, send) => {
        this.emit({ type: 'send-status', ref: messageRef({ accountId, msgId }), send });
      },
      onMoved: () => {
        this.emit({ type: 'messages-changed', folders: ['outbox', 'sent'] });
      },
    });
    this.consent = new ConsentApi({
      dataDir: options.dataDir,
      storePath: join(options.dataDir, STORE_FILE),
      selfAddress: () => this.accounts.records()[0]?.address,
      accountIdOf: (address) =>
        this.accounts
          .records()
          .find((record) => record.address.toLowerCase() === address.toLowerCase())?.id,
      send: (draft, extensions) => this.queueDraft(draft, extensions),
      emit: (event) => {
        this.emit(event);
      },
    });
    this.certificates = new Certificates(
      store,
      () => this.accounts.all(),
      (id) => this.runtimeOf(id).validator,
      () =>
        [...this.runtimes.values()].flatMap(
          (runtime) => runtime.connection.serverCertificate ?? [],
        ),
    );
  }

  get embeddedAddress() {
    return this.server?.address;
  }

  async start(): Promise<void> {
    await this.outbox.recover();
    const embedded = this.settings.get('embedded');
    if (embedded !== null && this.accounts.records().length > 0) await this.startServer();
  }

  // ---- events ----

  onEvent(listener: (event: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: ApiEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  // ---- accounts ----

  private host(): EmbeddedServerHost {
    const host = this.options.embeddedServer;
    if (host === undefined) {
      throw engineError(
        ENGINE_ERROR.EMBEDDED_SERVER,
        'This build has no local mail server; add an account instead.',
      );
    }
    return host;
  }

  private async startServer(): Promise<void> {
    const embedded = this.settings.get('embedded');
    if (embedded === null || this.server !== undefined) return;
    this.server = await startEmbeddedServer(this.host(), this.options.dataDir, embedded);
    const port = this.server.address.port;
    if (port !== embedded.port) {
      this.settings.set('embedded', { ...embedded, port });
      for (const record of this.accounts.records()) {
        if (record.kind === 'embedded') this.accounts.moveServer(record.id, port);
      }
    }
  }

  private accountViewOf(id: string): AccountView {
    const record = this.accounts.record(id);
    return accountView(record, this.connections.get(id) ?? { state: 'offline' });
  }

  status(): Promise<AppStatus> {
    return Promise.resolve({
      phase: this.accounts.phase,
      accounts: this.accounts.records().map((record) => this.accountViewOf(record.id)),
    });
  }

  private async run(account: UnlockedAccount): Promise<AccountView> {
    await this.store.ensureAccount(account.record.id);
    const runtime = new AccountRuntime(account, {
      store: this.store,
      outbox: this.outbox,
      emit: (event) => {
        this.emit(event);
      },
      trust: () => this.trust(),
      pollIntervalMs: this.options.pollIntervalMs ?? 30_000,
      hostAliases: this.options.hostAliases ?? {},
      ...(this.options.backoff === undefined ? {} : { backoff: this.options.backoff }),
      onVerified: (message, verification) => this.receivedForConsent(message, verification),
      onConnection: (accountId, view) => {
        if (this.closed) return;
        this.connections.set(accountId, view);
        this.emit({ type: 'account', account: this.accountViewOf(accountId) });
      },
    });
    this.runtimes.set(account.record.id, runtime);
    runtime.start();
    return this.accountViewOf(account.record.id);
  }

  async createLocalIdentity(params: ApiParams<'createLocalIdentity'>): Promise<AccountView> {
    if (this.accounts.records().length > 0) {
      throw engineError(ENGINE_ERROR.ALREADY_SET_UP, 'This app already has an identity.');
    }
    const host = this.host();
    const dataDir = this.options.dataDir;
    // A first run that failed half-way left an unfinished server folder: start afresh.
    await rm(join(dataDir, EMBEDDED_DIR), { recursive: true, force: true });
    const embedded = await initEmbeddedServer(host, dataDir);
    try {
      const address = `${params.localPart}@${embedded.domain}`;
      this.settings.set('embedded', embedded);
      await this.startServer();
      const port = this.server?.address.port ?? 0;
      const account = await this.accounts.createWithCsr(
        { address, displayName: params.displayName, passphrase: params.passphrase },
        (csrPem) => certifyLocalUser(host, dataDir, embedded, address, csrPem),
        { host: '127.0.0.1', port, serverName: embeddedHostname(embedded.domain) },
      );
      return await this.run(account);
    } catch (error) {
      await this.server?.close();
      this.server = undefined;
      this.settings.set('embedded', null);
      await rm(join(dataDir, EMBEDDED_DIR), { recursive: true, force: true });
      throw error;
    }
  }

  async importIdentity(params: ApiParams<'importIdentity'>): Promise<AccountView> {
    const account = await this.accounts.importP12({
      p12: Buffer.from(params.p12, 'base64'),
      p12Password: params.p12Password,
      passphrase: params.passphrase,
      server: params.server,
    });
    return this.run(account);
  }

  async unlock(params: ApiParams<'unlock'>): Promise<AppStatus> {
    if (this.accounts.phase === 'ready') return this.status();
    const opened = await this.accounts.unlock(params.passphrase);
    for (const account of opened) {
      if (!this.runtimes.has(account.record.id)) await this.run(account);
    }
    return this.status();
  }

  private runtimeOf(accountId: string): AccountRuntime {
    const runtime = this.runtimes.get(accountId);
    if (runtime !== undefined) return runtime;
    this.accounts.unlocked(accountId);
    throw engineError(ENGINE_ERROR.LOCKED, 'Unlock with your passphrase first.');
  }

  private primaryId(): string {
    const first = this.accounts.records()[0];
    if (first === undefined)
      throw engineError(ENGINE_ERROR.NOT_SET_UP, 'There is no identity yet.');
    this.runtimeOf(first.id);
    return first.id;
  }

  /** Every unlocked account (at least the first; ENGINE_LOCKED or ENGINE_NOT_SET_UP otherwise). */
  private unlockedIds(): string[] {
    this.primaryId();
    return [...this.runtimes.keys()];
  }

  runtime(accountId: string) {
    const runtime = this.runtimeOf(accountId);
    return {
      get lastReport() {
        return runtime.lastReport;
      },
      dropConnection: () => {
        runtime.connection.drop();
      },
    };
  }

  async syncNow(params: ApiParams<'syncNow'>): Promise<null> {
    const ids = params.accountId === undefined ? [...this.runtimes.keys()] : [params.accountId];
    if (ids.length === 0) this.primaryId();
    await Promise.all(
      ids.map((id) => this.runtimeOf(id).syncNow(this.options.connectWaitMs ?? 15_000)),
    );
    return null;
  }

  // ---- folders and messages ----

  /** Every account's folders together: the lists and search cover all accounts. */
  async listFolders(): Promise<readonly FolderView[]> {
    const counts = (
      await Promise.all(this.unlockedIds().map((id) => this.store.folderCounts(id)))
    ).flat();
    return (['inbox', 'sent', 'outbox', 'trash'] as const).map((id) => {
      const of = counts.filter((candidate) => candidate.folder === id);
      return {
        id,
        name: FOLDER_NAMES[id],
        total: of.reduce((sum, count) => sum + count.total, 0),
        unread: of.reduce((sum, count) => sum + count.unread, 0),
      };
    });
  }

  private async summaries(rows: readonly MessageSummary[]): Promise<MessageSummaryView[]> {
    // Once per page: the outbox of each account with outgoing rows, and the pending
    // consent requests when there are incoming rows.
    const outboxes = new Map<string, ReadonlyMap<string, OutboxItem>>();
    for (const row of rows) {
      if (isOutgoing(row) && !outboxes.has(row.accountId)) {
        outboxes.set(row.accountId, await this.outbox.itemsByMsgId(row.accountId));
      }
    }
    const pending = rows.some((row) => !isOutgoing(row))
      ? this.consent.pendingByMessage()
      : undefined;
    return Promise.all(
      rows.map(async (row) => {
        const stored = await this.store.message(row.accountId, row.msgId);
        return this.summaryOf(row, stored, { outbox: outboxes.get(row.accountId), pending });
      }),
    );
  }

  /** A row's summary; what `read` does not carry is read here. */
  private async summaryOf(
    row: MessageSummary,
    stored: StoredMessage | undefined,
    read: PageReads = {},
  ): Promise<MessageSummaryView> {
    const outgoing = isOutgoing(row);
    const item = outgoing
      ? (read.outbox ?? (await this.outbox.itemsByMsgId(row.accountId))).get(wireMsgId(row.msgId))
      : undefined;
    const send = item === undefined ? undefined : this.outbox.statusOf(item);
    const pending = outgoing ? undefined : (read.pending ?? this.consent.pendingByMessage());
    return summaryView(row, {
      verification: readVerification(stored?.verificationJson),
      pendingRequests: pending?.get(row.msgId)?.length ?? 0,
      ...(send === undefined ? {} : { send }),
      ...(item?.errorReportJson === undefined || item.lastError === undefined
        ? {}
        : { deliveryProblem: item.lastError }),
    });
  }

  async listMessages(params: ApiParams<'listMessages'>): Promise<Page<MessageSummaryView>> {
    const result = await this.store.listMessages(
      {
        accountId: this.unlockedIds(),
        folder: params.folder,
        ...(params.filter === undefined ? {} : { filter: params.filter }),
      },
      { limit: params.limit, ...(params.after === undefined ? {} : { after: params.after }) },
    );
    return {
      items: await this.summaries(result.items),
      ...(result.next === undefined ? {} : { next: result.next }),
    };
  }

  async search(params: ApiParams<'search'>): Promise<Page<MessageSummaryView>> {
    const result = await this.store.searchMessages(
      { accountId: this.unlockedIds(), text: params.query },
      { limit: params.limit, ...(params.after === undefined ? {} : { after: params.after }) },
    );
    return {
      items: await this.summaries(result.items),
      ...(result.next === undefined ? {} : { next: result.next }),
    };
  }

  /**
   * A stored message; one synced with its headers only gets its envelope first (pulled
   * and verified), when connected.
   */
  private async stored(key: MessageKey): Promise<StoredMessage> {
    const runtime = this.runtimeOf(key.accountId);
    let stored = await this.store.message(key.accountId, key.msgId);
    if (stored !== undefined && awaitsEnvelope(stored)) {
      await runtime.completeEnvelope(stored);
      stored = await this.store.message(key.accountId, key.msgId);
    }
    if (stored === undefined)
      throw engineError(ENGINE_ERROR.UNKNOWN_MESSAGE, 'There is no such message.');
    return stored;
  }

  /** A stored message's headers, read with its account's key (undefined: none, or unreadable). */
  private headersOf(key: MessageKey, stored: StoredMessage): Mt2Headers | undefined {
    const account = this.accounts.unlocked(key.accountId);
    return storedHeaders(stored.envelopeXml, stored.headersXml, readersOf(account));
  }

  async getSummary(params: ApiParams<'getSummary'>): Promise<MessageSummaryView> {
    const key = parseRef(params.ref);
    // Refuses an account not unlocked, as every other call on a message does.
    this.runtimeOf(key.accountId);
    const stored = await this.store.message(key.accountId, key.msgId);
    if (stored === undefined)
      throw engineError(ENGINE_ERROR.UNKNOWN_MESSAGE, 'There is no such message.');
    return this.summaryOf(stored, stored);
  }

  async getMessage(params: ApiParams<'getMessage'>): Promise<MessageView> {
    const key = parseRef(params.ref);
    const stored = await this.stored(key);
    const headers = this.headersOf(key, stored);
    const fields = headers?.fields ?? [];
    const replyTo = fields.flatMap((field) => (field.kind === 'replyTo' ? field.addresses : []));
    const inReplyTo = fields.find((field) => field.kind === 'inReplyTo');
    const thread = threadIds(headers, key);
    const body = await this.store.messageBody(key.accountId, key.msgId);
    const reverified = await reverifyOnOpen(
      stored,
      body?.body,
      this.runtimeOf(key.accountId).validator,
    );
    if (reverified !== undefined) {
      await this.store.setVerification(key.accountId, key.msgId, JSON.stringify(reverified));
    }
    const current =
      reverified === undefined
        ? stored
        : { ...stored, verificationJson: JSON.stringify(reverified) };
    const pending = this.consent.pendingByMessage();
    const summary = await this.summaryOf(current, current, { pending });
    return {
      summary,
      cc: stored.display.cc.map((address) => ({ address })),
      replyTo: replyTo
        .flatMap((entry) => ('group' in entry ? entry.members : [entry]))
        .map((mailbox) =>
          mailbox.name === undefined
            ? { address: mailbox.address }
            : { address: mailbox.address, name: mailbox.name },
        ),
      messageId: thread.messageId,
      ...(inReplyTo?.kind === 'inReplyTo' && inReplyTo.ids[0] !== undefined
        ? { inReplyTo: inReplyTo.ids[0] }
        : {}),
      references: thread.references,
      security: securityView(readVerification(current.verificationJson)),
      body: { state: body === undefined ? 'not-fetched' : 'fetched', size: stored.sizes.body },
      requests: pending.get(thread.messageId) ?? [],
    };
  }

  /** The body's plain octets (decrypted when it came encrypted). */
  private plainBody(
    account: UnlockedAccount,
    stored: StoredMessage,
    octets: Uint8Array,
  ): Uint8Array {
    const envelope = storedEnvelope(stored);
    return encryptedPartsOf(envelope).has('body')
      ? decryptPart(octets, readersOf(account))
      : octets;
  }

  private async bodyView(
    key: MessageKey,
    stored: StoredMessage,
    octets: Uint8Array,
  ): Promise<BodyView> {
    const account = this.accounts.unlocked(key.accountId);
    const display = await parseBody(this.plainBody(account, stored, octets));
    const text = bodyText(display);
    const present = display.html !== undefined && REMOTE_CONTENT.test(display.html);
    const allowed =
      this.remoteAllowed.has(messageRef(key)) ||
      this.settings.get('remoteContentSenders').includes(stored.display.fromAddress.toLowerCase());
    return {
      ...(text === undefined ? {} : { text }),
      ...(display.html === undefined ? {} : { html: display.html }),
      attachments: display.attachments.map((attachment, index) => ({
        index,
        filename: attachment.filename ?? `attachment-${index + 1}`,
        contentType: attachment.mimeType,
        size: attachment.content.byteLength,
      })),
      remoteContent: { present, allowed: present && allowed },
    };
  }

  async openBody(params: ApiParams<'openBody'>): Promise<BodyView> {
    const key = parseRef(params.ref);
    const stored = await this.stored(key);
    const have = await this.store.messageBody(key.accountId, key.msgId);
    if (have !== undefined) return this.bodyView(key, stored, have.body);
    const runtime = this.runtimeOf(key.accountId);
    const session = runtime.connection.session;
    if (session === undefined) {
      throw engineError(
        ENGINE_ERROR.OFFLINE,
        'Not connected: the message text can be fetched once the connection is back.',
      );
    }
    const total = stored.sizes.body;
    this.emit({ type: 'body-progress', ref: params.ref, received: 0, total });
    let octets: Uint8Array | undefined;
    await session.pull('message/body', [key.msgId], {
      onPart: (_msgId, bytes) => {
        octets = bytes;
      },
    });
    if (octets === undefined) {
      throw engineError(
        ENGINE_ERROR.BODY_UNAVAILABLE,
        'The server no longer has the text of this message.',
      );
    }
    this.emit({ type: 'body-progress', ref: params.ref, received: octets.byteLength, total });
    const view = await this.bodyView(key, stored, octets);
    await this.store.putBody(key.accountId, key.msgId, { body: octets, text: view.text ?? '' });
    // A received message's snippet comes from its text, which arrived only now.
    this.emit({ type: 'messages-changed', folders: ['inbox', 'trash'] });
    if (stored.headersXml !== undefined) {
      const verification = await verifyIncoming(
        { envelope: storedEnvelope(stored), headers: stored.headersXml, body: octets },
        runtime.validator,
      );
      await this.store.setVerification(key.accountId, key.msgId, JSON.stringify(verification));
    }
    return view;
  }

  async getAttachment(params: ApiParams<'getAttachment'>) {
    const key = parseRef(params.ref);
    const stored = await this.stored(key);
    const body = await this.store.messageBody(key.accountId, key.msgId);
    const account = this.accounts.unlocked(key.accountId);
    const attachment =
      body === undefined
        ? undefined
        : (await parseBody(this.plainBody(account, stored, body.body))).attachments[params.index];
    if (attachment === undefined) {
      throw engineError(
        ENGINE_ERROR.NO_SUCH_ATTACHMENT,
        'There is no such attachment (open the message first).',
      );
    }
    return {
      filename: attachment.filename ?? `attachment-${params.index + 1}`,
      contentType: attachment.mimeType,
      data: Buffer.from(attachment.content).toString('base64'),
    };
  }

  async allowRemoteContent(params: ApiParams<'allowRemoteContent'>): Promise<BodyView> {
    const key = parseRef(params.ref);
    const stored = await this.stored(key);
    if (params.scope === 'message') this.remoteAllowed.add(params.ref);
    else {
      const senders = this.settings.get('remoteContentSenders');
      const sender = stored.display.fromAddress.toLowerCase();
      if (!senders.includes(sender))
        this.settings.set('remoteContentSenders', [...senders, sender]);
    }
    return this.openBody({ ref: params.ref });
  }

  async setFlags(params: ApiParams<'setFlags'>): Promise<null> {
    const touched = new Set<string>();
    for (const ref of params.refs) {
      const key = parseRef(ref);
      const stored = await this.stored(key);
      const flags = new Set(stored.flags);
      if (params.seen !== undefined) {
        if (params.seen) flags.add('seen');
        else flags.delete('seen');
      }
      if (params.flagged !== undefined) {
        if (params.flagged) flags.add('flagged');
        else flags.delete('flagged');
      }
      await this.store.setFlags(key.accountId, key.msgId, [...flags]);
      touched.add(key.accountId);
    }
    for (const id of touched) this.runtimeOf(id).nudge();
    this.emit({ type: 'messages-changed', folders: ['inbox', 'sent', 'trash'] });
    return null;
  }

  async deleteMessages(params: ApiParams<'deleteMessages'>): Promise<null> {
    const touched = new Set<string>();
    for (const ref of params.refs) {
      const key = parseRef(ref);
      const stored = await this.stored(key);
      if (stored.folder === 'trash') {
        // Durable: the flag queue carries the deletion to the server (DELE), then the
        // store forgets the message.
        await this.store.setFlags(key.accountId, key.msgId, [...stored.flags, 'deleted']);
        touched.add(key.accountId);
      } else if (stored.folder === 'outbox') {
        // Not sent yet: deleting it means not sending it (refused once it is on its way).
        await this.cancelQueued(ref);
      } else {
        await this.store.moveMessages(key.accountId, [key.msgId], 'trash');
      }
    }
    for (const id of touched) this.runtimeOf(id).nudge();
    this.emit({ type: 'messages-changed', folders: ['inbox', 'sent', 'outbox', 'trash'] });
    return null;
  }

  async restoreMessages(params: ApiParams<'restoreMessages'>): Promise<null> {
    try {
      await this.restoreEach(params.refs);
    } finally {
      // Those before a refused one are restored.
      this.emit({ type: 'messages-changed', folders: ['inbox', 'sent', 'trash'] });
    }
    return null;
  }

  private async restoreEach(refs: readonly string[]): Promise<void> {
    for (const ref of refs) {
      const key = parseRef(ref);
      const stored = await this.stored(key);
      if (stored.folder !== 'trash') continue;
      // Mail from the server goes back to the inbox; a local copy is one's own outgoing
      // mail, which goes back to Sent only if it was sent.
      if (stored.server === undefined) {
        const item = await this.outbox.itemFor(key.accountId, wireMsgId(key.msgId));
        if (item?.state !== 'sent') {
          throw engineError(
            ENGINE_ERROR.SEND_STATE,
            'This message was never sent, so it stays in the trash.',
          );
        }
      }
      // Deleted for good but not yet gone from the server: that deletion is undone.
      if (stored.flags.includes('deleted')) {
        const kept = stored.flags.filter((flag) => flag !== 'deleted');
        await this.store.setFlags(key.accountId, key.msgId, kept);
      }
      await this.store.moveMessages(
        key.accountId,
        [key.msgId],
        stored.server === undefined ? 'sent' : 'inbox',
      );
    }
  }

  // ---- sending ----

  send(params: ApiParams<'send'>): Promise<MessageSummaryView> {
    return this.queueDraft(params, (msgId) =>
      params.requestReadNotification
        ? [this.consent.readNotificationRequest(msgId, [...params.to, ...params.cc])]
        : [],
    );
  }

  /** Composes, signs and queues a draft; `extensions` go into its headers. */
  private async queueDraft(
    params: ApiParams<'send'>,
    extensions: (msgId: string) => readonly Mt2Extension[],
  ): Promise<MessageSummaryView> {
    const runtime = this.runtimeOf(params.accountId);
    const account = this.accounts.unlocked(params.accountId);
    const contacts = new Map<string, Uint8Array>();
    for (const address of [...params.to, ...params.cc]) {
      const contact = await this.store.contact(address.toLowerCase());
      if (contact?.certificate !== undefined)
        contacts.set(address.toLowerCase(), contact.certificate);
    }
    // Our own certificate is known too (sending to oneself).
    contacts.set(account.record.address.toLowerCase(), account.credentials.certificate.raw);
    const inReplyTo = await this.threading(params.inReplyTo ?? params.forwardOf);
    const composed = await composeMessage(params, {
      credentials: account.credentials,
      ...(account.record.displayName === undefined
        ? {}
        : { displayName: account.record.displayName }),
      recipientCertificate: (address) => {
        const der = contacts.get(address);
        return der === undefined ? undefined : readCertificate(der);
      },
      ...(inReplyTo === undefined ? {} : { inReplyTo }),
      extensions,
    });
    const verification = await verifyIncoming(
      { envelope: composed.envelope, headers: composed.headers, body: composed.body },
      runtime.validator,
    );
    await this.store.putMessages([
      {
        accountId: params.accountId,
        msgId: outgoingKey(composed.msgId),
        folder: 'outbox',
        sizes: {
          envelope: 0,
          headers: composed.headers.byteLength,
          body: composed.body.byteLength,
        },
        serverFlags: ['seen'],
        envelopeXml: encodeEnvelope(composed.envelope),
        headersXml: composed.headers,
        display: {
          fromName: account.record.displayName ?? '',
          fromAddress: account.record.address,
          to: params.to,
          cc: params.cc,
          subject: params.subject,
          date: new Date(),
          hasAttachments: params.attachments.length > 0,
          signed: composed.signed,
          encrypted: composed.encrypted,
          snippet: snippetOf(params.text),
        },
        verificationJson: JSON.stringify(verification),
      },
    ]);
    const plain = encryptedPartsOf(composed.envelope).has('body')
      ? decryptPart(composed.body, account.credentials)
      : composed.body;
    const text = (await parseBody(plain)).text ?? '';
    await this.store.putBody(params.accountId, outgoingKey(composed.msgId), {
      body: composed.body,
      text,
    });
    await this.outbox.queue(params.accountId, composed);
    if (params.inReplyTo === undefined) {
      this.emit({ type: 'messages-changed', folders: ['outbox'] });
    } else {
      await this.markAnswered(params.inReplyTo);
      this.emit({ type: 'messages-changed', folders: ['outbox', 'inbox', 'sent'] });
    }
    runtime.nudge();
    const row = await this.stored({
      accountId: params.accountId,
      msgId: outgoingKey(composed.msgId),
    });
    return this.summaryOf(row, row);
  }

  /**
   * Flags the message a reply answers (on the server too, with the next flag push) once
   * the reply is queued, as a mail client marks it when the reply goes out.
   */
  private async markAnswered(ref: string): Promise<void> {
    const key = parseRef(ref);
    // Gone meanwhile (deleted for good): the reply is queued all the same.
    const stored = await this.store.message(key.accountId, key.msgId);
    if (stored !== undefined && !stored.flags.includes('answered'))
      await this.store.setFlags(key.accountId, key.msgId, [...stored.flags, 'answered']);
  }

  /** The Message-ID and References a reply to (or forward of) `ref` threads under. */
  private async threading(ref: string | undefined) {
    if (ref === undefined) return undefined;
    const key = parseRef(ref);
    return threadIds(this.headersOf(key, await this.stored(key)), key);
  }

  private async outboxItemOf(ref: string) {
    const key = parseRef(ref);
    this.runtimeOf(key.accountId);
    const item = await this.outbox.itemFor(key.accountId, wireMsgId(key.msgId));
    if (item === undefined)
      throw engineError(ENGINE_ERROR.UNKNOWN_MESSAGE, 'This message is not in the outbox.');
    return { key, item };
  }

  async retrySend(params: ApiParams<'retrySend'>): Promise<MessageSummaryView> {
    const { key, item } = await this.outboxItemOf(params.ref);
    if (item.state !== 'failed') {
      throw engineError(ENGINE_ERROR.SEND_STATE, 'Only a message that failed can be sent again.');
    }
    await this.store.moveMessages(key.accountId, [key.msgId], 'outbox');
    await this.outbox.retry(item);
    this.runtimeOf(key.accountId).nudge();
    const row = await this.stored(key);
    return this.summaryOf(row, row);
  }

  async cancelSend(params: ApiParams<'cancelSend'>): Promise<null> {
    await this.cancelQueued(params.ref);
    this.emit({ type: 'messages-changed', folders: ['outbox', 'trash'] });
    return null;
  }

  /** Takes a message that has not left yet out of the outbox, into the trash. */
  private async cancelQueued(ref: string): Promise<void> {
    const { key, item } = await this.outboxItemOf(ref);
    if (item.state === 'sent' || item.state === 'sending') {
      throw engineError(ENGINE_ERROR.SEND_STATE, 'This message is already on its way.');
    }
    await this.store.deleteOutboxItem(item.id);
    await this.store.moveMessages(key.accountId, [key.msgId], 'trash');
  }

  // ---- contacts ----

  async listContacts() {
    const validator = this.runtimeOf(this.primaryId()).validator;
    const contacts = await this.store.findContacts('', 1000);
    return Promise.all(
      contacts.map(async (contact) => {
        const certificate =
          contact.certificate === undefined
            ? undefined
            : await judge(
                parseCertificate(contact.certificate),
                [],
                validator,
                contact.address,
                contact.deliveredBy,
              );
        return {
          address: contact.address,
          ...(contact.displayName === undefined ? {} : { name: contact.displayName }),
          ...(certificate === undefined ? {} : { certificate }),
          learnedFrom:
            contact.source === 'verifiedMessage' ? ('verified-message' as const) : contact.source,
          lastSeen: contact.lastSeen.toISOString(),
        };
      }),
    );
  }

  // ---- recipient extensions and consent (src/client/consent) ----

  /** A verified new message: its recipient extensions (from decrypted headers) go to consent. */
  private async receivedForConsent(
    message: SyncedMessage,
    verification: StoredVerification,
  ): Promise<void> {
    const { envelope, input } = message;
    if (envelope === undefined || envelope.control || input.headersXml === undefined) return;
    const account = this.accounts.unlocked(input.accountId);
    const received = {
      recipient: account.record.address,
      messageId: envelope.messageId,
      sender: envelope.sender,
      receivedAt: new Date(),
      verification,
    };
    // The sync decoded them already; undefined means they could not be read. Reading them
    // again gives the reason, which the audit log keeps; the verification round goes on.
    let headers = message.headers;
    if (headers === undefined) {
      try {
        headers = readHeaders(envelope, input.headersXml, readersOf(account));
      } catch (error) {
        const problem = error instanceof Error ? error.message : String(error);
        this.consent.skipUnreadable({ ...received, problem });
        return;
      }
    }
    await this.consent.receive({ ...received, headers });
  }

  listConsentRequests = this.consentCall('listConsentRequests');
  decideConsent = this.consentCall('decideConsent');
  listConsentDefaults = this.consentCall('listConsentDefaults');
  setConsentDefault = this.consentCall('setConsentDefault');
  auditLog = this.consentCall('auditLog');
  startChessGame = this.consentCall('startChessGame');
  chessMove = this.consentCall('chessMove');
  chessResign = this.consentCall('chessResign');
  chessOfferDraw = this.consentCall('chessOfferDraw');
  listChessGames = this.consentCall('listChessGames');
  requestVcard = this.consentCall('requestVcard');
  shareVcard = this.consentCall('shareVcard');
  myVcard = this.consentCall('myVcard');
  setMyVcard = this.consentCall('setMyVcard');
  listVcardContacts = this.consentCall('listVcardContacts');
  subscribeList = this.consentCall('subscribeList');
  unsubscribeList = this.consentCall('unsubscribeList');
  listMemberships = this.consentCall('listMemberships');

  /** The consent API's method `name`, once an identity is unlocked. */
  private consentCall<M extends ConsentMethod>(name: M): Mt2Api[M] {
    return ((params: ApiParams<M>) =>
      Promise.resolve().then(() => {
        this.primaryId();
        return this.consent.call(name, params);
      })) as Mt2Api[M];
  }

  // ---- certificates and trust ----

  async listCertificates() {
    this.primaryId();
    return await this.certificates.list();
  }

  async certificateDetails(params: ApiParams<'certificateDetails'>) {
    this.primaryId();
    if (params.message !== undefined) {
      const key = parseRef(params.message);
      const stored = await this.stored(key);
      const trace = readVerification(stored.verificationJson)?.trace;
      const relayedBy = trace === undefined ? undefined : deliveredBy(trace);
      const envelope = storedEnvelope(stored);
      return await this.certificates.onMessage(
        key.accountId,
        envelope,
        params.fingerprint,
        relayedBy,
      );
    }
    return await this.certificates.details(params.fingerprint);
  }

  async importCertificate(params: ApiParams<'importCertificate'>) {
    this.primaryId();
    return await this.certificates.import(params.data);
  }

  async exportIdentity(params: ApiParams<'exportIdentity'>): Promise<null> {
    await this.certificates.exportIdentity(
      this.accounts.unlocked(params.accountId),
      params.path,
      params.p12Password,
    );
    return null;
  }

  // ---- your certificates: new keys, requests, renewal ----

  private requestView(accountId: string): CertificateRequestView | null {
    const record = this.accounts.record(accountId);
    if (record.pending === undefined) return null;
    return {
      accountId,
      address: record.address,
      csrPem: record.pending.csrPem,
      createdAt: record.pending.createdAt,
    };
  }

  async createCertificateRequest(
    params: ApiParams<'createCertificateRequest'>,
  ): Promise<CertificateRequestView> {
    await this.accounts.createRequest(params.accountId, params.passphrase);
    this.emit({ type: 'account', account: this.accountViewOf(params.accountId) });
    const request = this.requestView(params.accountId);
    if (request === null) throw new Error('the request just made is not recorded');
    return request;
  }

  certificateRequest(params: ApiParams<'certificateRequest'>) {
    return Promise.resolve(this.requestView(params.accountId));
  }

  async installCertificate(params: ApiParams<'installCertificate'>): Promise<AccountView> {
    const installed = await this.accounts.install(
      params.accountId,
      params.certificatePem,
      params.passphrase,
      this.runtimeOf(params.accountId).validator,
    );
    // The connection presents the account's key and certificate: start it over with the new ones.
    await this.runtimeOf(params.accountId).stop();
    this.runtimes.delete(params.accountId);
    return this.run(installed);
  }

  async renewCertificate(params: ApiParams<'renewCertificate'>): Promise<RenewalView> {
    const record = this.accounts.record(params.accountId);
    const request = await this.createCertificateRequest(params);
    const embedded = this.settings.get('embedded');
    if (record.kind !== 'embedded' || embedded === null) return { kind: 'request', request };
    const issued = await renewLocalUser(
      this.host(),
      this.options.dataDir,
      embedded,
      record.address,
      request.csrPem,
    );
    const account = await this.installCertificate({
      accountId: params.accountId,
      certificatePem: issued.certificatePem + issued.chainPem,
      passphrase: params.passphrase,
    });
    return { kind: 'renewed', account };
  }

  /** The trust settings, with what settings files from before resolvers existed lack. */
  private trust(): TrustSettingsView {
    const stored: Omit<TrustSettingsView, 'resolvers'> &
      Partial<Pick<TrustSettingsView, 'resolvers'>> = this.settings.get('trust');
    return { ...stored, resolvers: stored.resolvers ?? [] };
  }

  trustSettings(): Promise<TrustSettingsView> {
    return Promise.resolve(this.trust());
  }

  async setTrustSettings(params: ApiParams<'setTrustSettings'>): Promise<TrustSettingsView> {
    await Promise.resolve();
    const current = this.trust();
    const next: TrustSettingsView = {
      ...params,
      delegatedValidation: params.delegatedValidation ?? current.delegatedValidation,
      resolvers: params.resolvers ?? current.resolvers,
    };
    if (next.delegatedValidation && next.resolvers.length === 0) {
      throw engineError(
        ENGINE_ERROR.BAD_TRUST_SETTINGS,
        'Delegated validation needs somewhere to look other domains’ CAs up: a folder of CA files, a DNS server or an LDAP directory.',
      );
    }
    this.settings.set('trust', next);
    for (const runtime of this.runtimes.values()) runtime.refreshTrust();
    return next;
  }

  // ---- life cycle ----

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.runtimes.values()].map((runtime) => runtime.stop()));
    this.runtimes.clear();
    await this.server?.close();
    this.server = undefined;
    this.consent.close();
    await this.store.close();
  }
}
