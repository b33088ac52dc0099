import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { GroupCommit } from '../../../../src/server/store/group-commit.ts';

test('concurrent flushes share syncs, and each waits for a sync that started after it', async () => {
  const started: number[] = [];
  let clock = 0;
  const commit = new GroupCommit(async () => {
    started.push(clock);
    await sleep(20);
  });
  const results = await Promise.all(
    Array.from({ length: 50 }, async (_, i) => {
      clock = i;
      const askedAt = clock;
      await commit.flush();
      return { askedAt, syncsSoFar: [...started] };
    }),
  );
  assert.ok(commit.syncCount <= 2, `50 flushes took ${commit.syncCount} syncs`);
  for (const { askedAt, syncsSoFar } of results) {
    assert.ok(
      syncsSoFar.some((startedAt) => startedAt >= askedAt),
      `flush asked at ${askedAt} resolved without a sync started after it`,
    );
  }
});

test('a flush during a running sync gets its own, later sync', async () => {
  let syncs = 0;
  const commit = new GroupCommit(async () => {
    syncs++;
    await sleep(10);
  });
  const first = commit.flush();
  await sleep(1);
  const second = commit.flush();
  await first;
  assert.equal(syncs, 2, 'the second sync starts when the first ends');
  await second;
  assert.equal(commit.syncCount, 2);
});

test('a failed sync rejects its waiters and the next flush tries again', async () => {
  let fail = true;
  const commit = new GroupCommit(() =>
    fail ? Promise.reject(new Error('EIO')) : Promise.resolve(),
  );
  await assert.rejects(commit.flush(), /EIO/);
  fail = false;
  await commit.flush();
  assert.equal(commit.syncCount, 2);
});
