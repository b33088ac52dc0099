// Name constraints beyond PKITS: IP address ranges, excluded subtrees and directoryName,
// on a CA made with openssl.
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
let ca: ParsedCertificate;

const CONFIG = `
[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
nameConstraints = critical, permitted;IP:10.0.0.0/255.0.0.0, permitted;DNS:example.org, permitted;dirName:permitted_dn, excluded;DNS:secret.example.org, excluded;email:.bad.example.org
[permitted_dn]
O = example.org
[ok]
subjectAltName = DNS:www.example.org, IP:10.1.2.3, email:someone@good.example.org
[ip_out]
subjectAltName = IP:192.168.1.1
[dns_excluded]
subjectAltName = DNS:db.secret.example.org
[email_excluded]
subjectAltName = email:x@host.bad.example.org
[dn_out]
subjectAltName = DNS:www.example.org
`;

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function issue(section: string, subject: string): ParsedCertificate {
  openssl(
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${section}.key`,
    '-subj',
    subject,
    '-config',
    'openssl.cnf',
    '-out',
    `${section}.csr`,
  );
  openssl(
    'x509',
    '-req',
    '-in',
    `${section}.csr`,
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-set_serial',
    String(Date.now() % 100000),
    '-days',
    '30',
    '-extfile',
    'openssl.cnf',
    '-extensions',
    section,
    '-out',
    `${section}.pem`,
  );
  const [certificate] = parseCertificates(readFileSync(join(dir, `${section}.pem`)));
  assert.ok(certificate);
  return certificate;
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mt2-nc-'));
  writeFileSync(join(dir, 'openssl.cnf'), CONFIG);
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'ca.key',
    '-subj',
    '/O=example.org/CN=Constrained CA',
    '-config',
    'openssl.cnf',
    '-extensions',
    'ca',
    '-days',
    '30',
    '-out',
    'ca.pem',
  );
  const [certificate] = parseCertificates(readFileSync(join(dir, 'ca.pem')));
  assert.ok(certificate);
  ca = certificate;
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function codesFor(certificate: ParsedCertificate): string[] {
  const result = validatePath(certificate, {
    anchors: [anchorFromCertificate(ca)],
    revocation: 'off',
  });
  return result.reasons.map((item) => item.code);
}

describe('name constraints of an anchor CA', () => {
  test('names inside every permitted subtree and outside the excluded ones are valid', () => {
    assert.deepEqual(codesFor(issue('ok', '/O=example.org/CN=www')), []);
  });

  test('an IP address outside the permitted range is refused', () => {
    assert.deepEqual(codesFor(issue('ip_out', '/O=example.org/CN=ip')), [
      'NAME_CONSTRAINT_VIOLATION',
    ]);
  });

  test('a dNSName in an excluded subtree is refused', () => {
    assert.deepEqual(codesFor(issue('dns_excluded', '/O=example.org/CN=db')), [
      'NAME_CONSTRAINT_VIOLATION',
    ]);
  });

  test('an rfc822Name in an excluded domain is refused', () => {
    assert.deepEqual(codesFor(issue('email_excluded', '/O=example.org/CN=x')), [
      'NAME_CONSTRAINT_VIOLATION',
    ]);
  });

  test('a subject outside the permitted directoryName subtree is refused', () => {
    const reasons = validatePath(issue('dn_out', '/O=elsewhere/CN=www'), {
      anchors: [anchorFromCertificate(ca)],
      revocation: 'off',
    }).reasons;
    assert.deepEqual(
      reasons.map((item) => item.code),
      ['NAME_CONSTRAINT_VIOLATION'],
    );
    assert.match(
      reasons[0]?.message ?? '',
      /dirName:O=elsewhere, CN=www is outside the permitted subtrees/,
    );
  });
});
