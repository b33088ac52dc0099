// The engine against real mt2d processes: an EmbeddedServerHost whose init, certify
// and start run the `mt2d` command (init, user add --csr, serve), data folders in
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
import { runMt2d, startMt2dProcess, type Mt2dProcess } from './mt2d-process.ts';

/** The store's worker, loadable from sources (see tsx-store-worker.mjs). */
export const TSX_STORE_WORKER = new URL('./tsx-store-worker.mjs', import.meta.url);

/** PBKDF2 rounds in tests: the real 600,000 take a second per key. */
export const TEST_KEY_ITERATIONS = 1000;

/** An EmbeddedServerHost that runs real `mt2d` processes; `processes` lists what it started. */
export function mt2dProcessHost(): EmbeddedServerHost & { readonly processes: Mt2dProcess[] } {
  const processes: Mt2dProcess[] = [];
  return {
    processes,
    async init({ dir, domain, hostname }) {
      const result = await runMt2d([
        'init',
        '--dir',
        dir,
        '--domain',
        domain,
        '--hostname',
        hostname,
      ]);
      if (result.code !== 0) throw new Error(`mt2d init failed: ${result.stderr}`);
    },
    async certify({ dir, address, csrPem }) {
      const csrPath = join(dir, 'engine-user.csr');
      await writeFile(csrPath, csrPem);
      const result = await runMt2d(['user', 'add', '--dir', dir, address, '--csr', csrPath]);
      await rm(csrPath, { force: true });
      if (result.code !== 0) throw new Error(`mt2d user add failed: ${result.stderr}`);
      const [certificate, ca] = readCertificates(result.stdout);
      if (certificate === undefined || ca === undefined)
        throw new Error('mt2d user add printed no certificates');
      return {
        certificatePem: certificate.toString(),
        chainPem: ca.toString(),
      };
    },
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
    pollIntervalMs: 60_000,
    storeWorkerUrl: TSX_STORE_WORKER,
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
