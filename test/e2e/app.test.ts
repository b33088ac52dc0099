// The app end to end, as a person uses it, in Chromium against the web host with the
// real engine and real mt2d processes. The steps build on each other (one data folder):
// first run, sending to oneself, receiving and replying, the keyboard, the composer's
// question before discarding, HTML mail, a later launch that needs the passphrase, the
// message actions (flag, unread, delete, restore), and a refused message in the outbox.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { eventually } from '../helpers/engine-harness.ts';
import { SCREENSHOT_DIR, startAppUnderTest, type AppUnderTest } from './helpers/app-under-test.ts';

/** The README's picture; refreshed only when asked (`MT2_UPDATE_SCREENSHOT=1 npm test`). */
const README_SCREENSHOT = new URL('../../docs/screenshot.png', import.meta.url).pathname;
const UPDATE_README_SCREENSHOT = process.env['MT2_UPDATE_SCREENSHOT'] === '1';
const WAIT_MS = 30_000;

let ui: AppUnderTest;
let address = '';

before(async () => {
  ui = await startAppUnderTest();
});
after(async () => {
  await ui.close();
});

const visible = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: WAIT_MS });
const hidden = (locator: Locator) => locator.waitFor({ state: 'hidden', timeout: WAIT_MS });
const nameOf = async (locator: Locator) => (await locator.getAttribute('aria-label')) ?? '';
const focusedLabel = () =>
  ui.page.evaluate('document.activeElement?.getAttribute("aria-label") ?? ""');

describe('MT2 in Chromium', () => {
  test('first run: onboarding creates the local identity and opens the mailbox', async () => {
    const { page } = ui;
    await visible(page.getByRole('heading', { name: 'Welcome to MT2' }));
    await page.getByLabel('Your name').fill('Alice Example');
    await page.getByLabel('Address (the part before @)').fill('alice');
    await page.getByLabel('Passphrase (protects your key on this computer)').fill('correct horse');
    await page.getByLabel('Repeat the passphrase').fill('correct horse');
    await page.getByRole('button', { name: 'Create identity' }).click();

    await visible(
      page
        .getByRole('navigation', { name: 'Folders' })
        .getByRole('button', { name: 'Inbox, 0 unread of 0' }),
    );
    const status = await ui.app.engine.api.status({});
    assert.equal(status.phase, 'ready');
    address = status.accounts[0]?.address ?? '';
    assert.match(address, /^alice@/);
    await visible(page.getByText(address));
    await ui.screenshot('first-run');
  });

  test('a call with bad params from the page is refused with the API code before the engine', async () => {
    const outcome = await ui.page.evaluate(`(async () => {
      const url = new URL('api', location.href); url.protocol = 'ws:';
      const socket = new WebSocket(url);
      await new Promise((resolve) => socket.addEventListener('open', resolve));
      const reply = new Promise((resolve) => socket.addEventListener('message', (m) => resolve(JSON.parse(m.data))));
      socket.send(JSON.stringify({ id: 1, method: 'createLocalIdentity', params: { displayName: 'x', localPart: 'Bad Part!', passphrase: 'p' } }));
      const answer = await reply; socket.close(); return answer;
    })()`);
    assert.equal((outcome as { error: { code: string } }).error.code, 'API_INVALID_PARAMS');
    assert.equal((await ui.app.engine.api.status({})).accounts.length, 1, 'still one account');
  });

  test('sending to yourself: compose, send, and the message arrives verified', async () => {
    const { page } = ui;
    await page.keyboard.press('c');
    const composer = page.getByRole('dialog', { name: 'Compose message' });
    await visible(composer);
    await composer.getByLabel('To').fill(address);
    await composer.getByLabel('Subject').fill('Note to self');
    await composer.getByLabel('Message').fill('Remember the milk.');
    assert.equal(await composer.getByLabel('Sign').isChecked(), true, 'signed by default');
    await composer.getByLabel('Message').press('Control+Enter');
    await hidden(composer);

    await page.getByRole('button', { name: 'Get mail' }).click();
    const row = page
      .getByRole('listbox', { name: 'Messages in inbox' })
      .getByRole('option', { name: /Note to self/ });
    await visible(row);
    assert.match(await nameOf(row), /^Unread, /);
    await visible(row.getByText('Verified'));
    await visible(row.getByRole('img', { name: 'Signed' }));
    await visible(
      page
        .getByRole('navigation', { name: 'Folders' })
        .getByRole('button', { name: 'Inbox, 1 unread of 1' }),
    );
    await ui.screenshot('sent-to-self');
  });

  test('receiving: opening shows headers, the security summary and the body; reply goes out', async () => {
    const { page } = ui;
    const list = page.getByRole('listbox', { name: 'Messages in inbox' });
    await list.getByRole('option', { name: /Note to self/ }).click();
    await page.keyboard.press('Enter');
    const reader = page.getByRole('article', { name: 'Message' });
    await visible(reader.getByRole('heading', { name: 'Note to self' }));
    assert.match(await reader.getByRole('region', { name: 'Security' }).innerText(), /^Verified\./);
    const body = reader.getByRole('region', { name: 'Message body' });
    await visible(body);
    assert.match(await body.innerText(), /Remember the milk\./);
    await eventually(async () => {
      assert.doesNotMatch(
        await nameOf(list.getByRole('option', { name: /Note to self/ })),
        /^Unread/,
      );
    });
    await ui.screenshot('reader');
    if (UPDATE_README_SCREENSHOT) {
      await copyFile(join(SCREENSHOT_DIR, 'reader.png'), README_SCREENSHOT);
    }

    const composer = page.getByRole('dialog', { name: 'Compose message' });
    // Reply all to a note to oneself: back to oneself only.
    await page.getByRole('button', { name: 'Reply all' }).click();
    await visible(composer);
    assert.equal(await composer.getByLabel('To', { exact: true }).inputValue(), address);
    assert.equal(await composer.getByLabel('Cc', { exact: true }).inputValue(), '');
    await composer.getByRole('button', { name: 'Discard' }).click();
    await hidden(composer);

    await page.keyboard.press('r');
    await visible(composer);
    assert.equal(
      await composer.getByLabel('Subject', { exact: true }).inputValue(),
      'Re: Note to self',
    );
    assert.equal(await composer.getByLabel('To', { exact: true }).inputValue(), address);
    // The cursor waits above the quote.
    assert.deepEqual(
      await page.evaluate(
        '[document.activeElement?.tagName, document.activeElement?.selectionStart]',
      ),
      ['TEXTAREA', 0],
    );
    const quoted = await composer.getByLabel('Message').inputValue();
    assert.match(quoted, /^On .+, Alice Example <.+> wrote:\n> Remember the milk\.\n$/m);
    assert.doesNotMatch(quoted, /\d{4}-\d\d-\d\dT/);
    await ui.screenshot('reply');
    await composer.getByRole('button', { name: 'Send' }).click();
    await hidden(composer);

    await page.getByRole('button', { name: 'Get mail' }).click();
    await visible(list.getByRole('option', { name: /Re: Note to self/ }));
    const folders = page.getByRole('navigation', { name: 'Folders' });
    await folders.getByRole('button', { name: /^Sent,/ }).click();
    await visible(
      page
        .getByRole('listbox', { name: 'Messages in sent' })
        .getByRole('option', { name: /Re: Note to self/ }),
    );
    await folders.getByRole('button', { name: /^Inbox,/ }).click();
  });

  test('keyboard: j/k move, Enter opens, / searches, Escape leaves search and closes the reader', async () => {
    const { page } = ui;
    const list = page.getByRole('listbox', { name: 'Messages in inbox' });
    await eventually(async () => {
      assert.equal(await list.getByRole('option').count(), 2);
    });
    await page.keyboard.press('Escape');
    await visible(page.getByText('Select a message and press Enter to read it.'));

    const selected = list.getByRole('option', { selected: true });
    const selectedIs = (name: RegExp) =>
      eventually(async () => {
        assert.match(await nameOf(selected), name);
      });
    await page.keyboard.press('j');
    await selectedIs(/Re: Note to self/);
    await page.keyboard.press('j');
    await selectedIs(/Example: Note to self$/);
    await page.keyboard.press('k');
    await selectedIs(/Re: Note to self/);
    await page.keyboard.press('ArrowDown');
    await selectedIs(/Example: Note to self$/);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await visible(
      page
        .getByRole('article', { name: 'Message' })
        .getByRole('heading', { name: 'Re: Note to self' }),
    );

    await page.keyboard.press('/');
    assert.equal(await focusedLabel(), 'Search messages');
    await page.keyboard.type('milk');
    const results = page.getByRole('listbox', { name: 'Search results for milk' });
    // Search covers every folder: both messages, in the inbox and as sent copies.
    await eventually(async () => {
      const rows = await results.getByRole('option').all();
      assert.equal(rows.length, 4);
      for (const row of rows) assert.match(await nameOf(row), /Note to self$/);
    });
    // A long snippet (the quoted reply) must not squeeze the sender and subject away.
    for (const row of await results.getByRole('option').all()) {
      for (const part of ['.sender', '.subject']) {
        const box = await row.locator(part).boundingBox();
        assert.ok(
          box !== null && box.width > 20,
          `${part} of a search result is ${box?.width}px wide`,
        );
      }
    }
    await ui.screenshot('search');
    await page.keyboard.press('Escape');
    await visible(page.getByRole('listbox', { name: 'Messages in inbox' }));
    await page.keyboard.press('Escape');
    await visible(page.getByText('Select a message and press Enter to read it.'));

    const toggle = page.getByRole('button', { name: /^Switch to (dark|light) theme$/ });
    const before = await page.evaluate('document.documentElement.dataset.theme');
    await toggle.click();
    assert.notEqual(await page.evaluate('document.documentElement.dataset.theme'), before);
    await ui.screenshot('keyboard-theme');
  });

  test('the composer asks before throwing away what was written, on Escape or Discard', async () => {
    const { page } = ui;
    await page.keyboard.press('c');
    const composer = page.getByRole('dialog', { name: 'Compose message' });
    await visible(composer);
    await composer.getByLabel('Message').fill('Half a thought');
    await page.keyboard.press('Escape');
    const question = composer.getByRole('alert');
    await visible(question.getByText('Discard this message? What you wrote will be lost.'));
    await question.getByRole('button', { name: 'Keep writing' }).click();
    await hidden(question);
    assert.equal(await composer.getByLabel('Message').inputValue(), 'Half a thought');
    await composer.getByRole('button', { name: 'Discard', exact: true }).click();
    await question.getByRole('button', { name: 'Discard message' }).click();
    await hidden(composer);
    assert.deepEqual(
      (await ui.app.engine.api.listMessages({ folder: 'outbox', limit: 10 })).items,
      [],
    );
  });

  test('HTML mail: sandboxed frame, no scripts, remote images blocked until allowed for the message', async () => {
    const { page } = ui;
    const remoteRequests: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('remote.invalid')) remoteRequests.push(request.url());
    });
    const accountId = (await ui.app.engine.api.status({})).accounts[0]?.id ?? '';
    await ui.app.engine.api.send({
      accountId,
      to: [address],
      cc: [],
      subject: 'HTML with a tracker',
      text: 'Styled text',
      html: '<p style="color:#b00">Styled text</p><img src="https://remote.invalid/pixel.png"><script>parent.document.title = "scripted"</script>',
      attachments: [],
      sign: true,
      encrypt: false,
      requestReadNotification: false,
    });
    await page.getByRole('button', { name: 'Get mail' }).click();
    const row = page
      .getByRole('listbox', { name: 'Messages in inbox' })
      .getByRole('option', { name: /HTML with a tracker/ });
    await visible(row);
    await row.click();
    await page.keyboard.press('Enter');

    const frame = page.getByTitle('Message content');
    await visible(frame);
    assert.equal(await frame.getAttribute('sandbox'), '', 'sandboxed with no permissions');
    assert.match((await frame.getAttribute('srcdoc')) ?? '', /img-src data:;/);
    await visible(page.frameLocator('iframe[title="Message content"]').getByText('Styled text'));
    const banner = page.getByRole('region', { name: 'Remote content' });
    await visible(banner);
    await ui.screenshot('html-blocked');
    assert.deepEqual(remoteRequests, [], 'nothing fetched from the remote host');
    assert.equal(await page.title(), 'MT2 Mail', 'the mail script did not run');

    await banner.getByRole('button', { name: 'Load for this message' }).click();
    await hidden(banner);
    assert.match((await frame.getAttribute('srcdoc')) ?? '', /img-src data: https:;/);
    await eventually(() => {
      assert.equal(remoteRequests.length > 0, true, 'the image is requested once allowed');
      return Promise.resolve();
    });
    assert.equal(await page.title(), 'MT2 Mail');
  });

  test('a later launch is locked: a wrong passphrase is refused and changes nothing, the right one opens the mail', async () => {
    await ui.restart();
    const { page } = ui;
    await visible(page.getByRole('heading', { name: 'Unlock MT2' }));
    await page.getByLabel('Passphrase').fill('wrong horse');
    await page.getByRole('button', { name: 'Unlock' }).click();
    const alert = page.getByRole('alert');
    await visible(alert);
    assert.match(await alert.innerText(), /passphrase/i);
    assert.equal((await ui.app.engine.api.status({})).phase, 'locked');
    await ui.screenshot('unlock-refused');

    await page.getByLabel('Passphrase').fill('correct horse');
    await page.getByRole('button', { name: 'Unlock' }).click();
    const list = page.getByRole('listbox', { name: 'Messages in inbox' });
    await visible(list.getByRole('option', { name: /Example: Note to self$/ }));
    await visible(list.getByRole('option', { name: /HTML with a tracker/ }));
  });

  test('message actions: flag, mark unread, delete to the trash, restore, then delete for good on the server', async () => {
    const { page } = ui;
    const api = ui.app.engine.api;
    const subject = 'HTML with a tracker';
    const inbox = page.getByRole('listbox', { name: 'Messages in inbox' });
    const row = inbox.getByRole('option', { name: new RegExp(`${subject}$`) });
    await row.click();
    await page.keyboard.press('Enter');
    const actions = page.getByRole('toolbar', { name: 'Message actions' });
    await visible(actions);

    await page.keyboard.press('s');
    await eventually(async () => {
      assert.match(await nameOf(row), /^Flagged, /);
    });
    assert.equal(
      await actions.getByRole('button', { name: 'Flag' }).getAttribute('aria-pressed'),
      'true',
    );
    await visible(row.getByRole('img', { name: 'Flagged' }));
    const flagged = await api.listMessages({ folder: 'inbox', filter: 'flagged', limit: 10 });
    assert.deepEqual(
      flagged.items.map((item) => item.subject),
      [subject],
    );
    // The folder pane's Show choice lists only the flagged ones.
    const folders = page.getByRole('navigation', { name: 'Folders' });
    await folders.getByRole('radio', { name: 'Flagged' }).check();
    const onlyFlagged = page.getByRole('listbox', { name: 'Flagged messages in inbox' });
    await eventually(async () => {
      const rows = await onlyFlagged.getByRole('option').all();
      assert.equal(rows.length, 1);
      assert.match(await nameOf(rows[0] ?? row), new RegExp(`^Flagged, .*${subject}$`));
    });
    await folders.getByRole('radio', { name: 'All' }).check();
    await row.click();
    await actions.getByRole('button', { name: 'Flag' }).click();
    await eventually(async () => {
      assert.doesNotMatch(await nameOf(row), /Flagged/);
    });

    await actions.getByRole('button', { name: 'Mark unread' }).click();
    await eventually(async () => {
      assert.match(await nameOf(row), /^Unread, /);
    });
    // The row stays selected through the list's reloads (the search box, empty since the
    // launch, does not reset it).
    assert.equal(await row.getAttribute('aria-selected'), 'true');
    await ui.screenshot('message-actions');

    // Opened from the Unread list, the message is read, and its row stays there (no
    // longer unread) while the reader shows it.
    await page.keyboard.press('Escape');
    await folders.getByRole('radio', { name: 'Unread' }).check();
    const unreadOnly = page.getByRole('listbox', { name: 'Unread messages in inbox' });
    const unreadRow = unreadOnly.getByRole('option', { name: new RegExp(`${subject}$`) });
    await unreadRow.click();
    await page.keyboard.press('Enter');
    await visible(actions);
    await eventually(async () => {
      assert.doesNotMatch(await nameOf(unreadRow), /^Unread, /);
    });
    await actions.getByRole('button', { name: 'Mark unread' }).click();
    await eventually(async () => {
      assert.match(await nameOf(unreadRow), /^Unread, /);
    });
    await folders.getByRole('radio', { name: 'All' }).check();
    await row.click();

    await actions.getByRole('button', { name: 'Delete' }).click();
    await hidden(row);
    await visible(page.getByText('Select a message and press Enter to read it.'));
    await visible(folders.getByRole('button', { name: 'Trash, 1 unread of 1' }));
    const trash = folders.getByRole('button', { name: /^Trash,/ });
    await trash.click();
    const trashed = page
      .getByRole('listbox', { name: 'Messages in trash' })
      .getByRole('option', { name: new RegExp(`${subject}$`) });
    await trashed.click();
    await page.keyboard.press('Enter');
    await actions.getByRole('button', { name: 'Restore' }).click();
    await hidden(trashed);
    await folders.getByRole('button', { name: /^Inbox,/ }).click();
    await row.click();
    await page.keyboard.press('#');
    await hidden(row);
    await trash.click();
    await trashed.click();
    await page.keyboard.press('Enter');
    await actions.getByRole('button', { name: 'Delete permanently' }).click();
    await hidden(trashed);
    // Gone from the server too: a full sync does not bring it back (the copy in Sent stays).
    await eventually(async () => {
      await api.syncNow({});
      const found = await api.search({ query: 'tracker', limit: 10 });
      assert.deepEqual(
        found.items.map((item) => item.folder),
        ['sent'],
      );
      assert.equal((await api.listMessages({ folder: 'trash', limit: 10 })).items.length, 0);
    });
    await folders.getByRole('button', { name: /^Inbox,/ }).click();
    await visible(inbox.getByRole('option', { name: /Example: Note to self$/ }));
  });

  test('a refused message in the outbox: its reason, send again, or cancel it to the trash', async () => {
    const { page } = ui;
    const api = ui.app.engine.api;
    const accountId = (await api.status({})).accounts[0]?.id ?? '';
    const nobody = address.replace(/^[^@]+/, 'nobody');
    await api.send({
      accountId,
      to: [nobody],
      cc: [],
      subject: 'To nobody',
      text: 'Lost.',
      attachments: [],
      sign: true,
      encrypt: false,
      requestReadNotification: false,
    });
    const folders = page.getByRole('navigation', { name: 'Folders' });
    await folders.getByRole('button', { name: /^Outbox,/ }).click();
    const row = page
      .getByRole('listbox', { name: 'Messages in outbox' })
      .getByRole('option', { name: /To nobody$/ });
    await visible(row.getByText(/^failed: The server refused/));
    await row.click();
    await page.keyboard.press('Enter');
    const actions = page.getByRole('toolbar', { name: 'Message actions' });
    await actions.getByRole('button', { name: 'Send again' }).click();
    // Refused again: a second attempt, failed, and the button is back.
    await eventually(async () => {
      const item = (await api.listMessages({ folder: 'outbox', limit: 10 })).items[0];
      assert.equal(item?.send?.state, 'failed');
      assert.ok(item.send.attempts >= 2, `attempts: ${item.send.attempts}`);
    });
    await visible(actions.getByRole('button', { name: 'Send again' }));

    await actions.getByRole('button', { name: 'Cancel sending' }).click();
    await hidden(row);
    assert.deepEqual((await api.listMessages({ folder: 'outbox', limit: 10 })).items, []);
    const trashed = await api.listMessages({ folder: 'trash', limit: 10 });
    assert.deepEqual(
      trashed.items.map((message) => message.subject),
      ['To nobody'],
    );
  });
});
