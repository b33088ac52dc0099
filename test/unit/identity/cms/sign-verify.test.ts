import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createCsr,
  encryptCms,
  generateRsaPrivateKey,
  issueUserCertificate,
  MAX_CMS_INPUT_BYTES,
  privateKeyToPem,
  signCms,
  verifyCms,
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
import { makeIntermediateCa } from '../../../helpers/intermediate-ca.ts';

/** Every octet value, CR LF and a NUL: content that must survive byte for byte. */
const CONTENT = Buffer.concat([
  Buffer.from('Subject: MT2 part\r\n\r\nbody line\n'),
  Buffer.from(Array.from({ length: 256 }, (_, index) => index)),
]);

/** Signs CONTENT with openssl cms as `signer`; extra flags pass through. */
async function opensslSign(dir: string, signer: Credentials, flags: readonly string[]) {
  const out = join(dir, `signed-${flags.join('')}.der`);
  const result = await openssl([
    'cms',
    '-sign',
    '-binary',
    '-outform',
    'DER',
    '-in',
    await put(dir, 'content.bin', CONTENT),
    '-signer',
    await put(dir, 'signer.pem', signer.certificate.toString()),
    '-inkey',
    await put(dir, 'signer.key', privateKeyToPem(signer.privateKey)),
    '-out',
    out,
    ...flags, // after -signer, where -keyopt applies
  ]);
  assert.equal(result.code, 0, result.stderr);
  return readFile(out);
}

/** openssl cms -verify of our SignedData against `caPem`; detached when content is given. */
async function opensslVerify(dir: string, signed: Buffer, caPem: string, detached: boolean) {
  return openssl([
    'cms',
    '-verify',
    '-binary',
    '-inform',
    'DER',
    '-in',
    await put(dir, 'ours.der', signed),
    ...(detached ? ['-content', await put(dir, 'content.bin', CONTENT)] : []),
    '-CAfile',
    await put(dir, 'ca.pem', caPem),
  ]);
}

describe('CMS SignedData: we sign, openssl verifies', () => {
  test('detached, carrying the signer but not its self-signed root; openssl verifies with the root', async () => {
    const { ca, alice } = await testPki();
    const dir = await scratchDir();
    const ours = verifyCms(signCms(CONTENT, alice), { content: CONTENT });
    assert.deepEqual(
      ours.certificates.map((certificate) => certificate.fingerprint256),
      [alice.certificate.fingerprint256],
    );
    const result = await opensslVerify(
      dir,
      signCms(CONTENT, alice),
      ca.certificate.toString(),
      true,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Verification successful/);
  });

  test('an intermediate CA travels with the signature, its root does not', async () => {
    const { ca } = await testPki();
    const issuing = await makeIntermediateCa(ca);
    const privateKey = await generateRsaPrivateKey();
    const address = 'carol@example.com';
    const carol: Credentials = {
      certificate: issueUserCertificate(issuing, createCsr(privateKey, { address }), { address }),
      privateKey,
      chain: [issuing.certificate, ca.certificate],
    };
    const signed = signCms(CONTENT, carol);
    // The certificates field is a DER SET OF, so its order is the encoding's, not ours.
    assert.deepEqual(
      verifyCms(signed, { content: CONTENT })
        .certificates.map((certificate) => certificate.fingerprint256)
        .sort(),
      [carol.certificate.fingerprint256, issuing.certificate.fingerprint256].sort(),
    );
    const result = await opensslVerify(await scratchDir(), signed, ca.certificate.toString(), true);
    assert.equal(result.code, 0, result.stderr);
  });

  test('attached, and openssl outputs the exact content', async () => {
    const { ca, alice } = await testPki();
    const dir = await scratchDir();
    const signed = signCms(CONTENT, alice, { detached: false });
    const result = await opensslVerify(dir, signed, ca.certificate.toString(), false);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(result.stdout.equals(CONTENT));
  });

  test('with an ECDSA key from elsewhere', async () => {
    const dir = await scratchDir();
    const ec = await opensslEcdsaPki(dir);
    const result = await opensslVerify(dir, signCms(CONTENT, ec.user), ec.ca.toString(), true);
    assert.equal(result.code, 0, result.stderr);
  });

  test('an Ed25519 key is refused as unsupported', async () => {
    const { alice } = await testPki();
    const { privateKey } = generateKeyPairSync('ed25519');
    assert.throws(() => signCms(CONTENT, { ...alice, privateKey }), {
      code: 'IDENTITY_UNSUPPORTED_KEY',
    });
  });

  test('openssl refuses our signature with a flipped bit', async () => {
    const { ca, alice } = await testPki();
    const dir = await scratchDir();
    const flipped = flipBit(signCms(CONTENT, alice), -10);
    const result = await opensslVerify(dir, flipped, ca.certificate.toString(), true);
    assert.notEqual(result.code, 0);
  });
});

describe('CMS SignedData: openssl signs, we verify', () => {
  test('detached, with signer, certificates and chain to the anchor', async () => {
    const { ca, alice } = await testPki();
    const dir = await scratchDir();
    const signed = await opensslSign(dir, alice, []);
    const verified = verifyCms(signed, { content: CONTENT, trustAnchors: [ca.certificate] });
    assert.equal(verified.signer.certificate.fingerprint256, alice.certificate.fingerprint256);
    assert.deepEqual(
      verified.signer.chain.map((certificate) => certificate.fingerprint256),
      [alice.certificate.fingerprint256, ca.certificate.fingerprint256],
    );
    assert.equal(verified.signer.digestAlgorithm, 'sha256');
    const signingTime = verified.signer.signingTime;
    assert.ok(signingTime instanceof Date);
    assert.ok(Math.abs(signingTime.getTime() - Date.now()) < 600_000);
    assert.deepEqual(
      verified.certificates.map((certificate) => certificate.fingerprint256),
      [alice.certificate.fingerprint256],
    );
  });

  test('attached and streamed (BER, indefinite lengths)', async () => {
    const { ca, alice } = await testPki();
    const dir = await scratchDir();
    const signed = await opensslSign(dir, alice, ['-nodetach', '-stream']);
    assert.equal(signed[1], 0x80, 'openssl wrote an indefinite length');
    const verified = verifyCms(signed, { trustAnchors: [ca.certificate] });
    assert.ok(verified.content.equals(CONTENT));
  });

  test('without signed attributes (-noattr), signed by subject key identifier (-keyid)', async () => {
    const { alice } = await testPki();
    const dir = await scratchDir();
    const signed = await opensslSign(dir, alice, ['-noattr', '-keyid']);
    const verified = verifyCms(signed, { content: CONTENT });
    assert.equal(verified.signer.signingTime, undefined);
    assert.throws(() => verifyCms(signed, { content: flipBit(CONTENT, 3) }), {
      code: 'CMS_BAD_SIGNATURE',
    });
  });

  test('SHA-512 and RSA-PSS signatures verify', async () => {
    const { alice } = await testPki();
    const dir = await scratchDir();
    const sha512 = await opensslSign(dir, alice, ['-md', 'sha512']);
    assert.equal(verifyCms(sha512, { content: CONTENT }).signer.digestAlgorithm, 'sha512');
    const pss = await opensslSign(dir, alice, ['-keyopt', 'rsa_padding_mode:pss']);
    const verified = verifyCms(pss, { content: CONTENT });
    assert.equal(verified.signer.certificate.fingerprint256, alice.certificate.fingerprint256);
    assert.throws(() => verifyCms(flipBit(pss, -5), { content: CONTENT }), {
      code: 'CMS_BAD_SIGNATURE',
    });
  });

  test('an ECDSA signer and certificate from elsewhere', async () => {
    const dir = await scratchDir();
    const ec = await opensslEcdsaPki(dir);
    const signed = await opensslSign(dir, ec.user, []);
    const verified = verifyCms(signed, { content: CONTENT, trustAnchors: [ec.ca] });
    assert.equal(verified.signer.certificate.publicKey.asymmetricKeyType, 'ec');
    assert.throws(() => verifyCms(signed, { content: flipBit(CONTENT, 0) }), {
      code: 'CMS_CONTENT_DIGEST_MISMATCH',
    });
  });

  test('without certificates (-nocerts) the signer is given separately', async () => {
    const { alice } = await testPki();
    const dir = await scratchDir();
    const signed = await opensslSign(dir, alice, ['-nocerts']);
    assert.throws(() => verifyCms(signed, { content: CONTENT }), { code: 'CMS_SIGNER_NOT_FOUND' });
    const verified = verifyCms(signed, {
      content: CONTENT,
      extraCertificates: [alice.certificate],
    });
    assert.deepEqual(verified.certificates, []);
  });
});

describe('CMS SignedData: each failure has its own reason', () => {
  test('tampered content is CMS_CONTENT_DIGEST_MISMATCH', async () => {
    const { alice } = await testPki();
    const dir = await scratchDir();
    for (const signed of [signCms(CONTENT, alice), await opensslSign(dir, alice, [])]) {
      assert.throws(() => verifyCms(signed, { content: flipBit(CONTENT, 40) }), {
        code: 'CMS_CONTENT_DIGEST_MISMATCH',
      });
    }
    const attached = signCms(CONTENT, alice, { detached: false });
    const at = attached.indexOf(Buffer.from('body line'));
    assert.throws(() => verifyCms(flipBit(attached, at)), { code: 'CMS_CONTENT_DIGEST_MISMATCH' });
  });

  test('a flipped signature bit is CMS_BAD_SIGNATURE', async () => {
    const { alice } = await testPki();
    const dir = await scratchDir();
    for (const signed of [signCms(CONTENT, alice), await opensslSign(dir, alice, [])]) {
      assert.throws(() => verifyCms(flipBit(signed, -10), { content: CONTENT }), {
        code: 'CMS_BAD_SIGNATURE',
      });
    }
  });

  test('a signer outside the trust anchors is CMS_UNTRUSTED_SIGNER', async () => {
    const { ca } = await testPki();
    const stranger = await strangerPki();
    const signed = signCms(CONTENT, stranger.user);
    const options = { content: CONTENT };
    assert.ok(verifyCms(signed, options).signer.certificate.subject.includes('mallory'));
    assert.throws(() => verifyCms(signed, { ...options, trustAnchors: [ca.certificate] }), {
      code: 'CMS_UNTRUSTED_SIGNER',
    });
    assert.throws(() => verifyCms(signed, { ...options, trustAnchors: [] }), {
      code: 'CMS_UNTRUSTED_SIGNER',
    });
    const withForgedChain = signCms(CONTENT, stranger.user, {
      extraCertificates: [ca.certificate],
    });
    assert.throws(
      () => verifyCms(withForgedChain, { ...options, trustAnchors: [ca.certificate] }),
      { code: 'CMS_UNTRUSTED_SIGNER' },
    );
  });

  test('detached without content is CMS_CONTENT_MISSING', async () => {
    const { alice } = await testPki();
    assert.throws(() => verifyCms(signCms(CONTENT, alice)), { code: 'CMS_CONTENT_MISSING' });
  });

  test('other CMS types, garbage, truncation and oversize are refused with codes', async () => {
    const { alice } = await testPki();
    assert.throws(() => verifyCms(encryptCms(CONTENT, [alice.certificate])), {
      code: 'CMS_WRONG_CONTENT_TYPE',
    });
    const signed = signCms(CONTENT, alice);
    for (const bad of [
      Buffer.from('garbage'),
      signed.subarray(0, signed.length - 1),
      Buffer.alloc(0),
    ]) {
      assert.throws(() => verifyCms(bad, { content: CONTENT }), {
        code: 'IDENTITY_MALFORMED_INPUT',
      });
    }
    assert.throws(() => verifyCms(Buffer.alloc(MAX_CMS_INPUT_BYTES + 1)), {
      code: 'IDENTITY_INPUT_TOO_LARGE',
    });
  });
});
