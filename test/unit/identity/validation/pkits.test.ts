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

/** Cases expected to fail, with why (policy processing, 4.8-4.12, is out of scope). */
const EXPECTED_FAILURES: Readonly<Record<string, string>> = {
  '40804_different_policies_test4':
    'policy processing (4.8, certificate policies) is out of scope: the path has no valid policy',
  '40805_different_policies_test5':
    'policy processing (4.8, certificate policies) is out of scope: the path has no valid policy',
  '40807_different_policies_test7':
    'policy processing (4.8, certificate policies) is out of scope: the path has no valid policy',
  '40808_different_policies_test8':
    'policy processing (4.8, certificate policies) is out of scope: the path has no valid policy',
  '40809_different_policies_test9':
    'policy processing (4.8, certificate policies) is out of scope: the path has no valid policy',
  '40812_different_policies_test12':
    'policy processing (4.8, certificate policies) is out of scope: the path has no valid policy',
  '40903_invalid_require_explicit_policy_test3':
    'policy processing (4.9, requireExplicitPolicy) is out of scope',
  '40905_invalid_require_explicit_policy_test5':
    'policy processing (4.9, requireExplicitPolicy) is out of scope',
  '40907_invalid_self_issued_require_explicit_policy_test7':
    'policy processing (4.9, requireExplicitPolicy) is out of scope',
  '40908_invalid_self_issued_require_explicit_policy_test8':
    'policy processing (4.9, requireExplicitPolicy) is out of scope',
  '41002_invalid_policy_mapping_test2': 'policy processing (4.10, policy mappings) is out of scope',
  '41004_invalid_policy_mapping_test4': 'policy processing (4.10, policy mappings) is out of scope',
  '41007_invalid_mapping_from_any_policy_test7':
    'policy processing (4.10, policy mappings) is out of scope',
  '41008_invalid_mapping_to_any_policy_test8':
    'policy processing (4.10, policy mappings) is out of scope',
  '41010_invalid_policy_mapping_test10':
    'policy processing (4.10, policy mappings) is out of scope',
  '41101_invalid_inhibit_policy_mapping_test1':
    'policy processing (4.11, inhibitPolicyMapping) is out of scope',
  '41103_invalid_inhibit_policy_mapping_test3':
    'policy processing (4.11, inhibitPolicyMapping) is out of scope',
  '41105_invalid_inhibit_policy_mapping_test5':
    'policy processing (4.11, inhibitPolicyMapping) is out of scope',
  '41106_invalid_inhibit_policy_mapping_test6':
    'policy processing (4.11, inhibitPolicyMapping) is out of scope',
  '41108_invalid_self_issued_inhibit_policy_mapping_test8':
    'policy processing (4.11, inhibitPolicyMapping) is out of scope',
  '41109_invalid_self_issued_inhibit_policy_mapping_test9':
    'policy processing (4.11, inhibitPolicyMapping) is out of scope',
  '41110_invalid_self_issued_inhibit_policy_mapping_test10':
    'policy processing (4.11, inhibitPolicyMapping) is out of scope',
  '41111_invalid_self_issued_inhibit_policy_mapping_test11':
    'policy processing (4.11, inhibitPolicyMapping) is out of scope',
  '41201_invalid_inhibit_any_policy_test1':
    'policy processing (4.12, inhibitAnyPolicy) is out of scope',
  '41204_invalid_inhibit_any_policy_test4':
    'policy processing (4.12, inhibitAnyPolicy) is out of scope',
  '41205_invalid_inhibit_any_policy_test5':
    'policy processing (4.12, inhibitAnyPolicy) is out of scope',
  '41206_invalid_inhibit_any_policy_test6':
    'policy processing (4.12, inhibitAnyPolicy) is out of scope',
  '41208_invalid_self_issued_inhibit_any_policy_test8':
    'policy processing (4.12, inhibitAnyPolicy) is out of scope',
  '41210_invalid_self_issued_inhibit_any_policy_test10':
    'policy processing (4.12, inhibitAnyPolicy) is out of scope',
};

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

test('NIST PKITS: every case gives the expected result (policy cases listed)', () => {
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
