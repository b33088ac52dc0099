// The stylesheet against what uses it: every custom property it reads is defined by
// the theme, and every badge class the renderer gives a badge has a colour.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { BADGE_LABEL } from '../../../renderer/mail/badges.ts';

const css = await readFile(new URL('../../../renderer/styles.css', import.meta.url), 'utf8');

test('every var(--name) the stylesheet reads is defined', () => {
  const defined = new Set([...css.matchAll(/(--[\w-]+)\s*:/g)].map((match) => match[1]));
  const used = new Set([...css.matchAll(/var\(\s*(--[\w-]+)/g)].map((match) => match[1]));
  assert.ok(used.size > 0);
  const missing = [...used].filter((name) => !defined.has(name));
  assert.deepEqual(missing, [], `used but never defined: ${missing.join(', ')}`);
});

test('every badge class has a colour rule', () => {
  // The list and the reader use badge-<verification>; consent cards badge-(un)verified.
  const classes = [...Object.keys(BADGE_LABEL), 'unverified'].map((badge) => `badge-${badge}`);
  for (const name of classes) {
    const rule = new RegExp(`\\.${name}\\b[^{]*\\{[^}]*\\bcolor:`);
    assert.match(css, rule, `.${name} has no colour`);
  }
});
