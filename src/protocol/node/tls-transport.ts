import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { encodeLine } from '../codec/encoder.ts';
import type { Mt2Limits } from '../codec/limits.ts';
import { Mt2Error } from '../errors.ts';
import { RESULT, meaningOf } from '../result-codes.ts';
import { ClientSession } from '../session/client-session.ts';
import type { SessionIo } from '../session/endpoint.ts';
import type { TransferExtension } from '../session/extension.ts';
import { ServerSession, type ServerHooks } from '../session/server-session.ts';
import type { TransferHooks } from '../session/transfer-receiver.ts';

/**
 * Resolves with the first of `events` to fire; 'error' rejects. Only its own listeners
 * are removed.
 */
function first(emitter: tls.TLSSocket | tls.Server, ...events: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const listeners = new Map<string, (value?: unknown) => void>();
    const settle = (event: string) => (value?: unknown) => {
      for (const [name, listener] of listeners) emitter.off(name, listener);
      if (event !== 'error') resolve(event);
      else reject(value instanceof Error ? value : new Error(String(value)));
    };
    for (const event of [...events, 'error']) {
      const listener = settle(event);
      listeners.set(event, listener);
      emitter.once(event, listener);
    }
  });
}

/** Key material for one side of TLS (PEM strings or buffers, as node:tls takes them). */
export interface TlsIdentity {
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
}

/** Options of {@link createMt2Server}. */
export interface Mt2ServerOptions {
  /** The server's host certificate and key (mt2-profile.md section 3). */
  readonly identity: TlsIdentity;
  /**
   * Hooks for each new connection, given the TLS client certificate (DER) or null.
   * Certificate validation is the caller's (src/identity), inside `onHelo`.
   * Ignored when `sessionFor` is given.
   */
  readonly hooksFor?: (tlsCertificate: Uint8Array | null) => ServerHooks;
  /** Extensions for each new session (a fresh set per session). */
  readonly extensionsFor?: () => readonly TransferExtension[];
  /**
   * Hooks and extensions of one new connection together, for servers whose extensions
   * share state with the session's hooks (e.g. TRACE, mailbox access).
   */
  readonly sessionFor?: (tlsCertificate: Uint8Array | null) => SessionSetup;
  /**
   * Most sessions open at once; a connection beyond it gets `[* ERR 99.0.4.5 ...]` instead
   * of the greeting and is closed. Default 0: no limit.
   */
  readonly maxSessions?: number;
  readonly limits?: Partial<Mt2Limits>;
  /** Longest TLS handshake, in ms. Default 10000. */
  readonly handshakeTimeoutMs?: number;
}

/** What one connection's session is made of. */
export interface SessionSetup {
  readonly hooks: ServerHooks;
  readonly extensions: readonly TransferExtension[];
}

/** A listening MT2 server. */
export interface Mt2Server {
  /** The bound port. */
  readonly port: number;
  /** Sessions of open connections. */
  readonly sessions: ReadonlySet<ServerSession>;
  /**
   * Stops listening, tells every session `[* ERR 99.0.4.4]` and closes it (uncommitted
   * messages are discarded).
   */
  close(): Promise<void>;
}

/**
 * Wires a session to a TLS socket: octets in with backpressure (reading pauses while
 * the session works through a hook), octets out waiting for `drain`, the end of the
 * connection to `end()`.
 */
function bind(
  socket: tls.TLSSocket,
  session: { receive(bytes: Uint8Array): Promise<void>; end(): Promise<void> },
): void {
  // MT2 answers are short lines; with Nagle's algorithm a final answer written behind
  // unacknowledged data waits for the peer's delayed ACK (up to 40 ms on Linux): every
  // pipelined PULL or XFER burst would end with that stall.
  socket.setNoDelay(true);
  let busy = 0;
  socket.on('data', (chunk: Buffer) => {
    busy++;
    socket.pause();
    session
      .receive(chunk)
      .catch(() => undefined)
      .finally(() => {
        if (--busy === 0 && !socket.destroyed) socket.resume();
      });
  });
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    void session.end();
  };
  socket.on('end', end);
  socket.on('close', end);
  socket.on('error', end);
}

function socketIo(socket: tls.TLSSocket): SessionIo {
  // One shared wait for 'drain', however many senders wait on it.
  let drained: Promise<void> | undefined;
  let corked = false;
  return {
    send(bytes) {
      if (socket.destroyed) return;
      // Lines and chunks written in one turn of the event loop leave in one TLS record
      // and one system call, not one each (a pipelined burst writes hundreds).
      if (!corked) {
        corked = true;
        socket.cork();
        process.nextTick(() => {
          corked = false;
          socket.uncork();
        });
      }
      if (socket.write(bytes)) return drained;
      drained ??= new Promise<void>((resolve) => {
        // 'close' too: a writer must not wait forever on a dead connection.
        const done = () => {
          socket.off('drain', done);
          socket.off('close', done);
          drained = undefined;
          resolve();
        };
        socket.on('drain', done);
        socket.on('close', done);
      });
      return drained;
    },
    close() {
      socket.end();
    },
  };
}

/** The peer's TLS certificate as DER, or null when it sent none. */
function peerDer(socket: tls.TLSSocket): Uint8Array | null {
  const raw = socket.getPeerCertificate().raw as Buffer | undefined;
  return raw === undefined || raw.length === 0 ? null : new Uint8Array(raw);
}

/** Most issuer certificates taken from a server's chain (the identity layer bounds it too). */
const MAX_PEER_INTERMEDIATES = 16;

/**
 * The certificates above the server's own in the chain it presented (DER, nearest
 * first), for the caller's path validation. Node links them by issuer; a self-signed
 * end or a repeat ends the walk.
 */
function peerIntermediates(socket: tls.TLSSocket): Uint8Array[] {
  // @types/node says every certificate has an issuer; node leaves it out at a chain's
  // end that is not self-signed.
  type Linked = Omit<tls.DetailedPeerCertificate, 'issuerCertificate'> & {
    readonly issuerCertificate?: Linked;
  };
  const leaf: Linked = socket.getPeerCertificate(true);
  const seen = new Set([leaf.fingerprint256]);
  const chain: Uint8Array[] = [];
  for (
    let issuer = leaf.issuerCertificate;
    issuer !== undefined;
    issuer = issuer.issuerCertificate
  ) {
    if (seen.has(issuer.fingerprint256) || chain.length === MAX_PEER_INTERMEDIATES) break;
    seen.add(issuer.fingerprint256);
    chain.push(new Uint8Array(issuer.raw));
  }
  return chain;
}

/**
 * Listens for MT2 over implicit TLS 1.3 (docs/protocol.md section 6.1). Client
 * certificates are requested, not checked by node's web-PKI rules: the session compares
 * the TLS certificate with HELO's, and `onHelo` validates it.
 */
export async function createMt2Server(
  options: Mt2ServerOptions,
  port = 0,
  host = '127.0.0.1',
): Promise<Mt2Server> {
  const sessions = new Set<ServerSession>();
  const sockets = new Set<tls.TLSSocket>();
  const server = tls.createServer({
    key: options.identity.key,
    cert: options.identity.cert,
    minVersion: 'TLSv1.3',
    requestCert: true,
    rejectUnauthorized: false,
    handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
  });
  const setupFor = (tlsCertificate: Uint8Array | null): SessionSetup => {
    if (options.sessionFor !== undefined) return options.sessionFor(tlsCertificate);
    if (options.hooksFor === undefined) throw new Error('createMt2Server: no hooksFor');
    return { hooks: options.hooksFor(tlsCertificate), extensions: options.extensionsFor?.() ?? [] };
  };
  if (options.sessionFor === undefined && options.hooksFor === undefined) {
    throw new Error('createMt2Server needs hooksFor or sessionFor');
  }
  server.on('secureConnection', (socket: tls.TLSSocket) => {
    const maxSessions = options.maxSessions ?? 0;
    if (maxSessions > 0 && sessions.size >= maxSessions) {
      const code = RESULT.TOO_MANY_SESSIONS;
      socket.end(
        encodeLine({
          kind: 'response',
          tag: '*',
          status: 'ERR',
          code,
          groups: [],
          text: meaningOf(code) ?? '',
        }),
      );
      return;
    }
    const tlsCertificate = peerDer(socket);
    const { hooks, extensions } = setupFor(tlsCertificate);
    const session = new ServerSession({
      io: socketIo(socket),
      hooks,
      tlsCertificate,
      ...(options.limits === undefined ? {} : { limits: options.limits }),
      extensions,
    });
    sessions.add(session);
    sockets.add(socket);
    socket.on('close', () => {
      sessions.delete(session);
      sockets.delete(socket);
    });
    bind(socket, session);
    session.start();
  });
  server.on('tlsClientError', () => undefined);
  server.listen(port, host);
  await first(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    sessions,
    async close() {
      const closed = first(server, 'close');
      server.close();
      await Promise.all([...sessions].map((session) => session.shutdown()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/** Options of {@link connectMt2}. */
export interface Mt2ConnectOptions {
  readonly host: string;
  readonly port: number;
  /** The user's certificate and key, presented as the TLS client certificate. */
  readonly identity: TlsIdentity;
  /** The server name to ask for (SNI). Default: `host`. */
  readonly servername?: string;
  /**
   * Validates the server's host certificate (DER), the identity layer's job handed in,
   * with the certificates the server sent above it (`intermediates`, nearest first);
   * throw (or reject) to refuse the server. Called before any MT2 octet is read.
   */
  readonly checkServerCertificate: (
    der: Uint8Array,
    intermediates: readonly Uint8Array[],
  ) => void | Promise<void>;
  readonly limits?: Partial<Mt2Limits>;
  readonly extensions?: readonly TransferExtension[];
  /**
   * Storage for whole messages the server sends unasked (XFER without `(PULL=tag)`);
   * mailbox PULLs hand their parts to `ClientSession.pull` instead.
   */
  readonly incoming?: TransferHooks;
  /** Longest connect, handshake and wait for the greeting, in ms. Default 10000. */
  readonly connectTimeoutMs?: number;
}

/** An open client connection. */
export interface Mt2Connection {
  readonly session: ClientSession;
  /** The server's host certificate (DER), as checked. */
  readonly serverCertificate: Uint8Array;
  /** Drops the connection without QUIT. */
  destroy(): void;
}

/**
 * Connects over implicit TLS 1.3 with the user's certificate as the TLS client
 * certificate, checks the server's certificate through the caller, and waits for
 * the greeting.
 * @throws Mt2Error TLS_FAILED when the connection, the handshake or the check fails.
 */
export async function connectMt2(options: Mt2ConnectOptions): Promise<Mt2Connection> {
  const timeoutMs = options.connectTimeoutMs ?? 10_000;
  const socket = tls.connect({
    host: options.host,
    port: options.port,
    servername: options.servername ?? options.host,
    key: options.identity.key,
    cert: options.identity.cert,
    minVersion: 'TLSv1.3',
    rejectUnauthorized: false,
    timeout: timeoutMs,
  });
  socket.pause();
  try {
    if ((await first(socket, 'secureConnect', 'timeout')) === 'timeout') {
      throw new Error('connect timed out');
    }
    // A server that completes TLS and then says nothing must not hold the caller until the
    // session's idle timeout: the connect timeout runs on until the greeting.
    let silent: () => void = () => undefined;
    const noGreeting = new Promise<never>((_, reject) => {
      silent = () => {
        reject(new Mt2Error('TLS_FAILED', `no greeting within ${timeoutMs} ms`));
        socket.destroy();
      };
    });
    noGreeting.catch(() => undefined);
    socket.once('timeout', silent);
    const serverCertificate = peerDer(socket);
    if (serverCertificate === null) throw new Error('the server sent no certificate');
    await options.checkServerCertificate(serverCertificate, peerIntermediates(socket));
    const session = new ClientSession({
      io: socketIo(socket),
      ...(options.limits === undefined ? {} : { limits: options.limits }),
      ...(options.extensions === undefined ? {} : { extensions: options.extensions }),
      ...(options.incoming === undefined ? {} : { incoming: options.incoming }),
    });
    bind(socket, session);
    socket.resume();
    await Promise.race([session.greeting, noGreeting]);
    socket.off('timeout', silent);
    socket.setTimeout(0);
    return { session, serverCertificate, destroy: () => socket.destroy() };
  } catch (error) {
    socket.destroy();
    if (error instanceof Mt2Error) throw error;
    throw new Mt2Error('TLS_FAILED', error instanceof Error ? error.message : String(error));
  }
}
