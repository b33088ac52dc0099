import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accountStatus, type SyncProgress } from '../../../renderer/mail/sync-status.ts';

const progress = (phase: SyncProgress['phase'], done: number, total: number): SyncProgress => ({
  type: 'sync-progress',
  accountId: 'bob@alpha.test',
  phase,
  done,
  total,
});

test('an online account storing new messages says how many of those found are in', () => {
  assert.equal(
    accountStatus('online', progress('headers', 2250, 10000)),
    'syncing 2,250 of 10,000',
  );
  assert.equal(accountStatus('online', progress('headers', 0, 250)), 'syncing 0 of 250');
});

test('an online account verifying what it synced says how many of those waiting are done', () => {
  assert.equal(
    accountStatus('online', progress('verifying', 500, 10000)),
    'verifying 500 of 10,000',
  );
  assert.equal(accountStatus('online', progress('verifying', 10000, 10000)), 'online');
  assert.equal(accountStatus('online', progress('flags', 1, 3)), 'online');
});

test('otherwise the line shows the connection: all stored, another phase, or not online', () => {
  assert.equal(accountStatus('online', progress('headers', 10000, 10000)), 'online');
  assert.equal(accountStatus('online', progress('done', 10000, 10000)), 'online');
  assert.equal(accountStatus('online', progress('listing', 0, 0)), 'online');
  assert.equal(accountStatus('online', undefined), 'online');
  // A round cut short by a drop leaves its last count behind; the connection says why.
  assert.equal(
    accountStatus('waiting-to-retry', progress('headers', 250, 1000)),
    'waiting to retry',
  );
  assert.equal(accountStatus('connecting', progress('headers', 250, 1000)), 'connecting…');
});
