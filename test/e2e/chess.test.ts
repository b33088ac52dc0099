// Chess by mail through the UI, in Chromium: carol@alpha.test and bob@beta.test, each
// with their own engine and web host, on two real mt2d processes that relay to each
// other. Every received move waits in the consent center and is approved there; the
// boards are played by clicking squares. An illegal move is refused with its reason;
// the game ends in fool's mate, and pgn-extract accepts the final PGN.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataDirLayout, readConfig, writeConfig } from '../../src/server/index.ts';
import { buildRenderer } from '../../tools/renderer-build.ts';
import { initMt2dDir, startMt2dProcess, type Mt2dDir } from '../helpers/mt2d-process.ts';
import { checkPgn } from '../helpers/pgn-extract.ts';
import { freePort } from '../helpers/servers.ts';
import { launchChromium } from './helpers/chromium.ts';
import {
  WAIT_MS,
  extensionsPanel,
  startPlayer,
  visible,
  type Player,
} from './helpers/extension-players.ts';

const CAROL = 'carol@alpha.test';
const BOB = 'bob@beta.test';
const PLAYERS: Readonly<Record<string, string>> = { 'alpha.test': CAROL, 'beta.test': BOB };

const cleanups: (() => Promise<unknown>)[] = [];
let carol: Player;
let bob: Player;

/** Each domain trusts the other's CA, and its player takes mail from the other domain without postage. */
async function domain(name: string, other: Mt2dDir | undefined): Promise<Mt2dDir> {
  const dir = await initMt2dDir(name);
  cleanups.push(() => dir.remove());
  if (other !== undefined) {
    for (const [mine, theirs] of [
      [dir, other],
      [other, dir],
    ] as const) {
      const path = dataDirLayout(mine.dir).config;
      const config = await readConfig(path);
      await writeConfig(path, {
        ...config,
        trust: { ...config.trust, caFiles: [dataDirLayout(theirs.dir).caCertificate] },
        relay: { ...config.relay, initialRetryDelayMs: 300, maxRetryDelayMs: 600 },
        whitelists: { [PLAYERS[mine.domain] ?? '']: [`@${theirs.domain}`] },
      });
    }
  }
  return dir;
}

const panel = extensionsPanel;

/** Opens the consent center and approves the one chess request, once it has arrived. */
async function approveChess(who: Player, from: string): Promise<void> {
  const dialog = panel(who);
  await dialog.getByRole('tab', { name: 'Requests' }).click();
  const card = dialog.getByRole('article', { name: 'Chess request' });
  await visible(card.getByRole('heading', { name: new RegExp(`from ${from}`) }));
  await card.getByRole('button', { name: 'Approve' }).click();
  await card.waitFor({ state: 'detached', timeout: WAIT_MS });
}

async function move(who: Player, from: string, to: string): Promise<void> {
  const dialog = panel(who);
  await dialog.getByRole('tab', { name: 'Chess' }).click();
  const board = dialog.getByRole('grid', { name: 'Chess board' });
  await board.getByRole('gridcell', { name: new RegExp(`^${from}\\b`) }).click();
  await board.getByRole('gridcell', { name: new RegExp(`^${to}\\b`) }).click();
}

async function waitForStatus(who: Player, status: RegExp): Promise<void> {
  const dialog = panel(who);
  await dialog.getByRole('tab', { name: 'Chess' }).click();
  await visible(dialog.getByRole('status').filter({ hasText: status }));
}

describe('chess by mail between two domains, in Chromium', () => {
  before(async () => {
    const rendererRoot = await mkdtemp(join(tmpdir(), 'mt2-e2e-renderer-'));
    cleanups.push(() => rm(rendererRoot, { recursive: true, force: true }));
    const rendererDir = join(rendererRoot, 'renderer');
    await buildRenderer(rendererDir);
    const alpha = await domain('alpha.test', undefined);
    const beta = await domain('beta.test', alpha);
    const [alphaPort, betaPort] = await Promise.all([freePort(), freePort()]);
    const [alphaServer, betaServer] = await Promise.all([
      startMt2dProcess(alpha.dir, { port: alphaPort, routes: [`beta.test=127.0.0.1:${betaPort}`] }),
      startMt2dProcess(beta.dir, { port: betaPort, routes: [`alpha.test=127.0.0.1:${alphaPort}`] }),
    ]);
    cleanups.push(
      () => alphaServer.kill(),
      () => betaServer.kill(),
    );
    const browser = await launchChromium();
    cleanups.push(() => browser.close());
    carol = await startPlayer(browser, rendererDir, alpha, alphaServer, CAROL, cleanups);
    bob = await startPlayer(browser, rendererDir, beta, betaServer, BOB, cleanups);
  });
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  test("a challenge, consent on each side, an illegal move refused, fool's mate", async () => {
    const carolPanel = panel(carol);
    await carolPanel.getByRole('tab', { name: 'Chess' }).click();
    await carolPanel.getByLabel('Opponent').fill(BOB);
    await carolPanel.getByRole('button', { name: 'Challenge' }).click();
    await waitForStatus(carol, /waiting for the opponent/);

    await approveChess(bob, CAROL); // the challenge
    await waitForStatus(bob, /opponent's move/);
    await approveChess(carol, BOB); // bob's acceptance
    await waitForStatus(carol, /your move/);

    // An illegal move: refused with the reason, nothing changes.
    await move(carol, 'e2', 'e5');
    await visible(carolPanel.getByRole('alert').filter({ hasText: /not a legal move/ }));
    await waitForStatus(carol, /your move/);

    const plies: [Player, Player, string, string, string][] = [
      [carol, bob, CAROL, 'f2', 'f3'],
      [bob, carol, BOB, 'e7', 'e5'],
      [carol, bob, CAROL, 'g2', 'g4'],
      [bob, carol, BOB, 'd8', 'h4'],
    ];
    for (const [mover, other, moverAddress, from, to] of plies) {
      await move(mover, from, to);
      await approveChess(other, moverAddress);
    }
    await waitForStatus(carol, /finished 0-1/);
    await waitForStatus(bob, /finished 0-1/);

    const [game] = await carol.app.engine.api.listChessGames({});
    const [bobGame] = await bob.app.engine.api.listChessGames({});
    assert.equal(game?.status, '0-1');
    assert.equal(bobGame?.pgn, game.pgn);
    const report = await checkPgn(game.pgn);
    assert.ok(report.accepted, report.report);
  });
});
