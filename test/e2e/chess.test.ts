// Chess by mail through the UI, in Chromium: carol@alpha.test and bob@beta.test, each
// with their own engine and web host, on two real mt2d processes that relay to each
// other. Every received move waits in the consent center and is approved there; the
// boards are played by clicking squares. An illegal move is refused with its reason;
// the game ends in fool's mate, and pgn-extract accepts the final PGN.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPgn } from '../helpers/pgn-extract.ts';
import { WAIT_MS, extensionsPanel, visible } from './helpers/extension-players.ts';
import { startTwoDomains, type TwoDomains, type UserApp } from './helpers/two-domains.ts';

const CAROL = 'carol@alpha.test';
const BOB = 'bob@beta.test';

let domains: TwoDomains;
let carol: UserApp;
let bob: UserApp;

async function player(address: string): Promise<UserApp> {
  const who = await domains.openApp(address);
  await visible(who.page.getByText(address));
  await who.page.getByRole('button', { name: /^Requests \(/ }).click();
  return who;
}

const panel = extensionsPanel;

/** Opens the consent center and approves the one chess request, once it has arrived. */
async function approveChess(who: UserApp, from: string): Promise<void> {
  const dialog = panel(who);
  await dialog.getByRole('tab', { name: 'Requests' }).click();
  const card = dialog.getByRole('article', { name: 'Chess request' });
  await visible(card.getByRole('heading', { name: new RegExp(`from ${from}`) }));
  await card.getByRole('button', { name: 'Approve' }).click();
  await card.waitFor({ state: 'detached', timeout: WAIT_MS });
}

async function move(who: UserApp, from: string, to: string): Promise<void> {
  const dialog = panel(who);
  await dialog.getByRole('tab', { name: 'Chess' }).click();
  const board = dialog.getByRole('grid', { name: 'Chess board' });
  await board.getByRole('gridcell', { name: new RegExp(`^${from}\\b`) }).click();
  await board.getByRole('gridcell', { name: new RegExp(`^${to}\\b`) }).click();
}

async function waitForStatus(who: UserApp, status: RegExp): Promise<void> {
  const dialog = panel(who);
  await dialog.getByRole('tab', { name: 'Chess' }).click();
  await visible(dialog.getByRole('status').filter({ hasText: status }));
}

describe('chess by mail between two domains, in Chromium', () => {
  before(async () => {
    domains = await startTwoDomains();
    carol = await player(CAROL);
    bob = await player(BOB);
  });
  after(async () => {
    await domains.close();
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

    const plies: [UserApp, UserApp, string, string, string][] = [
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
