import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  anchorFromCertificate,
  CertificateInputError,
  validatePath,
  isDelegationParent,
  MAX_CERTIFICATE_BYTES,
  parseCertificate,
  parseCrl,
  parseCertificates,
  readCrls,
} from '../../../../src/identity/index.ts';

const PKITS = join(import.meta.dirname, '../../../../../shared/data/pkits');
const goodCa = new Uint8Array(readFileSync(join(PKITS, 'certs/GoodCACert.crt')));
const goodCrl = new Uint8Array(readFileSync(join(PKITS, 'crls/GoodCACRL.crl')));

function failsWith(code: string) {
  return (error: unknown) => error instanceof CertificateInputError && error.code === code;
}

describe('parseCertificate', () => {
  test('reads the fields of a PKITS CA certificate', () => {
    const certificate = parseCertificate(goodCa);
    assert.equal(certificate.version, 3);
    assert.equal(certificate.subject.text, 'C=US, O=Test Certificates 2011, CN=Good CA');
    assert.equal(certificate.issuer.text, 'C=US, O=Test Certificates 2011, CN=Trust Anchor');
    assert.equal(certificate.serial, '02');
    assert.equal(certificate.basicConstraints?.ca, true);
    assert.deepEqual([...(certificate.keyUsage ?? [])].sort(), ['cRLSign', 'keyCertSign']);
    assert.equal(certificate.notAfter.toISOString(), '2030-12-31T08:30:00.000Z');
  });

  test('empty, truncated and trailing-garbage input give MALFORMED_DER', () => {
    assert.throws(() => parseCertificate(new Uint8Array()), failsWith('MALFORMED_DER'));
    assert.throws(
      () => parseCertificate(goodCa.subarray(0, goodCa.length - 1)),
      failsWith('MALFORMED_DER'),
    );
    assert.throws(
      () => parseCertificate(Buffer.concat([goodCa, Buffer.from([0])])),
      failsWith('MALFORMED_DER'),
    );
    assert.throws(() => parseCertificate(goodCrl), failsWith('MALFORMED_DER'));
  });

  test('a certificate over the size limit gives INPUT_TOO_LARGE; at the limit it is parsed', () => {
    assert.throws(
      () => parseCertificate(new Uint8Array(MAX_CERTIFICATE_BYTES + 1)),
      failsWith('INPUT_TOO_LARGE'),
    );
    assert.throws(
      () => parseCertificate(new Uint8Array(MAX_CERTIFICATE_BYTES)),
      failsWith('MALFORMED_DER'),
    );
  });

  test('any corruption of a certificate gives a CertificateInputError or a parsed value, never a crash', () => {
    fc.assert(
      fc.property(fc.nat(goodCa.length - 1), fc.integer({ min: 1, max: 255 }), (offset, flip) => {
        const corrupt = new Uint8Array(goodCa);
        corrupt[offset] = (corrupt[offset] ?? 0) ^ flip;
        try {
          parseCertificate(corrupt);
        } catch (error) {
          assert.ok(error instanceof CertificateInputError, String(error));
        }
      }),
      { numRuns: 500 },
    );
  });

  test('validating any parseable corruption never throws: it gives a verdict', () => {
    const anchor = anchorFromCertificate(
      parseCertificate(
        new Uint8Array(readFileSync(join(PKITS, 'certs/TrustAnchorRootCertificate.crt'))),
      ),
    );
    let parsed = 0;
    fc.assert(
      fc.property(fc.nat(goodCa.length - 1), fc.integer({ min: 1, max: 255 }), (offset, flip) => {
        const corrupt = new Uint8Array(goodCa);
        corrupt[offset] = (corrupt[offset] ?? 0) ^ flip;
        let certificate;
        try {
          certificate = parseCertificate(corrupt);
        } catch {
          return;
        }
        parsed += 1;
        const result = validatePath(certificate, { anchors: [anchor], crls: [parseCrl(goodCrl)] });
        assert.equal(typeof result.valid, 'boolean');
      }),
      { numRuns: 500 },
    );
    assert.ok(parsed > 0);
  });

  test('random bytes give a CertificateInputError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        assert.throws(
          () => parseCertificate(bytes),
          (error: unknown) => error instanceof CertificateInputError,
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('PEM input', () => {
  const pem = (label: string, body: string) =>
    Buffer.from(`-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`);

  test('reads every certificate of a PEM bundle', () => {
    const base64 = Buffer.from(goodCa).toString('base64').replace(/.{64}/g, '$&\n');
    const bundle = Buffer.concat([pem('CERTIFICATE', base64), pem('CERTIFICATE', base64)]);
    assert.equal(parseCertificates(bundle).length, 2);
  });

  test('PEM without a certificate block, or with a bad body, gives MALFORMED_PEM', () => {
    assert.throws(() => parseCertificates(pem('PRIVATE KEY', 'AAAA')), failsWith('MALFORMED_PEM'));
    assert.throws(
      () => parseCertificates(pem('CERTIFICATE', 'not*base64')),
      failsWith('MALFORMED_PEM'),
    );
    assert.throws(() => readCrls(pem('CERTIFICATE', 'AAAA')), failsWith('MALFORMED_PEM'));
  });
});

describe('parseCrl', () => {
  test('reads a PKITS CRL: issuer, dates, entries, number', () => {
    const crl = parseCrl(goodCrl);
    assert.equal(crl.issuer.text, 'C=US, O=Test Certificates 2011, CN=Good CA');
    assert.equal(crl.entries.length, 2);
    assert.equal(crl.crlNumber, 1n);
    assert.equal(crl.deltaBase, undefined);
  });

  test('truncated input gives MALFORMED_DER', () => {
    assert.throws(() => parseCrl(goodCrl.subarray(0, 40)), failsWith('MALFORMED_DER'));
  });

  test('a name string of an impossible length (a BMPString of odd length) gives MALFORMED_DER', () => {
    // Found by the property below: this flip made Buffer.swap16 throw a RangeError.
    const corrupt = new Uint8Array(goodCrl);
    corrupt[82] = (corrupt[82] ?? 0) ^ 13;
    assert.throws(() => parseCrl(corrupt), failsWith('MALFORMED_DER'));
  });

  test('any corruption of a CRL gives a CertificateInputError or a parsed value', () => {
    fc.assert(
      fc.property(fc.nat(goodCrl.length - 1), fc.integer({ min: 1, max: 255 }), (offset, flip) => {
        const corrupt = new Uint8Array(goodCrl);
        corrupt[offset] = (corrupt[offset] ?? 0) ^ flip;
        try {
          parseCrl(corrupt);
        } catch (error) {
          assert.ok(error instanceof CertificateInputError, String(error));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('isDelegationParent', () => {
  test('a domain is its own and its subdomains’ delegation parent, label by label', () => {
    assert.equal(isDelegationParent('example.org', 'example.org'), true);
    assert.equal(isDelegationParent('example.org', 'goose.eng.example.org'), true);
    assert.equal(isDelegationParent('EXAMPLE.org.', 'mail.example.ORG'), true);
    assert.equal(isDelegationParent('ample.org', 'example.org'), false);
    assert.equal(isDelegationParent('eng.example.org', 'example.org'), false);
    assert.equal(isDelegationParent('', 'example.org'), false);
  });
});
