// NIST PKITS: every case of cases.json (sections 4.1-4.12, 4.14-4.16) and every
// end-entity of section 4.13 (name constraints), run through validatePath.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  anchorFromCertificate,
  parseCertificate,
  parseCrl,
  validatePath,
  type ParsedCertificate,
  type ParsedCrl,
} from '../../../../src/identity/validation/index.ts';

const PKITS = join(import.meta.dirname, '../../../../../shared/data/pkits');

interface PkitsCase {
  readonly id: string;
  readonly ee: string;
  readonly intermediates: readonly string[];
  readonly crls: readonly string[];
  readonly expected: 'SUCCESS' | 'FAILURE';
  readonly revocation_required: boolean;
}

interface PkitsIndex {
  readonly trust_anchor: string;
  readonly validation_time: string;
  readonly cases: readonly PkitsCase[];
}

/**
 * Cases expected to fail, each with its reason. Empty: every case passes, policy
 * processing (4.8-4.12) included. A listed case that passes fails the test, so the
 * list stays true; keep it in step with docs/certificate-validation.md.
 */
const EXPECTED_FAILURES: Readonly<Record<string, string>> = {};

const index = JSON.parse(readFileSync(join(PKITS, 'cases.json'), 'utf8')) as PkitsIndex;
// cases.json's validation_time (2011-01-01T00:00Z) comes before the delta CRLs'
// thisUpdate (08:30 that day) and inside the validity of the "bad notAfter" CAs, so
// the suite runs at the README's suggested time, inside every other certificate's
// validity and every CRL's update interval.
const at = new Date('2026-01-01T00:00:00Z');
const certificate = (name: string): ParsedCertificate =>
  parseCertificate(readFileSync(join(PKITS, 'certs', name)));
const crl = (name: string): ParsedCrl => parseCrl(readFileSync(join(PKITS, 'crls', name)));
const anchor = anchorFromCertificate(certificate(index.trust_anchor));
const rootCrl = crl('TrustAnchorRootCRL.crl');

function nameConstraintCases(): PkitsCase[] {
  const all = readdirSync(join(PKITS, 'certs'));
  const cas = all.filter((name) => name.startsWith('nameConstraints'));
  const crls = readdirSync(join(PKITS, 'crls')).filter((name) =>
    name.startsWith('nameConstraints'),
  );
  return all
    .filter((name) => /^(Valid|Invalid).*nameConstraintsTest\d+EE\.crt$/.test(name))
    .map((name) => ({
      id: `413_${name.replace(/\.crt$/, '')}`,
      ee: name,
      intermediates: cas,
      crls,
      expected: name.startsWith('Valid') ? 'SUCCESS' : 'FAILURE',
      revocation_required: true,
    }));
}

function run(testCase: PkitsCase): { outcome: 'SUCCESS' | 'FAILURE'; detail: string } {
  const result = validatePath(certificate(testCase.ee), {
    anchors: [anchor],
    intermediates: testCase.intermediates.map(certificate),
    crls: [rootCrl, ...testCase.crls.map(crl)],
    at,
    revocation: testCase.revocation_required ? 'require' : 'best-effort',
  });
  return {
    outcome: result.valid ? 'SUCCESS' : 'FAILURE',
    detail: result.reasons.map((r) => `${r.code} ${r.message} [${r.subject ?? ''}]`).join('; '),
  };
}

test('NIST PKITS: every case of cases.json and section 4.13 gives the expected result', () => {
  const cases = [...index.cases, ...nameConstraintCases()];
  const unexpected: string[] = [];
  let passed = 0;
  for (const testCase of cases) {
    const { outcome, detail } = run(testCase);
    const ok = outcome === testCase.expected;
    if (ok) passed += 1;
    const listed = EXPECTED_FAILURES[testCase.id] !== undefined;
    if (ok === listed) {
      unexpected.push(
        `${testCase.id}: expected ${testCase.expected}, got ${outcome}${listed ? ' (listed as failing)' : ''} ${detail}`,
      );
    }
  }
  console.log(`PKITS: ${passed}/${cases.length} cases pass`);
  assert.deepEqual(unexpected, []);
});
