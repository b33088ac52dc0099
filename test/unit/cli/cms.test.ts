import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { mt2Main, type CliIo } from '../../../src/cli/index.ts';
import {
  encryptPrivateKey,
  MAX_CMS_INPUT_BYTES,
  privateKeyToPem,
} from '../../../src/identity/index.ts';
import { flipBit, openssl, put, scratchDir, strangerPki, testPki } from '../identity/helpers.ts';

/** Runs `mt2 ...args`; returns the exit code and what it printed. */
async function mt2(...args: string[]) {
  const lines = { out: [] as string[], err: [] as string[] };
  const io: CliIo = { out: (text) => lines.out.push(text), err: (text) => lines.err.push(text) };
  const code = await mt2Main(args, io);
  return { code, out: lines.out.join('\n'), err: lines.err.join('\n') };
}

const CONTENT = Buffer.from('MT2 body\r\nwith 8-bit \xe9 octets\0\n', 'latin1');

/** Files for the shared PKI: alice's key (encrypted), certificates, the content. */
async function files() {
  const { ca, alice, bob } = await testPki();
  const dir = await scratchDir();
  return {
    dir,
    content: await put(dir, 'content.bin', CONTENT),
    ca: await put(dir, 'ca.pem', ca.certificate.toString()),
    aliceCert: await put(dir, 'alice.pem', alice.certificate.toString()),
    aliceKey: await put(dir, 'alice.key', await encryptPrivateKey(alice.privateKey, 'a pw')),
    bobCert: await put(dir, 'bob.pem', bob.certificate.toString()),
    bobKey: await put(dir, 'bob.key', privateKeyToPem(bob.privateKey)),
  };
}

describe('mt2 cms', () => {
  test('sign (detached) is verified by openssl and by mt2 cms verify --trust', async () => {
    const f = await files();
    const signed = join(f.dir, 'signed.der');
    process.env['MT2_TEST_PASSPHRASE'] = 'a pw';
    const signing = await mt2(
      'cms',
      'sign',
      '--cert',
      f.aliceCert,
      '--key',
      f.aliceKey,
      '--passin',
      'env:MT2_TEST_PASSPHRASE',
      '--in',
      f.content,
      '--out',
      signed,
    );
    assert.equal(signing.code, 0, signing.err);
    const checked = await openssl([
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      signed,
      '-content',
      f.content,
      '-CAfile',
      f.ca,
    ]);
    assert.equal(checked.code, 0, checked.stderr);
    const verified = await mt2('cms', 'verify', '--content', f.content, '--trust', f.ca, signed);
    assert.equal(verified.code, 0, verified.err);
    assert.match(verified.out, /signer: CN=alice@example\.com \(sha256, signed /);
    assert.match(verified.out, /chains to a trusted CA/);
  });

  test('verify exits 1 with the reason for tampered content, a flipped bit and an untrusted signer', async () => {
    const f = await files();
    const signed = join(f.dir, 'signed.der');
    assert.equal(
      (
        await mt2(
          'cms',
          'sign',
          '--cert',
          f.bobCert,
          '--key',
          f.bobKey,
          '--in',
          f.content,
          '--out',
          signed,
        )
      ).code,
      0,
    );
    const tampered = await put(f.dir, 'tampered.bin', flipBit(CONTENT, 2));
    const digest = await mt2('cms', 'verify', '--content', tampered, signed);
    assert.equal(digest.code, 1);
    assert.match(digest.err, /CMS_CONTENT_DIGEST_MISMATCH/);
    const flipped = await put(f.dir, 'flipped.der', flipBit(await readFile(signed), -3));
    const bad = await mt2('cms', 'verify', '--content', f.content, flipped);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /CMS_BAD_SIGNATURE/);
    const stranger = await strangerPki();
    const strangerCa = await put(f.dir, 'stranger-ca.pem', stranger.ca.certificate.toString());
    const untrusted = await mt2(
      'cms',
      'verify',
      '--content',
      f.content,
      '--trust',
      strangerCa,
      signed,
    );
    assert.equal(untrusted.code, 1);
    assert.match(untrusted.err, /CMS_UNTRUSTED_SIGNER/);
  });

  test('attached signing from a PKCS#12 file, verify writes the content out', async () => {
    const f = await files();
    const p12 = join(f.dir, 'alice.p12');
    assert.equal(
      (
        await mt2(
          'p12',
          'export',
          '--cert',
          f.aliceCert,
          '--key',
          f.aliceKey,
          '--passin',
          'pass:a pw',
          '--passout',
          'pass:p',
          '--out',
          p12,
        )
      ).code,
      0,
    );
    const signed = join(f.dir, 'attached.der');
    const signing = await mt2(
      'cms',
      'sign',
      '--p12',
      p12,
      '--passin',
      'pass:p',
      '--attached',
      '--in',
      f.content,
      '--out',
      signed,
    );
    assert.equal(signing.code, 0, signing.err);
    const out = join(f.dir, 'out.bin');
    assert.equal((await mt2('cms', 'verify', '--out', out, signed)).code, 0);
    assert.ok((await readFile(out)).equals(CONTENT));
  });

  test('encrypt to two recipients: openssl decrypts; openssl -aes256 output: mt2 decrypts', async () => {
    const f = await files();
    const enveloped = join(f.dir, 'enveloped.der');
    const encrypting = await mt2(
      'cms',
      'encrypt',
      '--oaep',
      '--recip',
      f.aliceCert,
      '--recip',
      f.bobCert,
      '--in',
      f.content,
      '--out',
      enveloped,
    );
    assert.equal(encrypting.code, 0, encrypting.err);
    const opened = await openssl([
      'cms',
      '-decrypt',
      '-binary',
      '-inform',
      'DER',
      '-in',
      enveloped,
      '-recip',
      f.bobCert,
      '-inkey',
      f.bobKey,
    ]);
    assert.equal(opened.code, 0, opened.stderr);
    assert.ok(opened.stdout.equals(CONTENT));
    const fromOpenssl = join(f.dir, 'openssl.der');
    const made = await openssl([
      'cms',
      '-encrypt',
      '-binary',
      '-aes256',
      '-outform',
      'DER',
      '-in',
      f.content,
      '-out',
      fromOpenssl,
      f.aliceCert,
    ]);
    assert.equal(made.code, 0, made.stderr);
    const out = join(f.dir, 'plain.bin');
    const decrypting = await mt2(
      'cms',
      'decrypt',
      '--cert',
      f.aliceCert,
      '--key',
      f.aliceKey,
      '--passin',
      'pass:a pw',
      '--in',
      fromOpenssl,
      '--out',
      out,
    );
    assert.equal(decrypting.code, 0, decrypting.err);
    assert.ok((await readFile(out)).equals(CONTENT));
  });

  test('decrypt as a non-recipient, a wrong passphrase, a key of another certificate, a missing file', async () => {
    const f = await files();
    const enveloped = join(f.dir, 'to-alice.der');
    assert.equal(
      (await mt2('cms', 'encrypt', '--recip', f.aliceCert, '--in', f.content, '--out', enveloped))
        .code,
      0,
    );
    const out = join(f.dir, 'never.bin');
    const notRecipient = await mt2(
      'cms',
      'decrypt',
      '--cert',
      f.bobCert,
      '--key',
      f.bobKey,
      '--in',
      enveloped,
      '--out',
      out,
    );
    assert.equal(notRecipient.code, 1);
    assert.match(notRecipient.err, /CMS_NO_MATCHING_RECIPIENT/);
    const wrongPass = await mt2(
      'cms',
      'decrypt',
      '--cert',
      f.aliceCert,
      '--key',
      f.aliceKey,
      '--passin',
      'pass:nope',
      '--in',
      enveloped,
      '--out',
      out,
    );
    assert.match(wrongPass.err, /IDENTITY_WRONG_PASSPHRASE/);
    const mismatch = await mt2(
      'cms',
      'decrypt',
      '--cert',
      f.aliceCert,
      '--key',
      f.bobKey,
      '--in',
      enveloped,
      '--out',
      out,
    );
    assert.match(mismatch.err, /IDENTITY_KEY_MISMATCH/);
    const missing = await mt2('cms', 'verify', join(f.dir, 'no-such-file.der'));
    assert.equal(missing.code, 1);
    assert.match(missing.err, /ENOENT/);
    await assert.rejects(readFile(out), { code: 'ENOENT' });
    const huge = join(f.dir, 'huge.der');
    await truncate(await put(f.dir, 'huge.der', ''), MAX_CMS_INPUT_BYTES + 1); // sparse
    const tooLarge = await mt2('cms', 'verify', huge);
    assert.equal(tooLarge.code, 1);
    assert.match(tooLarge.err, /IDENTITY_INPUT_TOO_LARGE/);
  });

  test('usage errors exit 1 and print the usage', async () => {
    for (const args of [
      ['cms'],
      ['cms', 'frobnicate'],
      ['cms', 'encrypt', '--in', 'x', '--out', 'y'],
      ['cms', 'sign', '--bogus'],
    ]) {
      const result = await mt2(...args);
      assert.equal(result.code, 1, args.join(' '));
      assert.match(result.err, /usage:\s+mt2 cms sign/);
    }
  });
});
