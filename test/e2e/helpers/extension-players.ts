// Players for the recipient-extension e2e tests: each an engine and web host of its own
// (data in a temporary folder), an identity made by a real mt2d (`mt2d user add --p12`)
// and a Chromium page with the Extensions panel open.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { startWebApp, type RunningWebApp } from '../../../main/web-host/web-app.ts';
import { p12For, TEST_KEY_ITERATIONS } from '../../helpers/engine-harness.ts';
import type { Mt2dDir, Mt2dProcess } from '../../helpers/mt2d-process.ts';

export const WAIT_MS = 30_000;

export interface Player {
  readonly app: RunningWebApp;
  readonly page: Page;
}

export const visible = (locator: Locator) =>
  locator.waitFor({ state: 'visible', timeout: WAIT_MS });

/** Starts `address`'s app on `mt2d`, opens it in a new page and the Extensions panel; `cleanups` gets what to undo. */
export async function startPlayer(
  browser: Browser,
  rendererDir: string,
  mt2d: Mt2dDir,
  server: Mt2dProcess,
  address: string,
  cleanups: (() => Promise<unknown>)[],
): Promise<Player> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mt2-e2e-player-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const app = await startWebApp({
    rendererDir,
    engine: {
      dataDir,
      hostAliases: { [mt2d.hostname]: '127.0.0.1' },
      keyFile: { iterations: TEST_KEY_ITERATIONS },
      backoff: { initialDelayMs: 100, maxDelayMs: 1000 },
      pollIntervalMs: 500,
      connectWaitMs: 20_000,
    },
  });
  cleanups.push(() => app.close());
  const p12 = await p12For(mt2d.dir, address, 'p12 password');
  await app.engine.api.importIdentity({
    p12: p12.toString('base64'),
    p12Password: 'p12 password',
    passphrase: 'a passphrase',
    server: { host: mt2d.hostname, port: server.port },
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(app.host.url);
  await visible(page.getByText(address));
  await page.getByRole('button', { name: /^Requests \(/ }).click();
  return { app, page };
}

/** The Extensions panel (consent center, chess, settings) of `who`. */
export const extensionsPanel = (who: { readonly page: Page }) =>
  who.page.getByRole('dialog', { name: 'Extensions' });
