import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createCsr,
  decryptCms,
  encryptCms,
  generateRsaPrivateKey,
  issueUserCertificate,
  signCms,
  verifyCms,
  type Credentials,
} from '../../../src/identity/index.ts';
import { testPki } from './helpers.ts';

test('a body part: key and CSR on the client, signed detached, encrypted to recipient and sender', async () => {
  const { ca, bob } = await testPki();
  // On Carol's machine: her key and request; the CA certifies the address.
  const privateKey = await generateRsaPrivateKey();
  const csr = createCsr(privateKey, { address: 'carol@example.com', displayName: 'Carol' });
  const certificate = issueUserCertificate(ca, csr, { address: 'carol@example.com' });
  const carol: Credentials = { certificate, privateKey, chain: [ca.certificate] };

  const body = Buffer.from('Content-Type: text/plain; charset=utf-8\r\n\r\nGrüße, 8-bit\r\n');
  const signature = signCms(body, carol); // travels in the envelope
  const encryptedBody = encryptCms(body, [bob.certificate, carol.certificate]);

  const received = decryptCms(encryptedBody, bob);
  assert.ok(received.equals(body), 'the exact octets survive');
  const verified = verifyCms(signature, { content: received, trustAnchors: [ca.certificate] });
  assert.equal(verified.signer.certificate.checkEmail('carol@example.com'), 'carol@example.com');
  assert.ok(decryptCms(encryptedBody, carol).equals(body), 'the sender reads its sent copy');
});
