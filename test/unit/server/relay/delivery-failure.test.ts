import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Mt2Error, RESULT } from '../../../../src/protocol/index.ts';
import {
  RelayError,
  RoutingError,
  StoreError,
  classifyFailure,
  resolveRelayLimits,
  DEFAULT_RELAY_LIMITS,
} from '../../../../src/server/index.ts';

test("the peer's class 4 codes are transient, class 5 permanent, with its code and text", () => {
  const busy = new Mt2Error('REFUSED', 'storage busy', RESULT.STORAGE_UNAVAILABLE);
  assert.deepEqual(classifyFailure(busy), {
    permanent: false,
    code: RESULT.STORAGE_UNAVAILABLE,
    text: 'storage busy',
  });
  const refused = new Mt2Error('REFUSED', 'no such mailbox', '99.0.5.34');
  assert.deepEqual(classifyFailure(refused), {
    permanent: true,
    code: '99.0.5.34',
    text: 'no such mailbox',
  });
  assert.equal(classifyFailure(new Mt2Error('REFUSED', 'x', '110.0.4.1')).permanent, false);
});

test('a peer answering with something that is no result code is not retried forever', () => {
  assert.equal(classifyFailure(new Mt2Error('REFUSED', 'x', 'garbage')).permanent, true);
});

test('dead, idle, refused and unverifiable connections are transient', () => {
  for (const code of ['SESSION_CLOSED', 'TLS_FAILED', 'IDLE_TIMEOUT', 'OUT_OF_SYNC'] as const) {
    const failure = classifyFailure(new Mt2Error(code, 'gone'));
    assert.equal(failure.permanent, false, code);
    assert.match(failure.text, new RegExp(code));
  }
  const peer = classifyFailure(new RelayError('RELAY_PEER_INVALID', 'unknown issuer'));
  assert.equal(peer.permanent, false);
  assert.equal(classifyFailure(new StoreError('STORE_CLOSED', 'closed')).permanent, false);
});

test('too large for the peer, an unreadable queued message and no route are permanent', () => {
  const large = classifyFailure(new Mt2Error('MESSAGE_TOO_LARGE', 'message of 9 octets'));
  assert.deepEqual(large, {
    permanent: true,
    code: RESULT.MESSAGE_TOO_LARGE,
    text: 'message of 9 octets',
  });
  const unreadable = new RelayError('RELAY_QUEUED_MESSAGE_UNREADABLE', 'bad XML');
  assert.equal(classifyFailure(unreadable).permanent, true);
  const none = classifyFailure(new RoutingError('ROUTE_NONE', 'no MT2 route to x.test'));
  assert.deepEqual(none, { permanent: true, code: RESULT.FAILED, text: 'no MT2 route to x.test' });
  const dnsDown = new RoutingError('ROUTE_LOOKUP_FAILED', 'SRV lookup failed', true);
  assert.equal(classifyFailure(dnsDown).permanent, false);
});

test('relay limits: defaults, and a limit below its minimum is refused', () => {
  assert.deepEqual(resolveRelayLimits(), DEFAULT_RELAY_LIMITS);
  assert.equal(resolveRelayLimits({ maxKeptSessions: 0 }).maxKeptSessions, 0);
  assert.throws(() => resolveRelayLimits({ maxMessagesPerBatch: 0 }), {
    code: 'RELAY_BAD_OPTION',
  });
  assert.throws(() => resolveRelayLimits({ maxConcurrentDomains: 1.5 }), {
    code: 'RELAY_BAD_OPTION',
  });
});
