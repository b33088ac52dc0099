import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXPIRY_WARNING_DAYS, expiryNote } from '../../../renderer/certificates/expiry.ts';

const now = new Date('2026-12-03T12:00:00Z');
const inDays = (days: number) => new Date(now.getTime() + days * 86_400_000).toISOString();

test('expiry coming is shown within the warning window, not before', () => {
  assert.equal(expiryNote(inDays(EXPIRY_WARNING_DAYS + 5), now), undefined);
  assert.equal(expiryNote(inDays(12.5), now), 'Expires in 12 days');
  assert.equal(expiryNote(inDays(1.2), now), 'Expires in 1 day');
  assert.equal(expiryNote(inDays(0.5), now), 'Expires today');
});

test('an expired certificate says how long ago', () => {
  assert.equal(expiryNote(inDays(-3), now), 'Expired 3 days ago');
  assert.equal(expiryNote(inDays(-0.5), now), 'Expired 1 day ago');
});

test('an unreadable date says nothing rather than something wrong', () => {
  assert.equal(expiryNote('not a date', now), undefined);
});
