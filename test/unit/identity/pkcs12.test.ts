import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportPkcs12, privateKeyToPem, importPkcs12 } from '../../../src/identity/index.ts';
import { openssl, put, scratchDir, testPki } from './helpers.ts';

/** Writes alice's key, certificate and CA as PEM files for openssl. */
async function aliceFiles(dir: string) {
  const { ca, alice } = await testPki();
  return {
    key: await put(dir, 'alice.key', privateKeyToPem(alice.privateKey)),
    cert: await put(dir, 'alice.pem', alice.certificate.toString()),
    ca: await put(dir, 'ca.pem', ca.certificate.toString()),
  };
}

describe('PKCS#12', () => {
  for (const legacy of [false, true]) {
    test(`our file (${legacy ? '3DES' : 'AES-256'}) is read by openssl pkcs12 with key and chain`, async () => {
      const { ca, alice } = await testPki();
      const dir = await scratchDir();
      const path = await put(
        dir,
        'a.p12',
        exportPkcs12(alice, 'p12 pass', { legacy, friendlyName: 'alice' }),
      );
      const result = await openssl(['pkcs12', '-in', path, '-passin', 'pass:p12 pass', '-nodes']);
      assert.equal(result.code, 0, result.stderr);
      const text = result.stdout.toString();
      assert.match(text, /friendlyName: alice/);
      assert.ok(text.includes(alice.certificate.toString().trim()));
      assert.ok(text.includes(ca.certificate.toString().trim()));
      assert.ok(text.includes(privateKeyToPem(alice.privateKey).trim()));
      const wrong = await openssl(['pkcs12', '-in', path, '-passin', 'pass:nope', '-nodes']);
      assert.notEqual(wrong.code, 0);
    });
  }

  for (const flavour of ['default', '-legacy'] as const) {
    test(`openssl's ${flavour} file is imported with its chain`, async () => {
      const { ca, alice } = await testPki();
      const dir = await scratchDir();
      const files = await aliceFiles(dir);
      const out = join(dir, 'o.p12');
      const made = await openssl([
        'pkcs12',
        '-export',
        ...(flavour === '-legacy' ? ['-legacy'] : []),
        '-inkey',
        files.key,
        '-in',
        files.cert,
        '-certfile',
        files.ca,
        '-passout',
        'pass:from openssl',
        '-out',
        out,
      ]);
      assert.equal(made.code, 0, made.stderr);
      const imported = importPkcs12(await readFile(out), 'from openssl');
      assert.equal(imported.certificate.fingerprint256, alice.certificate.fingerprint256);
      assert.ok(imported.privateKey.equals(alice.privateKey));
      assert.deepEqual(
        imported.chain.map((c) => c.fingerprint256),
        [ca.certificate.fingerprint256],
      );
    });
  }

  test('our own file round-trips, with an ASCII and a non-ASCII passphrase', async () => {
    const { alice } = await testPki();
    for (const legacy of [false, true]) {
      for (const passphrase of ['x', 'pässwörd ✓']) {
        const imported = importPkcs12(exportPkcs12(alice, passphrase, { legacy }), passphrase);
        assert.ok(imported.privateKey.equals(alice.privateKey));
        assert.equal(imported.certificate.fingerprint256, alice.certificate.fingerprint256);
      }
    }
  });

  test('openssl reads our file with a non-ASCII passphrase and an HMAC-SHA-256 MAC', async () => {
    const { alice } = await testPki();
    const dir = await scratchDir();
    const path = await put(dir, 'utf8.p12', exportPkcs12(alice, 'pässwörd ✓'));
    const info = await openssl([
      'pkcs12',
      '-in',
      path,
      '-passin',
      'pass:pässwörd ✓',
      '-info',
      '-nodes',
    ]);
    assert.equal(info.code, 0, info.stderr);
    assert.match(info.stderr, /MAC: sha256, Iteration 2048/);
    assert.ok(info.stdout.toString().includes(privateKeyToPem(alice.privateKey).trim()));
  });

  test('an ECDSA file from openssl is imported through node:crypto', async () => {
    const dir = await scratchDir();
    const key = join(dir, 'ec.key');
    const cert = join(dir, 'ec.pem');
    const out = join(dir, 'ec.p12');
    assert.equal(
      (
        await openssl([
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-nodes',
          '-keyout',
          key,
          '-subj',
          '/CN=ec.example',
          '-days',
          '1',
          '-out',
          cert,
        ])
      ).code,
      0,
    );
    assert.equal(
      (
        await openssl([
          'pkcs12',
          '-export',
          '-inkey',
          key,
          '-in',
          cert,
          '-passout',
          'pass:ec',
          '-out',
          out,
        ])
      ).code,
      0,
    );
    const imported = importPkcs12(await readFile(out), 'ec');
    assert.equal(imported.privateKey.asymmetricKeyType, 'ec');
    assert.ok(imported.certificate.checkPrivateKey(imported.privateKey));
  });

  test("openssl's SHA-256 MAC with a wrong passphrase, and a non-ASCII passphrase", async () => {
    const { alice } = await testPki();
    const dir = await scratchDir();
    const files = await aliceFiles(dir);
    const out = join(dir, 'utf8.p12');
    const made = await openssl([
      'pkcs12',
      '-export',
      '-inkey',
      files.key,
      '-in',
      files.cert,
      '-passout',
      'pass:pässwörd ✓',
      '-out',
      out,
    ]);
    assert.equal(made.code, 0, made.stderr);
    const file = await readFile(out);
    assert.ok(importPkcs12(file, 'pässwörd ✓').privateKey.equals(alice.privateKey));
    assert.throws(() => importPkcs12(file, 'passwort'), { code: 'IDENTITY_WRONG_PASSPHRASE' });
  });

  test('a wrong passphrase gives IDENTITY_WRONG_PASSPHRASE', async () => {
    const { alice } = await testPki();
    assert.throws(() => importPkcs12(exportPkcs12(alice, 'right'), 'wrong'), {
      code: 'IDENTITY_WRONG_PASSPHRASE',
    });
  });

  test('corrupt, truncated and foreign files give IDENTITY_MALFORMED_INPUT', async () => {
    const { alice } = await testPki();
    const file = exportPkcs12(alice, 'pw');
    assert.throws(() => importPkcs12(file.subarray(0, file.length / 2), 'pw'), {
      code: 'IDENTITY_MALFORMED_INPUT',
    });
    assert.throws(() => importPkcs12(Buffer.from('not a pkcs12 file'), 'pw'), {
      code: 'IDENTITY_MALFORMED_INPUT',
    });
    assert.throws(() => importPkcs12(alice.certificate.raw, 'pw'), {
      code: 'IDENTITY_MALFORMED_INPUT',
    });
    const flipped = Buffer.from(file);
    flipped[Math.floor(flipped.length / 2)] = (flipped[Math.floor(flipped.length / 2)] ?? 0) ^ 0x01;
    assert.throws(
      () => importPkcs12(flipped, 'pw'),
      (error: unknown) =>
        ['IDENTITY_MALFORMED_INPUT', 'IDENTITY_WRONG_PASSPHRASE'].includes(
          (error as { code: string }).code,
        ),
    );
  });

  test('a file with certificates but no key is IDENTITY_PKCS12_INCOMPLETE', async () => {
    const dir = await scratchDir();
    const files = await aliceFiles(dir);
    const out = join(dir, 'nokey.p12');
    const made = await openssl([
      'pkcs12',
      '-export',
      '-nokeys',
      '-in',
      files.cert,
      '-passout',
      'pass:pw',
      '-out',
      out,
    ]);
    assert.equal(made.code, 0, made.stderr);
    const noKeyFile = await readFile(out);
    assert.throws(() => importPkcs12(noKeyFile, 'pw'), {
      code: 'IDENTITY_PKCS12_INCOMPLETE',
    });
  });
});
