import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpentStampLog } from '../../../../src/server/postage/index.ts';
import { mintStamp, redeemStamp } from '../../../../src/extensions/index.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
let dir: string;
beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'mt2-stamps-')), 'spent');
});
afterEach(async () => {
  await rm(join(dir, '..'), { recursive: true, force: true });
});

test('a spent stamp stays spent across a restart', async () => {
  const stamp = await mintStamp({ resource: 'bob@beta.test', bits: 10 });
  const policy = { bits: 10, validityMs: 28 * DAY_MS, graceMs: 2 * DAY_MS };
  const store = await SpentStampLog.open(dir);
  await redeemStamp(stamp, 'bob@beta.test', store, new Date(), policy);
  await store.close();

  const reopened = await SpentStampLog.open(dir);
  await assert.rejects(redeemStamp(stamp, 'bob@beta.test', reopened, new Date(), policy), {
    code: 'HASHCASH_DOUBLE_SPENT',
  });
  await reopened.close();
});

test('two sessions spending one stamp at once: exactly one wins', async () => {
  const store = await SpentStampLog.open(dir);
  const expires = new Date(Date.now() + DAY_MS);
  const results = await Promise.all([
    store.spend('1:10:261128:bob@beta.test::a:b', expires),
    store.spend('1:10:261128:bob@beta.test::a:b', expires),
  ]);
  assert.deepEqual(results.sort(), [false, true]);
  await store.close();
});

test('expired stamps are forgotten at open, and the log is rewritten when they pile up', async () => {
  const store = await SpentStampLog.open(dir);
  const soon = new Date(Date.now() + 1000);
  const later = new Date(Date.now() + 10 * DAY_MS);
  for (let i = 0; i < 5; i++) await store.spend(`old-${i}`, soon);
  await store.spend('live', later);
  await store.close();

  const afterExpiry = new Date(Date.now() + 2 * DAY_MS);
  const kept = await SpentStampLog.open(dir, { now: afterExpiry, compactAfterExpired: 100 });
  assert.equal(kept.size, 1);
  await kept.close();

  const compacted = await SpentStampLog.open(dir, { now: afterExpiry, compactAfterExpired: 5 });
  assert.equal(compacted.size, 1);
  assert.equal(await compacted.spend('live', later), false, 'the live stamp survived compaction');
  await compacted.close();
  assert.deepEqual(await readdir(join(dir, '..')), ['spent']);
});
