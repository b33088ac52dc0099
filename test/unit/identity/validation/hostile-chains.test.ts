// Hostile input to path building: many look-alike CA certificates must not make
// validation explode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  anchorFromCertificate,
  parseCertificate,
  parseCertificates,
  validatePath,
  type ParsedCertificate,
} from '../../../../src/identity/index.ts';

const PKITS = join(import.meta.dirname, '../../../../../shared/data/pkits');

test('eight same-named CA certificates that chain to nothing give UNKNOWN_ISSUER (path building is bounded)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mt2-loop-'));
  try {
    const run = (...args: string[]) =>
      execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    writeFileSync(
      join(dir, 'ext.cnf'),
      '[req]\ndistinguished_name = dn\n[dn]\n[ca]\nbasicConstraints = critical, CA:true\n',
    );
    run('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'loop.key');
    const looks: ParsedCertificate[] = [];
    for (let serial = 1; serial <= 8; serial += 1) {
      run(
        'req',
        '-x509',
        '-key',
        'loop.key',
        '-subj',
        '/CN=Loop',
        '-set_serial',
        String(serial),
        '-days',
        '1',
        '-config',
        'ext.cnf',
        '-extensions',
        'ca',
        '-out',
        `loop${serial}.pem`,
      );
      looks.push(...parseCertificates(readFileSync(join(dir, `loop${serial}.pem`))));
    }
    run(
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'ee.key',
      '-subj',
      '/CN=Victim',
      '-config',
      'ext.cnf',
      '-out',
      'ee.csr',
    );
    run(
      'x509',
      '-req',
      '-in',
      'ee.csr',
      '-CA',
      'loop1.pem',
      '-CAkey',
      'loop.key',
      '-set_serial',
      '99',
      '-days',
      '1',
      '-out',
      'ee.pem',
    );
    const [target] = parseCertificates(readFileSync(join(dir, 'ee.pem')));
    assert.ok(target);
    const anchor = anchorFromCertificate(
      parseCertificate(readFileSync(join(PKITS, 'certs/TrustAnchorRootCertificate.crt'))),
    );
    const result = validatePath(target, { anchors: [anchor], intermediates: looks });
    assert.equal(result.valid, false);
    assert.deepEqual(
      result.reasons.map((item) => item.code),
      ['UNKNOWN_ISSUER'],
    );
    // Trusting one of them as the anchor works, with the others as distractions.
    const [first] = looks;
    assert.ok(first);
    const trusted = validatePath(target, {
      anchors: [anchorFromCertificate(first)],
      intermediates: looks,
    });
    assert.equal(trusted.valid, true, trusted.reasons.map((item) => item.message).join('; '));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
