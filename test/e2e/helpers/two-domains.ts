// Two MT2 domains, alpha.test and beta.test, each a real `mt2d` process, relaying to
// each other, and apps (engine + web host + a Chromium page) whose identity is imported
// from one of them: the setting of every end-to-end test between two domains.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startWebApp, type RunningWebApp } from '../../../main/web-host/web-app.ts';
import { dataDirLayout, readConfig, writeConfig } from '../../../src/server/index.ts';
import { buildRenderer } from '../../../tools/renderer-build.ts';
import { p12For, TEST_KEY_ITERATIONS } from '../../helpers/engine-harness.ts';
import {
  initMt2dDir,
  startMt2dProcess,
  type Mt2dDir,
  type Mt2dProcess,
} from '../../helpers/mt2d-process.ts';
import { freePort } from '../../helpers/servers.ts';
import { launchChromium } from './chromium.ts';

/** The passphrase every app of these tests is created with. */
export const APP_PASSPHRASE = 'a passphrase';
const P12_PASSWORD = 'p12 password';

/** One domain's mt2d: its data folder and the process now serving it (a new one after start()). */
export interface Domain {
  readonly mt2d: Mt2dDir;
  readonly port: number;
  readonly server: Mt2dProcess;
  /** SIGTERM: the domain's server is unreachable until start(). */
  stop(): Promise<void>;
  /** Serves the same folder on the same port again. */
  start(): Promise<void>;
}

/** An app as one user has it: engine and web host on a data folder, a page showing it. */
export interface UserApp {
  readonly address: string;
  readonly app: RunningWebApp;
  readonly page: Page;
  /** The engine's account id of `address`. */
  readonly accountId: string;
  /** Closes the engine and web host and starts them again on the same data folder; the page opens the new URL (locked). */
  restart(): Promise<void>;
}

export interface TwoDomains {
  readonly alpha: Domain;
  readonly beta: Domain;
  readonly browser: Browser;
  /** An app for `address` (on alpha.test or beta.test), its identity imported from that domain, its page open. */
  openApp(address: string): Promise<UserApp>;
  close(): Promise<void>;
}

/** Each domain validates the other's hosts and users, relays quickly, and asks no postage of the other. */
async function linkDomains(mine: Mt2dDir, theirs: Mt2dDir): Promise<void> {
  const path = dataDirLayout(mine.dir).config;
  const config = await readConfig(path);
  await writeConfig(path, {
    ...config,
    trust: { ...config.trust, caFiles: [dataDirLayout(theirs.dir).caCertificate] },
    relay: { ...config.relay, initialRetryDelayMs: 300, maxRetryDelayMs: 600 },
    postage: {
      ...config.postage,
      exemptSenders: [...config.postage.exemptSenders, `@${theirs.domain}`],
    },
  });
}

/**
 * `mt2d init` for alpha.test and beta.test, linked both ways, served on loopback with
 * routes to each other; a renderer build and Chromium for the apps.
 */
export async function startTwoDomains(): Promise<TwoDomains> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const scratch = await mkdtemp(join(tmpdir(), 'mt2-e2e-domains-'));
    cleanups.push(() => rm(scratch, { recursive: true, force: true }));
    const rendererDir = join(scratch, 'renderer');
    await buildRenderer(rendererDir);
    const [alphaDir, betaDir] = await Promise.all([
      initMt2dDir('alpha.test'),
      initMt2dDir('beta.test'),
    ]);
    cleanups.push(
      () => alphaDir.remove(),
      () => betaDir.remove(),
    );
    await linkDomains(alphaDir, betaDir);
    await linkDomains(betaDir, alphaDir);
    const [alphaPort, betaPort] = await Promise.all([freePort(), freePort()]);
    const serve = async (dir: Mt2dDir, port: number, route: string): Promise<Domain> => {
      let server = await startMt2dProcess(dir.dir, { port, routes: [route] });
      cleanups.push(() => server.kill());
      return {
        mt2d: dir,
        port,
        get server() {
          return server;
        },
        stop: async () => {
          await server.stop();
        },
        start: async () => {
          server = await startMt2dProcess(dir.dir, { port, routes: [route] });
        },
      };
    };
    const [alpha, beta] = await Promise.all([
      serve(alphaDir, alphaPort, `beta.test=127.0.0.1:${betaPort}`),
      serve(betaDir, betaPort, `alpha.test=127.0.0.1:${alphaPort}`),
    ]);
    const browser = await launchChromium();
    cleanups.push(() => browser.close());

    const openApp = async (address: string): Promise<UserApp> => {
      const domain = address.endsWith('@alpha.test') ? alpha : beta;
      const dataDir = await mkdtemp(join(tmpdir(), 'mt2-e2e-app-'));
      cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
      const options = {
        rendererDir,
        engine: {
          dataDir,
          hostAliases: { [domain.mt2d.hostname]: '127.0.0.1' },
          keyFile: { iterations: TEST_KEY_ITERATIONS },
          backoff: { initialDelayMs: 100, maxDelayMs: 1000 },
          pollIntervalMs: 500,
          connectWaitMs: 20_000,
        },
      };
      let app = await startWebApp(options);
      cleanups.push(() => app.close());
      const p12 = await p12For(domain.mt2d.dir, address, P12_PASSWORD);
      const account = await app.engine.api.importIdentity({
        p12: p12.toString('base64'),
        p12Password: P12_PASSWORD,
        passphrase: APP_PASSPHRASE,
        server: { host: domain.mt2d.hostname, port: domain.port },
      });
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(app.host.url);
      return {
        address,
        accountId: account.id,
        get app() {
          return app;
        },
        page,
        restart: async () => {
          await app.close();
          app = await startWebApp(options);
          await page.goto(app.host.url);
        },
      };
    };
    return { alpha, beta, browser, openApp, close };
  } catch (error) {
    await close();
    throw error;
  }
}
