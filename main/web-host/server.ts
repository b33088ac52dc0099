import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { MAX_WS_MESSAGE_BYTES, type ApiEvent } from '../../src/api/index.ts';
import type { CallBridge } from '../bridge.ts';
import { APP_SECURITY_HEADERS } from '../csp.ts';
import { HEADERS_TIMEOUT_MS, MAX_WS_CONNECTIONS, REQUEST_TIMEOUT_MS } from './limits.ts';
import { checkRequest, type HostPolicy } from './request-guard.ts';
import { readStaticFile } from '../static-files.ts';
import { serveApiConnection } from './ws-session.ts';

export interface WebHostOptions {
  /** The renderer build (its index.html and assets). */
  readonly rendererDir: string;
  readonly bridge: CallBridge;
  readonly subscribe: (listener: (event: ApiEvent) => void) => () => void;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
}

export interface RunningWebHost {
  /** The URL to open, token included: the only way in. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

/** The WebSocket's path under `/<token>`. */
export const API_PATH = '/api';

/**
 * Serves the renderer build and the API on 127.0.0.1 only. Every request must carry
 * this launch's random token as its first path segment (`/<token>/...`: the page's
 * relative asset URLs and its WebSocket URL carry it without cookies), name the host by
 * its loopback name and port, and, when it has an Origin, come from this very origin.
 */
export async function startWebHost(options: WebHostOptions): Promise<RunningWebHost> {
  const token = randomBytes(32).toString('base64url');
  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_WS_MESSAGE_BYTES,
    perMessageDeflate: false,
  });
  const server = createServer();
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const policy: HostPolicy = { port, token };

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    void answerHttp(request, response, policy, options.rendererDir);
  });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const verdict = checkRequest(
      { host: request.headers.host, origin: request.headers.origin, url: request.url },
      policy,
      true,
    );
    if (!verdict.ok || verdict.path !== API_PATH || sockets.clients.size >= MAX_WS_CONNECTIONS) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => {
      serveApiConnection(ws, options.bridge, options.subscribe);
    });
  });

  return {
    url: `http://127.0.0.1:${port}/${token}/`,
    port,
    token,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
}

async function answerHttp(
  request: IncomingMessage,
  response: ServerResponse,
  policy: HostPolicy,
  rendererDir: string,
): Promise<void> {
  const verdict = checkRequest(
    { host: request.headers.host, origin: request.headers.origin, url: request.url },
    policy,
    false,
  );
  if (!verdict.ok) {
    forbid(response);
    return;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { ...APP_SECURITY_HEADERS, Allow: 'GET, HEAD' }).end();
    return;
  }
  if (verdict.path === '') {
    // `/<token>` -> `/<token>/`, so the page's relative URLs keep the token.
    response.writeHead(308, { ...APP_SECURITY_HEADERS, Location: `/${policy.token}/` }).end();
    return;
  }
  const file = await readStaticFile(rendererDir, verdict.path);
  if (file === undefined) {
    response.writeHead(404, APP_SECURITY_HEADERS).end();
    return;
  }
  response.writeHead(200, {
    ...APP_SECURITY_HEADERS,
    'Content-Type': file.contentType,
    'Content-Length': file.body.length,
  });
  response.end(request.method === 'HEAD' ? undefined : file.body);
}

function forbid(response: ServerResponse): void {
  response
    .writeHead(403, { ...APP_SECURITY_HEADERS, 'Content-Type': 'text/plain' })
    .end('Forbidden\n');
}
