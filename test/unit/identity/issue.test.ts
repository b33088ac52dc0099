import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createCsr,
  createDomainCa,
  createHostCredentials,
  createProcessCredentials,
  domainCaFrom,
  generateRsaPrivateKey,
  issueHostCertificate,
  issueUserCertificate,
  IdentityError,
  publicKeyOf,
} from '../../../src/identity/index.ts';
import { openssl, put, scratchDir, strangerPki, testPki } from './helpers.ts';

async function x509Text(pem: string): Promise<string> {
  const dir = await scratchDir();
  const result = await openssl(['x509', '-noout', '-text', '-in', await put(dir, 'c.pem', pem)]);
  assert.equal(result.code, 0, result.stderr);
  return result.stdout.toString();
}

async function opensslVerify(caPem: string, leafPem: string, purpose: string): Promise<number> {
  const dir = await scratchDir();
  const result = await openssl([
    'verify',
    '-purpose',
    purpose,
    '-CAfile',
    await put(dir, 'ca.pem', caPem),
    await put(dir, 'leaf.pem', leafPem),
  ]);
  return result.code;
}

describe('domain CA', () => {
  test('has the CA profile: cA, keyCertSign, issuerAltName and name constraints', async () => {
    const { ca } = await testPki();
    const text = await x509Text(ca.certificate.toString());
    assert.match(text, /Basic Constraints: critical\s+CA:TRUE/);
    assert.match(text, /Key Usage: critical\s+Certificate Sign, CRL Sign/);
    assert.match(text, /Issuer Alternative Name:\s+DNS:example\.com/);
    assert.match(
      text,
      /Name Constraints: critical\s+Permitted:\s+DNS:example\.com\s+email:example\.com\s+email:\.example\.com/,
    );
    assert.match(text, /Public-Key: \(2048 bit\)/);
    assert.match(text, /sha256WithRSAEncryption/);
    assert.equal(ca.certificate.ca, true);
    assert.equal(ca.certificate.subject, 'CN=example.com');
  });

  test('a pathLength option becomes the pathlen constraint', async () => {
    const ca = await createDomainCa({ domain: 'Sub.Example.org', pathLength: 0 });
    assert.equal(ca.domain, 'sub.example.org');
    assert.match(await x509Text(ca.certificate.toString()), /CA:TRUE, pathlen:0/);
  });

  test('an invalid domain is refused', async () => {
    await assert.rejects(createDomainCa({ domain: 'bad_domain..com' }), {
      code: 'IDENTITY_ISSUE_REFUSED',
    });
  });
});

describe('host certificate', () => {
  test('binds the hostname and verifies with openssl as an SSL server and client', async () => {
    const { ca, host } = await testPki();
    const text = await x509Text(host.certificate.toString());
    assert.match(text, /Subject Alternative Name:\s+DNS:mx\.example\.com/);
    assert.match(text, /Extended Key Usage:\s+TLS Web Server Authentication, TLS Web Client/);
    assert.match(text, /Basic Constraints: critical\s+CA:FALSE/);
    assert.match(text, /Issuer Alternative Name:\s+DNS:example\.com/);
    assert.match(text, /Authority Key Identifier/);
    assert.equal(
      await opensslVerify(ca.certificate.toString(), host.certificate.toString(), 'sslserver'),
      0,
    );
    assert.equal(
      await opensslVerify(ca.certificate.toString(), host.certificate.toString(), 'sslclient'),
      0,
    );
    assert.equal(host.certificate.checkHost('mx.example.com'), 'mx.example.com');
  });

  test('an ECDSA P-256 host key: id-ecPublicKey, digitalSignature only, openssl verifies it', async () => {
    const { ca } = await testPki();
    const host = await createHostCredentials(ca, 'mx.example.com', { keyType: 'ec' });
    assert.equal(host.privateKey.asymmetricKeyType, 'ec');
    assert.ok(host.certificate.checkPrivateKey(host.privateKey));
    const text = await x509Text(host.certificate.toString());
    assert.match(text, /Public Key Algorithm: id-ecPublicKey/);
    assert.match(text, /NIST CURVE: P-256/);
    assert.match(text, /Signature Algorithm: sha256WithRSAEncryption/);
    assert.match(text, /Key Usage: critical\s+Digital Signature\n/);
    assert.match(text, /Subject Alternative Name:\s+DNS:mx\.example\.com/);
    // RFC 5280 4.2.1.2 (1): SHA-1 of the public key's point (04 || x || y).
    const jwk = host.privateKey.export({ format: 'jwk' });
    const point = Buffer.concat([
      Buffer.from([4]),
      Buffer.from(jwk.x ?? '', 'base64url'),
      Buffer.from(jwk.y ?? '', 'base64url'),
    ]);
    const keyId = createHash('sha1').update(point).digest('hex').toUpperCase();
    assert.match(text.replaceAll(':', ''), new RegExp(`Subject Key Identifier\\s+${keyId}`));
    for (const purpose of ['sslserver', 'sslclient']) {
      assert.equal(
        await opensslVerify(ca.certificate.toString(), host.certificate.toString(), purpose),
        0,
      );
    }
  });

  test('a host outside the CA domain is refused', async () => {
    const { ca, host } = await testPki();
    assert.throws(
      () =>
        issueHostCertificate(ca, {
          hostname: 'mx.example.net',
          publicKey: publicKeyOf(host.privateKey),
        }),
      (error: unknown) => error instanceof IdentityError && error.code === 'IDENTITY_ISSUE_REFUSED',
    );
  });

  test('validity options are honoured and capped at the CA end', async () => {
    const { ca, host } = await testPki();
    const notBefore = new Date('2020-01-01T00:00:00Z');
    const notAfter = new Date('2020-02-01T00:00:00Z');
    const expired = issueHostCertificate(ca, {
      hostname: 'old.example.com',
      publicKey: publicKeyOf(host.privateKey),
      notBefore,
      notAfter,
    });
    assert.equal(new Date(expired.validTo).getTime(), notAfter.getTime());
    const tooLong = issueHostCertificate(ca, {
      hostname: 'long.example.com',
      publicKey: publicKeyOf(host.privateKey),
      notAfter: new Date('2999-01-01T00:00:00Z'),
    });
    assert.equal(tooLong.validTo, ca.certificate.validTo);
  });
});

describe('user certificate from a CSR', () => {
  test('binds the address, for S/MIME and TLS client use, verified by openssl', async () => {
    const { ca, alice } = await testPki();
    const text = await x509Text(alice.certificate.toString());
    assert.match(text, /Subject Alternative Name:\s+email:alice@example\.com/);
    assert.match(text, /Extended Key Usage:\s+E-mail Protection, TLS Web Client Authentication/);
    assert.match(
      text,
      /Key Usage: critical\s+Digital Signature, Non Repudiation, Key Encipherment/,
    );
    assert.equal(
      await opensslVerify(ca.certificate.toString(), alice.certificate.toString(), 'smimesign'),
      0,
    );
    assert.equal(
      await opensslVerify(ca.certificate.toString(), alice.certificate.toString(), 'smimeencrypt'),
      0,
    );
    assert.equal(alice.certificate.checkEmail('alice@example.com'), 'alice@example.com');
  });

  test('the certificate carries the CSR key and display name', async () => {
    const { ca } = await testPki();
    const key = await generateRsaPrivateKey();
    const csr = createCsr(key, { address: 'carol@example.com', displayName: 'Carol Q' });
    const certificate = issueUserCertificate(ca, csr, { address: 'carol@example.com' });
    assert.equal(certificate.subject, 'CN=Carol Q');
    assert.ok(certificate.publicKey.equals(createPublicKey(key)));
    assert.ok(certificate.checkPrivateKey(key));
  });

  test('the CSR is a valid PKCS#10 request for openssl', async () => {
    const key = await generateRsaPrivateKey();
    const dir = await scratchDir();
    const path = await put(dir, 'r.csr', createCsr(key, { address: 'dave@example.com' }));
    const result = await openssl(['req', '-in', path, '-noout', '-verify', '-text']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout.toString(), /email:dave@example\.com/);
  });

  test('an address outside the domain, or differing from the CSR, is refused', async () => {
    const { ca } = await testPki();
    const key = await generateRsaPrivateKey();
    const csr = createCsr(key, { address: 'erin@example.com' });
    for (const address of ['erin@example.net', 'frank@example.com', 'no-at-sign']) {
      assert.throws(() => issueUserCertificate(ca, csr, { address }), {
        code: 'IDENTITY_ISSUE_REFUSED',
      });
    }
  });

  test('a tampered CSR fails its signature check, garbage is malformed', async () => {
    const { ca } = await testPki();
    const key = await generateRsaPrivateKey();
    const csr = createCsr(key, { address: 'gina@example.com', displayName: 'Gina' });
    const der = Buffer.from(csr.replace(/-----[^-]+-----/g, ''), 'base64');
    const at = der.indexOf(Buffer.from('Gina'));
    der[at] = 'X'.charCodeAt(0);
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    assert.throws(() => issueUserCertificate(ca, tampered, { address: 'gina@example.com' }), {
      code: 'IDENTITY_CSR_BAD_SIGNATURE',
    });
    assert.throws(() => issueUserCertificate(ca, 'not a csr', { address: 'gina@example.com' }), {
      code: 'IDENTITY_MALFORMED_INPUT',
    });
  });

  test('an ECDSA CSR made by openssl is refused as an unsupported key', async () => {
    const { ca } = await testPki();
    const dir = await scratchDir();
    const made = await openssl([
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      join(dir, 'ec.key'),
      '-subj',
      '/CN=ec',
      '-out',
      join(dir, 'ec.csr'),
    ]);
    assert.equal(made.code, 0, made.stderr);
    const csr = await readFile(join(dir, 'ec.csr'), 'utf8');
    assert.throws(() => issueUserCertificate(ca, csr, { address: 'ec@example.com' }), {
      code: 'IDENTITY_UNSUPPORTED_KEY',
    });
  });

  test('a user of another CA does not verify under ours', async () => {
    const { ca } = await testPki();
    const stranger = await strangerPki();
    assert.equal(
      await opensslVerify(
        ca.certificate.toString(),
        stranger.user.certificate.toString(),
        'smimesign',
      ),
      2,
    );
  });
});

describe('process@domain certificate', () => {
  test('is a user certificate for mt2d@ the CA domain by default', async () => {
    const { ca } = await testPki();
    const process = await createProcessCredentials(ca);
    assert.equal(process.certificate.checkEmail('mt2d@example.com'), 'mt2d@example.com');
    assert.ok(process.certificate.checkPrivateKey(process.privateKey));
    assert.equal(
      await opensslVerify(ca.certificate.toString(), process.certificate.toString(), 'smimesign'),
      0,
    );
    const postmaster = await createProcessCredentials(ca, {
      process: 'postmaster',
      domain: 'mx.example.com',
    });
    assert.equal(
      postmaster.certificate.checkEmail('postmaster@mx.example.com'),
      'postmaster@mx.example.com',
    );
  });
});

describe('a domain CA read back from files', () => {
  test('takes its domain from issuerAltName and refuses non-CAs and wrong keys', async () => {
    const { ca, host, alice } = await testPki();
    const loaded = domainCaFrom({
      certificate: ca.certificate,
      privateKey: ca.privateKey,
      chain: [],
    });
    assert.equal(loaded.domain, 'example.com');
    assert.throws(() => domainCaFrom(host), { code: 'IDENTITY_ISSUE_REFUSED' });
    assert.throws(
      () => domainCaFrom({ certificate: ca.certificate, privateKey: alice.privateKey, chain: [] }),
      { code: 'IDENTITY_KEY_MISMATCH' },
    );
  });
});
