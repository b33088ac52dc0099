import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { mt2Main, type CliIo } from '../../../src/cli/index.ts';
import { privateKeyToPem, readCertificates, readPrivateKey } from '../../../src/identity/index.ts';
import { openssl, put, scratchDir, testPki } from '../identity/helpers.ts';

async function mt2(...args: string[]) {
  const lines = { out: [] as string[], err: [] as string[] };
  const io: CliIo = { out: (text) => lines.out.push(text), err: (text) => lines.err.push(text) };
  const code = await mt2Main(args, io);
  return { code, out: lines.out.join('\n'), err: lines.err.join('\n') };
}

describe('mt2 p12', () => {
  test('export is read by openssl pkcs12, with the chain and a private file mode', async () => {
    const { ca, alice } = await testPki();
    const dir = await scratchDir();
    const out = join(dir, 'alice.p12');
    const result = await mt2(
      'p12',
      'export',
      '--cert',
      await put(dir, 'alice.pem', alice.certificate.toString()),
      '--key',
      await put(dir, 'alice.key', privateKeyToPem(alice.privateKey)),
      '--chain',
      await put(dir, 'ca.pem', ca.certificate.toString()),
      '--passout',
      `file:${await put(dir, 'pass.txt', 'file pass\n')}`,
      '--name',
      'Alice',
      '--legacy',
      '--out',
      out,
    );
    assert.equal(result.code, 0, result.err);
    assert.equal((await stat(out)).mode & 0o777, 0o600);
    const read = await openssl(['pkcs12', '-in', out, '-passin', 'pass:file pass', '-nodes']);
    assert.equal(read.code, 0, read.stderr);
    assert.match(read.stdout.toString(), /friendlyName: Alice/);
    assert.ok(read.stdout.toString().includes(ca.certificate.toString().trim()));
  });

  test("import of openssl's -legacy file writes the certificate, chain and an encrypted key", async () => {
    const { ca, alice } = await testPki();
    const dir = await scratchDir();
    const p12 = join(dir, 'openssl.p12');
    const made = await openssl([
      'pkcs12',
      '-export',
      '-legacy',
      '-inkey',
      await put(dir, 'k.pem', privateKeyToPem(alice.privateKey)),
      '-in',
      await put(dir, 'c.pem', alice.certificate.toString()),
      '-certfile',
      await put(dir, 'ca.pem', ca.certificate.toString()),
      '-passout',
      'pass:legacy',
      '-out',
      p12,
    ]);
    assert.equal(made.code, 0, made.stderr);
    const paths = {
      cert: join(dir, 'out.pem'),
      key: join(dir, 'out.key'),
      chain: join(dir, 'chain.pem'),
    };
    const result = await mt2(
      'p12',
      'import',
      '--in',
      p12,
      '--passin',
      'pass:legacy',
      '--passout',
      'pass:at rest',
      '--out-cert',
      paths.cert,
      '--out-key',
      paths.key,
      '--out-chain',
      paths.chain,
    );
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /key encrypted/);
    const keyPem = await readFile(paths.key, 'utf8');
    assert.match(keyPem, /ENCRYPTED PRIVATE KEY/);
    assert.ok(readPrivateKey(keyPem, 'at rest').equals(alice.privateKey));
    assert.equal(
      readCertificates(await readFile(paths.cert))[0]?.fingerprint256,
      alice.certificate.fingerprint256,
    );
    assert.equal(
      readCertificates(await readFile(paths.chain))[0]?.fingerprint256,
      ca.certificate.fingerprint256,
    );
  });

  test('a wrong passphrase and a corrupt file exit 1 with their codes and write nothing', async () => {
    const { alice } = await testPki();
    const dir = await scratchDir();
    const exported = join(dir, 'a.p12');
    assert.equal(
      (
        await mt2(
          'p12',
          'export',
          '--cert',
          await put(dir, 'alice.pem', alice.certificate.toString()),
          '--key',
          await put(dir, 'alice.key', privateKeyToPem(alice.privateKey)),
          '--passout',
          'pass:right',
          '--out',
          exported,
        )
      ).code,
      0,
    );
    const outputs = ['--out-cert', join(dir, 'c.pem'), '--out-key', join(dir, 'k.pem')];
    const wrong = await mt2(
      'p12',
      'import',
      '--in',
      exported,
      '--passin',
      'pass:wrong',
      ...outputs,
    );
    assert.equal(wrong.code, 1);
    assert.match(wrong.err, /IDENTITY_WRONG_PASSPHRASE/);
    const corrupt = await put(dir, 'corrupt.p12', (await readFile(exported)).subarray(0, 100));
    const broken = await mt2(
      'p12',
      'import',
      '--in',
      corrupt,
      '--passin',
      'pass:right',
      ...outputs,
    );
    assert.equal(broken.code, 1);
    assert.match(broken.err, /IDENTITY_MALFORMED_INPUT/);
    await assert.rejects(stat(join(dir, 'k.pem')), { code: 'ENOENT' });
  });

  test('usage errors: missing passphrases, conflicting options, unknown subcommand', async () => {
    for (const args of [
      ['p12'],
      ['p12', 'convert'],
      ['p12', 'import', '--in', 'x.p12'],
      [
        'p12',
        'import',
        '--in',
        'x',
        '--passin',
        'pass:a',
        '--passout',
        'pass:b',
        '--nodes',
        '--out-cert',
        'c',
        '--out-key',
        'k',
      ],
      ['p12', 'export', '--cert', 'c', '--key', 'k', '--out', 'o'],
      ['p12', 'export', '--passout', 'bogus-spec', '--out', 'o'],
    ]) {
      const result = await mt2(...args);
      assert.equal(result.code, 1, args.join(' '));
      assert.match(result.err, /usage:\s+mt2 p12 export/);
    }
  });
});
