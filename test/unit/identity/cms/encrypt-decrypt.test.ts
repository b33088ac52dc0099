import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  decryptCms,
  encryptCms,
  privateKeyToPem,
  signCms,
  type Credentials,
} from '../../../../src/identity/index.ts';
import {
  flipBit,
  openssl,
  opensslEcdsaPki,
  put,
  scratchDir,
  strangerPki,
  testPki,
} from '../helpers.ts';

/** 1000 octets of 'x' then every byte value: arbitrary octets of a known padding. */
const CONTENT = Buffer.concat([
  Buffer.alloc(1000, 'x'),
  Buffer.from(Array.from({ length: 256 }, (_, index) => index)),
]);

async function opensslDecrypt(dir: string, enveloped: Buffer, recipient: Credentials) {
  return openssl([
    'cms',
    '-decrypt',
    '-binary',
    '-inform',
    'DER',
    '-in',
    await put(dir, 'enveloped.der', enveloped),
    '-recip',
    await put(dir, 'recip.pem', recipient.certificate.toString()),
    '-inkey',
    await put(dir, 'recip.key', privateKeyToPem(recipient.privateKey)),
  ]);
}

/** Encrypts CONTENT with openssl cms; keyOptions (-keyopt) apply to every recipient. */
async function opensslEncrypt(
  dir: string,
  recipients: readonly Credentials[],
  flags: readonly string[],
  keyOptions: readonly string[] = [],
) {
  const out = join(dir, `enc-${[...flags, ...keyOptions].join('')}.der`);
  const recipientFiles = await Promise.all(
    recipients.map((recipient, index) =>
      put(dir, `r${index}.pem`, recipient.certificate.toString()),
    ),
  );
  const result = await openssl([
    'cms',
    '-encrypt',
    '-binary',
    '-outform',
    'DER',
    ...flags,
    '-in',
    await put(dir, 'plain.bin', CONTENT),
    '-out',
    out,
    ...recipientFiles.flatMap((file) => [
      '-recip',
      file,
      ...keyOptions.flatMap((option) => ['-keyopt', option]),
    ]),
  ]);
  assert.equal(result.code, 0, result.stderr);
  return readFile(out);
}

describe('CMS EnvelopedData: we encrypt, openssl decrypts', () => {
  test('to several recipients, each of whom decrypts', async () => {
    const { alice, bob } = await testPki();
    const dir = await scratchDir();
    const enveloped = encryptCms(CONTENT, [alice.certificate, bob.certificate]);
    for (const recipient of [alice, bob]) {
      const result = await opensslDecrypt(dir, enveloped, recipient);
      assert.equal(result.code, 0, result.stderr);
      assert.ok(result.stdout.equals(CONTENT));
    }
  });

  test('with AES-128 too, and empty content', async () => {
    const { alice } = await testPki();
    const dir = await scratchDir();
    const result = await opensslDecrypt(
      dir,
      encryptCms(Buffer.alloc(0), [alice.certificate], { cipher: 'aes-128-cbc' }),
      alice,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.length, 0);
  });

  test('with RSA-OAEP SHA-256 key transport, which openssl and we decrypt', async () => {
    const { alice, bob } = await testPki();
    const dir = await scratchDir();
    const enveloped = encryptCms(CONTENT, [alice.certificate, bob.certificate], {
      keyTransport: 'rsa-oaep-sha256',
    });
    const result = await opensslDecrypt(dir, enveloped, bob);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(result.stdout.equals(CONTENT));
    assert.ok(decryptCms(enveloped, alice).equals(CONTENT));
    const parsed = await openssl([
      'cms',
      '-cmsout',
      '-print',
      '-inform',
      'DER',
      '-in',
      await put(dir, 'oaep.der', enveloped),
    ]);
    assert.match(parsed.stdout.toString(), /rsaesOaep[\s\S]*sha256/);
  });

  test('openssl refuses it for a non-recipient', async () => {
    const { alice, bob } = await testPki();
    const dir = await scratchDir();
    const result = await opensslDecrypt(dir, encryptCms(CONTENT, [alice.certificate]), bob);
    assert.notEqual(result.code, 0);
  });
});

describe('CMS EnvelopedData: openssl encrypts, we decrypt', () => {
  for (const [name, flags, keyOptions] of [
    ['-aes256', ['-aes256'], []],
    ['the default cipher (3DES)', [], []],
    ['-aes128 streamed (BER)', ['-aes128', '-stream'], []],
    ['RSA-OAEP key transport', ['-aes256'], ['rsa_padding_mode:oaep']],
    ['RSA-OAEP with SHA-256', ['-aes256'], ['rsa_padding_mode:oaep', 'rsa_oaep_md:sha256']],
    ['recipients named by subject key identifier', ['-aes256', '-keyid'], []],
  ] as const) {
    test(name, async () => {
      const { alice, bob } = await testPki();
      const dir = await scratchDir();
      const enveloped = await opensslEncrypt(dir, [alice, bob], flags, keyOptions);
      assert.ok(decryptCms(enveloped, alice).equals(CONTENT));
      assert.ok(decryptCms(enveloped, bob).equals(CONTENT));
    });
  }
});

describe('CMS EnvelopedData: each failure has its own reason', () => {
  test('a certificate that is no recipient is CMS_NO_MATCHING_RECIPIENT', async () => {
    const { alice, bob } = await testPki();
    const dir = await scratchDir();
    for (const enveloped of [
      encryptCms(CONTENT, [alice.certificate]),
      await opensslEncrypt(dir, [alice], ['-aes256']),
    ]) {
      assert.throws(() => decryptCms(enveloped, bob), { code: 'CMS_NO_MATCHING_RECIPIENT' });
    }
  });

  test("the recipient's certificate with a wrong key is CMS_DECRYPTION_FAILED", async () => {
    const { alice, bob } = await testPki();
    const enveloped = encryptCms(CONTENT, [alice.certificate]);
    assert.throws(
      () => decryptCms(enveloped, { certificate: alice.certificate, privateKey: bob.privateKey }),
      { code: 'CMS_DECRYPTION_FAILED' },
    );
  });

  test('tampered ciphertext is CMS_DECRYPTION_FAILED', async () => {
    const { alice } = await testPki();
    const enveloped = encryptCms(CONTENT, [alice.certificate]);
    // The last octet of the next-to-last block flips the padding length in the last block.
    assert.throws(() => decryptCms(flipBit(enveloped, -17), alice), {
      code: 'CMS_DECRYPTION_FAILED',
    });
  });

  test('no recipients, an ECDSA recipient, SignedData and garbage are refused', async () => {
    const { alice } = await testPki();
    const dir = await scratchDir();
    const ec = await opensslEcdsaPki(dir);
    assert.throws(() => encryptCms(CONTENT, []), RangeError);
    assert.throws(() => encryptCms(CONTENT, [ec.user.certificate]), {
      code: 'CMS_UNSUPPORTED_ALGORITHM',
    });
    assert.throws(() => decryptCms(signCms(CONTENT, alice), alice), {
      code: 'CMS_WRONG_CONTENT_TYPE',
    });
    assert.throws(() => decryptCms(Buffer.from([0x30, 0x05, 0x06]), alice), {
      code: 'IDENTITY_MALFORMED_INPUT',
    });
  });

  test('a stranger cannot read mail to alice and bob', async () => {
    const { alice, bob } = await testPki();
    const stranger = await strangerPki();
    const enveloped = encryptCms(CONTENT, [alice.certificate, bob.certificate]);
    assert.throws(() => decryptCms(enveloped, stranger.user), {
      code: 'CMS_NO_MATCHING_RECIPIENT',
    });
  });
});
