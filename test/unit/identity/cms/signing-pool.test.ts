import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { SigningPool, signCms, signCmsWith, verifyCms } from '../../../../src/identity/index.ts';
import { openssl, put, scratchDir, testPki } from '../helpers.ts';

const CONTENT = Buffer.from('Subject: signed on a worker\r\n\r\nbody\r\n');
const AT = new Date('2026-12-01T10:00:00Z');

describe('SigningPool: raw signatures on worker threads', () => {
  test('signCmsWith a pool gives the same SignedData as signCms, and openssl verifies it', async () => {
    const { ca, alice } = await testPki();
    const pool = new SigningPool(alice.privateKey, 2);
    try {
      const options = { detached: false, signingTime: AT } as const;
      const pooled = await signCmsWith(CONTENT, alice, pool.sign, options);
      // RSA PKCS#1 v1.5 is deterministic: the same key, attributes and time, the same octets.
      assert.ok(pooled.equals(signCms(CONTENT, alice, options)));
      const dir = await scratchDir();
      const result = await openssl([
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'DER',
        '-in',
        await put(dir, 'pooled.der', pooled),
        '-CAfile',
        await put(dir, 'ca.pem', ca.certificate.toString()),
      ]);
      assert.equal(result.code, 0, result.stderr);
      assert.ok(result.stdout.equals(CONTENT));
    } finally {
      await pool.close();
    }
  });

  test('many signatures at once are all answered, each for its own content', async () => {
    const { alice } = await testPki();
    const pool = new SigningPool(alice.privateKey, 2);
    try {
      const contents = Array.from({ length: 40 }, (_, index) => Buffer.from(`part ${index}`));
      const signed = await Promise.all(
        contents.map((content) => signCmsWith(content, alice, pool.sign, { detached: false })),
      );
      assert.deepEqual(
        signed.map((der) => verifyCms(der).content.toString()),
        contents.map((content) => content.toString()),
      );
    } finally {
      await pool.close();
    }
  });

  test('a key other than the pool’s is refused, and a closed pool refuses', async () => {
    const { alice, bob } = await testPki();
    const pool = new SigningPool(alice.privateKey, 1);
    await assert.rejects(signCmsWith(CONTENT, bob, pool.sign), { code: 'IDENTITY_SIGNING_FAILED' });
    await pool.close();
    await assert.rejects(signCmsWith(CONTENT, alice, pool.sign), {
      code: 'IDENTITY_SIGNING_FAILED',
      message: /closed/,
    });
  });

  test('a public key makes no pool', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    assert.throws(() => new SigningPool(publicKey), { code: 'IDENTITY_UNSUPPORTED_KEY' });
  });

  test('a key that cannot sign fails its request with the worker’s reason', async () => {
    const { alice } = await testPki();
    // An X25519 key is private but cannot sign: the worker reports node:crypto's error.
    const { privateKey } = generateKeyPairSync('x25519');
    const pool = new SigningPool(privateKey, 1);
    try {
      await assert.rejects(pool.sign(Buffer.from('x'), privateKey), {
        code: 'IDENTITY_SIGNING_FAILED',
      });
      // The pool still answers afterwards (the worker lives on).
      await assert.rejects(pool.sign(Buffer.from('y'), alice.privateKey), {
        code: 'IDENTITY_SIGNING_FAILED',
        message: /another key/,
      });
    } finally {
      await pool.close();
    }
  });
});
