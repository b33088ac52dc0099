import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API_ERROR } from '../../../src/api/index.ts';
import { createCallBridge } from '../../../main/bridge.ts';
import { createEchoApi } from '../../helpers/echo-api.ts';

function setup() {
  const { api, calls } = createEchoApi();
  const logged: unknown[] = [];
  const bridge = createCallBridge(api, (_method, error) => logged.push(error));
  return { bridge, calls, logged };
}

test('a valid call reaches the engine with the parsed params and returns its result', async () => {
  const { bridge, calls } = setup();
  const outcome = await bridge('listMessages', { folder: 'inbox', limit: 50 });
  assert.deepEqual(outcome, {
    ok: true,
    result: { method: 'listMessages', params: { folder: 'inbox', limit: 50 } },
  });
  assert.equal(calls.length, 1);
});

test('an unknown method is refused with API_UNKNOWN_METHOD before the engine sees it', async () => {
  const { bridge, calls } = setup();
  for (const method of ['nope', '__proto__', 'constructor', 42, null]) {
    const outcome = await bridge(method, {});
    assert.equal(outcome.ok ? 'ok' : outcome.error.code, API_ERROR.UNKNOWN_METHOD);
  }
  assert.equal(calls.length, 0);
});

test('bad params are refused with API_INVALID_PARAMS naming the field', async () => {
  const { bridge, calls } = setup();
  const cases: unknown[] = [
    undefined,
    { folder: 'inbox', limit: 0 },
    { folder: 'elsewhere', limit: 10 },
    { folder: 'inbox', limit: 10, extra: true },
  ];
  for (const params of cases) {
    const outcome = await bridge('listMessages', params);
    assert.equal(outcome.ok ? 'ok' : outcome.error.code, API_ERROR.INVALID_PARAMS);
    assert.match(outcome.ok ? '' : outcome.error.message, /^listMessages: /);
  }
  const limit = await bridge('listMessages', { folder: 'inbox', limit: 0 });
  assert.ok(!limit.ok && limit.error.message.includes('limit'));
  assert.equal(calls.length, 0);
});

test('an engine ApiError reaches the UI as its own code and message', async () => {
  const { bridge, logged } = setup();
  const outcome = await bridge('syncNow', {});
  assert.deepEqual(outcome, {
    ok: false,
    error: { code: 'ACCOUNT_OFFLINE', message: 'The account is offline.' },
  });
  assert.equal(logged.length, 0);
});

test('any other engine failure is logged and reaches the UI only as API_INTERNAL', async () => {
  const { bridge, logged } = setup();
  const outcome = await bridge('listContacts', {});
  assert.equal(outcome.ok ? 'ok' : outcome.error.code, API_ERROR.INTERNAL);
  assert.doesNotMatch(JSON.stringify(outcome), /secret/);
  assert.equal(logged.length, 1);
  assert.match(String(logged[0]), /secret internal detail/);
});
