import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startWebApp, type RunningWebApp } from '../../../main/web-host/web-app.ts';
import { buildRenderer } from '../../../tools/renderer-build.ts';
import { mt2dProcessHost, TEST_KEY_ITERATIONS } from '../../helpers/engine-harness.ts';
import { launchChromium } from './chromium.ts';

export const SCREENSHOT_DIR = new URL('../screenshots/', import.meta.url).pathname;

/**
 * The whole app as a user meets it: the real engine with its embedded server run as
 * real `mt2d` processes, the web host, a fresh renderer build, and Chromium.
 */
export interface AppUnderTest {
  /** The running engine and web host (a new one after restart()). */
  readonly app: RunningWebApp;
  readonly browser: Browser;
  readonly page: Page;
  /** The engine's data folder (its embedded mt2d is in `mt2d/` there). */
  readonly dataDir: string;
  /** Saves a screenshot as test/e2e/screenshots/<name>.png. */
  screenshot(name: string): Promise<void>;
  /** Stops the engine and the web host and starts them again on the same data, as a new launch; the page opens the new URL. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startAppUnderTest(): Promise<AppUnderTest> {
  const dir = await mkdtemp(join(tmpdir(), 'mt2-e2e-'));
  const rendererDir = join(dir, 'renderer');
  const host = mt2dProcessHost();
  const cleanups: (() => Promise<unknown>)[] = [() => rm(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    await buildRenderer(rendererDir);
    cleanups.push(async () => {
      for (const process of host.processes) await process.kill().catch(() => undefined);
    });
    const options = {
      rendererDir,
      engine: {
        dataDir: join(dir, 'data'),
        embeddedServer: host,
        keyFile: { iterations: TEST_KEY_ITERATIONS },
        backoff: { initialDelayMs: 100, maxDelayMs: 1000 },
        pollIntervalMs: 1000,
        connectWaitMs: 20_000,
      },
    };
    let app = await startWebApp(options);
    cleanups.push(() => app.close());
    const browser = await launchChromium();
    cleanups.push(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    await page.goto(app.host.url);
    return {
      get app() {
        return app;
      },
      browser,
      page,
      dataDir: options.engine.dataDir,
      screenshot: async (name) => {
        await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
      },
      restart: async () => {
        await app.close();
        app = await startWebApp(options);
        await page.goto(app.host.url);
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
