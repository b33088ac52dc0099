import type { ApiEvent, ConnectionView, TrustSettingsView } from '../api/index.ts';
import { certificatesToPem, verifyErrorReport, type IdentityValidator } from '../identity/index.ts';
import { DEFAULT_PACK_BYTES, type ClientSession } from '../protocol/index.ts';
import { readersOf, type UnlockedAccount } from './accounts/accounts.ts';
import { AccountConnection } from './connection/account-connection.ts';
import type { BackoffOptions } from './connection/backoff.ts';
import { ENGINE_ERROR, engineError } from './errors.ts';
import type { Outbox } from './send/outbox.ts';
import { accountValidator } from './security/validator.ts';
import {
  deliveredBy,
  verifyIncoming,
  type StoredVerification,
} from './security/verify-incoming.ts';
import { errorReportText } from './security/vocabulary.ts';
import type { ContactInput, LocalStoreProxy, StoredMessage } from './store/index.ts';
import { awaitsEnvelope, incomingMessage, type IncomingMessage } from './sync/incoming-message.ts';
import { syncMailbox, type SyncReport } from './sync/mailbox-sync.ts';

/** What an account's runtime needs from the engine around it. */
export interface RuntimeContext {
  readonly store: LocalStoreProxy;
  readonly outbox: Outbox;
  readonly emit: (event: ApiEvent) => void;
  readonly trust: () => TrustSettingsView;
  /** Server name -> address to connect to (see EngineOptions.hostAliases). */
  readonly hostAliases: Readonly<Record<string, string>>;
  /** How often an idle session syncs again, in ms. */
  readonly pollIntervalMs: number;
  readonly backoff?: BackoffOptions;
  /** Called when the connection state changes (the engine re-emits the account). */
  readonly onConnection: (accountId: string, view: ConnectionView) => void;
  /** Called once a new message's signature was checked (recipient extensions go to consent). */
  readonly onVerified?: (
    message: IncomingMessage,
    verification: StoredVerification,
  ) => Promise<void>;
}

interface RoundWaiter {
  readonly resolve: (report: SyncReport) => void;
  readonly reject: (error: unknown) => void;
}

/** Messages verified at once; keeps a big first sync from starving the event loop. */
const VERIFY_CONCURRENCY = 8;
/** Messages read from the store, verified, and their verdicts stored in one transaction. */
const VERIFY_BATCH = 250;

/** A stored message decoded with its envelope, and whether that envelope was just pulled. */
interface Arrival {
  readonly message: IncomingMessage;
  readonly arrived: boolean;
}

/** A new message with its verdict, not stored yet. */
interface Verified {
  readonly message: IncomingMessage;
  readonly verification: StoredVerification;
  /** The message could not be read, so it was not checked (and nothing is learnt from it). */
  readonly unreadable: boolean;
}

/**
 * The senders whose signature and certificate were valid, as contacts with the
 * certificate they signed with: one per address, the latest message's (with the latest
 * name any of them gave).
 */
function learntContacts(results: readonly Verified[]): ContactInput[] {
  const learnt = new Map<string, ContactInput>();
  for (const { message, verification } of results) {
    const certificate = message.envelope?.certificate;
    if (
      verification.signature.state !== 'valid' ||
      verification.certificate?.valid !== true ||
      certificate === undefined ||
      message.envelope === undefined
    ) {
      continue;
    }
    const address = message.envelope.sender;
    // As the store merges them: a later message without a name keeps the earlier name.
    const name = message.input.display.fromName || learnt.get(address.toLowerCase())?.displayName;
    const host = deliveredBy(verification.trace);
    learnt.set(address.toLowerCase(), {
      address,
      ...(name === undefined || name === '' ? {} : { displayName: name }),
      certificate,
      ...(host === undefined ? {} : { deliveredBy: host }),
      source: 'verifiedMessage',
    });
  }
  return [...learnt.values()];
}

/**
 * One account while the engine runs: its connection, and on each session a loop of
 * rounds (push flags, sync, verify what arrived, send the outbox), then waiting for
 * the poll interval or a nudge (syncNow, send).
 */
export class AccountRuntime {
  readonly connection: AccountConnection;
  validator: IdentityValidator;
  /** What the last round's LIST returned (tests assert on it). */
  lastReport: SyncReport | undefined;
  private waiters: RoundWaiter[] = [];
  private wake: (() => void) | undefined;
  private nudged = false;
  /** Set by stop(): verification ends after its batch (the next start picks up the rest). */
  private stopping = false;

  constructor(
    readonly account: UnlockedAccount,
    private readonly context: RuntimeContext,
  ) {
    const record = account.record;
    this.validator = accountValidator(record.trustedCaPem, context.trust());
    const credentials = account.credentials;
    this.connection = new AccountConnection({
      target: {
        host: context.hostAliases[record.server.host] ?? record.server.host,
        port: record.server.port,
        serverName: record.serverName,
        keyPem: credentials.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        certificateChainPem: certificatesToPem([credentials.certificate, ...credentials.chain]),
        heloChain: Buffer.concat([
          credentials.certificate.raw,
          ...credentials.chain.map((c) => c.raw),
        ]),
        validator: () => this.validator,
      },
      onSession: (session) => this.serve(session),
      onState: (view) => {
        context.onConnection(record.id, view);
      },
      ...(context.backoff === undefined ? {} : { backoff: context.backoff }),
    });
  }

  get id(): string {
    return this.account.record.id;
  }

  /** Trust settings changed: new checks use them. */
  refreshTrust(): void {
    this.validator = accountValidator(this.account.record.trustedCaPem, this.context.trust());
  }

  start(): void {
    this.connection.start();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.connection.stop();
    for (const waiter of this.waiters.splice(0)) {
      waiter.reject(engineError(ENGINE_ERROR.CLOSED, 'The engine was closed.'));
    }
  }

  /** Starts a round soon (or right after the running one). */
  nudge(): void {
    this.nudged = true;
    this.wake?.();
    this.connection.retryNow();
  }

  /**
   * Resolves after the next complete round, however long it takes while connected;
   * rejects with ENGINE_OFFLINE when, `waitMs` after the call or after any later check,
   * there is no session.
   */
  async syncNow(waitMs: number): Promise<SyncReport> {
    const round = new Promise<SyncReport>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
    });
    this.nudge();
    let timer: NodeJS.Timeout | undefined;
    const offline = new Promise<never>((_resolve, reject) => {
      timer = setInterval(() => {
        if (this.connection.view.state === 'online') return;
        const why = this.connection.view.error?.replace(/\.$/, '');
        reject(
          engineError(
            ENGINE_ERROR.OFFLINE,
            `Not connected to the server${why === undefined ? '' : `: ${why}`}.`,
          ),
        );
      }, waitMs);
    });
    try {
      return await Promise.race([round, offline]);
    } finally {
      clearInterval(timer);
    }
  }

  /** Read after awaits, where nudge() may have set it. */
  private wasNudged(): boolean {
    return this.nudged;
  }

  /** Read after awaits, where stop() may have set it. */
  private isStopping(): boolean {
    return this.stopping;
  }

  /** The session loop. Returns when the session is gone (the connection reconnects). */
  private async serve(session: ClientSession): Promise<void> {
    const open = () => session.state !== 'closed' && session.state !== 'closing';
    const off = session.on('close', () => this.wake?.());
    try {
      while (open()) {
        this.nudged = false;
        const waiters = this.waiters.splice(0);
        try {
          const report = await this.round(session);
          for (const waiter of waiters) waiter.resolve(report);
        } catch (error) {
          // They wait for the round after the reconnect.
          this.waiters.unshift(...waiters);
          throw error;
        }
        if (this.wasNudged() || this.waiters.length > 0) continue;
        // stop() or the session's end may have come while the round ran, before there
        // was a wait to cut short: waiting now would hold stop() up a whole poll interval.
        if (this.isStopping() || !open()) return;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.context.pollIntervalMs);
          timer.unref();
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    } finally {
      off();
    }
  }

  private async round(session: ClientSession): Promise<SyncReport> {
    const { emit } = this.context;
    const accountId = this.id;
    // Headers first: every page is stored (and shown, as "not checked yet") before any
    // envelope is pulled or signature checked, so a big first sync fills the list as
    // fast as the wire allows.
    const report = await syncMailbox(session, {
      accountId,
      store: this.context.store,
      reader: readersOf(this.account),
      onProgress: (phase, done, total) => {
        emit({ type: 'sync-progress', accountId, phase, done, total });
      },
      onChanged: ({ inserted, updated, removed }) => {
        // A message changed or removed may be in the trash (deleted here, kept on the server).
        if (updated > 0 || removed > 0)
          emit({ type: 'messages-changed', folders: ['inbox', 'trash'] });
        else if (inserted > 0) emit({ type: 'messages-changed', folders: ['inbox'] });
      },
    });
    this.lastReport = report;
    await this.verifyStored(session);
    await this.context.outbox.run(accountId, session);
    return report;
  }

  /**
   * Verifies every message the store holds without a verdict (this round's, and those an
   * earlier run stopped before), a batch at a time, oldest first, with a `verifying`
   * progress event per batch. The next batch's envelopes are pulled while this one is
   * verified, so the server sends while the engine checks signatures. The store is the
   * queue, so a first sync of any size keeps at most two batches in memory.
   */
  private async verifyStored(session: ClientSession): Promise<void> {
    const { store, emit } = this.context;
    const accountId = this.id;
    const seen = new Set<string>();
    let verified = 0;
    // Counted again after each batch: a message opened meanwhile is verified on its own.
    const progress = async () => {
      const waiting = await store.unverifiedCount(accountId);
      if (verified + waiting > 0) {
        emit({
          type: 'sync-progress',
          accountId,
          phase: 'verifying',
          done: verified,
          total: verified + waiting,
        });
      }
    };
    await progress();
    let upcoming: Promise<Arrival[]> | undefined = this.nextToVerify(session, seen);
    while (upcoming !== undefined) {
      const batch: Arrival[] = await upcoming;
      if (batch.length === 0) return;
      upcoming = this.isStopping() ? undefined : this.nextToVerify(session, seen);
      // Awaited next round; a failure of this batch must not leave it unhandled meanwhile.
      upcoming?.catch(() => undefined);
      await this.verifyBatch(batch);
      verified += batch.length;
      await progress();
    }
  }

  /**
   * The next batch of stored messages without a verdict and not `seen` yet, with their
   * envelopes; empty when none is left. It asks the store for two batches: the one being
   * verified has no verdicts stored yet, and is skipped as seen.
   */
  private async nextToVerify(session: ClientSession, seen: Set<string>): Promise<Arrival[]> {
    const stored = await this.context.store.unverifiedMessages(this.id, VERIFY_BATCH * 2);
    // Every message of a batch gets a verdict, so a batch never repeats; `seen` only
    // guards against looping should a verdict not land.
    const fresh = stored.filter((message) => !seen.has(message.msgId)).slice(0, VERIFY_BATCH);
    for (const message of fresh) seen.add(message.msgId);
    return fresh.length === 0 ? [] : await this.withEnvelopes(session, fresh);
  }

  /**
   * Pulls, verifies and stores the envelope of a message synced with its headers only,
   * when connected: a message opened before verification came to it.
   */
  async completeEnvelope(stored: StoredMessage): Promise<void> {
    const session = this.connection.session;
    if (session === undefined || stored.server === undefined || !awaitsEnvelope(stored)) return;
    await this.verifyBatch(await this.withEnvelopes(session, [stored]));
  }

  /**
   * Stored messages decoded whole: the envelopes still pending pulled (packed) first. One
   * the server no longer sends is decoded without, and shown as unreadable.
   */
  private async withEnvelopes(
    session: ClientSession,
    stored: readonly StoredMessage[],
  ): Promise<Arrival[]> {
    const pending = stored.filter(awaitsEnvelope);
    const pulled = new Map<string, Uint8Array>();
    if (pending.length > 0) {
      await session.pull(
        'message/envelope',
        pending.map((message) => message.msgId),
        {
          // A copy: the pulled bytes are a view into a larger chunk, which the store's
          // worker would otherwise be sent whole.
          onPart: (msgId, bytes) => {
            pulled.set(msgId, bytes.slice());
          },
          packBytes: DEFAULT_PACK_BYTES,
        },
      );
    }
    const reader = readersOf(this.account);
    return stored.flatMap((message) => {
      if (message.server === undefined) return [];
      const arrived = pulled.get(message.msgId);
      const envelope = awaitsEnvelope(message) ? arrived : message.envelopeXml;
      const incoming = incomingMessage(
        {
          accountId: this.id,
          msgId: message.msgId,
          server: message.server,
          sizes: message.sizes,
          serverFlags: message.serverFlags,
          envelope,
          headers: message.headersXml,
        },
        reader,
      );
      return [{ message: incoming, arrived: arrived !== undefined }];
    });
  }

  /**
   * Verifies a batch and stores its verdicts, the envelopes that came for it and the
   * contacts learnt, in one transaction (a transaction per message cost a disk sync
   * each, most of a big first sync's verification time), then shows them.
   */
  private async verifyBatch(batch: readonly Arrival[]): Promise<void> {
    const results: Verified[] = [];
    let next = 0;
    const worker = async () => {
      for (let index = next++; index < batch.length; index = next++) {
        const arrival = batch[index];
        if (arrival !== undefined) results[index] = await this.verifyOne(arrival.message);
      }
    };
    await Promise.all(Array.from({ length: VERIFY_CONCURRENCY }, worker));
    await this.context.store.storeVerifications({
      accountId: this.id,
      verifications: results.map(({ message, verification }, index) => ({
        msgId: message.input.msgId,
        verificationJson: JSON.stringify(verification),
        ...(batch[index]?.arrived === true
          ? { envelope: { envelopeXml: message.input.envelopeXml, display: message.input.display } }
          : {}),
      })),
      contacts: learntContacts(results),
    });
    for (const result of results) {
      if (!result.unreadable) await this.context.onVerified?.(result.message, result.verification);
    }
    this.context.emit({ type: 'messages-changed', folders: ['inbox'] });
  }

  /** Verifies a new message and files the error report it carries (storing is the caller's). */
  private async verifyOne(message: IncomingMessage): Promise<Verified> {
    const envelope = message.envelope;
    if (envelope === undefined || (message.input.headersXml === undefined && !envelope.control)) {
      const reason = {
        code: 'ENGINE_MESSAGE_UNREADABLE',
        text: message.problem ?? 'The message cannot be read.',
      };
      const verification: StoredVerification = {
        version: 1,
        checkedAt: new Date().toISOString(),
        bodyChecked: false,
        signature: { state: 'invalid', reasons: [reason] },
        trace: { state: 'absent', hops: [], reasons: [] },
        encryptedParts: [],
      };
      return { message, verification, unreadable: true };
    }
    if (envelope.control && envelope.errorReport !== undefined) {
      await this.fileErrorReport(envelope);
    }
    const verification = await verifyIncoming(
      { envelope, headers: message.input.headersXml ?? new Uint8Array(0) },
      this.validator,
    );
    return { message, verification, unreadable: false };
  }

  /** An error report about one of our messages: verified, then shown on that message. */
  private async fileErrorReport(envelope: Parameters<typeof verifyErrorReport>[0]): Promise<void> {
    const report = envelope.errorReport;
    if (report === undefined) return;
    const verification = await verifyErrorReport(envelope, this.validator, new Date());
    if (!verification.valid) return;
    const item = await this.context.outbox.itemFor(this.id, report.messageId);
    if (item === undefined) return;
    await this.context.outbox.reportFailure(
      item,
      JSON.stringify(report),
      errorReportText(report.results),
    );
  }
}
