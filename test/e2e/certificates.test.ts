// The certificate manager in Chromium against the web host, the real engine and real
// mt2d processes: the user's own certificate with its verdict and details; a certificate
// that expired, one whose subject is not the sender and a blacklisted issuer, each shown
// with its reason on the message and in the manager (the same words as the engine's); and the identity exported as .p12 and imported into a second profile that
// reads the same mail.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import type { MessageView } from '../../src/api/index.ts';
import { eventually, tempDir, testEngine } from '../helpers/engine-harness.ts';
import { startAppUnderTest, type AppUnderTest } from './helpers/app-under-test.ts';
import { craftedMail } from './helpers/crafted-mail.ts';

const WAIT_MS = 30_000;
const PASSPHRASE = 'correct horse';

let ui: AppUnderTest;
let address = '';

before(async () => {
  ui = await startAppUnderTest();
});
after(async () => {
  await ui.close();
});

const visible = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: WAIT_MS });

describe('certificates in Chromium', () => {
  test('first run, and a message to oneself arrives verified', async () => {
    const { page } = ui;
    await visible(page.getByRole('heading', { name: 'Welcome to MT2' }));
    await page.getByLabel('Your name').fill('Alice Example');
    await page.getByLabel('Address (the part before @)').fill('alice');
    await page.getByLabel('Passphrase (protects your key on this computer)').fill(PASSPHRASE);
    await page.getByLabel('Repeat the passphrase').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Create identity' }).click();
    await visible(page.getByRole('button', { name: 'Certificates' }));
    address = (await ui.app.engine.api.status({})).accounts[0]?.address ?? '';
    assert.match(address, /^alice@/);

    await page.keyboard.press('c');
    const composer = page.getByRole('dialog', { name: 'Compose message' });
    await visible(composer);
    await composer.getByLabel('To').fill(address);
    await composer.getByLabel('Subject').fill('Certified note');
    await composer.getByLabel('Message').fill('Signed by me.');
    await composer.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('button', { name: 'Get mail' }).click();
    await visible(
      page
        .getByRole('listbox', { name: 'Messages in inbox' })
        .getByRole('option', { name: /Certified note/ })
        .getByText('Verified'),
    );
  });

  test('the manager lists your certificate with its verdict; details show fingerprints and chain', async () => {
    const { page } = ui;
    await page.getByRole('button', { name: 'Certificates' }).click();
    const manager = page.getByRole('dialog', { name: 'Certificates' });
    await visible(manager);
    const mine = (await ui.app.engine.api.listCertificates({})).mine[0];
    assert.ok(mine !== undefined, 'the engine lists no certificate of yours');
    assert.equal(mine.valid, true);
    await visible(manager.getByText(mine.summary, { exact: true }));

    await manager.getByRole('button', { name: `Details of ${address}` }).click();
    const details = manager.getByRole('region', { name: `Certificate of ${address}` });
    await visible(details);
    const text = await details.innerText();
    assert.ok(text.includes(mine.certificate.fingerprint), 'SHA-256 fingerprint shown');
    assert.ok(text.includes(mine.certificate.issuer), 'issuer shown');
    assert.ok((await details.getByRole('listitem').count()) >= 2, 'the chain up to the CA');

    await manager.getByRole('tab', { name: 'Authorities' }).click();
    const domain = address.split('@')[1] ?? '';
    await visible(manager.getByRole('button', { name: `Details of ${domain}` }));
    // Delegated validation lives here; on without anywhere to look is refused.
    const lookup = manager.getByRole('form', { name: 'Looking up other domains’ authorities' });
    await lookup.getByLabel('Look up other domains’ authorities (delegated validation)').check();
    await lookup.getByRole('button', { name: 'Save authority lookup' }).click();
    await visible(lookup.getByText(/Delegated validation needs somewhere to look/));
    assert.equal((await ui.app.engine.api.trustSettings({})).delegatedValidation, false);
    await ui.screenshot('certificates');
  });

  /**
   * Opens `subject` in the reader; its security region and then the manager's details of
   * the certificate it carries (from the reader's button) show the engine's reasons, word
   * for word. Returns those reasons.
   */
  async function reasonsShownFor(subject: string): Promise<MessageView> {
    const { page } = ui;
    const engine = ui.app.engine.api;
    await page.getByRole('button', { name: 'Get mail' }).click();
    const list = page.getByRole('listbox', { name: 'Messages in inbox' });
    await list.getByRole('option', { name: new RegExp(subject) }).click();
    await page.keyboard.press('Enter');
    const security = page.getByRole('article', { name: 'Message' }).getByRole('region', {
      name: 'Security',
    });
    await visible(security);
    const inbox = await engine.listMessages({ folder: 'inbox', limit: 50 });
    const item = inbox.items.find((candidate) => candidate.subject === subject);
    assert.ok(item !== undefined, `"${subject}" is not in the engine's inbox`);
    const message = await engine.getMessage({ ref: item.ref });
    const certificate = message.security.certificate;
    assert.ok(certificate !== undefined, 'the signer certificate is judged');
    assert.equal(message.security.badge, 'failed');
    assert.ok(certificate.reasons.length > 0, 'the certificate verdict gives reasons');
    await eventually(async () => {
      const text = await security.innerText();
      for (const reason of certificate.reasons) assert.ok(text.includes(reason.text), reason.text);
    }, WAIT_MS);

    await security.getByRole('button', { name: 'Certificate details' }).click();
    const manager = page.getByRole('dialog', { name: 'Certificates' });
    const details = manager.getByRole('region', {
      name: `Certificate of ${certificate.certificate.subject}`,
    });
    await visible(details);
    for (const reason of certificate.reasons) {
      await visible(details.getByText(reason.text, { exact: true }));
    }
    await visible(details.getByText(certificate.summary, { exact: true }));
    await ui.screenshot(`certificate-reason-${certificate.reasons[0]?.code ?? 'none'}`);
    await manager.getByRole('button', { name: 'Close' }).click();
    await manager.waitFor({ state: 'hidden', timeout: WAIT_MS });
    return message;
  }

  test('a certificate that expired: its reason on the message and in the manager', async () => {
    await ui.page
      .getByRole('dialog', { name: 'Certificates' })
      .getByRole('button', { name: 'Close' })
      .click();
    const mail = await craftedMail(ui.app, ui.dataDir);
    await mail.send('Signed with an expired certificate', await mail.expired());
    const message = await reasonsShownFor('Signed with an expired certificate');
    const reasons = message.security.certificate?.reasons ?? [];
    assert.ok(
      reasons.some((reason) => reason.code === 'EXPIRED' && /expired/.test(reason.text)),
      JSON.stringify(reasons),
    );
  });

  test('a certificate whose subject is not the sender: its reason on the message and in the manager', async () => {
    const mail = await craftedMail(ui.app, ui.dataDir);
    await mail.send('Signed by someone else', await mail.someoneElse('mallory'));
    const message = await reasonsShownFor('Signed by someone else');
    const certificate = message.security.certificate;
    assert.ok(certificate !== undefined);
    assert.match(certificate.certificate.subject, /^mallory@/);
    assert.ok(
      certificate.reasons.some((reason) => reason.code === 'SUBJECT_ADDRESS_MISMATCH'),
      JSON.stringify(certificate.reasons),
    );
    assert.ok(
      message.security.signature.reasons.some((reason) => reason.code === 'SENDER_NOT_BOUND'),
      JSON.stringify(message.security.signature.reasons),
    );
  });

  test('a blacklisted issuer: the reason in the manager and on the message, in the same words', async () => {
    const { page } = ui;
    await page.getByRole('button', { name: 'Certificates' }).click();
    const manager = page.getByRole('dialog', { name: 'Certificates' });
    await manager.getByRole('tab', { name: 'Trust settings' }).click();
    const domain = address.split('@')[1] ?? '';
    await manager
      .getByLabel('Never trust certificates issued by these domains (one a line)')
      .fill(domain);
    await manager.getByRole('button', { name: 'Save trust settings' }).click();
    await visible(manager.getByText(/Trust settings saved/));
    assert.deepEqual((await ui.app.engine.api.trustSettings({})).blacklistedIssuerDomains, [
      domain,
    ]);

    await manager.getByRole('tab', { name: 'Yours' }).click();
    const mine = (await ui.app.engine.api.listCertificates({})).mine[0];
    assert.ok(mine !== undefined);
    assert.ok(!mine.valid || !mine.trusted, 'blacklisting its issuer changed the verdict');
    const reason = mine.reasons[0]?.text;
    assert.ok(reason !== undefined, 'the verdict gives a reason');
    await visible(manager.getByText(mine.summary, { exact: true }));
    await manager.getByRole('button', { name: `Details of ${address}` }).click();
    await visible(manager.getByText(reason, { exact: true }));
    await ui.screenshot('certificates-blacklisted');
    await manager.getByRole('button', { name: 'Close' }).click();

    const list = page.getByRole('listbox', { name: 'Messages in inbox' });
    await list.getByRole('option', { name: /Certified note/ }).click();
    await page.keyboard.press('Enter');
    const security = page.getByRole('article', { name: 'Message' }).getByRole('region', {
      name: 'Security',
    });
    await visible(security);
    await eventually(async () => {
      assert.ok((await security.innerText()).includes(reason), 'the same reason on the message');
    }, WAIT_MS);
  });

  test('the identity exported as .p12 opens in a second profile that reads the same mail', async () => {
    const scratch = await tempDir('mt2-e2e-p12-');
    try {
      const [account] = (await ui.app.engine.api.status({})).accounts;
      assert.ok(account !== undefined);
      const path = join(scratch.dir, 'alice.p12');
      await ui.app.engine.api.exportIdentity({
        accountId: account.id,
        path,
        p12Password: 'transfer password',
      });
      // The server's host certificate names mt2.<domain>: reach it by that name.
      const serverName = `mt2.${address.split('@')[1] ?? ''}`;
      const second = await testEngine({
        dataDir: join(scratch.dir, 'second'),
        hostAliases: { [serverName]: account.server.host },
      });
      try {
        const imported = await second.importIdentity({
          p12: (await readFile(path)).toString('base64'),
          p12Password: 'transfer password',
          passphrase: 'second passphrase',
          server: { host: serverName, port: account.server.port },
        });
        assert.equal(imported.address, address);
        assert.equal(imported.certificate.fingerprint, account.certificate.fingerprint);
        await eventually(async () => {
          await second.syncNow({});
          const inbox = await second.listMessages({ folder: 'inbox', limit: 10 });
          assert.ok(inbox.items.some((item) => item.subject === 'Certified note'));
        }, WAIT_MS);
      } finally {
        await second.close();
      }
    } finally {
      await scratch.remove();
    }
  });
});

describe('renewing in Chromium', () => {
  test('renew in the manager: a new certificate from the local CA, the old one kept; new mail verified', async () => {
    const { page } = ui;
    const engine = ui.app.engine.api;
    // The blacklist of the test before would make every certificate of this domain fail.
    await engine.setTrustSettings({
      blacklistedIssuerDomains: [],
      vouchedAddresses: [],
      trustedGatewayHosts: [],
      delegatedValidation: false,
    });
    const before = (await engine.listCertificates({})).mine.map(
      (item) => item.certificate.fingerprint,
    );
    await page.getByRole('button', { name: 'Certificates' }).click();
    const manager = page.getByRole('dialog', { name: 'Certificates' });
    const yours = manager.getByRole('region', { name: `Your key for ${address}` });
    await visible(yours);
    const passphrase = yours.getByLabel(
      'Your passphrase (opens your key for a new key or certificate)',
    );

    await passphrase.fill('not the passphrase');
    await yours.getByRole('button', { name: 'Renew certificate' }).click();
    await visible(yours.getByRole('alert').getByText('That passphrase does not unlock your key.'));
    assert.deepEqual(
      (await engine.listCertificates({})).mine.map((item) => item.certificate.fingerprint),
      before,
      'a wrong passphrase changed nothing',
    );

    await passphrase.fill(PASSPHRASE);
    await yours.getByRole('button', { name: 'Renew certificate' }).click();
    await visible(yours.getByRole('status').getByText(/^Renewed: your new certificate/));
    const after = (await engine.listCertificates({})).mine;
    const renewed = after[0];
    assert.ok(renewed !== undefined);
    assert.ok(!before.includes(renewed.certificate.fingerprint), 'a new certificate');
    assert.equal(renewed.valid && renewed.trusted, true, renewed.summary);
    assert.deepEqual(
      after.slice(1).map((item) => item.certificate.fingerprint),
      before,
      'the old certificate is kept',
    );
    await eventually(async () => {
      assert.equal(await manager.getByRole('button', { name: `Details of ${address}` }).count(), 2);
    }, WAIT_MS);
    await ui.screenshot('certificates-renewed');
    await manager.getByRole('button', { name: 'Close' }).click();

    await page.keyboard.press('c');
    const composer = page.getByRole('dialog', { name: 'Compose message' });
    await visible(composer);
    await composer.getByLabel('To').fill(address);
    await composer.getByLabel('Subject').fill('After renewing');
    await composer.getByLabel('Message').fill('Signed with the new key.');
    await composer.getByRole('button', { name: 'Send' }).click();
    await eventually(async () => {
      await page.getByRole('button', { name: 'Get mail' }).click();
      await page
        .getByRole('listbox', { name: 'Messages in inbox' })
        .getByRole('option', { name: /After renewing/ })
        .getByText('Verified')
        .waitFor({ state: 'visible', timeout: 2000 });
    }, WAIT_MS);
    const inbox = await engine.listMessages({ folder: 'inbox', limit: 50 });
    const item = inbox.items.find((candidate) => candidate.subject === 'After renewing');
    assert.ok(item !== undefined);
    const message = await engine.getMessage({ ref: item.ref });
    assert.equal(
      message.security.certificate?.certificate.fingerprint,
      renewed.certificate.fingerprint,
    );
  });
});
