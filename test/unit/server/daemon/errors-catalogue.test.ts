import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { DAEMON_ERROR_CODES, LIST_HOST_ERROR_CODES } from '../../../../src/server/index.ts';

test('docs/errors.md lists every DaemonError code', async () => {
  const doc = await readFile(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
  for (const code of DAEMON_ERROR_CODES) assert.match(doc, new RegExp(`\\| ${code} \\|`), code);
});

test('docs/errors.md lists every ListHostError code', async () => {
  const doc = await readFile(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
  for (const code of LIST_HOST_ERROR_CODES) assert.match(doc, new RegExp(`\\| ${code} \\|`), code);
});
