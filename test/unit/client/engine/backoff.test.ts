import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelayMs } from '../../../../src/client/connection/backoff.ts';

test('the ceiling doubles per failure up to the maximum; the delay is in [ceiling/2, ceiling]', () => {
  const options = { initialDelayMs: 100, maxDelayMs: 1000 };
  const ceilings = [100, 200, 400, 800, 1000, 1000];
  for (const [failures, ceiling] of ceilings.entries()) {
    assert.equal(backoffDelayMs(failures, { ...options, random: () => 0 }), ceiling / 2);
    assert.equal(backoffDelayMs(failures, { ...options, random: () => 0.999999 }), ceiling);
  }
});

test('jitter spreads retries: different random draws give different delays', () => {
  const delays = new Set(
    [0.1, 0.3, 0.5, 0.7, 0.9].map((value) => backoffDelayMs(5, { random: () => value })),
  );
  assert.equal(delays.size, 5);
});

test('a huge failure count stays at the maximum (no overflow)', () => {
  assert.equal(backoffDelayMs(10_000, { maxDelayMs: 60_000, random: () => 0 }), 30_000);
});
