import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  decryptPart,
  encryptedPartsOf,
  encryptMessageParts,
  encryptPart,
  ENCRYPTED_PARTS_OID,
  IdentityError,
  markEncryptedParts,
  MessageSecurityError,
  signMessage,
  verifyMessage,
  type MessageParts,
} from '../../../../src/identity/index.ts';
import { decodeHeaders, MessageError, summarizeHeaders } from '../../../../src/message/index.ts';
import { openssl, put, scratchDir } from '../helpers.ts';
import { aliceToBob, messagePki, roundTrip } from './fixtures.ts';

/** Alice's message with both parts encrypted to Bob and herself, then signed, as received. */
async function sealed(): Promise<{ clear: MessageParts; sent: MessageParts }> {
  const { alice, bob } = await messagePki();
  const clear = aliceToBob();
  const encrypted = encryptMessageParts(
    clear,
    ['headers', 'body'],
    [bob.certificate],
    alice.certificate,
  );
  const envelope = roundTrip(signMessage(encrypted, alice));
  return { clear, sent: { ...encrypted, envelope } };
}

describe('encrypted parts', () => {
  test('a server-side reader sees no Subject in encrypted headers, only the envelope mark', async () => {
    const { clear, sent } = await sealed();
    assert.ok(Buffer.from(clear.headers).includes('Secret plans'), 'the clear headers name it');
    const octets = Buffer.from(sent.headers);
    assert.equal(octets.includes('Secret plans'), false);
    assert.equal(octets.includes('subject'), false);
    assert.throws(() => decodeHeaders(sent.headers), MessageError);
    assert.deepEqual([...encryptedPartsOf(sent.envelope)], ['headers', 'body']);
    assert.equal(Buffer.from(sent.body).includes('Meet at noon'), false);
  });

  test('each recipient and the sender decrypt the exact octets', async () => {
    const { alice, bob } = await messagePki();
    const { clear, sent } = await sealed();
    for (const reader of [bob, alice]) {
      const headers = decryptPart(sent.headers, reader);
      assert.ok(headers.equals(clear.headers));
      assert.ok(decryptPart(sent.body, reader).equals(clear.body));
      assert.equal(summarizeHeaders(decodeHeaders(headers)).subject, 'Secret plans for Tuesday');
    }
  });

  test('someone not addressed cannot decrypt: CMS_NO_MATCHING_RECIPIENT', async () => {
    const { host } = await messagePki();
    const { sent } = await sealed();
    assert.throws(
      () => decryptPart(sent.headers, host),
      (error) => error instanceof IdentityError && error.code === 'CMS_NO_MATCHING_RECIPIENT',
    );
  });

  test('the signature covers the encrypted octets and the encryption marks', async () => {
    const { validator } = await messagePki();
    const { sent } = await sealed();
    assert.equal((await verifyMessage(sent, validator, new Date())).valid, true);
    const unmarked = { ...sent, envelope: markEncryptedParts(sent.envelope, ['body']) };
    const result = await verifyMessage(unmarked, validator, new Date());
    assert.deepEqual(
      result.failures.map((item) => item.code),
      ['ENCRYPTION_FLAGS_MISMATCH'],
    );
  });

  test('openssl cms decrypts a part encrypted to Bob', async () => {
    const { bob } = await messagePki();
    const { clear, sent } = await sealed();
    const dir = await scratchDir();
    const result = await openssl([
      'cms',
      '-decrypt',
      '-inform',
      'DER',
      '-binary',
      '-in',
      await put(dir, 'body.der', sent.body),
      '-recip',
      await put(dir, 'bob.pem', bob.certificate.toString()),
      '-inkey',
      await put(dir, 'bob.key', bob.privateKey.export({ type: 'pkcs8', format: 'pem' })),
      '-out',
      join(dir, 'body.txt'),
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.ok((await readFile(join(dir, 'body.txt'))).equals(clear.body));
  });

  test('only the body can be encrypted; the mark survives XML and names the body alone', async () => {
    const { alice, bob } = await messagePki();
    const clear = aliceToBob();
    const encrypted = encryptMessageParts(clear, ['body'], [bob.certificate], alice.certificate);
    const envelope = roundTrip(encrypted.envelope);
    assert.deepEqual([...encryptedPartsOf(envelope)], ['body']);
    assert.deepEqual(
      envelope.extensions.map((item) => [item.oid, item.critical]),
      [[ENCRYPTED_PARTS_OID, false]],
    );
    assert.ok(Buffer.from(encrypted.headers).equals(clear.headers));
    assert.deepEqual(markEncryptedParts(envelope, []).extensions, []);
  });

  test('bad calls: no certificate, a part already encrypted, a control message', async () => {
    const { alice, bob } = await messagePki();
    const isCode = (code: string) => (error: unknown) =>
      error instanceof MessageSecurityError && error.code === code;
    assert.throws(() => encryptPart(Buffer.from('x'), []), isCode('MSGSEC_NO_RECIPIENTS'));
    const once = encryptMessageParts(aliceToBob(), ['body'], [bob.certificate], alice.certificate);
    assert.throws(
      () => encryptMessageParts(once, ['body'], [bob.certificate], alice.certificate),
      isCode('MSGSEC_WRONG_MESSAGE_KIND'),
    );
    const control = { ...aliceToBob(), envelope: { ...aliceToBob().envelope, control: true } };
    assert.throws(
      () => encryptMessageParts(control, ['body'], [bob.certificate], alice.certificate),
      isCode('MSGSEC_WRONG_MESSAGE_KIND'),
    );
  });

  test('a part that is not EnvelopedData is refused with a code', async () => {
    const { bob } = await messagePki();
    assert.throws(
      () => decryptPart(aliceToBob().body, bob),
      (error) => error instanceof IdentityError && error.code === 'IDENTITY_MALFORMED_INPUT',
    );
  });
});
