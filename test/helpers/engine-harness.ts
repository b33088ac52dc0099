// The engine against real mt2d processes: an EmbeddedServerHost whose init, certify,
// renew and start run the `mt2d` command (init, user add|renew --csr, serve), data folders in
// temporary directories, and waiting for engine events.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiEvent } from '../../src/api/index.ts';
import {
  createEngine,
  type EmbeddedServerHost,
  type Engine,
  type EngineOptions,
} from '../../src/client/index.ts';
import { readCertificates } from '../../src/identity/index.ts';
import { option } from '../../src/protocol/index.ts';
import {
  connectUser,
  initMt2dDir,
  makeUser,
  runMt2d,
  runMt2dInit,
  startMt2dProcess,
  type Mt2dDir,
  type Mt2dProcess,
  type TestUser,
} from './mt2d-process.ts';
import { buildSignedMessage, type MessageDraft } from './signed-message.ts';

/** PBKDF2 rounds in tests: the real 600,000 take a second per key. */
export const TEST_KEY_ITERATIONS = 1000;

/** Between rounds a test engine waits this long, so tests sync when they say so. */
export const TEST_POLL_INTERVAL_MS = 60_000;

/** `mt2d user add|renew --csr`: the certificate and chain it prints. */
async function certifyWithMt2d(
  action: 'add' | 'renew',
  dir: string,
  address: string,
  csrPem: string,
): Promise<{ certificatePem: string; chainPem: string }> {
  const csrPath = join(dir, 'engine-user.csr');
  await writeFile(csrPath, csrPem);
  const result = await runMt2d(['user', action, '--dir', dir, address, '--csr', csrPath]);
  await rm(csrPath, { force: true });
  if (result.code !== 0) throw new Error(`mt2d user ${action} failed: ${result.stderr}`);
  const [certificate, ca] = readCertificates(result.stdout);
  if (certificate === undefined || ca === undefined)
    throw new Error(`mt2d user ${action} printed no certificates`);
  return { certificatePem: certificate.toString(), chainPem: ca.toString() };
}

/** An EmbeddedServerHost that runs real `mt2d` processes; `processes` lists what it started. */
export function mt2dProcessHost(): EmbeddedServerHost & { readonly processes: Mt2dProcess[] } {
  const processes: Mt2dProcess[] = [];
  return {
    processes,
    async init({ dir, domain, hostname }) {
      await runMt2dInit(dir, domain, hostname);
    },
    certify: ({ dir, address, csrPem }) => certifyWithMt2d('add', dir, address, csrPem),
    renew: ({ dir, address, csrPem }) => certifyWithMt2d('renew', dir, address, csrPem),
    async start({ dir }) {
      // `mt2d serve` in tests always takes a fresh port (the helper listens on :0).
      const process = await startMt2dProcess(dir);
      processes.push(process);
      return {
        address: { host: process.host, port: process.port },
        close: async () => {
          await process.stop();
        },
      };
    },
  };
}

/** A temporary data folder. */
export async function tempDir(
  prefix = 'mt2-engine-',
): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** An engine with test-friendly defaults (fast key files, quick retries). */
export function testEngine(options: EngineOptions): Promise<Engine> {
  return createEngine({
    keyFile: { iterations: TEST_KEY_ITERATIONS },
    backoff: { initialDelayMs: 100, maxDelayMs: 1000 },
    pollIntervalMs: TEST_POLL_INTERVAL_MS,
    connectWaitMs: 20_000,
    ...options,
  });
}

/** Resolves with the first event that matches (listening from now on). */
export function nextEvent<T extends ApiEvent>(
  engine: Engine,
  match: (event: ApiEvent) => event is T,
  timeoutMs = 30_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching engine event in ${timeoutMs} ms`));
    }, timeoutMs);
    const off = engine.onEvent((event) => {
      if (match(event)) {
        clearTimeout(timer);
        off();
        resolve(event);
      }
    });
  });
}

/** Waits until `check` passes (polling), or fails with its last error. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** The PKCS#12 identity `mt2d user add --p12` makes for `address`. */
export async function p12For(dir: string, address: string, password: string): Promise<Buffer> {
  const scratch = await tempDir('mt2-p12-');
  try {
    const passwordFile = join(scratch.dir, 'password');
    const out = join(scratch.dir, 'user.p12');
    await writeFile(passwordFile, password);
    const result = await runMt2d([
      'user',
      'add',
      '--dir',
      dir,
      address,
      '--p12',
      out,
      '--password-file',
      passwordFile,
    ]);
    if (result.code !== 0) throw new Error(`mt2d user add --p12 failed: ${result.stderr}`);
    return await readFile(out);
  } finally {
    await scratch.remove();
  }
}

/** A real mt2d process for alpha.test, bob's engine on it (imported PKCS#12), alice to send. */
export interface RemoteSetup {
  readonly mt2d: Mt2dDir;
  server: Mt2dProcess;
  readonly data: { dir: string; remove(): Promise<void> };
  readonly engine: Engine;
  readonly accountId: string;
  readonly alice: TestUser;
  /** Bob's identity file and its password (import it again for a second engine). */
  readonly bobP12: Buffer;
  readonly bobP12Password: string;
  readonly engineOptions: EngineOptions;
  /** Starts the engine again on the same data folder (after engine.close()). */
  reopen(): Promise<Engine>;
  cleanup(): Promise<void>;
}

const P12_PASSWORD = 'p12 password';
export const PASSPHRASE = 'bob passphrase';

/**
 * `mt2d init` + `mt2d serve` for alpha.test, bob's identity as PKCS#12 (`mt2d user add
 * --p12`) imported into a new engine, and alice certified for sending.
 * `configure` may edit mt2d.json before the server starts (postage, say).
 */
export async function remoteSetup(
  configure?: (config: Record<string, unknown>) => Record<string, unknown>,
): Promise<RemoteSetup> {
  const mt2d = await initMt2dDir('alpha.test');
  if (configure !== undefined) {
    const path = join(mt2d.dir, 'mt2d.json');
    const config = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    await writeFile(path, JSON.stringify(configure(config), null, 2));
  }
  const server = await startMt2dProcess(mt2d.dir);
  const data = await tempDir();
  const [p12, alice] = await Promise.all([
    p12For(mt2d.dir, 'bob@alpha.test', P12_PASSWORD),
    makeUser(mt2d.dir, 'alice@alpha.test'),
  ]);
  const engineOptions: EngineOptions = {
    dataDir: data.dir,
    hostAliases: { [mt2d.hostname]: '127.0.0.1' },
  };
  const engine = await testEngine(engineOptions);
  const account = await engine.importIdentity({
    p12: p12.toString('base64'),
    p12Password: P12_PASSWORD,
    passphrase: PASSPHRASE,
    server: { host: mt2d.hostname, port: server.port },
  });
  const setup: RemoteSetup = {
    mt2d,
    server,
    data,
    engine,
    accountId: account.id,
    alice,
    bobP12: p12,
    bobP12Password: P12_PASSWORD,
    engineOptions,
    reopen: () => testEngine(engineOptions),
    async cleanup() {
      await setup.engine.close().catch(() => undefined);
      await setup.server.kill().catch(() => undefined);
      await data.remove();
      await mt2d.remove();
    },
  };
  return setup;
}

/** Alice sends `count` signed messages to bob, pipelined over one session; returns their ids. */
export async function aliceSends(
  setup: Pick<RemoteSetup, 'server' | 'alice' | 'mt2d'>,
  count: number,
  draft: Partial<MessageDraft> = {},
): Promise<string[]> {
  const connection = await connectUser(setup.server, setup.alice, {
    hostname: setup.mt2d.hostname,
  });
  try {
    await connection.session.opt([option('PIPE', 'ON')]);
    const messages = await Promise.all(
      Array.from({ length: count }, (_, index) =>
        buildSignedMessage(
          {
            from: setup.alice.address,
            to: ['bob@alpha.test'],
            subject: `Message ${index + 1}`,
            text: `Body ${index + 1}`,
            ...draft,
          },
          setup.alice.credentials,
        ),
      ),
    );
    await Promise.all(
      messages.map((message) => connection.session.transferMessage(message.msgId, message.parts)),
    );
    await connection.session.quit();
    return messages.map((message) => message.msgId);
  } finally {
    connection.destroy();
  }
}

/** Messages `engine` has sent or queued to send (the sent and outbox folders). */
export async function sentCount(engine: Engine): Promise<number> {
  const folders = await engine.listFolders({});
  return folders
    .filter((folder) => folder.id === 'sent' || folder.id === 'outbox')
    .reduce((sum, folder) => sum + folder.total, 0);
}
