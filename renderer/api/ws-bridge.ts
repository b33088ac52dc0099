import type {
  ApiEvent,
  CallOutcome,
  Mt2Bridge,
  WsCallMessage,
  WsServerMessage,
} from '../../src/api/index.ts';

/** The code a call fails with when the web host's connection is gone. */
export const DISCONNECTED = 'WEBHOST_DISCONNECTED';

/**
 * The web host's transport: the same Mt2Bridge as Electron's preload, over one
 * WebSocket at `api` next to the page (the page's URL carries the launch token, so
 * the socket's URL does too).
 */
export function connectWebSocketBridge(pageUrl: string): Mt2Bridge {
  const url = new URL('api', pageUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(url);
  const opened = new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => {
      resolve();
    });
    socket.addEventListener('close', () => {
      reject(new Error('closed'));
    });
  });
  opened.catch(() => undefined);
  const pending = new Map<number, (outcome: CallOutcome) => void>();
  const listeners = new Set<(event: ApiEvent) => void>();
  let nextId = 1;

  socket.addEventListener('message', (message: MessageEvent<string>) => {
    const data = JSON.parse(message.data) as WsServerMessage;
    if (data.kind === 'event') {
      for (const listener of listeners) listener(data.event);
      return;
    }
    const settle = pending.get(data.id);
    pending.delete(data.id);
    settle?.(data);
  });
  socket.addEventListener('close', () => {
    for (const settle of pending.values()) {
      settle({
        ok: false,
        error: { code: DISCONNECTED, message: 'The connection to MT2 was lost; reload the page.' },
      });
    }
    pending.clear();
    const notice: ApiEvent = {
      type: 'notice',
      level: 'error',
      text: 'The connection to MT2 was lost; reload the page.',
    };
    for (const listener of listeners) listener(notice);
  });

  return {
    call: async (method, params) => {
      try {
        await opened;
      } catch {
        return {
          ok: false,
          error: { code: DISCONNECTED, message: 'MT2 is not reachable; reload the page.' },
        };
      }
      const id = nextId++;
      const message: WsCallMessage = { id, method, params };
      return new Promise((resolve) => {
        // Replies carry the outcome of exactly this method: the host answers call `id` with it.
        pending.set(id, resolve as (outcome: CallOutcome) => void);
        socket.send(JSON.stringify(message));
      });
    },
    onEvent: (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
