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
  type PathValidationResult,
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

function run(testCase: PkitsCase): PathValidationResult {
  return validatePath(certificate(testCase.ee), {
    anchors: [anchor],
    intermediates: testCase.intermediates.map(certificate),
    crls: [rootCrl, ...testCase.crls.map(crl)],
    at,
    revocation: testCase.revocation_required ? 'require' : 'best-effort',
  });
}

test('NIST PKITS: every case of cases.json and section 4.13 gives the expected result', () => {
  const cases = [...index.cases, ...nameConstraintCases()];
  const unexpected: string[] = [];
  let passed = 0;
  for (const testCase of cases) {
    const result = run(testCase);
    const outcome = result.valid ? 'SUCCESS' : 'FAILURE';
    const detail = result.reasons
      .map((item) => `${item.code} ${item.message} [${item.subject ?? ''}]`)
      .join('; ');
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

/** One failing case per reason code, and the codes its verdict must give. */
const REASON_CASES: readonly (readonly [string, readonly string[]])[] = [
  ['40102_invalid_ca_signature_test2', ['BAD_SIGNATURE']],
  ['40201_invalid_ca_notbefore_date_test1', ['NOT_YET_VALID']],
  ['40205_invalid_ca_notafter_date_test5', ['EXPIRED']],
  ['40401_missing_crl_test1', ['REVOCATION_UNKNOWN']],
  ['40402_invalid_revoked_ca_test2', ['REVOKED']],
  ['40601_invalid_missing_basicconstraints_test1', ['NOT_A_CA']],
  ['40605_invalid_pathlenconstraint_test5', ['PATH_LENGTH_EXCEEDED']],
  ['40701_invalid_keyusage_critical_keycertsign_false_test1', ['KEY_USAGE_MISSING']],
  ['40804_different_policies_test4', ['NO_VALID_POLICY']],
  ['41007_invalid_mapping_from_any_policy_test7', ['INVALID_POLICY_MAPPING']],
  ['41602_invalid_unknown_critical_certificate_extension_test2', ['UNKNOWN_CRITICAL_EXTENSION']],
  ['413_InvalidDNSnameConstraintsTest31EE', ['NAME_CONSTRAINT_VIOLATION']],
  ['413_InvalidRFC822nameConstraintsTest22EE', ['NAME_CONSTRAINT_VIOLATION']],
];

test('NIST PKITS: failing cases give their own reason codes', () => {
  const cases = new Map(
    [...index.cases, ...nameConstraintCases()].map((testCase) => [testCase.id, testCase]),
  );
  for (const [id, expected] of REASON_CASES) {
    const testCase = cases.get(id);
    assert.ok(testCase, id);
    const codes = [...new Set(run(testCase).reasons.map((item) => item.code))];
    assert.deepEqual(codes, expected, id);
  }
});
