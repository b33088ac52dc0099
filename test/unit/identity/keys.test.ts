import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  encryptPrivateKey,
  KEY_AT_REST_PBKDF2_ITERATIONS,
  MAX_CREDENTIAL_INPUT_BYTES,
  pemDecodeAll,
  privateKeyToPem,
  publicKeyOf,
  readPrivateKey,
} from '../../../src/identity/index.ts';
import { openssl, put, scratchDir, testPki } from './helpers.ts';

describe('private keys at rest', () => {
  test('an encrypted PKCS#8 PEM round-trips and openssl opens it with the passphrase', async () => {
    const { alice } = await testPki();
    const pem = await encryptPrivateKey(alice.privateKey, 'correct horse');
    assert.match(pem, /^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    assert.ok(readPrivateKey(pem, 'correct horse').equals(alice.privateKey));
    const dir = await scratchDir();
    const path = await put(dir, 'k.pem', pem);
    const opened = await openssl(['pkey', '-in', path, '-passin', 'pass:correct horse', '-pubout']);
    assert.equal(opened.code, 0, opened.stderr);
    assert.equal(
      opened.stdout.toString(),
      publicKeyOf(alice.privateKey).export({ type: 'spki', format: 'pem' }),
    );
    const refused = await openssl(['pkey', '-in', path, '-passin', 'pass:wrong', '-noout']);
    assert.notEqual(refused.code, 0);
    const parsed = await openssl(['asn1parse', '-in', path]);
    const structure = parsed.stdout.toString();
    assert.match(structure, /:PBES2[\s\S]*:PBKDF2[\s\S]*:hmacWithSHA256[\s\S]*:aes-256-cbc/);
    const iterations = KEY_AT_REST_PBKDF2_ITERATIONS.toString(16).toUpperCase().padStart(6, '0');
    assert.match(structure, new RegExp(`INTEGER\\s+:${iterations}\\b`));
  });

  test('an encrypted DER key round-trips', async () => {
    const { alice } = await testPki();
    const pem = await encryptPrivateKey(alice.privateKey, 'pw', { iterations: 1000 });
    const der = pemDecodeAll(pem)[0]?.der ?? Buffer.alloc(0);
    assert.ok(readPrivateKey(der, 'pw').equals(alice.privateKey));
    assert.throws(() => readPrivateKey(der, 'nope'), { code: 'IDENTITY_WRONG_PASSPHRASE' });
    assert.throws(() => readPrivateKey(der), { code: 'IDENTITY_PASSPHRASE_REQUIRED' });
  });

  test('keys that openssl encrypted (PKCS#8 AES-256 and legacy PEM) are read', async () => {
    const dir = await scratchDir();
    const pkcs8 = join(dir, 'pkcs8.pem');
    const made = await openssl([
      'genpkey',
      '-algorithm',
      'RSA',
      '-pkeyopt',
      'rsa_keygen_bits:2048',
      '-aes-256-cbc',
      '-pass',
      'pass:s3cret',
      '-out',
      pkcs8,
    ]);
    assert.equal(made.code, 0, made.stderr);
    const key = readPrivateKey(await readFile(pkcs8, 'utf8'), 's3cret');
    assert.equal(key.asymmetricKeyType, 'rsa');
    const legacy = join(dir, 'legacy.pem');
    const converted = await openssl([
      'rsa',
      '-in',
      pkcs8,
      '-passin',
      'pass:s3cret',
      '-aes256',
      '-traditional',
      '-passout',
      'pass:other',
      '-out',
      legacy,
    ]);
    assert.equal(converted.code, 0, converted.stderr);
    const legacyPem = await readFile(legacy, 'utf8');
    assert.match(legacyPem, /Proc-Type: 4,ENCRYPTED/);
    assert.ok(readPrivateKey(legacyPem, 'other').equals(key));
    assert.throws(() => readPrivateKey(legacyPem), { code: 'IDENTITY_PASSPHRASE_REQUIRED' });
    assert.throws(() => readPrivateKey(legacyPem, 's3cret'), { code: 'IDENTITY_WRONG_PASSPHRASE' });
  });

  test('an unencrypted ECDSA key from openssl is read', async () => {
    const dir = await scratchDir();
    const path = join(dir, 'ec.pem');
    const made = await openssl([
      'genpkey',
      '-algorithm',
      'EC',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-out',
      path,
    ]);
    assert.equal(made.code, 0, made.stderr);
    assert.equal(readPrivateKey(await readFile(path)).asymmetricKeyType, 'ec');
  });

  test('a bad iteration count is refused', async () => {
    const { alice } = await testPki();
    await assert.rejects(encryptPrivateKey(alice.privateKey, 'pw', { iterations: 0 }), RangeError);
  });

  test('a wrong or missing passphrase gives its own code', async () => {
    const { alice } = await testPki();
    const pem = await encryptPrivateKey(alice.privateKey, 'right', { iterations: 1000 });
    assert.throws(() => readPrivateKey(pem, 'wrong'), { code: 'IDENTITY_WRONG_PASSPHRASE' });
    assert.throws(() => readPrivateKey(pem), { code: 'IDENTITY_PASSPHRASE_REQUIRED' });
  });

  test('corrupt, truncated, empty and oversized key files are refused with a code', async () => {
    const { alice } = await testPki();
    const pem = privateKeyToPem(alice.privateKey);
    const lines = pem.split('\n');
    const truncated = [...lines.slice(0, 5), lines.at(-2) ?? ''].join('\n');
    assert.throws(() => readPrivateKey(truncated), { code: 'IDENTITY_MALFORMED_INPUT' });
    assert.throws(() => readPrivateKey(pem.replace(/[A-Z]/g, 'A')), {
      code: 'IDENTITY_MALFORMED_INPUT',
    });
    assert.throws(() => readPrivateKey(''), { code: 'IDENTITY_MALFORMED_INPUT' });
    assert.throws(() => readPrivateKey(Buffer.from([0x30, 0x82, 0xff])), {
      code: 'IDENTITY_MALFORMED_INPUT',
    });
    assert.throws(
      () => readPrivateKey('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'),
      {
        code: 'IDENTITY_MALFORMED_INPUT',
      },
    );
    assert.throws(() => readPrivateKey(Buffer.alloc(MAX_CREDENTIAL_INPUT_BYTES + 1)), {
      code: 'IDENTITY_INPUT_TOO_LARGE',
    });
    // CBC has no MAC: a flipped byte near the end decrypts to well-formed DER with a
    // wrong qInv, which the consistency check catches; elsewhere, padding or DER fails.
    const encrypted = await encryptPrivateKey(alice.privateKey, 'pw', { iterations: 1000 });
    const der = pemDecodeAll(encrypted)[0]?.der ?? Buffer.alloc(0);
    for (let offset = -1; offset > -der.length; offset -= 13) {
      const flipped = Buffer.from(der);
      flipped[flipped.length + offset] = (flipped[flipped.length + offset] ?? 0) ^ 0xff;
      assert.throws(
        () => readPrivateKey(flipped, 'pw'),
        (error: unknown) =>
          ['IDENTITY_WRONG_PASSPHRASE', 'IDENTITY_MALFORMED_INPUT'].includes(
            (error as { code: string }).code,
          ),
        `offset ${offset}`,
      );
    }
  });
});
