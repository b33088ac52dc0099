// Signature algorithms beyond PKITS's RSA and DSA: RSA-PSS, ECDSA P-384 and Ed25519
// chains made with openssl, and a tampered one.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  anchorFromCertificate,
  parseCertificates,
  validatePath,
  type ParsedCertificate,
} from '../../../../src/identity/index.ts';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mt2-sig-'));
  writeFileSync(
    join(dir, 'ext.cnf'),
    '[req]\ndistinguished_name = dn\n[dn]\n[ca]\nbasicConstraints = critical, CA:true\n',
  );
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function load(name: string): ParsedCertificate {
  const [certificate] = parseCertificates(readFileSync(join(dir, name)));
  assert.ok(certificate);
  return certificate;
}

/** A CA with `keyArgs`, and a leaf it signs with `signArgs`. */
function chain(
  name: string,
  keyArgs: string[],
  signArgs: string[],
): { ca: ParsedCertificate; leaf: ParsedCertificate } {
  openssl('genpkey', ...keyArgs, '-out', `${name}-ca.key`);
  openssl(
    'req',
    '-x509',
    '-key',
    `${name}-ca.key`,
    '-subj',
    `/CN=${name} CA`,
    '-days',
    '2',
    '-config',
    'ext.cnf',
    '-extensions',
    'ca',
    ...signArgs,
    '-out',
    `${name}-ca.pem`,
  );
  openssl(
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-subj',
    `/CN=${name} leaf`,
    '-config',
    'ext.cnf',
    '-out',
    `${name}.csr`,
  );
  openssl(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${name}-ca.pem`,
    '-CAkey',
    `${name}-ca.key`,
    '-set_serial',
    '7',
    '-days',
    '1',
    ...signArgs,
    '-out',
    `${name}.pem`,
  );
  return { ca: load(`${name}-ca.pem`), leaf: load(`${name}.pem`) };
}

function codes(ca: ParsedCertificate, leaf: ParsedCertificate): string[] {
  return validatePath(leaf, {
    anchors: [anchorFromCertificate(ca)],
    revocation: 'off',
  }).reasons.map((item) => item.code);
}

describe('signature algorithms', () => {
  test('RSA-PSS (SHA-256, salt 32) verifies', () => {
    const { ca, leaf } = chain(
      'pss',
      ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
      ['-sha256', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32'],
    );
    assert.equal(leaf.signatureAlgorithm.oid, '1.2.840.113549.1.1.10');
    assert.deepEqual(codes(ca, leaf), []);
  });

  test('ECDSA P-384 with SHA-384 verifies', () => {
    const { ca, leaf } = chain(
      'p384',
      ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
      ['-sha384'],
    );
    assert.deepEqual(codes(ca, leaf), []);
  });

  test('Ed25519 verifies', () => {
    const { ca, leaf } = chain('ed', ['-algorithm', 'ED25519'], []);
    assert.deepEqual(codes(ca, leaf), []);
  });

  test('a leaf checked against another CA of the same name gives BAD_SIGNATURE', () => {
    const first = chain('twin', ['-algorithm', 'ED25519'], []);
    const second = chain('twin', ['-algorithm', 'ED25519'], []);
    assert.deepEqual(codes(second.ca, first.leaf), ['BAD_SIGNATURE']);
  });
});
