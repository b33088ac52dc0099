// Real mt2d processes for integration tests: `mt2d init`, `mt2d user add --csr` and
// `mt2d serve` run as child processes of bin/mt2d.js; a user identity is made on the
// client side (key and CSR through src/identity) and certified by the server's CLI.
import { spawn, type ChildProcess } from 'node:child_process';
import type { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  IdentityValidator,
  caStoreOf,
  certificatesToPem,
  checkPeer,
  createCsr,
  generateRsaPrivateKey,
  parseCertificates,
  readCertificates,
  readPrivateKey,
  type Credentials,
} from '../../src/identity/index.ts';
import {
  connectMt2,
  pipeExtension,
  type Mt2Connection,
  type Mt2Limits,
  type TransferExtension,
  type TransferHooks,
} from '../../src/protocol/index.ts';

/** bin/mt2d.js of this checkout. */
export const MT2D_BIN = fileURLToPath(new URL('../../bin/mt2d.js', import.meta.url));

/** What a finished mt2d command printed. */
export interface CommandResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `mt2d ARGS` to its end. */
export function runMt2d(args: readonly string[], timeoutMs = 60_000): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MT2D_BIN, ...args], { stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mt2d ${args.join(' ')} did not finish in ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** `mt2d init --dir DIR ...`; throws with mt2d's stderr when it fails. */
export async function runMt2dInit(
  dir: string,
  domain: string,
  hostname: string,
  keyType: 'ec' | 'rsa' = 'ec',
): Promise<void> {
  const result = await runMt2d([
    'init',
    '--dir',
    dir,
    '--domain',
    domain,
    '--hostname',
    hostname,
    '--key-type',
    keyType,
  ]);
  if (result.code !== 0) {
    throw new Error(`mt2d init failed (${String(result.code)}): ${result.stderr}`);
  }
}

/** A data directory made by `mt2d init`, removed by `remove()`. */
export interface Mt2dDir {
  readonly dir: string;
  readonly domain: string;
  readonly hostname: string;
  remove(): Promise<void>;
}

/** `mt2d init` in a fresh temporary directory. */
export async function initMt2dDir(
  domain: string,
  hostname = `mt2.${domain}`,
  keyType: 'ec' | 'rsa' = 'ec',
): Promise<Mt2dDir> {
  const parent = await mkdtemp(join(tmpdir(), 'mt2d-test-'));
  const dir = join(parent, 'data');
  try {
    await runMt2dInit(dir, domain, hostname, keyType);
  } catch (error) {
    await rm(parent, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    domain,
    hostname,
    remove: () => rm(parent, { recursive: true, force: true }),
  };
}

/** One JSON log line of `mt2d serve`. */
export type LogEvent = Readonly<Record<string, unknown>> & { readonly event: string };

/** A running `mt2d serve` process. */
export interface Mt2dProcess {
  readonly host: string;
  readonly port: number;
  readonly pid: number;
  /** Every log line so far. */
  readonly events: readonly LogEvent[];
  /** Resolves with the first event (past or future) that satisfies `match`. */
  waitFor(match: (event: LogEvent) => boolean, timeoutMs?: number): Promise<LogEvent>;
  /** SIGTERM, and waits for the exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL (a crash), and waits for the exit. */
  kill(): Promise<void>;
}

/**
 * Spawns `mt2d serve --dir DIR --listen 127.0.0.1:PORT [--route ...]` (port 0 unless
 * `port` is given) and waits for its
 * `{"event":"listening","port":N}` line.
 */
export async function startMt2dProcess(
  dir: string,
  options: {
    routes?: readonly string[];
    startTimeoutMs?: number;
    /** Options for node itself, e.g. `--cpu-prof` to profile the server. */
    nodeOptions?: readonly string[];
    /** Port to listen on; default 0 (any free port). */
    port?: number;
  } = {},
): Promise<Mt2dProcess> {
  const args = ['serve', '--dir', dir, '--listen', `127.0.0.1:${options.port ?? 0}`];
  for (const route of options.routes ?? []) args.push('--route', route);
  const child: ChildProcess = spawn(
    process.execPath,
    [...(options.nodeOptions ?? []), MT2D_BIN, ...args],
    { stdio: 'pipe' },
  );
  const events: LogEvent[] = [];
  const waiters = new Set<{ match: (e: LogEvent) => boolean; resolve: (e: LogEvent) => void }>();
  let stderr = '';
  let partial = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      const event = JSON.parse(line) as LogEvent;
      events.push(event);
      for (const waiter of waiters) {
        if (waiter.match(event)) {
          waiters.delete(waiter);
          waiter.resolve(event);
        }
      }
    }
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      resolve(code);
    }),
  );
  const waitFor = (match: (event: LogEvent) => boolean, timeoutMs = 30_000) => {
    const seen = events.find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<LogEvent>((resolve, reject) => {
      const fail = (why: string) => {
        waiters.delete(waiter);
        clearTimeout(timer);
        reject(new Error(`mt2d: ${why}; stderr: ${stderr}`));
      };
      const timer = setTimeout(() => {
        fail(`no matching log event in ${timeoutMs} ms`);
      }, timeoutMs);
      const waiter = {
        match,
        resolve: (event: LogEvent) => {
          clearTimeout(timer);
          resolve(event);
        },
      };
      waiters.add(waiter);
      void exited.then(() => {
        if (waiters.has(waiter)) fail('the process exited');
      });
    });
  };
  let listening: LogEvent;
  try {
    listening = await waitFor((e) => e.event === 'listening', options.startTimeoutMs ?? 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    host: '127.0.0.1',
    port: Number(listening['port']),
    pid: child.pid ?? 0,
    events,
    waitFor,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Credentials to connect with, and the CA that must have issued the server's certificate. */
export interface TestIdentity {
  readonly credentials: Credentials;
  /** The trust anchor for the server's host certificate. */
  readonly caCertificate: X509Certificate;
}

/** A user identity: credentials made on the client side, certified by `mt2d user add`. */
export interface TestUser extends TestIdentity {
  readonly address: string;
}

/**
 * Makes alice's key and CSR here (src/identity), and has the server certify it with
 * `mt2d user add --dir DIR ADDRESS --csr FILE`.
 */
export async function makeUser(dir: string, address: string): Promise<TestUser> {
  const privateKey = await generateRsaPrivateKey();
  const csrDir = await mkdtemp(join(tmpdir(), 'mt2d-csr-'));
  try {
    const csrPath = join(csrDir, 'user.csr');
    await writeFile(csrPath, createCsr(privateKey, { address }));
    const result = await runMt2d(['user', 'add', '--dir', dir, address, '--csr', csrPath]);
    if (result.code !== 0) throw new Error(`mt2d user add failed: ${result.stderr}`);
    const [certificate, caCertificate] = readCertificates(result.stdout);
    if (certificate === undefined || caCertificate === undefined) {
      throw new Error(`mt2d user add printed no certificate and CA: ${result.stdout}`);
    }
    return {
      address,
      credentials: { certificate, privateKey, chain: [caCertificate] },
      caCertificate,
    };
  } finally {
    await rm(csrDir, { recursive: true, force: true });
  }
}

/**
 * The host identity of an mt2d data directory (`host/host.pem`, `host/host.key`), to
 * open host sessions with; `caCertificate` is what the server connected to must carry.
 */
export async function readHostIdentity(
  dir: string,
  caCertificate: X509Certificate,
): Promise<TestIdentity> {
  const [certificate, ...chain] = readCertificates(await readFile(join(dir, 'host', 'host.pem')));
  if (certificate === undefined) throw new Error(`no host certificate in ${dir}`);
  const privateKey = readPrivateKey(await readFile(join(dir, 'host', 'host.key')));
  return { credentials: { certificate, chain, privateKey }, caCertificate };
}

/** alpha.test with alice and bob certified: the setting of most single-server tests. */
export async function alphaWithAliceAndBob(): Promise<{
  alpha: Mt2dDir;
  alice: TestUser;
  bob: TestUser;
}> {
  const alpha = await initMt2dDir('alpha.test');
  const [alice, bob] = await Promise.all([
    makeUser(alpha.dir, 'alice@alpha.test'),
    makeUser(alpha.dir, 'bob@alpha.test'),
  ]);
  return { alpha, alice, bob };
}

/** Options of {@link connectUser}. */
export interface ConnectUserOptions {
  readonly extensions?: readonly TransferExtension[];
  readonly incoming?: TransferHooks;
  readonly limits?: Partial<Mt2Limits>;
  /** The host name the server's certificate must carry. */
  readonly hostname: string;
}

/** The HELO data of credentials: the certificate then its chain, DER back to back. */
export function heloChain(credentials: Credentials): Uint8Array {
  return Buffer.concat([credentials.certificate.raw, ...credentials.chain.map((c) => c.raw)]);
}

/**
 * Connects over TLS with a user's (or a host's) certificate, validates the server's host
 * certificate against `caCertificate` with the identity layer, and sends HELO.
 */
export async function connectUser(
  server: { host: string; port: number },
  user: TestIdentity,
  options: ConnectUserOptions,
): Promise<Mt2Connection> {
  const validator = new IdentityValidator({
    store: caStoreOf(parseCertificates(user.caCertificate.raw), true),
  });
  const connection = await connectMt2({
    host: server.host,
    port: server.port,
    servername: options.hostname,
    identity: {
      key: user.credentials.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      cert: certificatesToPem([user.credentials.certificate, ...user.credentials.chain]),
    },
    checkServerCertificate: async (der) => {
      const verdict = await checkPeer(validator, {
        chainDer: [der],
        expected: { kind: 'host', hostname: options.hostname },
      });
      if (!verdict.valid) {
        throw new Error(`server certificate refused: ${verdict.validityReasons[0]?.code ?? ''}`);
      }
    },
    extensions: options.extensions ?? [pipeExtension()],
    ...(options.incoming === undefined ? {} : { incoming: options.incoming }),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
  });
  try {
    await connection.session.helo(heloChain(user.credentials));
  } catch (error) {
    connection.destroy();
    throw error;
  }
  return connection;
}
