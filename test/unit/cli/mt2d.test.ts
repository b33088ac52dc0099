import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { mt2dMain, type CliIo } from '../../../src/cli/index.ts';
import {
  createCsr,
  generateRsaPrivateKey,
  readCertificates,
  readPrivateKey,
} from '../../../src/identity/index.ts';

function capture(): CliIo & { out_: string[]; err_: string[] } {
  const out_: string[] = [];
  const err_: string[] = [];
  return { out_, err_, out: (t) => out_.push(t), err: (t) => err_.push(t) };
}

let parent: string;
let dir: string;
before(async () => {
  parent = await mkdtemp(join(tmpdir(), 'mt2d-cli-'));
  dir = join(parent, 'data');
});
after(async () => {
  await rm(parent, { recursive: true, force: true });
});

describe('the mt2d command', () => {
  test('without a command it lists init, user and serve and fails', async () => {
    const io = capture();
    assert.equal(await mt2dMain([], io), 1);
    assert.match(io.err_.join('\n'), /init[\s\S]*user[\s\S]*serve/);
  });

  test('init, then user add --csr prints the certificate and the CA', async () => {
    const io = capture();
    assert.equal(await mt2dMain(['init', '--dir', dir, '--domain', 'alpha.test'], io), 0);
    const csr = join(parent, 'alice.csr');
    await writeFile(csr, createCsr(await generateRsaPrivateKey(), { address: 'alice@alpha.test' }));
    const added = capture();
    assert.equal(
      await mt2dMain(['user', 'add', '--dir', dir, 'alice@alpha.test', '--csr', csr], added),
      0,
    );
    const certificates = readCertificates(added.out_.join(''));
    assert.equal(certificates.length, 2);
    assert.equal(certificates[0]?.checkEmail('alice@alpha.test'), 'alice@alpha.test');
  });

  test('user renew --csr certifies a new key of an existing user; an unknown user fails', async () => {
    const key = await generateRsaPrivateKey();
    const csr = join(parent, 'alice-new.csr');
    await writeFile(csr, createCsr(key, { address: 'alice@alpha.test' }));
    const renewed = capture();
    assert.equal(
      await mt2dMain(['user', 'renew', '--dir', dir, 'alice@alpha.test', '--csr', csr], renewed),
      0,
    );
    const [certificate] = readCertificates(renewed.out_.join(''));
    assert.ok(certificate?.checkPrivateKey(key), 'the certificate is for the new key');
    const unknown = capture();
    assert.equal(
      await mt2dMain(['user', 'renew', '--dir', dir, 'nobody@alpha.test', '--csr', csr], unknown),
      1,
    );
    assert.match(unknown.err_.join(''), /^mt2d user renew: MT2D_USER_UNKNOWN: /);
  });

  test('errors come as "mt2d <command>: CODE: message" with exit code 1', async () => {
    const again = capture();
    assert.equal(await mt2dMain(['init', '--dir', dir, '--domain', 'alpha.test'], again), 1);
    assert.match(again.err_.join(''), /^mt2d init: MT2D_ALREADY_INITIALISED: /);
    const outside = capture();
    const p12 = ['--p12', join(parent, 'x.p12'), '--password-file', join(parent, 'pw')];
    await writeFile(join(parent, 'pw'), 'pw\n');
    assert.equal(await mt2dMain(['user', 'add', '--dir', dir, 'x@beta.test', ...p12], outside), 1);
    assert.match(outside.err_.join(''), /MT2D_ADDRESS_INVALID/);
    const config = join(dir, 'mt2d.json');
    const saved = await readFile(config, 'utf8');
    await writeFile(config, '{"version": 1, "domain": "alpha.test", "hostname": "h", "bogus": 1}');
    const serve = capture();
    assert.equal(await mt2dMain(['serve', '--dir', dir, '--listen', '127.0.0.1:0'], serve), 1);
    assert.match(serve.err_.join(''), /MT2D_CONFIG_INVALID: .*bogus/);
    await writeFile(config, saved);
  });

  test('usage errors print the usage', async () => {
    for (const args of [
      ['user', 'add', '--dir', dir, 'a@alpha.test'],
      ['user', 'remove', '--dir', dir, 'a@alpha.test', '--csr', 'x'],
      ['user', 'add', '--dir', dir, 'a@alpha.test', '--csr', 'x', '--purge'],
      ['user', 'rename', '--dir', dir, 'a@alpha.test'],
      ['user', 'renew', '--dir', dir, 'a@alpha.test', '--p12', 'x', '--password-file', 'y'],
      ['serve', '--dir', dir, '--listen', 'nowhere'],
      ['serve', '--dir', dir, '--listen', '127.0.0.1:70000'],
      ['init', '--dir', dir],
      ['init', '--dir', join(parent, 'dsa'), '--domain', 'alpha.test', '--key-type', 'dsa'],
    ]) {
      const io = capture();
      assert.equal(await mt2dMain(args, io), 1, args.join(' '));
      assert.match(io.err_.join(''), /usage/, args.join(' '));
    }
  });

  test('init makes an ECDSA P-256 host key by default, an RSA one with --key-type rsa', async () => {
    for (const [keyType, args] of [
      ['ec', []],
      ['rsa', ['--key-type', 'rsa']],
    ] as const) {
      const keyDir = join(parent, `host-${keyType}`);
      const io = capture();
      assert.equal(
        await mt2dMain(['init', '--dir', keyDir, '--domain', 'alpha.test', ...args], io),
        0,
        io.err_.join(''),
      );
      const key = readPrivateKey(await readFile(join(keyDir, 'host', 'host.key')));
      assert.equal(key.asymmetricKeyType, keyType);
      if (keyType === 'ec') assert.equal(key.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    }
  });
});
