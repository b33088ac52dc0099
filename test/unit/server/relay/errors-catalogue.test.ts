import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { RELAY_ERROR_CODES } from '../../../../src/server/index.ts';

test('docs/errors.md lists every RelayError code, and no other RELAY_ row', () => {
  const docs = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
  const section = docs.slice(docs.indexOf('# Error codes of src/server/relay'));
  const rows = [...section.matchAll(/^\| (RELAY_[A-Z_]+) \|/gm)].map((match) => match[1]);
  assert.deepEqual([...rows].sort(), [...RELAY_ERROR_CODES].sort());
});
