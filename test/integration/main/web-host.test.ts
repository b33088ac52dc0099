import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import {
  API_ERROR,
  MAX_WS_MESSAGE_BYTES,
  type ApiEvent,
  type WsServerMessage,
} from '../../../src/api/index.ts';
import { createCallBridge } from '../../../main/bridge.ts';
import { APP_CSP } from '../../../main/csp.ts';
import { CALL_BURST } from '../../../main/web-host/limits.ts';
import { startWebHost, type RunningWebHost } from '../../../main/web-host/server.ts';
import { WEBHOST_ERROR } from '../../../main/web-host/ws-session.ts';
import { createEchoApi } from '../../helpers/echo-api.ts';

let dir: string;
let host: RunningWebHost;
const listeners = new Set<(event: ApiEvent) => void>();
const echo = createEchoApi();

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mt2-webhost-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>MT2</title>');
  await writeFile(join(dir, 'assets', 'app.js'), 'console.log(1);');
  await writeFile(join(dir, '.secret.js'), 'hidden');
  await writeFile(join(dir, '..', `${dir.split('/').pop() ?? ''}-outside.html`), 'outside');
  host = await startWebHost({
    rendererDir: dir,
    bridge: createCallBridge(echo.api, () => undefined),
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  });
});

after(async () => {
  await host.close();
  await rm(dir, { recursive: true, force: true });
  await rm(`${dir}-outside.html`, { force: true });
});

interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

function get(
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: host.port,
        path,
        method,
        headers: { host: `127.0.0.1:${host.port}`, ...headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const origin = () => `http://127.0.0.1:${host.port}`;
const wsUrl = (token = host.token) => `ws://127.0.0.1:${host.port}/${token}/api`;

/** Opens a WebSocket; resolves with it, or rejects with the HTTP status it was refused with. */
function openSocket(
  url: string,
  headers: Record<string, string> = { origin: origin() },
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers, maxPayload: 0 });
    socket.once('open', () => {
      resolve(socket);
    });
    socket.once('unexpected-response', (_req, res) => {
      reject(new Error(`HTTP ${res.statusCode}`));
    });
    socket.once('error', reject);
  });
}

function nextMessage(socket: WebSocket): Promise<WsServerMessage> {
  return new Promise((resolve) => {
    socket.once('message', (data: Buffer) => {
      resolve(JSON.parse(data.toString('utf8')) as WsServerMessage);
    });
  });
}

function closed(socket: WebSocket): Promise<number> {
  return new Promise((resolve) =>
    socket.once('close', (code: number) => {
      resolve(code);
    }),
  );
}

async function call(
  socket: WebSocket,
  id: number,
  method: string,
  params: unknown,
): Promise<WsServerMessage> {
  const reply = nextMessage(socket);
  socket.send(JSON.stringify({ id, method, params }));
  return reply;
}

describe('listening', () => {
  test('the printed URL is on 127.0.0.1 and carries the token', () => {
    assert.equal(host.url, `http://127.0.0.1:${host.port}/${host.token}/`);
    assert.ok(host.token.length >= 43, 'at least 256 bits of base64url');
  });

  test('nothing answers on other addresses of this machine', async () => {
    const others = ['127.0.0.2'];
    for (const entries of Object.values(networkInterfaces())) {
      for (const entry of entries ?? [])
        if (!entry.internal && entry.family === 'IPv4') others.push(entry.address);
    }
    for (const address of others) {
      const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
        const socket = connect({ host: address, port: host.port });
        socket.once('connect', () => {
          socket.destroy();
          resolve(undefined);
        });
        socket.once('error', resolve);
      });
      assert.equal(error?.code, 'ECONNREFUSED', `${address} must refuse`);
    }
  });
});

describe('HTTP', () => {
  test('with the token: the page, with the CSP and no-referrer headers', async () => {
    const answer = await get(`/${host.token}/`);
    assert.equal(answer.status, 200);
    assert.match(answer.body, /<title>MT2<\/title>/);
    assert.equal(answer.headers['content-security-policy'], APP_CSP);
    assert.equal(answer.headers['referrer-policy'], 'no-referrer');
    const script = await get(`/${host.token}/assets/app.js`);
    assert.equal(script.status, 200);
    assert.match(String(script.headers['content-type']), /^text\/javascript/);
  });

  test('the bare token path redirects into the token folder', async () => {
    const answer = await get(`/${host.token}`);
    assert.equal(answer.status, 308);
    assert.equal(answer.headers['location'], `/${host.token}/`);
  });

  test('without the token or with a wrong one: 403', async () => {
    for (const path of [
      '/',
      '/index.html',
      '/assets/app.js',
      `/${host.token.slice(1)}/`,
      `/${host.token}x/`,
      `/x/${host.token}/`,
      `/?token=${host.token}`,
    ]) {
      const answer = await get(path);
      assert.equal(answer.status, 403, path);
      assert.doesNotMatch(answer.body, /MT2/);
    }
  });

  test('another Host header (DNS rebinding) gets 403 even with the token', async () => {
    for (const name of [
      'evil.test',
      `evil.test:${host.port}`,
      '127.0.0.1',
      `127.0.0.1:${host.port + 1}`,
    ]) {
      const answer = await get(`/${host.token}/`, { host: name });
      assert.equal(answer.status, 403, name);
    }
    assert.equal((await get(`/${host.token}/`, { host: `localhost:${host.port}` })).status, 200);
  });

  test('a request from another origin gets 403 even with the token', async () => {
    const answer = await get(`/${host.token}/`, { origin: 'http://evil.test' });
    assert.equal(answer.status, 403);
  });

  test('paths outside the build, hidden files and other methods are refused', async () => {
    const outside = `${dir.split('/').pop() ?? ''}-outside.html`;
    for (const path of [
      `/${host.token}/../${outside}`,
      `/${host.token}/%2e%2e/${outside}`,
      `/${host.token}/.secret.js`,
      `/${host.token}/missing.js`,
      `/${host.token}/%00`,
    ]) {
      const answer = await get(path);
      assert.equal(answer.status, 404, path);
    }
    assert.equal((await get(`/${host.token}/`, {}, 'POST')).status, 405);
  });
});

describe('WebSocket', () => {
  test('refused without the token, with a wrong token, from another origin, without an origin, or another Host', async () => {
    await assert.rejects(openSocket(`ws://127.0.0.1:${host.port}/api`), /HTTP 403/);
    await assert.rejects(openSocket(wsUrl('wrong')), /HTTP 403/);
    await assert.rejects(openSocket(wsUrl(), { origin: 'http://evil.test' }), /HTTP 403/);
    await assert.rejects(
      openSocket(wsUrl(), { origin: `http://127.0.0.1:${host.port + 1}` }),
      /HTTP 403/,
    );
    await assert.rejects(openSocket(wsUrl(), {}), /HTTP 403/);
    await assert.rejects(
      openSocket(wsUrl(), { origin: origin(), host: `evil.test:${host.port}` }),
      /HTTP 403/,
    );
    await assert.rejects(openSocket(`ws://127.0.0.1:${host.port}/${host.token}/other`), /HTTP 403/);
  });

  test('a valid call is answered with the engine result', async () => {
    const socket = await openSocket(wsUrl());
    const reply = await call(socket, 7, 'getMessage', { ref: 'm1' });
    assert.deepEqual(reply, {
      kind: 'reply',
      id: 7,
      ok: true,
      result: { method: 'getMessage', params: { ref: 'm1' } },
    });
    socket.close();
  });

  test('bad method and bad params get the API error codes', async () => {
    const socket = await openSocket(wsUrl());
    const before = echo.calls.length;
    const unknown = await call(socket, 1, 'deleteEverything', {});
    assert.ok(
      unknown.kind === 'reply' && !unknown.ok && unknown.error.code === API_ERROR.UNKNOWN_METHOD,
    );
    const invalid = await call(socket, 2, 'search', { query: '', limit: 10 });
    assert.ok(
      invalid.kind === 'reply' && !invalid.ok && invalid.error.code === API_ERROR.INVALID_PARAMS,
    );
    const missing = await call(socket, 3, 'search', undefined);
    assert.ok(
      missing.kind === 'reply' && !missing.ok && missing.error.code === API_ERROR.INVALID_PARAMS,
    );
    assert.equal(echo.calls.length, before, 'the engine saw none of them');
    socket.close();
  });

  test('engine events reach the page', async () => {
    const socket = await openSocket(wsUrl());
    const message = nextMessage(socket);
    const event: ApiEvent = { type: 'notice', level: 'info', text: 'hello' };
    for (const listener of listeners) listener(event);
    assert.deepEqual(await message, { kind: 'event', event });
    socket.close();
  });

  test('a message over the size cap closes the connection (1009) unread', async () => {
    const socket = await openSocket(wsUrl());
    const before = echo.calls.length;
    const code = closed(socket);
    socket.send(
      JSON.stringify({
        id: 1,
        method: 'search',
        params: { query: 'x'.repeat(MAX_WS_MESSAGE_BYTES), limit: 1 },
      }),
    );
    assert.equal(await code, 1009);
    assert.equal(echo.calls.length, before);
  });

  test('a message that is not a call (not JSON, no id, binary) closes the connection', async () => {
    for (const [payload, expected] of [
      ['not json', 1008],
      [JSON.stringify({ method: 'status' }), 1008],
      [JSON.stringify([1, 2]), 1008],
      [Buffer.from('{}'), 1003],
    ] as const) {
      const socket = await openSocket(wsUrl());
      const code = closed(socket);
      socket.send(payload, { binary: typeof payload !== 'string' });
      assert.equal(await code, expected, String(payload));
    }
  });

  test('calls beyond the burst are refused with WEBHOST_RATE_LIMITED', async () => {
    const socket = await openSocket(wsUrl());
    const replies: WsServerMessage[] = [];
    const all = new Promise<void>((resolve) => {
      socket.on('message', (data: Buffer) => {
        replies.push(JSON.parse(data.toString('utf8')) as WsServerMessage);
        if (replies.length === CALL_BURST * 2) resolve();
      });
    });
    for (let id = 0; id < CALL_BURST * 2; id += 1)
      socket.send(JSON.stringify({ id, method: 'status', params: {} }));
    await all;
    const limited = replies.filter(
      (r) => r.kind === 'reply' && !r.ok && r.error.code === WEBHOST_ERROR.RATE_LIMITED,
    );
    assert.ok(limited.length >= CALL_BURST / 2, `${limited.length} refused`);
    assert.ok(replies.some((r) => r.kind === 'reply' && r.ok));
    socket.close();
  });
});
