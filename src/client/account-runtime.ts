import type { ApiEvent, ConnectionView, TrustSettingsView } from '../api/index.ts';
import { certificatesToPem, verifyErrorReport, type IdentityValidator } from '../identity/index.ts';
import type { ClientSession } from '../protocol/index.ts';
import { readersOf, type UnlockedAccount } from './accounts/accounts.ts';
import { AccountConnection } from './connection/account-connection.ts';
import type { BackoffOptions } from './connection/backoff.ts';
import { ENGINE_ERROR, engineError } from './errors.ts';
import type { Outbox } from './send/outbox.ts';
import { accountValidator } from './security/validator.ts';
import { verifyIncoming, type StoredVerification } from './security/verify-incoming.ts';
import { errorReportText } from './security/vocabulary.ts';
import type { LocalStoreProxy } from './store/index.ts';
import type { IncomingMessage } from './sync/incoming-message.ts';
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
    const { store, emit } = this.context;
    const accountId = this.id;
    // Headers first: every page is stored (and shown, as "not checked yet") before any
    // signature is checked, so a big first sync fills the list as fast as the wire allows.
    const arrived: IncomingMessage[] = [];
    const report = await syncMailbox(session, {
      accountId,
      store,
      reader: readersOf(this.account),
      onProgress: (phase, done, total) => {
        emit({ type: 'sync-progress', accountId, phase, done, total });
      },
      onStored: (messages) => {
        arrived.push(...messages);
        if (messages.length > 0) emit({ type: 'messages-changed', folders: ['inbox'] });
        return Promise.resolve();
      },
    });
    this.lastReport = report;
    await this.verifyAll(arrived);
    await this.context.outbox.run(accountId, session);
    return report;
  }

  private async verifyAll(messages: readonly IncomingMessage[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < messages.length) {
        const message = messages[next++];
        if (message !== undefined) await this.verifyOne(message);
      }
    };
    await Promise.all(Array.from({ length: VERIFY_CONCURRENCY }, worker));
    if (messages.length > 0) this.context.emit({ type: 'messages-changed', folders: ['inbox'] });
  }

  /** Verifies a new message, stores the result, learns the contact, files error reports. */
  private async verifyOne(message: IncomingMessage): Promise<void> {
    const { store } = this.context;
    const { accountId, msgId } = message.input;
    const envelope = message.envelope;
    if (envelope === undefined || (message.input.headersXml === undefined && !envelope.control)) {
      const reason = {
        code: 'ENGINE_MESSAGE_UNREADABLE',
        text: message.problem ?? 'The message cannot be read.',
      };
      await store.setVerification(
        accountId,
        msgId,
        JSON.stringify({
          version: 1,
          checkedAt: new Date().toISOString(),
          bodyChecked: false,
          signature: { state: 'invalid', reasons: [reason] },
          trace: { state: 'absent', hops: [], reasons: [] },
          encryptedParts: [],
        }),
      );
      return;
    }
    if (envelope.control && envelope.errorReport !== undefined) {
      await this.fileErrorReport(envelope);
    }
    const verification = await verifyIncoming(
      { envelope, headers: message.input.headersXml ?? new Uint8Array(0) },
      this.validator,
    );
    await store.setVerification(accountId, msgId, JSON.stringify(verification));
    await this.context.onVerified?.(message, verification);
    const certificate = envelope.certificate;
    if (
      verification.signature.state === 'valid' &&
      verification.certificate?.valid === true &&
      certificate !== undefined
    ) {
      const name = message.input.display.fromName;
      await store.putContact({
        address: envelope.sender,
        ...(name === '' ? {} : { displayName: name }),
        certificate,
        source: 'verifiedMessage',
      });
    }
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
