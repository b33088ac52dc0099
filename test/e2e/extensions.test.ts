// Recipient extensions through the UI, in Chromium: carol@alpha.test and bob@alpha.test,
// each with their own engine and web host, on a real mt2d. A vCard: bob's consent
// center shows the card approving sends; carol's reader shows the card received, and it
// reaches her contacts only when she adds it there (through consent). Chess: a pawn
// reaching the last rank asks which piece it becomes; a draw offer is declined and then
// accepted from the game's board.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Mt2Api } from '../../src/api/index.ts';
import { buildRenderer } from '../../tools/renderer-build.ts';
import { eventually } from '../helpers/engine-harness.ts';
import { initMt2dDir, startMt2dProcess } from '../helpers/mt2d-process.ts';
import { checkPgn } from '../helpers/pgn-extract.ts';
import { SCREENSHOT_DIR } from './helpers/app-under-test.ts';
import { launchChromium } from './helpers/chromium.ts';
import { extensionsPanel, startPlayer, visible, type Player } from './helpers/extension-players.ts';

const CAROL = 'carol@alpha.test';
const BOB = 'bob@alpha.test';

const cleanups: (() => Promise<unknown>)[] = [];
let carol: Player;
let bob: Player;

const api = (who: Player): Mt2Api => who.app.engine.api;
const screenshot = (who: Player, name: string) =>
  who.page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });

/** Sends what `from` queued and lets `to` take it in. */
async function deliver(from: Player, to: Player): Promise<void> {
  await api(from).syncNow({});
  await api(to).syncNow({});
}

async function gameOf(who: Player) {
  const [game] = await api(who).listChessGames({});
  assert.ok(game !== undefined, 'one game');
  return game;
}

/** A move through the API; the other side's "always" default applies it. */
async function apiMove(mover: Player, other: Player, move: string): Promise<void> {
  const played = await api(mover).chessMove({ game: (await gameOf(mover)).id, move });
  await eventually(async () => {
    await deliver(mover, other);
    assert.equal((await gameOf(other)).plies, played.plies, `${move} applied`);
  });
}

async function chessTab(who: Player) {
  const dialog = extensionsPanel(who);
  await dialog.getByRole('tab', { name: 'Chess' }).click();
  return dialog;
}

describe('recipient extensions in the UI, in Chromium', () => {
  before(async () => {
    const rendererRoot = await mkdtemp(join(tmpdir(), 'mt2-e2e-renderer-'));
    cleanups.push(() => rm(rendererRoot, { recursive: true, force: true }));
    const rendererDir = join(rendererRoot, 'renderer');
    await buildRenderer(rendererDir);
    const alpha = await initMt2dDir('alpha.test');
    cleanups.push(() => alpha.remove());
    const server = await startMt2dProcess(alpha.dir);
    cleanups.push(() => server.kill());
    const browser = await launchChromium();
    cleanups.push(() => browser.close());
    carol = await startPlayer(browser, rendererDir, alpha, server, CAROL, cleanups);
    bob = await startPlayer(browser, rendererDir, alpha, server, BOB, cleanups);
  });
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  test('vCard: the card to be sent and the card received, added to contacts through consent', async () => {
    await api(bob).setMyVcard({
      fullName: 'Bob Example',
      emails: [BOB],
      phones: ['+1 555 0100'],
      organization: 'Example Corp',
    });
    await api(carol).requestVcard({ to: BOB });
    await api(carol).syncNow({});

    const request = extensionsPanel(bob).getByRole('article', {
      name: 'Contact card (vCard) request',
    });
    const outgoing = request.getByRole('region', { name: 'Your card, to be sent' });
    await visible(outgoing);
    assert.match(await outgoing.innerText(), /Bob Example[\s\S]*Example Corp[\s\S]*555 0100/);
    const sends = await request.getByRole('list', { name: 'Approving sends' }).innerText();
    assert.match(sends, new RegExp(`To\\s+${CAROL}\\s+Subject\\s+Contact card: Bob Example`));
    assert.match(sends, /approval="person"/);
    await screenshot(bob, 'vcard-to-send');
    await request.getByRole('button', { name: 'Approve' }).click();
    await request.waitFor({ state: 'detached' });
    await api(bob).syncNow({});

    // carol reads the answer in the reader: a preview card, nothing added yet.
    await extensionsPanel(carol).getByRole('button', { name: 'Close' }).click();
    await carol.page.getByRole('button', { name: 'Get mail' }).click();
    await carol.page
      .getByRole('listbox', { name: 'Messages in inbox' })
      .getByRole('option', { name: /Contact card: Bob Example/ })
      .click();
    await carol.page.keyboard.press('Enter');
    const reader = carol.page.getByRole('article', { name: 'Message' });
    const received = reader.getByRole('region', { name: 'Contact card received' });
    await visible(received);
    const text = await received.innerText();
    for (const expected of ['Bob Example', BOB, '555 0100', 'Example Corp']) {
      assert.ok(text.includes(expected), `${expected} in ${text}`);
    }
    assert.deepEqual(await api(carol).listVcardContacts({}), [], 'not added before consent');
    await screenshot(carol, 'vcard-reader');
    await reader.getByRole('button', { name: 'Add to contacts' }).click();
    await received.waitFor({ state: 'detached' });
    const [contact] = await api(carol).listVcardContacts({});
    assert.equal(contact?.fullName, 'Bob Example');
    assert.equal(contact.verified, true);
  });

  test('chess: the promotion picker, then a draw offer declined and accepted on the board', async () => {
    await carol.page.getByRole('button', { name: /^Requests \(/ }).click();
    await api(carol).setConsentDefault({ extension: 'chess', sender: BOB, rule: 'always' });
    await api(bob).setConsentDefault({ extension: 'chess', sender: CAROL, rule: 'always' });
    const started = await api(carol).startChessGame({ opponent: BOB, color: 'w' });
    await eventually(async () => {
      await deliver(carol, bob);
      assert.equal((await gameOf(bob)).status, 'active', "bob's default accepted");
    });
    await eventually(async () => {
      await deliver(bob, carol);
      assert.equal((await gameOf(carol)).status, 'active');
    });
    const line: [Player, Player, string][] = [
      [carol, bob, 'a4'],
      [bob, carol, 'b5'],
      [carol, bob, 'axb5'],
      [bob, carol, 'a6'],
      [carol, bob, 'bxa6'],
      [bob, carol, 'Bb7'],
      [carol, bob, 'axb7'],
      [bob, carol, 'Nc6'],
    ];
    for (const [mover, other, move] of line) await apiMove(mover, other, move);

    // b7 takes a8: the pawn reaches the last rank, and carol picks a knight.
    const dialog = await chessTab(carol);
    const board = dialog.getByRole('grid', { name: 'Chess board' });
    await visible(board.getByRole('gridcell', { name: 'b7 white pawn' }));
    await board.getByRole('gridcell', { name: /^b7\b/ }).click();
    await board.getByRole('gridcell', { name: /^a8\b/ }).click();
    const picker = dialog.getByRole('group', { name: 'Promote the pawn to' });
    await visible(picker);
    assert.deepEqual(
      await picker.getByRole('button').allInnerTexts(),
      ['♕', '♖', '♗', '♘', 'Cancel'],
      'queen, rook, bishop, knight',
    );
    await screenshot(carol, 'chess-promotion');
    await picker.getByRole('button', { name: 'knight' }).click();
    await visible(board.getByRole('gridcell', { name: 'a8 white knight' }));
    assert.match((await gameOf(carol)).pgn, /bxa8=N/);
    await eventually(async () => {
      await deliver(carol, bob);
      assert.equal((await gameOf(bob)).plies, 9);
    });

    // bob offers a draw; carol answers it on her board (her default no longer decides).
    await api(carol).setConsentDefault({ extension: 'chess', sender: BOB, rule: 'ask' });
    await (await chessTab(bob)).getByRole('button', { name: 'Offer a draw' }).click();
    await api(bob).syncNow({});
    const offer = (await chessTab(carol)).getByRole('group', { name: 'Draw offer' });
    await visible(offer);
    await screenshot(carol, 'chess-draw-offer');
    await offer.getByRole('button', { name: 'Decline draw' }).click();
    await offer.waitFor({ state: 'detached' });
    await eventually(async () => {
      await deliver(carol, bob);
      assert.equal((await gameOf(bob)).drawOfferedBy, undefined, 'bob learnt the decline');
    });
    assert.equal((await gameOf(carol)).status, 'active');

    await api(bob).chessOfferDraw({ game: started.id });
    await api(bob).syncNow({});
    await visible(offer);
    await offer.getByRole('button', { name: 'Accept draw' }).click();
    await visible(dialog.getByRole('status').filter({ hasText: /^draw$/ }));
    await eventually(async () => {
      await deliver(carol, bob);
      assert.equal((await gameOf(bob)).status, '1/2-1/2');
    });
    const report = await checkPgn((await gameOf(carol)).pgn);
    assert.ok(report.accepted, report.report);
  });
});
