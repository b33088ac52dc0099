import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { mt2Main, type CliIo } from '../../../../src/cli/index.ts';
import { makeFixturePki, type FixturePki } from './fixtures.ts';

const ROOT = join(import.meta.dirname, '../../../..');
const PKITS = join(ROOT, '../shared/data/pkits');

let pki: FixturePki;
before(() => {
  pki = makeFixturePki();
});
after(() => {
  pki.cleanup();
});

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (text) => out.push(text), err: (text) => err.push(text) };
  const code = await mt2Main(['cert', 'verify', ...args], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('mt2 cert verify', () => {
  test('a valid user certificate exits 0 and prints the verdict', async () => {
    const result = await run(
      '--trust',
      pki.exampleCa.pemPath,
      '--email',
      'alice@example.org',
      pki.alice.pemPath,
    );
    assert.equal(result.code, 0, result.out);
    assert.match(result.out, /^valid: yes \(source: local-store\)/);
    assert.match(result.out, /trusted: no/);
  });

  test('the wrong address, the wrong host and an expired certificate exit 1 with their reason', async () => {
    const wrongAddress = await run(
      '--trust',
      pki.exampleCa.pemPath,
      '--email',
      'eve@example.org',
      pki.alice.pemPath,
    );
    assert.equal(wrongAddress.code, 1);
    assert.match(wrongAddress.out, /SUBJECT_ADDRESS_MISMATCH/);
    const wrongHost = await run(
      '--trust',
      pki.exampleCa.pemPath,
      '--host',
      'www.example.org',
      pki.host.pemPath,
    );
    assert.equal(wrongHost.code, 1);
    assert.match(wrongHost.out, /SUBJECT_HOST_MISMATCH/);
    const expired = await run('--trust', pki.exampleCa.pemPath, pki.expiredBob.pemPath);
    assert.equal(expired.code, 1);
    assert.match(expired.out, /EXPIRED/);
  });

  test('--at validates at another time', async () => {
    const result = await run(
      '--trust',
      pki.exampleCa.pemPath,
      '--at',
      '2020-06-01T00:00:00Z',
      pki.expiredBob.pemPath,
    );
    assert.equal(result.code, 0, result.out);
  });

  test('--crl makes a revoked certificate exit 1 with REVOKED', async () => {
    const result = await run(
      '--trust',
      pki.exampleCa.pemPath,
      '--crl',
      pki.crlPath,
      pki.revokedCarol.pemPath,
    );
    assert.equal(result.code, 1);
    assert.match(result.out, /REVOKED: .*keyCompromise/);
  });

  test('DER files and --untrusted intermediates work (PKITS 4.1.1 and 4.1.3)', async () => {
    const args = [
      '--trust',
      join(PKITS, 'certs/TrustAnchorRootCertificate.crt'),
      '--untrusted',
      join(PKITS, 'certs/GoodCACert.crt'),
      '--crl',
      join(PKITS, 'crls/GoodCACRL.crl'),
      '--crl',
      join(PKITS, 'crls/TrustAnchorRootCRL.crl'),
      '--at',
      '2026-01-01T00:00:00Z',
    ];
    const good = await run(...args, join(PKITS, 'certs/ValidCertificatePathTest1EE.crt'));
    assert.equal(good.code, 0, good.out);
    const bad = await run(...args, join(PKITS, 'certs/InvalidEESignatureTest3EE.crt'));
    assert.equal(bad.code, 1);
    assert.match(bad.out, /BAD_SIGNATURE/);
  });

  test('usage errors exit 1 with the usage', async () => {
    const noTrust = await run(pki.alice.pemPath);
    assert.equal(noTrust.code, 1);
    assert.match(noTrust.err, /--trust CA.pem is required[\s\S]*usage: mt2 cert verify/);
    const both = await run(
      '--trust',
      pki.exampleCa.pemPath,
      '--email',
      'a@b',
      '--host',
      'c',
      pki.alice.pemPath,
    );
    assert.equal(both.code, 1);
    assert.match(both.err, /not both/);
    const badTime = await run(
      '--trust',
      pki.exampleCa.pemPath,
      '--at',
      'yesterday',
      pki.alice.pemPath,
    );
    assert.equal(badTime.code, 1);
    assert.match(badTime.err, /not an ISO 8601 time/);
    const unknownFlag = await run(
      '--trust',
      pki.exampleCa.pemPath,
      '--frobnicate',
      pki.alice.pemPath,
    );
    assert.equal(unknownFlag.code, 1);
  });

  test('a corrupt or missing file exits 1 with a clear error code', async () => {
    const corrupt = join(pki.dir, 'corrupt.pem');
    writeFileSync(corrupt, '-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n');
    const bad = await run('--trust', pki.exampleCa.pemPath, corrupt);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /MALFORMED_DER/);
    const notPem = join(pki.dir, 'text.pem');
    writeFileSync(notPem, '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
    assert.match((await run('--trust', notPem, pki.alice.pemPath)).err, /MALFORMED_PEM/);
    const huge = join(pki.dir, 'huge.crl');
    writeFileSync(huge, '');
    truncateSync(huge, 64 * 1024 * 1024);
    const tooLarge = await run('--trust', pki.exampleCa.pemPath, '--crl', huge, pki.alice.pemPath);
    assert.equal(tooLarge.code, 1);
    assert.match(tooLarge.err, /INPUT_TOO_LARGE/);
    const missing = await run('--trust', pki.exampleCa.pemPath, join(pki.dir, 'nope.pem'));
    assert.equal(missing.code, 1);
    assert.match(missing.err, /ENOENT/);
  });

  test('the installed mt2 command exits 0 and 1 from a shell', async () => {
    const bin = join(ROOT, 'bin/mt2.js');
    const valid = await promisify(execFile)(process.execPath, [
      bin,
      'cert',
      'verify',
      '--trust',
      pki.exampleCa.pemPath,
      pki.alice.pemPath,
    ]);
    assert.match(valid.stdout, /valid: yes/);
    await assert.rejects(
      promisify(execFile)(process.execPath, [
        bin,
        'cert',
        'verify',
        '--trust',
        pki.exampleCa.pemPath,
        pki.expiredBob.pemPath,
      ]),
      (error: { code?: number; stdout?: string }) =>
        error.code === 1 && /EXPIRED/.test(error.stdout ?? ''),
    );
  });
});
