import type { WebSocket, RawData } from 'ws';
import type {
  ApiErrorPayload,
  ApiEvent,
  WsCallMessage,
  WsServerMessage,
} from '../../src/api/index.ts';
import type { CallBridge } from '../bridge.ts';
import {
  CALL_BURST,
  CALLS_PER_SECOND,
  MAX_BUFFERED_BYTES,
  MAX_CALLS_IN_FLIGHT,
  MAX_METHOD_NAME,
} from './limits.ts';

/** Codes the web host answers with itself (docs/errors.md). */
export const WEBHOST_ERROR = {
  /** The connection sent calls faster than CALLS_PER_SECOND for longer than CALL_BURST allows. */
  RATE_LIMITED: 'WEBHOST_RATE_LIMITED',
  /** More than MAX_CALLS_IN_FLIGHT calls are waiting on the engine. */
  TOO_MANY_CALLS: 'WEBHOST_TOO_MANY_CALLS',
} as const;

/** WebSocket close codes (RFC 6455 section 7.4.1) the host uses. */
const CLOSE = { unsupportedData: 1003, policyViolation: 1008, tryAgainLater: 1013 } as const;

/**
 * One page's API connection: reads call messages, answers each through the bridge, and
 * forwards engine events. A message that is not a well-formed call closes the
 * connection (the page never sends one); calls over the rate or in-flight limits get an
 * error reply without reaching the engine.
 */
export function serveApiConnection(
  socket: WebSocket,
  bridge: CallBridge,
  subscribe: (listener: (event: ApiEvent) => void) => () => void,
): void {
  let inFlight = 0;
  let tokens = CALL_BURST;
  let refilledAt = Date.now();

  const send = (message: WsServerMessage): void => {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      socket.close(CLOSE.tryAgainLater, 'page is not reading');
      return;
    }
    socket.send(JSON.stringify(message));
  };
  const refuse = (id: number, error: ApiErrorPayload): void => {
    send({ kind: 'reply', id, ok: false, error });
  };
  const takeToken = (): boolean => {
    const now = Date.now();
    tokens = Math.min(CALL_BURST, tokens + ((now - refilledAt) / 1000) * CALLS_PER_SECOND);
    refilledAt = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };

  const unsubscribe = subscribe((event) => {
    send({ kind: 'event', event });
  });
  socket.on('close', unsubscribe);
  socket.on('error', () => {
    socket.terminate();
  });

  socket.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) {
      socket.close(CLOSE.unsupportedData, 'text messages only');
      return;
    }
    const call = parseCall(rawText(data));
    if (call === undefined) {
      socket.close(CLOSE.policyViolation, 'not a call message');
      return;
    }
    if (!takeToken()) {
      refuse(call.id, { code: WEBHOST_ERROR.RATE_LIMITED, message: 'Too many calls; slow down.' });
      return;
    }
    if (inFlight >= MAX_CALLS_IN_FLIGHT) {
      refuse(call.id, { code: WEBHOST_ERROR.TOO_MANY_CALLS, message: 'Too many calls waiting.' });
      return;
    }
    inFlight += 1;
    void bridge(call.method, call.params).then((outcome) => {
      inFlight -= 1;
      send({ kind: 'reply', id: call.id, ...outcome });
    });
  });
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

function parseCall(text: string): WsCallMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const { id, method } = record;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) return undefined;
  if (typeof method !== 'string' || method.length > MAX_METHOD_NAME) return undefined;
  return { id, method, params: record['params'] };
}
