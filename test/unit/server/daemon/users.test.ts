import assert from 'node:assert/strict';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  IdentityError,
  createCsr,
  generateRsaPrivateKey,
  importPkcs12,
  readCertificates,
} from '../../../../src/identity/index.ts';
import {
  DaemonError,
  addUser,
  addUserWithP12,
  initServerDirectory,
  localAddress,
  readConfig,
  renewUser,
} from '../../../../src/server/index.ts';

const code = (expected: string) => (error: unknown) =>
  error instanceof DaemonError && error.code === expected;

let parent: string;
let dir: string;
before(async () => {
  parent = await mkdtemp(join(tmpdir(), 'mt2d-users-'));
  dir = join(parent, 'data');
  await initServerDirectory({ dir, domain: 'alpha.test' });
});
after(async () => {
  await rm(parent, { recursive: true, force: true });
});

describe('mt2d init and user add', () => {
  test('init writes the configuration and the three identities; a second init is refused', async () => {
    const config = await readConfig(join(dir, 'mt2d.json'));
    assert.equal(config.hostname, 'mt2.alpha.test');
    const host = readCertificates(await readFile(join(dir, 'host', 'host.pem'), 'utf8'));
    assert.equal(host.length, 2, 'host certificate and its CA');
    assert.equal(host[0]?.checkHost('mt2.alpha.test'), 'mt2.alpha.test');
    const process = readCertificates(await readFile(join(dir, 'process', 'process.pem'), 'utf8'));
    assert.equal(process[0]?.checkEmail('mt2d@alpha.test'), 'mt2d@alpha.test');
    await assert.rejects(
      initServerDirectory({ dir, domain: 'alpha.test' }),
      code('MT2D_ALREADY_INITIALISED'),
    );
  });

  test('a CSR is certified for its address, once', async () => {
    const key = await generateRsaPrivateKey();
    const csrPem = createCsr(key, { address: 'alice@alpha.test' });
    const issued = await addUser({ dir, address: 'Alice@alpha.test', csrPem });
    const certificate = readCertificates(issued.certificatePem)[0];
    assert.ok(certificate !== undefined);
    assert.equal(certificate.checkEmail('alice@alpha.test'), 'alice@alpha.test');
    assert.ok(certificate.checkPrivateKey(key));
    await assert.rejects(
      addUser({ dir, address: 'alice@alpha.test', csrPem }),
      code('MT2D_USER_EXISTS'),
    );
  });

  test('renew certifies a new key of an existing user; an unknown user is refused', async () => {
    const key = await generateRsaPrivateKey();
    const csrPem = createCsr(key, { address: 'dora@alpha.test' });
    await assert.rejects(
      renewUser({ dir, address: 'dora@alpha.test', csrPem }),
      code('MT2D_USER_UNKNOWN'),
    );
    const first = await addUser({ dir, address: 'dora@alpha.test', csrPem });
    const newKey = await generateRsaPrivateKey();
    const renewed = await renewUser({
      dir,
      address: 'dora@alpha.test',
      csrPem: createCsr(newKey, { address: 'dora@alpha.test' }),
    });
    const certificate = readCertificates(renewed.certificatePem)[0];
    assert.ok(certificate?.checkPrivateKey(newKey));
    assert.notEqual(renewed.certificatePem, first.certificatePem);
    assert.equal(
      await readFile(join(dir, 'users', 'dora@alpha.test.pem'), 'utf8'),
      renewed.certificatePem,
    );
    await assert.rejects(
      renewUser({
        dir,
        address: 'dora@alpha.test',
        csrPem: createCsr(newKey, { address: 'eve@alpha.test' }),
      }),
      (error: unknown) => error instanceof IdentityError,
    );
  });

  test('a CSR asking for another address is refused by the CA', async () => {
    const csrPem = createCsr(await generateRsaPrivateKey(), { address: 'eve@alpha.test' });
    await assert.rejects(
      addUser({ dir, address: 'carol@alpha.test', csrPem }),
      (error: unknown) => error instanceof IdentityError,
    );
  });

  test('a PKCS#12 holds the key, the certificate and the CA', async () => {
    const p12 = await addUserWithP12({ dir, address: 'bob@alpha.test', p12Password: 'pw' });
    const credentials = importPkcs12(p12, 'pw');
    assert.equal(credentials.certificate.checkEmail('bob@alpha.test'), 'bob@alpha.test');
    assert.equal(credentials.chain.length, 1);
  });

  test('addresses outside the domain or with unsafe local parts are refused', async () => {
    for (const address of [
      'bob@beta.test',
      'bob',
      '../x@alpha.test',
      'a/b@alpha.test',
      '@alpha.test',
    ]) {
      assert.throws(
        () => localAddress(address, 'alpha.test'),
        code('MT2D_ADDRESS_INVALID'),
        address,
      );
    }
    assert.equal(localAddress('Bob.Smith+x@ALPHA.test', 'alpha.test'), 'bob.smith+x@alpha.test');
    await assert.rejects(
      addUserWithP12({ dir: join(parent, 'nothing'), address: 'x@alpha.test', p12Password: 'pw' }),
      code('MT2D_NOT_INITIALISED'),
    );
  });
});
