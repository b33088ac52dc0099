// Accounts, identity files and certificates through the engine's API, on a real local
// store; the server named in the account does not exist here (no connection needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportPkcs12, importPkcs12 } from '../../../../src/identity/index.ts';
import { tempDir, testEngine } from '../../../helpers/engine-harness.ts';
import { enginePki } from './fixtures.ts';

test('importIdentity, passphrases, export and certificates', async (t) => {
  const pki = await enginePki();
  const data = await tempDir();
  const engine = await testEngine({
    dataDir: data.dir,
    hostAliases: { 'mt2.alpha.test': '127.0.0.2' },
  });
  t.after(async () => {
    await engine.close();
    await data.remove();
  });
  const p12 = exportPkcs12(pki.alice, 'p12 secret').toString('base64');
  const server = { host: 'mt2.alpha.test', port: 1 };

  await assert.rejects(
    engine.importIdentity({ p12, p12Password: 'wrong', passphrase: 'pass', server }),
    { code: 'ENGINE_BAD_IDENTITY_FILE' },
  );
  await assert.rejects(
    engine.importIdentity({
      p12: Buffer.from('not a p12').toString('base64'),
      p12Password: 'x',
      passphrase: 'pass',
      server,
    }),
    { code: 'ENGINE_BAD_IDENTITY_FILE' },
  );
  assert.equal((await engine.status({})).phase, 'needs-onboarding');

  const account = await engine.importIdentity({
    p12,
    p12Password: 'p12 secret',
    passphrase: 'pass',
    server,
  });
  assert.equal(account.address, 'alice@alpha.test');
  assert.equal(account.kind, 'remote');
  assert.equal((await engine.status({})).phase, 'ready');
  await assert.rejects(
    engine.createLocalIdentity({ displayName: 'A', localPart: 'a', passphrase: 'pass' }),
    { code: 'ENGINE_ALREADY_SET_UP' },
  );
  const bobP12 = exportPkcs12(pki.bob, 'p12 secret').toString('base64');
  await assert.rejects(
    engine.importIdentity({
      p12: bobP12,
      p12Password: 'p12 secret',
      passphrase: 'another',
      server,
    }),
    { code: 'ENGINE_WRONG_PASSPHRASE' },
  );
  assert.equal((await engine.status({})).accounts.length, 1);

  const path = join(data.dir, 'alice-export.p12');
  await engine.exportIdentity({ accountId: account.id, path, p12Password: 'export pw' });
  const exported = importPkcs12(await readFile(path), 'export pw');
  assert.equal(exported.certificate.fingerprint256, pki.alice.certificate.fingerprint256);
  await assert.rejects(
    engine.exportIdentity({ accountId: account.id, path, p12Password: 'export pw' }),
    {
      code: 'ENGINE_EXPORT_FAILED',
    },
  );

  const list = await engine.listCertificates({});
  const mine = list.mine[0];
  assert.ok(mine !== undefined);
  assert.equal(mine.certificate.subject, 'alice@alpha.test');
  assert.equal(mine.valid, true);
  assert.equal(mine.trusted, true);
  assert.equal(list.authorities[0]?.certificate.kind, 'ca');
  const imported = await engine.importCertificate({ data: pki.bob.certificate.toString() });
  assert.equal(imported.certificate.subject, 'bob@alpha.test');
  assert.equal(imported.valid, true);
  const details = await engine.certificateDetails({ fingerprint: imported.fingerprints.sha256 });
  assert.equal(details.certificate.subject, 'bob@alpha.test');
  assert.ok(details.subjectAltNames.some((name) => name.includes('bob@alpha.test')));
  const contacts = await engine.listContacts({});
  assert.deepEqual(
    contacts.map((contact) => [contact.address, contact.learnedFrom, contact.certificate?.valid]),
    [['bob@alpha.test', 'import', true]],
  );
  await assert.rejects(engine.importCertificate({ data: 'bm90IGEgY2VydA==' }), {
    code: 'ENGINE_BAD_CERTIFICATE',
  });
  await assert.rejects(engine.certificateDetails({ fingerprint: '0'.repeat(64) }), {
    code: 'ENGINE_UNKNOWN_CERTIFICATE',
  });

  // Trust settings: a blacklisted issuing domain makes our own certificate invalid.
  await engine.setTrustSettings({
    blacklistedIssuerDomains: ['alpha.test'],
    vouchedAddresses: [],
    trustedGatewayHosts: [],
    delegatedValidation: false,
  });
  assert.equal((await engine.listCertificates({})).mine[0]?.valid, false);
  await assert.rejects(
    engine.setTrustSettings({
      blacklistedIssuerDomains: [],
      vouchedAddresses: [],
      trustedGatewayHosts: [],
      delegatedValidation: true,
    }),
    { code: 'ENGINE_BAD_TRUST_SETTINGS' }, // on, with no resolver to look CAs up with
  );
  assert.deepEqual((await engine.trustSettings({})).blacklistedIssuerDomains, ['alpha.test']);
  assert.deepEqual(await engine.listConsentRequests({}), []);
  await assert.rejects(engine.chessMove({ game: 'no-such-game', move: 'e4' }), {
    code: 'ENGINE_CONSENT',
  });
  await assert.rejects(engine.getMessage({ ref: 'nonsense' }), { code: 'ENGINE_UNKNOWN_MESSAGE' });
});
