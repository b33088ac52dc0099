import {
  API_ERROR,
  ApiError,
  validateCall,
  type ApiEvent,
  type ApiMethod,
  type CallOutcome,
  type Mt2Api,
} from '../src/api/index.ts';

/** The engine as both transports see it: the API, its events, and shutdown. */
export interface EngineHandle {
  readonly api: Mt2Api;
  onEvent(listener: (event: ApiEvent) => void): () => void;
  close(): Promise<void>;
}

/** Turns one untrusted `(method, params)` pair into an answer; never throws. */
export type CallBridge = (method: unknown, params: unknown) => Promise<CallOutcome>;

/**
 * The one place where a call from the UI (Electron IPC or the web host's WebSocket)
 * becomes an engine call: validated against the method's schema first, and every failure
 * turned into an error payload. Errors the engine did not describe (not an ApiError) are
 * bugs: they reach `logInternal` with their stack and the UI sees only API_INTERNAL.
 */
export function createCallBridge(
  api: Mt2Api,
  logInternal: (method: ApiMethod, error: unknown) => void,
): CallBridge {
  return async (method, params) => {
    let validated;
    try {
      validated = validateCall(method, params);
    } catch (error) {
      return failure(error);
    }
    // validateCall pairs the method with params parsed by that method's own schema, a
    // pairing TypeScript cannot follow through the mapped Mt2Api type.
    const engineMethod = api[validated.method] as (params: unknown) => Promise<unknown>;
    try {
      const result = await engineMethod.call(api, validated.params);
      return { ok: true, result } as CallOutcome;
    } catch (error) {
      if (!(error instanceof ApiError)) logInternal(validated.method, error);
      return failure(error);
    }
  };
}

/** The bridge both hosts use: engine bugs logged to stderr with the method that hit them. */
export function loggedCallBridge(api: Mt2Api): CallBridge {
  return createCallBridge(api, (method, error) => {
    console.error(`engine: ${method} failed`, error);
  });
}

function failure(error: unknown): CallOutcome {
  if (error instanceof ApiError) return { ok: false, error: error.toPayload() };
  return {
    ok: false,
    error: { code: API_ERROR.INTERNAL, message: 'The engine failed unexpectedly; see its log.' },
  };
}
