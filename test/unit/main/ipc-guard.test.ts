import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API_ERROR } from '../../../src/api/index.ts';
import { createCallBridge } from '../../../main/bridge.ts';
import {
  createIpcCallHandler,
  isTrustedSender,
  originOf,
  type IpcSender,
  type TrustedRenderer,
} from '../../../main/ipc-guard.ts';
import { createEchoApi } from '../../helpers/echo-api.ts';

const trusted: TrustedRenderer = { webContentsId: 1, origin: 'app://mt2' };
const appFrame: IpcSender = {
  webContentsId: 1,
  frameUrl: 'app://mt2/index.html',
  isMainFrame: true,
};

test('originOf keeps the scheme, host and port, also for the custom app:// scheme', () => {
  assert.equal(originOf('app://mt2/index.html#x'), 'app://mt2');
  assert.equal(originOf('http://localhost:5173/'), 'http://localhost:5173');
  assert.equal(originOf('file:///etc/passwd'), undefined);
  assert.equal(originOf('not a url'), undefined);
});

test("the app's own top frame at the app's origin is trusted", () => {
  assert.equal(isTrustedSender(appFrame, trusted), true);
});

test('every other sender is refused', () => {
  const refused: IpcSender[] = [
    { ...appFrame, webContentsId: 2 },
    { ...appFrame, isMainFrame: false },
    { ...appFrame, frameUrl: undefined },
    { ...appFrame, frameUrl: 'https://evil.test/app://mt2' },
    { ...appFrame, frameUrl: 'app://mt2.evil.test/index.html' },
    { ...appFrame, frameUrl: 'file:///index.html' },
    { ...appFrame, frameUrl: 'about:srcdoc' },
    { ...appFrame, frameUrl: 'data:text/html,hi' },
  ];
  for (const sender of refused)
    assert.equal(isTrustedSender(sender, trusted), false, JSON.stringify(sender));
  assert.equal(isTrustedSender(appFrame, undefined), false, 'no window yet: nobody is trusted');
});

test('the IPC handler refuses an untrusted sender with API_FORBIDDEN_SENDER and never calls the engine', async () => {
  const { api, calls } = createEchoApi();
  const handle = createIpcCallHandler(
    createCallBridge(api, () => undefined),
    () => trusted,
  );
  const outcome = await handle({ ...appFrame, isMainFrame: false }, 'status', {});
  assert.equal(outcome.ok ? 'ok' : outcome.error.code, API_ERROR.FORBIDDEN_SENDER);
  assert.equal(calls.length, 0);
});

test('the IPC handler validates a trusted call before the engine sees it', async () => {
  const { api, calls } = createEchoApi();
  const handle = createIpcCallHandler(
    createCallBridge(api, () => undefined),
    () => trusted,
  );
  const bad = await handle(appFrame, 'unlock', { passphrase: '' });
  assert.ok(!bad.ok && bad.error.code === API_ERROR.INVALID_PARAMS);
  assert.equal(calls.length, 0);
  const good = await handle(appFrame, 'unlock', { passphrase: 'secret' });
  assert.equal(good.ok, true);
  assert.deepEqual(calls, [{ method: 'unlock', params: { passphrase: 'secret' } }]);
});
