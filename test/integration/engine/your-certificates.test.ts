// The user's own certificates on real mt2d processes: a new key and its CSR (the key
// encrypted at rest, the CSR checked by `openssl req -verify`), installing what a CA
// issued for it (and refusing, changing nothing, what does not fit: garbage, another
// key, another address, an untrusted CA), and renewing: a new CSR for a remote account,
// a new certificate at once from the embedded server, with old mail still readable.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from '../../../src/api/index.ts';
import {
  certificatesToPem,
  createCsr,
  domainCaFrom,
  generateRsaPrivateKey,
  issueUserCertificate,
  type DomainCa,
} from '../../../src/identity/index.ts';
import {
  aliceSends,
  eventually,
  mt2dProcessHost,
  PASSPHRASE,
  remoteSetup,
  tempDir,
  testEngine,
  type RemoteSetup,
} from '../../helpers/engine-harness.ts';
import { runMt2d } from '../../helpers/mt2d-process.ts';

const BOB = 'bob@alpha.test';

const refusedWith = (code: string, text?: RegExp) => (error: unknown) => {
  assert.ok(error instanceof ApiError, String(error));
  assert.equal(error.code, code, error.message);
  if (text !== undefined) assert.match(error.message, text);
  return true;
};

/** Runs openssl in `dir`; its stdout. */
function openssl(dir: string, args: readonly string[]): string {
  try {
    return execFileSync('openssl', args, { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    throw new Error(`openssl ${args.join(' ')} failed (is the openssl CLI installed?)`, {
      cause: error,
    });
  }
}

async function mt2dCa(dir: string): Promise<DomainCa> {
  return domainCaFrom({
    certificate: new X509Certificate(await readFile(join(dir, 'ca', 'ca.pem'))),
    privateKey: createPrivateKey(await readFile(join(dir, 'ca', 'ca.key'))),
    chain: [],
  });
}

describe('your certificates: a remote account', () => {
  let setup: RemoteSetup;
  let ca: DomainCa;
  let scratch: { dir: string; remove(): Promise<void> };
  before(async () => {
    setup = await remoteSetup();
    ca = await mt2dCa(setup.mt2d.dir);
    scratch = await tempDir('mt2-csr-');
    // Certificates made with openssl: the alpha.test CA (trusted), and an own CA (not).
    const dir = scratch.dir;
    await writeFile(join(dir, 'alpha-ca.pem'), ca.certificate.toString());
    await writeFile(
      join(dir, 'alpha-ca.key'),
      ca.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    );
    openssl(dir, [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'own.key',
      '-out',
      'own.pem',
      '-days',
      '30',
      '-subj',
      '/CN=Own CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'issuerAltName=DNS:alpha.test',
    ]);
  });
  after(async () => {
    await setup.cleanup();
    await scratch.remove();
  });

  /** What must stay as it was when an install is refused. */
  async function snapshot() {
    const { engine, accountId } = setup;
    return {
      account: (await engine.status({})).accounts.find((item) => item.id === accountId),
      request: await engine.certificateRequest({ accountId }),
      mine: (await engine.listCertificates({})).mine.map((item) => item.certificate.fingerprint),
    };
  }

  /** openssl signs `csrPem` with the CA `caName` (.pem and .key in scratch), naming `address`. */
  async function opensslIssue(csrPem: string, caName: string, address: string): Promise<string> {
    const dir = scratch.dir;
    await writeFile(join(dir, 'request.csr'), csrPem);
    await writeFile(join(dir, 'ext.cnf'), `subjectAltName=email:${address}\n`);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      'request.csr',
      '-CA',
      `${caName}.pem`,
      '-CAkey',
      `${caName}.key`,
      '-CAcreateserial',
      '-days',
      '30',
      '-extfile',
      'ext.cnf',
      '-out',
      'issued.pem',
    ]);
    return readFile(join(dir, 'issued.pem'), 'utf8');
  }

  test('no request yet: installing is refused', async () => {
    const { engine, accountId } = setup;
    assert.equal(await engine.certificateRequest({ accountId }), null);
    await assert.rejects(
      engine.installCertificate({
        accountId,
        certificatePem: setup.alice.credentials.certificate.toString(),
        passphrase: PASSPHRASE,
      }),
      refusedWith('ENGINE_NO_PENDING_REQUEST'),
    );
  });

  test('a wrong passphrase makes no request', async () => {
    const { engine, accountId } = setup;
    await assert.rejects(
      engine.createCertificateRequest({ accountId, passphrase: 'not it' }),
      refusedWith('ENGINE_WRONG_PASSPHRASE'),
    );
    assert.equal(await engine.certificateRequest({ accountId }), null);
  });

  test('a new key stays in the engine, encrypted; its CSR names the address and verifies', async () => {
    const { engine, accountId } = setup;
    const request = await engine.createCertificateRequest({ accountId, passphrase: PASSPHRASE });
    assert.equal(request.address, BOB);
    assert.deepEqual(await engine.certificateRequest({ accountId }), request);
    assert.equal((await engine.status({})).accounts[0]?.pendingRequest, true);
    await writeFile(join(scratch.dir, 'made.csr'), request.csrPem);
    const text = openssl(scratch.dir, ['req', '-in', 'made.csr', '-noout', '-verify', '-text']);
    assert.match(text, new RegExp(`email:${BOB}`));
    // The key file of the request: PKCS#8 encrypted with the passphrase, nothing else.
    const settings = JSON.parse(await readFile(join(setup.data.dir, 'settings.json'), 'utf8')) as {
      accounts: { pending?: { keyFile: string } }[];
    };
    const keyFile = settings.accounts[0]?.pending?.keyFile;
    assert.ok(keyFile !== undefined);
    const pem = await readFile(join(setup.data.dir, keyFile), 'utf8');
    assert.match(pem, /^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    assert.throws(() => createPrivateKey({ key: pem, passphrase: 'not it' }));
    const key = createPrivateKey({ key: pem, passphrase: PASSPHRASE });
    assert.equal(
      openssl(scratch.dir, ['req', '-in', 'made.csr', '-noout', '-pubkey']),
      createPublicKey(key).export({ type: 'spki', format: 'pem' }),
      'the CSR is for the key in that file',
    );
  });

  test('what does not fit the request is refused, and nothing changes', async () => {
    const { engine, accountId } = setup;
    const request = await engine.certificateRequest({ accountId });
    assert.ok(request !== null);
    const before = await snapshot();
    const otherKey = issueUserCertificate(
      ca,
      createCsr(await generateRsaPrivateKey(), { address: BOB }),
      { address: BOB },
    );
    const cases: { name: string; pem: string; text: RegExp }[] = [
      { name: 'garbage', pem: 'not a certificate', text: /cannot be read|no PEM certificate/ },
      {
        name: 'broken PEM',
        pem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
        text: /cannot be read|no PEM/,
      },
      { name: 'another key', pem: certificatesToPem([otherKey]), text: /another key/ },
      {
        name: 'another address',
        pem: await opensslIssue(request.csrPem, 'alpha-ca', 'carol@alpha.test'),
        text: /for carol@alpha\.test, not for bob@alpha\.test/,
      },
      {
        name: 'an untrusted CA',
        pem: await opensslIssue(request.csrPem, 'own', BOB),
        text: /does not chain to a CA you trust/,
      },
    ];
    for (const item of cases) {
      await assert.rejects(
        engine.installCertificate({ accountId, certificatePem: item.pem, passphrase: PASSPHRASE }),
        refusedWith('ENGINE_CERTIFICATE_REFUSED', item.text),
        item.name,
      );
      assert.deepEqual(await snapshot(), before, `${item.name} changed something`);
    }
  });

  test('the certificate the CA issued is installed; mail flows with it, and after a restart', async () => {
    const { accountId } = setup;
    await aliceSends(setup, 1, { subject: 'Before the new key' });
    await setup.engine.syncNow({});
    const request = await setup.engine.certificateRequest({ accountId });
    assert.ok(request !== null);
    const old = (await setup.engine.status({})).accounts[0]?.certificate.fingerprint;
    // Bob's server admin certifies the request: HELO takes only the certificate in users/.
    const csrFile = join(scratch.dir, 'bob-new.csr');
    await writeFile(csrFile, request.csrPem);
    const renewed = await runMt2d([
      'user',
      'renew',
      '--dir',
      setup.mt2d.dir,
      BOB,
      '--csr',
      csrFile,
    ]);
    assert.equal(renewed.code, 0, renewed.stderr);
    const issued = new X509Certificate(renewed.stdout);
    await assert.rejects(
      setup.engine.installCertificate({
        accountId,
        certificatePem: certificatesToPem([issued]),
        passphrase: 'not it',
      }),
      refusedWith('ENGINE_WRONG_PASSPHRASE'),
    );
    const account = await setup.engine.installCertificate({
      accountId,
      certificatePem: certificatesToPem([issued]),
      passphrase: PASSPHRASE,
    });
    assert.equal(
      account.certificate.fingerprint,
      issued.fingerprint256.replaceAll(':', '').toLowerCase(),
    );
    assert.notEqual(account.certificate.fingerprint, old);
    assert.equal(account.pendingRequest, undefined);
    assert.equal(await setup.engine.certificateRequest({ accountId }), null);
    const mine = (await setup.engine.listCertificates({})).mine;
    assert.deepEqual(
      mine.map((item) => item.certificate.fingerprint),
      [account.certificate.fingerprint, old],
      'the new certificate first, the old one kept',
    );

    // The server takes the new certificate: mail arrives over the new session.
    await aliceSends(setup, 1, { subject: 'After the new key' });
    await eventually(async () => {
      await setup.engine.syncNow({});
      const inbox = await setup.engine.listMessages({ folder: 'inbox', limit: 10 });
      assert.ok(inbox.items.some((item) => item.subject === 'After the new key'));
    });

    await setup.engine.close();
    const reopened = await setup.reopen();
    (setup as { engine: unknown }).engine = reopened;
    await reopened.unlock({ passphrase: PASSPHRASE });
    const status = await reopened.status({});
    assert.equal(status.accounts[0]?.certificate.fingerprint, account.certificate.fingerprint);
    const inbox = await reopened.listMessages({ folder: 'inbox', limit: 10 });
    assert.ok(inbox.items.some((item) => item.subject === 'Before the new key'));
  });

  test('renewing a remote account makes a new request for its CA', async () => {
    const { accountId } = setup;
    const renewal = await setup.engine.renewCertificate({ accountId, passphrase: PASSPHRASE });
    assert.ok(renewal.kind === 'request', renewal.kind);
    assert.deepEqual(await setup.engine.certificateRequest({ accountId }), renewal.request);
  });
});

describe('your certificates: the embedded account renews in one step', () => {
  test('a new key and certificate from the local CA; old mail stays readable, new mail flows', async (t) => {
    const data = await tempDir();
    const host = mt2dProcessHost();
    const engine = await testEngine({ dataDir: data.dir, embeddedServer: host });
    t.after(async () => {
      await engine.close();
      for (const process of host.processes) await process.kill().catch(() => undefined);
      await data.remove();
    });
    const account = await engine.createLocalIdentity({
      displayName: 'Alice',
      localPart: 'alice',
      passphrase: PASSPHRASE,
    });
    const note = (subject: string) =>
      engine.send({
        accountId: account.id,
        to: [account.address],
        cc: [],
        subject,
        text: `${subject}.`,
        attachments: [],
        sign: true,
        encrypt: true,
        requestReadNotification: false,
      });
    const arrived = (subject: string) =>
      eventually(async () => {
        await engine.syncNow({});
        const inbox = await engine.listMessages({ folder: 'inbox', limit: 10 });
        const item = inbox.items.find((candidate) => candidate.subject === subject);
        assert.ok(item !== undefined, `"${subject}" did not arrive`);
        return item;
      });
    await note('Encrypted before renewal');
    const before = await arrived('Encrypted before renewal');

    await assert.rejects(
      engine.renewCertificate({ accountId: account.id, passphrase: 'not it' }),
      refusedWith('ENGINE_WRONG_PASSPHRASE'),
    );
    const renewal = await engine.renewCertificate({
      accountId: account.id,
      passphrase: PASSPHRASE,
    });
    assert.ok(renewal.kind === 'renewed', renewal.kind);
    assert.notEqual(renewal.account.certificate.fingerprint, account.certificate.fingerprint);
    assert.equal(renewal.account.pendingRequest, undefined);

    // Old mail, encrypted to the old key: still readable and still verified.
    const old = await engine.getMessage({ ref: before.ref });
    assert.equal(old.summary.subject, 'Encrypted before renewal');
    assert.equal(old.security.badge, 'verified');
    await engine.syncNow({}); // the connection starts over with the new key
    const body = await engine.openBody({ ref: before.ref });
    assert.equal(body.text?.trim(), 'Encrypted before renewal.');

    // New mail, signed with the new certificate, through the server that now knows it.
    await note('Encrypted after renewal');
    const after = await arrived('Encrypted after renewal');
    assert.equal(after.verification, 'verified');
    const message = await engine.getMessage({ ref: after.ref });
    assert.equal(
      message.security.certificate?.certificate.fingerprint,
      renewal.account.certificate.fingerprint,
    );
  });
});
