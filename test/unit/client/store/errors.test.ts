import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { LOCAL_STORE_ERROR_CODES } from '../../../../src/client/store/index.ts';
import { toLocalStoreError } from '../../../../src/client/store/errors.ts';

test('docs/errors.md lists every local store error code', () => {
  const doc = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
  assert.ok(LOCAL_STORE_ERROR_CODES.length >= 10);
  for (const code of LOCAL_STORE_ERROR_CODES)
    assert.match(doc, new RegExp(`\\| ${code} \\|`), code);
});

test('SQLite errors map by result code, extended codes included; others are INTERNAL', () => {
  const sqlite = (code: string) => Object.assign(new Error('text that is never read'), { code });
  assert.equal(toLocalStoreError(sqlite('SQLITE_CORRUPT')).code, 'LOCAL_STORE_CORRUPT');
  assert.equal(toLocalStoreError(sqlite('SQLITE_NOTADB')).code, 'LOCAL_STORE_CORRUPT');
  assert.equal(toLocalStoreError(sqlite('SQLITE_IOERR_WRITE')).code, 'LOCAL_STORE_IO');
  assert.equal(toLocalStoreError(sqlite('SQLITE_FULL')).code, 'LOCAL_STORE_IO');
  assert.equal(toLocalStoreError(sqlite('SQLITE_BUSY_SNAPSHOT')).code, 'LOCAL_STORE_BUSY');
  assert.equal(toLocalStoreError(sqlite('SQLITE_CONSTRAINT_UNIQUE')).code, 'LOCAL_STORE_INTERNAL');
  assert.equal(toLocalStoreError(new TypeError('x')).code, 'LOCAL_STORE_INTERNAL');
  assert.equal(toLocalStoreError('a string').code, 'LOCAL_STORE_INTERNAL');
});
