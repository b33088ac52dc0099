import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  RESULT,
  RESULT_CODES,
  inNamespace,
  isTransient,
  lookupResult,
  resultClass,
  statusOfCode,
} from '../../../src/protocol/result-codes.ts';
import { MT2_ERROR_CODES, Mt2Error, resultForError } from '../../../src/protocol/errors.ts';
import {
  MAILBOX_NAMESPACE,
  MAILBOX_RESULT,
} from '../../../src/protocol/transfer-extensions/mailbox-types.ts';
import { readFileSync } from 'node:fs';

test('every registry code is unique, well formed, and its kind follows its class', () => {
  const codes = RESULT_CODES.map((entry) => entry.code);
  assert.equal(new Set(codes).size, codes.length);
  for (const entry of RESULT_CODES) {
    assert.match(entry.code, /^99\.0\.[2-5]\.\d+$/);
    const expected = { 2: 'success', 3: 'intermediate', 4: 'transient', 5: 'permanent' }[
      resultClass(entry.code)
    ];
    assert.equal(entry.kind, expected, entry.code);
    assert.equal(RESULT[entry.name as keyof typeof RESULT], entry.code);
  }
});

test('status, class and transience agree', () => {
  assert.equal(statusOfCode(RESULT.OK), 'OK');
  assert.equal(statusOfCode(RESULT.SEND_BODY), 'TMP');
  assert.equal(statusOfCode(RESULT.TOO_MANY_IN_FLIGHT), 'ERR');
  assert.equal(isTransient(RESULT.TOO_MANY_IN_FLIGHT), true);
  assert.equal(isTransient(RESULT.TRANSFER_REFUSED), false);
  assert.equal(inNamespace('110', RESULT.OPT_ACCEPTED), '110.0.2.2');
  assert.equal(lookupResult('99.0.5.9')?.name, 'UNKNOWN_EXTENSION');
  assert.equal(lookupResult('98.0.5.9'), undefined);
  assert.throws(() => resultClass('99.0.7.1'), RangeError);
});

test('the slide codes keep their slide meanings', () => {
  assert.equal(RESULT.GREETING, '99.0.3.1');
  assert.equal(RESULT.SEND_CERTIFICATE, '99.0.3.2');
  assert.equal(RESULT.HELO_ACCEPTED, '99.0.2.1');
  assert.equal(RESULT.OPT_ACCEPTED, '99.0.2.2');
  assert.equal(RESULT.FAILED, '99.0.5.0');
  assert.equal(RESULT.UNKNOWN_EXTENSION, '99.0.5.9');
  assert.equal(RESULT.SEND_ENVELOPE, '99.0.3.5');
  assert.equal(RESULT.SEND_BODY, '99.0.3.8');
  assert.equal(RESULT.TRANSFER_REFUSED, '99.0.5.23');
});

test('every error code carries a registered failure result', () => {
  for (const code of MT2_ERROR_CODES) {
    const result = resultForError(code);
    assert.ok(lookupResult(result), `${code} -> ${result}`);
    assert.ok(resultClass(result) >= 4, code);
    assert.equal(new Mt2Error(code, 'x').result, result);
  }
  assert.equal(new Mt2Error('REFUSED', 'x', '99.0.5.23').result, '99.0.5.23');
});

test('docs list every error code and every result code', () => {
  const errorsDoc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  for (const code of MT2_ERROR_CODES) assert.match(errorsDoc, new RegExp(`\\b${code}\\b`), code);
  const spec = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');
  for (const entry of RESULT_CODES) {
    assert.ok(spec.includes(`| ${entry.code} `), `docs/protocol.md lacks ${entry.code}`);
  }
});

test('every mailbox-access code is in namespace 120, listed in docs/protocol.md, and reuses core details with their meaning', () => {
  const spec = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');
  for (const [name, code] of Object.entries(MAILBOX_RESULT)) {
    assert.ok(code.startsWith(`${MAILBOX_NAMESPACE}.0.`), code);
    assert.ok(spec.includes(`| ${code} `), `docs/protocol.md lacks ${code}`);
    const core = lookupResult(`99${code.slice(MAILBOX_NAMESPACE.length)}`);
    // Details of its own (3.30, 5.30) have no core twin; the others mean what the core says.
    if (core !== undefined) assert.equal(core.name, name, code);
  }
});
