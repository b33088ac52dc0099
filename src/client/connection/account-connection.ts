import type { ConnectionView } from '../../api/index.ts';
import {
  connectMt2,
  Mt2Error,
  option,
  pipeExtension,
  type ClientSession,
  type Mt2Connection,
} from '../../protocol/index.ts';
import { checkPeer, type IdentityValidator } from '../../identity/index.ts';
import { backoffDelayMs, type BackoffOptions } from './backoff.ts';

/** How to reach an account's server and who to be there. */
export interface ConnectionTarget {
  readonly host: string;
  readonly port: number;
  /** The host name the server's certificate must be for. */
  readonly serverName: string;
  /** The user's key and certificate chain, PEM, for TLS. */
  readonly keyPem: string;
  readonly certificateChainPem: string;
  /** The user's certificate and chain as DER, own first, for HELO. */
  readonly heloChain: Uint8Array;
  /** The account's current validator (trust settings can change while it runs). */
  readonly validator: () => IdentityValidator;
}

/** What to do once a session is up; its rejection counts as a connection failure. */
export type SessionWork = (session: ClientSession) => Promise<void>;

export interface AccountConnectionOptions {
  readonly target: ConnectionTarget;
  /** Runs on every new session (sync, outbox). */
  readonly onSession: SessionWork;
  readonly onState: (view: ConnectionView) => void;
  readonly backoff?: BackoffOptions;
}

function plainWords(error: unknown): string {
  if (error instanceof Error && error.name === 'NewSessionNeeded') {
    return 'Reconnecting to send a message that now carries postage.';
  }
  if (error instanceof Mt2Error && error.code === 'TLS_FAILED') {
    return `Cannot reach the server: ${error.message}`;
  }
  if (error instanceof Mt2Error && error.code === 'SESSION_CLOSED') {
    return 'The connection to the server was lost.';
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * One account's connection: connects over TLS with the user's certificate, checks the
 * server's host certificate, HELO, PIPE=ON, then hands the session to `onSession`.
 * When the connection fails or drops it retries with exponential backoff and jitter,
 * telling its state through `onState` each time, until stop().
 */
export class AccountConnection {
  private stopped = false;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private current: Mt2Connection | undefined;
  /** The running onSession call: stop() waits for it, so nothing uses the store after. */
  private serving: Promise<void> | undefined;
  private state: ConnectionView = { state: 'offline' };
  private lastServerCertificate: Uint8Array | undefined;

  constructor(private readonly options: AccountConnectionOptions) {}

  /** False once stop() was called (read after awaits, where it may have changed). */
  private get running(): boolean {
    return !this.stopped;
  }

  /** The host certificate (DER) the server last presented, valid or not (the manager shows it). */
  get serverCertificate(): Uint8Array | undefined {
    return this.lastServerCertificate;
  }

  get view(): ConnectionView {
    return this.state;
  }

  /** The open session, if any. */
  get session(): ClientSession | undefined {
    return this.state.state === 'online' ? this.current?.session : undefined;
  }

  start(): void {
    this.stopped = false;
    if (this.current === undefined && this.timer === undefined) void this.attempt();
  }

  /** Retries now instead of waiting for the backoff timer (syncNow). */
  retryNow(): void {
    if (this.state.state !== 'waiting-to-retry' && this.state.state !== 'offline') return;
    clearTimeout(this.timer);
    this.timer = undefined;
    void this.attempt();
  }

  /** Drops the connection without QUIT (tests of resumption use it). */
  drop(): void {
    this.current?.destroy();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    const connection = this.current;
    this.current = undefined;
    if (connection !== undefined) {
      await Promise.race([
        connection.session.quit().catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, 1000)),
      ]);
      connection.destroy();
    }
    await this.serving?.catch(() => undefined);
    this.setState({ state: 'offline' });
  }

  private setState(view: ConnectionView): void {
    this.state = view;
    this.options.onState(view);
  }

  private async attempt(): Promise<void> {
    this.timer = undefined;
    if (this.stopped) return;
    this.setState({ state: 'connecting' });
    const target = this.options.target;
    let connection: Mt2Connection;
    try {
      connection = await connectMt2({
        host: target.host,
        port: target.port,
        servername: target.serverName,
        identity: { key: target.keyPem, cert: target.certificateChainPem },
        extensions: [pipeExtension()],
        checkServerCertificate: async (der) => {
          this.lastServerCertificate = der;
          const verdict = await checkPeer(target.validator(), {
            chainDer: [der],
            expected: { kind: 'host', hostname: target.serverName },
          });
          if (!verdict.valid) {
            const why = verdict.validityReasons.map((item) => item.message).join('; ');
            throw new Error(`the server's certificate is not valid: ${why}`);
          }
        },
      });
    } catch (error) {
      this.failed(error);
      return;
    }
    if (!this.running) {
      connection.destroy();
      return;
    }
    this.current = connection;
    connection.session.on('close', (reason) => {
      if (this.current !== connection) return;
      this.current = undefined;
      this.failed(reason);
    });
    try {
      await connection.session.helo(target.heloChain);
      await connection.session.opt([option('PIPE', 'ON')]);
      this.failures = 0;
      this.setState({ state: 'online' });
      this.serving = this.options.onSession(connection.session);
      await this.serving;
    } catch (error) {
      if (this.current === connection) {
        this.current = undefined;
        connection.destroy();
        this.failed(error);
      }
    }
  }

  private failed(error: unknown): void {
    if (this.stopped) return;
    const delay = backoffDelayMs(this.failures++, this.options.backoff);
    const retryAt = new Date(Date.now() + delay);
    this.setState({
      state: 'waiting-to-retry',
      error: plainWords(error),
      retryAt: retryAt.toISOString(),
    });
    this.timer = setTimeout(() => void this.attempt(), delay);
    this.timer.unref();
  }
}
