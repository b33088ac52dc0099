import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DomainScheduler,
  resolveRetryPolicy,
  type RunOutcome,
} from '../../../../src/server/index.ts';
import { ManualClock } from '../../../helpers/manual-clock.ts';

const policy = resolveRetryPolicy({ initialDelayMs: 1000, multiplier: 2, maxDelayMs: 8000 });

/** A run whose outcome the test decides: each call waits until the test settles it. */
class ScriptedRuns {
  readonly calls: string[] = [];
  readonly #waiting: { domain: string; settle: (outcome: RunOutcome | Error) => void }[] = [];

  readonly run = (domain: string): Promise<RunOutcome> => {
    this.calls.push(domain);
    return new Promise((resolve, reject) => {
      this.#waiting.push({
        domain,
        settle: (outcome) => {
          if (outcome instanceof Error) reject(outcome);
          else resolve(outcome);
        },
      });
    });
  };

  /** Domains whose run is in progress, in start order. */
  get active(): string[] {
    return this.#waiting.map((entry) => entry.domain);
  }

  /** Ends the oldest run of `domain` with `outcome`, then lets the scheduler react. */
  async finish(domain: string, outcome: RunOutcome | Error): Promise<void> {
    const index = this.#waiting.findIndex((entry) => entry.domain === domain);
    assert.ok(index >= 0, `${domain} is not running`);
    const [entry] = this.#waiting.splice(index, 1);
    entry?.settle(outcome);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function setup(maxConcurrentDomains = 4) {
  const clock = new ManualClock();
  const runs = new ScriptedRuns();
  const retries: [string, number, number][] = [];
  const errors: string[] = [];
  const scheduler = new DomainScheduler({
    clock,
    policy,
    random: () => 0,
    maxConcurrentDomains,
    run: runs.run,
    onRetry: (domain, failures, delayMs) => retries.push([domain, failures, delayMs]),
    onRunError: (domain) => errors.push(domain),
  });
  return { clock, runs, retries, errors, scheduler };
}

test('a notified domain runs once, then is idle', async () => {
  const { runs, scheduler } = setup();
  scheduler.notify('beta.test');
  assert.deepEqual(runs.active, ['beta.test']);
  assert.equal(scheduler.state('beta.test').status, 'running');
  await runs.finish('beta.test', 'done');
  assert.equal(scheduler.state('beta.test').status, 'idle');
  assert.deepEqual(runs.calls, ['beta.test']);
  await scheduler.whenSettled();
});

test('transient failures back off exponentially; a success resets the count', async () => {
  const { clock, runs, retries, scheduler } = setup();
  scheduler.notify('beta.test');
  for (const expected of [1000, 2000, 4000, 8000, 8000]) {
    await runs.finish('beta.test', 'retry');
    const state = scheduler.state('beta.test');
    assert.equal(state.status, 'waiting');
    assert.equal(state.retryAt, clock.now() + expected);
    clock.advance(expected - 1);
    assert.deepEqual(runs.active, [], 'not before the delay');
    clock.advance(1);
    assert.deepEqual(runs.active, ['beta.test']);
  }
  assert.deepEqual(
    retries.map(([, failures, delay]) => [failures, delay]),
    [
      [1, 1000],
      [2, 2000],
      [3, 4000],
      [4, 8000],
      [5, 8000],
    ],
  );
  await runs.finish('beta.test', 'done');
  assert.deepEqual(scheduler.state('beta.test'), {
    status: 'idle',
    failures: 0,
    retryAt: undefined,
  });
  scheduler.notify('beta.test');
  await runs.finish('beta.test', 'retry');
  assert.equal(scheduler.state('beta.test').retryAt, clock.now() + 1000, 'starts over at 1 s');
  await scheduler.close();
});

test('a notification during a run runs the domain again; during backoff it waits', async () => {
  const { clock, runs, scheduler } = setup();
  scheduler.notify('beta.test');
  scheduler.notify('beta.test');
  await runs.finish('beta.test', 'done');
  assert.deepEqual(runs.active, ['beta.test'], 'ran again for the message queued meanwhile');
  await runs.finish('beta.test', 'retry');
  scheduler.notify('beta.test');
  assert.deepEqual(runs.active, [], 'the backoff holds');
  clock.advance(1000);
  assert.deepEqual(runs.active, ['beta.test']);
  await runs.finish('beta.test', 'done');
  assert.equal(runs.calls.length, 3);
});

test('at most maxConcurrentDomains run at once, the others in arrival order', async () => {
  const { runs, scheduler } = setup(2);
  for (const domain of ['a.test', 'b.test', 'c.test', 'd.test']) scheduler.notify(domain);
  assert.deepEqual(runs.active, ['a.test', 'b.test']);
  assert.equal(scheduler.state('c.test').status, 'ready');
  await runs.finish('b.test', 'done');
  assert.deepEqual(runs.active, ['a.test', 'c.test']);
  await runs.finish('a.test', 'done');
  assert.deepEqual(runs.active, ['c.test', 'd.test']);
  await runs.finish('c.test', 'done');
  await runs.finish('d.test', 'done');
  assert.equal(scheduler.running, 0);
  await scheduler.whenSettled();
});

test('a full batch runs again at once, behind the domains already waiting', async () => {
  const { runs, scheduler } = setup(1);
  scheduler.notify('a.test');
  scheduler.notify('b.test');
  await runs.finish('a.test', 'more');
  assert.deepEqual(runs.active, ['b.test'], 'b had waited; it goes first');
  await runs.finish('b.test', 'done');
  assert.deepEqual(runs.active, ['a.test']);
  await runs.finish('a.test', 'done');
  assert.deepEqual(runs.calls, ['a.test', 'b.test', 'a.test']);
});

test('a run that throws is reported and retried like a transient failure', async () => {
  const { clock, runs, errors, scheduler } = setup();
  scheduler.notify('a.test');
  await runs.finish('a.test', new Error('bug'));
  assert.deepEqual(errors, ['a.test']);
  assert.equal(scheduler.state('a.test').status, 'waiting');
  clock.advance(1000);
  assert.deepEqual(runs.active, ['a.test']);
  await runs.finish('a.test', 'done');
});

test('close cancels retries, waits for running work and ignores later notifications', async () => {
  const { clock, runs, scheduler } = setup();
  scheduler.notify('a.test');
  scheduler.notify('b.test');
  await runs.finish('a.test', 'retry');
  assert.equal(clock.pending.length, 1);
  let closed = false;
  const closing = scheduler.close().then(() => (closed = true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(closed, false, 'b is still running');
  assert.equal(clock.pending.length, 0, 'the retry timer is gone');
  await runs.finish('b.test', 'more');
  await closing;
  scheduler.notify('c.test');
  clock.advance(60_000);
  assert.deepEqual(runs.calls, ['a.test', 'b.test']);
});

test('maxConcurrentDomains below 1 is refused', () => {
  assert.throws(
    () =>
      new DomainScheduler({
        clock: new ManualClock(),
        policy,
        random: Math.random,
        maxConcurrentDomains: 0,
        run: () => Promise.resolve('done'),
      }),
    RangeError,
  );
});
