// Mail between two domains in Chromium, as people use it: alice@alpha.test and
// bob@beta.test, each with their own engine and web host, on two real mt2d processes
// that relay to each other. A message across the domains arrives verified and is
// answered; a message altered after signing is shown as not verified, with the
// engine's reason; mail written while the server is down waits in the outbox through a
// restart of the app and is sent exactly once when the server is back.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { MESSAGE_CHECK_TEXT } from '../../src/client/security/vocabulary.ts';
import { option } from '../../src/protocol/index.ts';
import { eventually, p12For } from '../helpers/engine-harness.ts';
import { connectUser, makeUser } from '../helpers/mt2d-process.ts';
import { buildSignedMessage } from '../helpers/signed-message.ts';
import { SCREENSHOT_DIR } from './helpers/app-under-test.ts';
import {
  APP_PASSPHRASE,
  startTwoDomains,
  type TwoDomains,
  type UserApp,
} from './helpers/two-domains.ts';

const WAIT_MS = 30_000;
const ALICE = 'alice@alpha.test';
const BOB = 'bob@beta.test';

let domains: TwoDomains;
let alice: UserApp;
let bob: UserApp;

const visible = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: WAIT_MS });
const hidden = (locator: Locator) => locator.waitFor({ state: 'hidden', timeout: WAIT_MS });
const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
const inbox = (page: Page) => page.getByRole('listbox', { name: 'Messages in inbox' });
const folder = (page: Page, name: string | RegExp) =>
  page.getByRole('navigation', { name: 'Folders' }).getByRole('button', { name });

async function compose(page: Page, to: string, subject: string, text: string): Promise<void> {
  await page.keyboard.press('c');
  const composer = page.getByRole('dialog', { name: 'Compose message' });
  await visible(composer);
  await composer.getByLabel('To').fill(to);
  await composer.getByLabel('Subject').fill(subject);
  await composer.getByLabel('Message').fill(text);
  await composer.getByRole('button', { name: 'Send' }).click();
  await hidden(composer);
}

/** In the certificate manager's trust settings, trusts `host` as a gateway. */
async function trustGateway(page: Page, host: string): Promise<void> {
  await page.getByRole('button', { name: 'Certificates' }).click();
  const manager = page.getByRole('dialog', { name: 'Certificates' });
  await manager.getByRole('tab', { name: 'Trust settings' }).click();
  await manager.getByLabel('Gateway hosts I trust to relay for others (one a line)').fill(host);
  await manager.getByRole('button', { name: 'Save trust settings' }).click();
  await visible(manager.getByText(/^Trust settings saved/));
  await manager.getByRole('button', { name: 'Close' }).click();
  await hidden(manager);
}

/** Opens the inbox row whose subject is `subject` in the reader; returns the reader. */
async function open(page: Page, subject: string): Promise<Locator> {
  await inbox(page)
    .getByRole('option', {
      name: new RegExp(`: ${subject.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
    })
    .click();
  await page.keyboard.press('Enter');
  const reader = page.getByRole('article', { name: 'Message' });
  await visible(reader.getByRole('heading', { name: subject, exact: true }));
  return reader;
}

/** The computed colour of each kind of badge in the message list, by class. */
async function badgeColours(page: Page): Promise<Record<string, string>> {
  return page.evaluate<Record<string, string>>(
    `Object.fromEntries([...document.querySelectorAll('.message-row .badge')].map((badge) => [badge.className, getComputedStyle(badge).color]))`,
  );
}

/** Every subject in an account's folder, straight from the engine. */
async function subjects(who: UserApp, folderId: 'inbox' | 'sent' | 'outbox') {
  const page = await who.app.engine.api.listMessages({ folder: folderId, limit: 100 });
  return page.items.map((item) => item.subject);
}

describe('mail between two domains, in Chromium', () => {
  before(async () => {
    domains = await startTwoDomains();
    alice = await domains.openApp(ALICE);
    bob = await domains.openApp(BOB);
    await visible(alice.page.getByText(ALICE));
    await visible(bob.page.getByText(BOB));
    // Each trusts its own server to have checked the senders it relays for (the account
    // knows only its own domain's CA).
    await trustGateway(alice.page, domains.alpha.mt2d.hostname);
    await trustGateway(bob.page, domains.beta.mt2d.hostname);
  });
  after(async () => {
    await domains.close();
  });

  test('alice writes to bob on the other domain; it arrives verified, bob replies, alice has the reply', async () => {
    await compose(alice.page, BOB, 'Across the domains', 'Hello from alpha.');

    const row = inbox(bob.page).getByRole('option', { name: /Across the domains/ });
    await visible(row);
    await visible(row.getByText('Verified'));
    const reader = await open(bob.page, 'Across the domains');
    const security = reader.getByRole('region', { name: 'Security' });
    assert.match(await security.innerText(), /^Verified\. Signed by alice@alpha\.test/);
    await visible(
      reader.getByRole('region', { name: 'Message body' }).getByText('Hello from alpha.'),
    );
    // The list's snippet, empty while only the headers were there, now has the text.
    await visible(row.locator('.snippet').getByText('Hello from alpha.'));
    await screenshot(bob.page, 'across-domains-received');
    // The best-effort revocation note is a certificate's, shown once in its details (here
    // bob's own, which his account's CA validates).
    assert.doesNotMatch(await security.innerText(), /revocation/);
    await bob.page.getByRole('button', { name: 'Certificates' }).click();
    const manager = bob.page.getByRole('dialog', { name: 'Certificates' });
    await manager.getByRole('button', { name: `Details of ${BOB}` }).click();
    const details = manager.getByRole('region', { name: `Certificate of ${BOB}` });
    await visible(details.getByText(/^Note: the revocation status/));
    await screenshot(bob.page, 'certificate-note');
    await manager.getByRole('button', { name: 'Close' }).click();
    await hidden(manager);

    await bob.page.keyboard.press('r');
    const composer = bob.page.getByRole('dialog', { name: 'Compose message' });
    await visible(composer);
    assert.equal(await composer.getByLabel('To', { exact: true }).inputValue(), ALICE);
    assert.equal(
      await composer.getByLabel('Subject', { exact: true }).inputValue(),
      'Re: Across the domains',
    );
    await composer.getByLabel('Message').press('Control+Home');
    await composer.getByLabel('Message').pressSequentially('Hello from beta.\n');
    await composer.getByRole('button', { name: 'Send' }).click();
    await hidden(composer);
    await visible(row.getByRole('img', { name: 'Answered' }));

    const reply = inbox(alice.page).getByRole('option', { name: /Re: Across the domains/ });
    await visible(reply);
    await visible(reply.getByText('Verified'));
    const aliceReader = await open(alice.page, 'Re: Across the domains');
    await visible(
      aliceReader.getByRole('region', { name: 'Message body' }).getByText('Hello from beta.'),
    );
    await screenshot(alice.page, 'across-domains-reply');
    assert.deepEqual(await subjects(alice, 'inbox'), ['Re: Across the domains']);
  });

  test('a message altered after signing is listed as failed, and the reader says why in the engine’s words', async () => {
    const carol = await makeUser(domains.beta.mt2d.dir, 'carol@beta.test');
    const message = await buildSignedMessage(
      { from: carol.address, to: [BOB], subject: 'Pay 10 euros', text: 'Invoice.' },
      carol.credentials,
    );
    const headers = Buffer.from(message.parts.headers);
    headers.write('Pay 99 euros', headers.indexOf('Pay 10 euros'));
    const connection = await connectUser(domains.beta.server, carol, {
      hostname: domains.beta.mt2d.hostname,
    });
    try {
      await connection.session.opt([option('PIPE', 'ON')]);
      await connection.session.transferMessage(message.msgId, { ...message.parts, headers });
    } finally {
      connection.destroy();
    }

    const row = inbox(bob.page).getByRole('option', { name: /Pay 99 euros/ });
    await visible(row.getByText('Verification failed'));
    const reader = await open(bob.page, 'Pay 99 euros');
    const security = reader.getByRole('region', { name: 'Security' });
    const view = await bob.app.engine.api.getMessage({ ref: `${bob.accountId}/${message.msgId}` });
    assert.equal(view.security.badge, 'failed');
    const reason = MESSAGE_CHECK_TEXT.HEADERS_DIGEST_MISMATCH;
    assert.equal(view.security.summary, reason);
    const shown = await security.innerText();
    assert.match(shown, /^Verification failed\./);
    assert.ok(shown.includes(view.security.summary), `the reader shows: ${shown}`);
    assert.equal(shown.split(reason).length, 2, `the reason once, not repeated: ${shown}`);
    await screenshot(bob.page, 'tampered');

    // The badges have their own colours, and each theme its own.
    const before = await badgeColours(bob.page);
    await bob.page.getByRole('button', { name: /^Switch to (dark|light) theme$/ }).click();
    const after = await badgeColours(bob.page);
    await screenshot(bob.page, 'tampered-other-theme');
    await bob.page.getByRole('button', { name: /^Switch to (dark|light) theme$/ }).click();
    for (const colours of [before, after]) {
      assert.deepEqual(Object.keys(colours).sort(), ['badge badge-failed', 'badge badge-verified']);
      assert.notEqual(colours['badge badge-failed'], colours['badge badge-verified']);
    }
    for (const name of Object.keys(before)) assert.notEqual(before[name], after[name], name);
  });

  test('mail written while the server is down waits in the outbox through a restart, then is sent once', async () => {
    await domains.alpha.stop();
    await visible(
      alice.page
        .getByRole('list', { name: 'Accounts' })
        .getByText(/^(offline|connecting…|waiting to retry)$/),
    );
    await compose(alice.page, BOB, 'Written offline', 'Sent when the server is back.');
    await folder(alice.page, /^Outbox,/).click();
    const outbox = alice.page.getByRole('listbox', { name: 'Messages in outbox' });
    const waiting = outbox.getByRole('option', { name: /Written offline/ });
    await visible(waiting);
    await visible(waiting.getByText(/^queued/));
    await visible(folder(alice.page, 'Outbox, 0 unread of 1'));
    await screenshot(alice.page, 'outbox-offline');

    await alice.restart();
    await domains.alpha.start();
    await visible(alice.page.getByRole('heading', { name: 'Unlock MT2' }));
    await alice.page.getByLabel('Passphrase').fill(APP_PASSPHRASE);
    await alice.page.getByRole('button', { name: 'Unlock' }).click();
    await visible(folder(alice.page, 'Outbox, 0 unread of 0'));
    await folder(alice.page, /^Sent,/).click();
    await visible(
      alice.page
        .getByRole('listbox', { name: 'Messages in sent' })
        .getByRole('option', { name: /Written offline/ }),
    );

    await visible(inbox(bob.page).getByRole('option', { name: /Written offline/ }));
    await screenshot(bob.page, 'outbox-delivered');
    // Once more round each way: nothing is sent or delivered a second time.
    await alice.app.engine.api.syncNow({});
    await bob.app.engine.api.syncNow({});
    const once = (list: readonly string[]) =>
      list.filter((subject) => subject === 'Written offline');
    assert.deepEqual(once(await subjects(alice, 'sent')), ['Written offline']);
    assert.deepEqual(await subjects(alice, 'outbox'), []);
    assert.deepEqual(once(await subjects(bob, 'inbox')), ['Written offline']);
  });

  test('with a second account, one inbox holds the mail of both and each row names its account', async () => {
    const dave = 'dave@beta.test';
    const p12 = await p12For(domains.beta.mt2d.dir, dave, 'dave p12');
    await bob.app.engine.api.importIdentity({
      p12: p12.toString('base64'),
      p12Password: 'dave p12',
      passphrase: APP_PASSPHRASE,
      server: { host: domains.beta.mt2d.hostname, port: domains.beta.port },
    });
    await compose(alice.page, dave, 'For the second account', 'Hello dave.');

    const list = inbox(bob.page);
    await visible(
      list.getByRole('option', {
        name: `Unread, alice@alpha.test (${dave}): For the second account`,
      }),
    );
    await visible(
      list.getByRole('option', { name: `alice@alpha.test (${BOB}): Across the domains` }),
    );
    await visible(folder(bob.page, /^Inbox, \d+ unread of 4$/));
    const accounts = bob.page.getByRole('list', { name: 'Accounts' }).getByRole('listitem');
    await eventually(async () => {
      assert.deepEqual(await accounts.allInnerTexts(), [`${BOB}\nonline`, `${dave}\nonline`]);
    });
    await screenshot(bob.page, 'two-accounts');

    // A reply goes out from the account the message came to, which the composer shows.
    await open(bob.page, 'For the second account');
    await bob.page.keyboard.press('r');
    const composer = bob.page.getByRole('dialog', { name: 'Compose message' });
    await visible(composer);
    assert.equal(
      await composer
        .getByRole('combobox', { name: /^From/ })
        .locator('option:checked')
        .textContent(),
      dave,
    );
    assert.equal(await composer.getByLabel('To', { exact: true }).inputValue(), ALICE);
    await composer.getByRole('button', { name: 'Send' }).click();
    await hidden(composer);
    await folder(alice.page, /^Inbox,/).click();
    await visible(
      inbox(alice.page).getByRole('option', {
        name: `Unread, ${dave}: Re: For the second account`,
      }),
    );
  });
});
