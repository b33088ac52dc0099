import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_RETRY_POLICY,
  resolveRetryPolicy,
  retryDelayMs,
} from '../../../../src/server/index.ts';

const policy = resolveRetryPolicy({ initialDelayMs: 1000, multiplier: 2, maxDelayMs: 10_000 });

test('delays double from the initial delay and stop at the ceiling', () => {
  const delays = [1, 2, 3, 4, 5, 6].map((failures) => retryDelayMs(policy, failures, 0));
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 10_000, 10_000]);
});

test('jitter takes up to its fraction off, never adds', () => {
  assert.equal(retryDelayMs(policy, 3, 0), 4000);
  assert.equal(retryDelayMs(policy, 3, 0.5), 3600);
  assert.equal(retryDelayMs(policy, 3, 0.999_999), 3200);
  const many = Array.from({ length: 200 }, () => retryDelayMs(policy, 30, Math.random()));
  assert.ok(many.every((delay) => delay >= 8000 && delay <= 10_000));
  assert.ok(new Set(many).size > 50, 'random draws spread the delays');
});

test('defaults: 30 s first, 1 h ceiling, 5 days before giving up', () => {
  assert.deepEqual(resolveRetryPolicy(), DEFAULT_RETRY_POLICY);
  assert.equal(retryDelayMs(DEFAULT_RETRY_POLICY, 1, 0), 30_000);
  assert.equal(retryDelayMs(DEFAULT_RETRY_POLICY, 50, 0), 3_600_000);
});

test('impossible settings are refused at start', () => {
  assert.throws(() => resolveRetryPolicy({ initialDelayMs: -1 }), RangeError);
  assert.throws(() => resolveRetryPolicy({ maxAgeMs: Number.NaN }), RangeError);
  assert.throws(() => resolveRetryPolicy({ multiplier: 0.5 }), RangeError);
  assert.throws(() => resolveRetryPolicy({ jitter: 1.5 }), RangeError);
});
