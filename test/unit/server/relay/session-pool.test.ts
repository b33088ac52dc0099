import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SessionPool, type HostSession } from '../../../../src/server/index.ts';
import { ManualClock } from '../../../helpers/manual-clock.ts';

/** A stand-in for an open host session: records how it was ended. */
function session(
  domain: string,
  options: { trusted?: boolean; peerIdleTimeoutMs?: number } = {},
): HostSession & { ended: () => string | undefined; drop: () => void } {
  let ended: string | undefined;
  return {
    session: undefined as never,
    domain,
    route: { host: `mt2.${domain}`, port: 1 },
    peerHost: `mt2.${domain}`,
    trusted: options.trusted ?? true,
    pipelined: true,
    maxInFlight: 8,
    peerIdleTimeoutMs: options.peerIdleTimeoutMs ?? 0,
    isOpen: () => ended === undefined,
    quit: () => {
      ended ??= 'quit';
      return Promise.resolve();
    },
    destroy: () => {
      ended ??= 'destroyed';
    },
    ended: () => ended,
    drop: () => {
      ended = 'dropped by the peer';
    },
  };
}

const pool = (maxSessions = 4) => {
  const clock = new ManualClock();
  return { clock, pool: new SessionPool({ clock, idleTimeoutMs: 60_000, maxSessions }) };
};

test('a trusted peer is kept and taken back; an untrusted one is closed at once', async () => {
  const { pool: sessions } = pool();
  const trusted = session('beta.test');
  const untrusted = session('gamma.test', { trusted: false });
  await sessions.release(trusted);
  await sessions.release(untrusted);
  assert.equal(untrusted.ended(), 'quit');
  assert.equal(sessions.size, 1);
  assert.equal(sessions.take('beta.test'), trusted);
  assert.equal(sessions.take('beta.test'), undefined, 'taken sessions leave the pool');
  assert.equal(sessions.take('gamma.test'), undefined);
});

test("a kept session is closed after the idle time, or half the peer's IDLE if shorter", async () => {
  const { clock, pool: sessions } = pool();
  const beta = session('beta.test');
  const gamma = session('gamma.test', { peerIdleTimeoutMs: 30_000 });
  await sessions.release(beta);
  await sessions.release(gamma);
  clock.advance(14_999);
  assert.equal(gamma.ended(), undefined);
  clock.advance(1);
  assert.equal(gamma.ended(), 'quit');
  clock.advance(44_999);
  assert.equal(beta.ended(), undefined);
  clock.advance(1);
  assert.equal(beta.ended(), 'quit');
  assert.equal(sessions.size, 0);
});

test('a kept session the peer closed is not handed out', async () => {
  const { pool: sessions } = pool();
  const beta = session('beta.test');
  await sessions.release(beta);
  beta.drop();
  assert.equal(sessions.take('beta.test'), undefined);
});

test('past maxSessions the session unused longest is closed; 0 keeps none', async () => {
  const { pool: sessions } = pool(2);
  const [a, b, c] = ['a.test', 'b.test', 'c.test'].map((domain) => session(domain));
  for (const s of [a, b, c]) if (s !== undefined) await sessions.release(s);
  assert.equal(a?.ended(), 'quit');
  assert.equal(sessions.size, 2);
  assert.equal(sessions.take('c.test'), c);

  const { pool: none } = pool(0);
  const d = session('d.test');
  await none.release(d);
  assert.equal(d.ended(), 'quit');
});

test('closeAll closes every kept session', async () => {
  const { clock, pool: sessions } = pool();
  const kept = [session('a.test'), session('b.test')];
  for (const s of kept) await sessions.release(s);
  await sessions.closeAll();
  assert.deepEqual(
    kept.map((s) => s.ended()),
    ['quit', 'quit'],
  );
  assert.deepEqual(clock.pending, [], 'no idle timer left behind');
});
