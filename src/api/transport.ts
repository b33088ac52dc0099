import type { ApiErrorPayload } from './errors.ts';
import type { ApiEvent } from './events.ts';
import type { ApiMethod, ApiParams, ApiResults } from './methods.ts';

/**
 * How calls and events travel between the UI and the engine. Both transports (Electron
 * IPC and the web host's WebSocket) carry exactly these shapes, so the renderer has one
 * client and the main side one bridge.
 */

/** The answer to one call: the result, or the error payload (never a stack). */
export type CallOutcome<M extends ApiMethod = ApiMethod> =
  | { readonly ok: true; readonly result: ApiResults[M] }
  | { readonly ok: false; readonly error: ApiErrorPayload };

/** `window.mt2` in Electron (exposed by the preload); the web client has the same shape. */
export interface Mt2Bridge {
  call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<CallOutcome<M>>;
  /** Returns the function that unsubscribes. */
  onEvent(listener: (event: ApiEvent) => void): () => void;
}

/** Electron IPC channel names: one for calls (invoke/handle), one for events (main to UI). */
export const IPC_CHANNEL = {
  call: 'mt2:call',
  event: 'mt2:event',
} as const;

/** A call over the WebSocket: `id` pairs it with its reply. */
export interface WsCallMessage {
  readonly id: number;
  readonly method: string;
  readonly params: unknown;
}

/** What the web host sends: a reply to a call, or an event. */
export type WsServerMessage =
  | ({ readonly kind: 'reply'; readonly id: number } & CallOutcome)
  | { readonly kind: 'event'; readonly event: ApiEvent };

/** Largest WebSocket message the web host reads: a `send` with the most attachments the schema allows (34 MiB of base64), plus room for the rest of the draft. */
export const MAX_WS_MESSAGE_BYTES = 36 * 1024 * 1024;
