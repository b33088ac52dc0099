import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  certificatesToPem,
  pemDecodeAll,
  pemEncode,
  readCertificate,
  readCertificates,
} from '../../../src/identity/index.ts';
import { openssl, scratchDir, testPki } from './helpers.ts';

describe('certificates in and out', () => {
  test('a PEM bundle reads back in order, and DER reads as one certificate', async () => {
    const { ca, alice } = await testPki();
    const bundle = certificatesToPem([alice.certificate, ca.certificate]);
    const read = readCertificates(`Bag Attributes: ignored\n${bundle}trailing text\n`);
    assert.deepEqual(
      read.map((certificate) => certificate.fingerprint256),
      [alice.certificate.fingerprint256, ca.certificate.fingerprint256],
    );
    assert.equal(
      readCertificate(alice.certificate.raw).fingerprint256,
      alice.certificate.fingerprint256,
    );
  });

  test('our PEM is what openssl writes for the same DER', async () => {
    const { alice } = await testPki();
    assert.equal(pemEncode('CERTIFICATE', alice.certificate.raw), alice.certificate.toString());
  });

  test('an ECDSA certificate made by openssl is read', async () => {
    const dir = await scratchDir();
    const path = join(dir, 'ec.pem');
    const made = await openssl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      join(dir, 'ec.key'),
      '-subj',
      '/CN=ec.example',
      '-days',
      '1',
      '-out',
      path,
    ]);
    assert.equal(made.code, 0, made.stderr);
    const certificate = readCertificate(await readFile(path, 'utf8'));
    assert.equal(certificate.publicKey.asymmetricKeyType, 'ec');
  });

  test('garbage, a key-only PEM, a mismatched END and bad base64 are malformed', () => {
    for (const input of [
      'hello',
      Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]),
      '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----',
      '-----BEGIN CERTIFICATE-----\nAAAA\n-----END X509 CRL-----',
      '-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----',
    ]) {
      assert.throws(() => readCertificates(input), { code: 'IDENTITY_MALFORMED_INPUT' });
    }
    assert.deepEqual(pemDecodeAll('no blocks here'), []);
  });
});
