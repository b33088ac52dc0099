import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NO_SELECTION, selectRow, selectedIndex } from '../../../renderer/mail/selection.ts';

const rows = (...refs: string[]) => refs.map((ref) => ({ ref }));

test('the selected message stays selected when a reload moves its row', () => {
  const selection = selectRow(rows('a', 'b', 'c', 'd'), 1);
  assert.equal(selectedIndex(rows('a', 'b', 'c', 'd'), selection), 1);
  // The row above dropped out (a message read in the Unread list): b is now first.
  assert.equal(selectedIndex(rows('b', 'c', 'd'), selection), 0);
  // New mail above it.
  assert.equal(selectedIndex(rows('n', 'a', 'b', 'c', 'd'), selection), 2);
});

test('once the selected message is gone, the row where it was is selected, or the last', () => {
  const selection = selectRow(rows('a', 'b', 'c'), 1);
  assert.equal(selectedIndex(rows('a', 'c'), selection), 1);
  assert.equal(selectedIndex(rows('a'), selection), 0);
  assert.equal(selectedIndex(rows(), selection), -1);
});

test('no selection stays none; a row past the end selects nothing', () => {
  assert.equal(selectedIndex(rows('a', 'b'), NO_SELECTION), -1);
  assert.deepEqual(selectRow(rows('a'), 3), { index: 3 });
  assert.equal(selectedIndex(rows('a'), selectRow(rows('a'), -1)), -1);
});
