import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import {
  decodeMessageStatement,
  encodeMessageStatement,
  IdentityError,
  MAX_SIGNATURE_BYTES,
  MessageSecurityError,
  messagePartDigests,
  signCms,
  signMessage,
  verifyMessage,
  type MessageParts,
  type MessageVerification,
} from '../../../../src/identity/index.ts';
import { flipBit, openssl, put, scratchDir, strangerPki } from '../helpers.ts';
import { aliceToBob, messagePki, roundTrip, signatureOf } from './fixtures.ts';

const codes = (verification: MessageVerification) => verification.failures.map((item) => item.code);

async function signedByAlice(): Promise<MessageParts> {
  const { alice } = await messagePki();
  const parts = aliceToBob();
  return { ...parts, envelope: roundTrip(signMessage(parts, alice)) };
}

describe('signMessage and verifyMessage', () => {
  test('a signed message verifies after the envelope went through XML', async () => {
    const { validator, alice } = await messagePki();
    const parts = await signedByAlice();
    const result = await verifyMessage(parts, validator, new Date());
    assert.deepEqual(result.failures, []);
    assert.equal(result.valid, true);
    assert.deepEqual(result.checks, {
      signature: 'passed',
      messageId: 'passed',
      headers: 'passed',
      body: 'passed',
      errorReport: 'not-checked',
      encryptionFlags: 'passed',
      certificate: 'passed',
      senderBinding: 'passed',
    });
    assert.ok(result.signer?.raw.equals(alice.certificate.raw));
    assert.equal(result.verdict?.valid, true);
    assert.ok(parts.envelope.certificate !== undefined);
    assert.ok(Buffer.from(parts.envelope.certificate).equals(alice.certificate.raw));
  });

  test('openssl cms verifies the signature and prints the documented statement', async () => {
    const { ca } = await messagePki();
    const parts = await signedByAlice();
    const dir = await scratchDir();
    assert.ok(parts.envelope.signature !== undefined);
    const signature = await put(dir, 'signature.der', parts.envelope.signature);
    const anchor = await put(dir, 'ca.pem', ca.certificate.toString());
    // The signer's certificate travels in the envelope, not in the SignedData.
    assert.ok(parts.envelope.certificate !== undefined);
    const signer = await put(
      dir,
      'signer.pem',
      new X509Certificate(parts.envelope.certificate).toString(),
    );
    const out = join(dir, 'statement.der');
    const verified = await openssl([
      'cms',
      '-verify',
      '-inform',
      'DER',
      '-in',
      signature,
      '-CAfile',
      anchor,
      '-certfile',
      signer,
      '-binary',
      '-out',
      out,
    ]);
    assert.equal(verified.code, 0, verified.stderr);
    const printed = await openssl(['asn1parse', '-inform', 'DER', '-in', out]);
    assert.match(printed.stdout.toString(), /UTF8STRING\s+:m1@example\.com/);
    assert.match(printed.stdout.toString(), /UTF8STRING\s+:message\/headers/);
    const expected = encodeMessageStatement({
      messageId: 'm1@example.com',
      parts: messagePartDigests(parts),
    });
    const written = await openssl([
      'asn1parse',
      '-inform',
      'DER',
      '-in',
      await put(dir, 'expected.der', expected),
    ]);
    assert.equal(printed.stdout.toString(), written.stdout.toString());
  });

  test('tampered headers: HEADERS_DIGEST_MISMATCH, the rest passes', async () => {
    const { validator } = await messagePki();
    const parts = await signedByAlice();
    const result = await verifyMessage(
      { ...parts, headers: flipBit(parts.headers, -20) },
      validator,
      new Date(),
    );
    assert.deepEqual(codes(result), ['HEADERS_DIGEST_MISMATCH']);
    assert.equal(result.checks.headers, 'failed');
    assert.equal(result.checks.body, 'passed');
    assert.equal(result.valid, false);
  });

  test('tampered body: BODY_DIGEST_MISMATCH', async () => {
    const { validator } = await messagePki();
    const parts = await signedByAlice();
    const result = await verifyMessage(
      { ...parts, body: flipBit(parts.body, -3) },
      validator,
      new Date(),
    );
    assert.deepEqual(codes(result), ['BODY_DIGEST_MISMATCH']);
    assert.equal(result.checks.headers, 'passed');
  });

  test('another msg-id in the envelope: MESSAGE_ID_MISMATCH', async () => {
    const { validator } = await messagePki();
    const parts = await signedByAlice();
    const envelope = { ...parts.envelope, messageId: 'm2@example.com' };
    const result = await verifyMessage({ ...parts, envelope }, validator, new Date());
    assert.deepEqual(codes(result), ['MESSAGE_ID_MISMATCH']);
  });

  test("a signature by another key than the envelope certificate's: SIGNER_NOT_ENVELOPE_CERTIFICATE", async () => {
    const { validator, bob } = await messagePki();
    const parts = await signedByAlice();
    const bobs = signMessage(aliceToBob('bob@example.com'), bob);
    const envelope = { ...parts.envelope, signature: signatureOf(bobs) };
    const result = await verifyMessage({ ...parts, envelope }, validator, new Date());
    assert.deepEqual(codes(result), ['SIGNER_NOT_ENVELOPE_CERTIFICATE']);
    assert.equal(result.checks.signature, 'failed');
    assert.equal(result.checks.headers, 'not-checked');
  });

  test("a signature naming Alice's certificate but made with Bob's key: SIGNATURE_INVALID", async () => {
    const { validator, alice, bob } = await messagePki();
    const forger = { ...alice, privateKey: bob.privateKey };
    const envelope = roundTrip(signMessage(aliceToBob(), forger));
    const result = await verifyMessage({ ...aliceToBob(), envelope }, validator, new Date());
    assert.deepEqual(codes(result), ['SIGNATURE_INVALID']);
  });

  test('a certificate for another address than the envelope sender: SENDER_NOT_BOUND', async () => {
    const { validator, bob } = await messagePki();
    const signed = signMessage(aliceToBob('bob@example.com'), bob);
    const envelope = { ...signed, sender: 'alice@example.com' };
    const result = await verifyMessage({ ...aliceToBob(), envelope }, validator, new Date());
    assert.deepEqual(codes(result), ['SENDER_NOT_BOUND']);
    assert.equal(result.checks.certificate, 'passed');
  });

  test('an expired certificate: CERTIFICATE_INVALID with the validator reason EXPIRED', async () => {
    const { validator, expiredCarol } = await messagePki();
    const parts = aliceToBob('carol@example.com');
    const envelope = roundTrip(signMessage(parts, expiredCarol));
    const result = await verifyMessage({ ...parts, envelope }, validator, new Date());
    assert.deepEqual(codes(result), ['CERTIFICATE_INVALID']);
    const reasons = result.failures[0]?.certificateReasons?.map((item) => item.code);
    assert.ok(reasons?.includes('EXPIRED'), `reasons: ${String(reasons)}`);
    assert.equal(result.verdict?.valid, false);
  });

  test('a certificate from a CA the validator does not know: CERTIFICATE_INVALID', async () => {
    const { validator } = await messagePki();
    const { user } = await strangerPki();
    const parts = aliceToBob('mallory@elsewhere.test');
    const envelope = signMessage(parts, user);
    const result = await verifyMessage({ ...parts, envelope }, validator, new Date());
    assert.deepEqual(codes(result), ['CERTIFICATE_INVALID']);
  });

  test('no signature: SIGNATURE_MISSING, nothing else checked', async () => {
    const { validator } = await messagePki();
    const result = await verifyMessage(aliceToBob(), validator, new Date());
    assert.deepEqual(codes(result), ['SIGNATURE_MISSING']);
    assert.equal(result.checks.certificate, 'not-checked');
  });

  test('unreadable signature, certificate or statement, oversized signature: SIGNATURE_MALFORMED', async () => {
    const { validator, alice } = await messagePki();
    const parts = await signedByAlice();
    const variants = [
      { ...parts.envelope, signature: Buffer.from('not DER at all') },
      { ...parts.envelope, certificate: Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]) },
      { ...parts.envelope, signature: Buffer.alloc(MAX_SIGNATURE_BYTES + 1, 0x30) },
      {
        ...parts.envelope,
        signature: signCms(Buffer.from('no statement'), alice, { detached: false }),
      },
      { ...parts.envelope, signature: signCms(Buffer.from('detached'), alice) },
    ];
    for (const envelope of variants) {
      const result = await verifyMessage({ ...parts, envelope }, validator, new Date());
      assert.deepEqual(codes(result), ['SIGNATURE_MALFORMED']);
    }
  });

  test('signMessage refuses a certificate for another address and a control message', async () => {
    const { bob } = await messagePki();
    assert.throws(
      () => signMessage(aliceToBob(), bob),
      (error) => error instanceof MessageSecurityError && error.code === 'MSGSEC_NOT_CERTIFIED',
    );
    const parts = aliceToBob('bob@example.com');
    assert.throws(
      () => signMessage({ ...parts, envelope: { ...parts.envelope, control: true } }, bob),
      (error) =>
        error instanceof MessageSecurityError && error.code === 'MSGSEC_WRONG_MESSAGE_KIND',
    );
  });
});

describe('the message statement', () => {
  test('round-trips, and a non-canonical encoding is refused', () => {
    const statement = {
      messageId: 'm1@example.com',
      parts: [{ type: 'message/body' as const, encrypted: true, digest: Buffer.alloc(32, 7) }],
    };
    const der = encodeMessageStatement(statement);
    assert.deepEqual(decodeMessageStatement(der), statement);
    const booleanAt = der.indexOf(Buffer.from([0x01, 0x01, 0xff]));
    assert.ok(booleanAt > 0);
    const nonCanonical = Buffer.from(der);
    nonCanonical[booleanAt + 2] = 0x01; // BER true, not DER
    assert.throws(
      () => decodeMessageStatement(nonCanonical),
      (error) => error instanceof IdentityError && error.code === 'IDENTITY_MALFORMED_INPUT',
    );
    assert.throws(
      () => decodeMessageStatement(Buffer.from([0x30, 0x00])),
      (error) => error instanceof IdentityError && error.code === 'IDENTITY_MALFORMED_INPUT',
    );
  });
});
