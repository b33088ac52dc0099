import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { mt2Main, type CliIo } from '../../../src/cli/index.ts';
import { readCertificate, readPrivateKey } from '../../../src/identity/index.ts';
import { openssl, scratchDir } from '../identity/helpers.ts';

async function mt2(...args: string[]) {
  const lines = { out: [] as string[], err: [] as string[] };
  const io: CliIo = { out: (text) => lines.out.push(text), err: (text) => lines.err.push(text) };
  const code = await mt2Main(args, io);
  return { code, out: lines.out.join('\n'), err: lines.err.join('\n') };
}

/** A CA made with `mt2 ca init` in a fresh folder. */
async function initCa() {
  const dir = await scratchDir();
  const ca = { cert: join(dir, 'ca.pem'), key: join(dir, 'ca.key') };
  const made = await mt2(
    'ca',
    'init',
    '--domain',
    'corp.example',
    '--out-cert',
    ca.cert,
    '--out-key',
    ca.key,
    '--passout',
    'pass:ca secret',
  );
  assert.equal(made.code, 0, made.err);
  const caArgs = ['--ca-cert', ca.cert, '--ca-key', ca.key, '--passin', 'pass:ca secret'];
  return { dir, ca, caArgs };
}

describe('mt2 ca and mt2 csr', () => {
  test('init, csr on the client, sign: openssl verifies the user certificate for S/MIME', async () => {
    const { dir, ca, caArgs } = await initCa();
    assert.match(await readFile(ca.key, 'utf8'), /ENCRYPTED PRIVATE KEY/);
    assert.equal((await stat(ca.key)).mode & 0o777, 0o600);
    const request = join(dir, 'user.csr');
    const userKey = join(dir, 'user.key');
    const requested = await mt2(
      'csr',
      '--address',
      'ann@corp.example',
      '--name',
      'Ann',
      '--out-csr',
      request,
      '--out-key',
      userKey,
      '--passout',
      'pass:user secret',
    );
    assert.equal(requested.code, 0, requested.err);
    const userCert = join(dir, 'user.pem');
    const signed = await mt2(
      'ca',
      'sign',
      ...caArgs,
      '--csr',
      request,
      '--address',
      'ann@corp.example',
      '--out-cert',
      userCert,
    );
    assert.equal(signed.code, 0, signed.err);
    const verified = await openssl([
      'verify',
      '-purpose',
      'smimesign',
      '-CAfile',
      ca.cert,
      userCert,
    ]);
    assert.equal(verified.code, 0, verified.stderr);
    const certificate = readCertificate(await readFile(userCert));
    assert.ok(certificate.checkPrivateKey(readPrivateKey(await readFile(userKey), 'user secret')));
    assert.equal(certificate.subject, 'CN=Ann');
  });

  test('host and process certificates verify with openssl for their purposes', async () => {
    const { dir, ca, caArgs } = await initCa();
    const hostFiles = [
      '--out-cert',
      join(dir, 'host.pem'),
      '--out-key',
      join(dir, 'host.key'),
      '--nodes',
    ];
    const host = await mt2('ca', 'host', ...caArgs, '--hostname', 'mx.corp.example', ...hostFiles);
    assert.equal(host.code, 0, host.err);
    assert.equal(
      (
        await openssl([
          'verify',
          '-purpose',
          'sslserver',
          '-CAfile',
          ca.cert,
          join(dir, 'host.pem'),
        ])
      ).code,
      0,
    );
    assert.doesNotMatch(await readFile(join(dir, 'host.key'), 'utf8'), /ENCRYPTED/);
    const processFiles = [
      '--out-cert',
      join(dir, 'p.pem'),
      '--out-key',
      join(dir, 'p.key'),
      '--passout',
      'pass:x',
    ];
    const made = await mt2('ca', 'process', ...caArgs, ...processFiles);
    assert.equal(made.code, 0, made.err);
    assert.equal(
      readCertificate(await readFile(join(dir, 'p.pem'))).checkEmail('mt2d@corp.example'),
      'mt2d@corp.example',
    );
  });

  test('refusals: names outside the domain, a wrong CA passphrase, a non-CA as CA', async () => {
    const { dir, ca, caArgs } = await initCa();
    const outside = await mt2(
      'ca',
      'host',
      ...caArgs,
      '--hostname',
      'mx.other.example',
      '--out-cert',
      join(dir, 'h.pem'),
      '--out-key',
      join(dir, 'h.key'),
      '--nodes',
    );
    assert.equal(outside.code, 1);
    assert.match(outside.err, /IDENTITY_ISSUE_REFUSED/);
    await assert.rejects(stat(join(dir, 'h.key')), { code: 'ENOENT' });
    const wrong = await mt2(
      'ca',
      'sign',
      '--ca-cert',
      ca.cert,
      '--ca-key',
      ca.key,
      '--passin',
      'pass:nope',
      '--csr',
      ca.cert,
      '--address',
      'a@corp.example',
      '--out-cert',
      join(dir, 'u.pem'),
    );
    assert.match(wrong.err, /IDENTITY_WRONG_PASSPHRASE/);
    await mt2(
      'ca',
      'host',
      ...caArgs,
      '--hostname',
      'h.corp.example',
      '--out-cert',
      join(dir, 'h2.pem'),
      '--out-key',
      join(dir, 'h2.key'),
      '--nodes',
    );
    const notCa = await mt2(
      'ca',
      'process',
      '--ca-cert',
      join(dir, 'h2.pem'),
      '--ca-key',
      join(dir, 'h2.key'),
      '--out-cert',
      join(dir, 'x.pem'),
      '--out-key',
      join(dir, 'x.key'),
      '--nodes',
    );
    assert.match(notCa.err, /IDENTITY_ISSUE_REFUSED/);
    const badCsr = await mt2(
      'ca',
      'sign',
      ...caArgs,
      '--csr',
      ca.cert,
      '--address',
      'a@corp.example',
      '--out-cert',
      join(dir, 'u.pem'),
    );
    assert.match(badCsr.err, /IDENTITY_MALFORMED_INPUT/);
  });

  test('usage errors: no key protection chosen, both chosen, a bad path length', async () => {
    const dir = await scratchDir();
    const out = ['--out-cert', join(dir, 'c.pem'), '--out-key', join(dir, 'c.key')];
    for (const args of [
      ['ca', 'init', '--domain', 'x.example', ...out],
      ['ca', 'init', '--domain', 'x.example', ...out, '--nodes', '--passout', 'pass:a'],
      ['ca', 'init', '--domain', 'x.example', '--path-length', '-1', ...out, '--nodes'],
      ['ca', 'frob'],
      [
        'csr',
        '--address',
        'a@x.example',
        '--out-csr',
        join(dir, 'r.csr'),
        '--out-key',
        join(dir, 'k'),
      ],
    ]) {
      const result = await mt2(...args);
      assert.equal(result.code, 1, args.join(' '));
      assert.match(result.err, /usage:\s+mt2 (ca init|csr)/, args.join(' '));
    }
    await assert.rejects(stat(join(dir, 'c.key')), { code: 'ENOENT' });
  });
});
