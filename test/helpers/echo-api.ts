import { ApiError, type ApiMethod, type Mt2Api } from '../../src/api/index.ts';

/** A call the echo API received. */
export interface EchoedCall {
  readonly method: ApiMethod;
  readonly params: unknown;
}

/**
 * A stand-in engine for transport tests (it tests the transport, not the engine):
 * every method answers `{ method, params }` and records the call; `syncNow` fails with
 * an ApiError and `listContacts` with a plain Error, so both error paths can be seen.
 */
export function createEchoApi(): { api: Mt2Api; calls: EchoedCall[] } {
  const calls: EchoedCall[] = [];
  const api = new Proxy(
    {},
    {
      get: (_target, name) => {
        if (typeof name !== 'string') return undefined;
        const method = name as ApiMethod;
        return (params: unknown) => {
          calls.push({ method, params });
          if (method === 'syncNow') {
            return Promise.reject(new ApiError('ACCOUNT_OFFLINE', 'The account is offline.'));
          }
          if (method === 'listContacts') {
            return Promise.reject(new Error('secret internal detail'));
          }
          return Promise.resolve({ method, params });
        };
      },
    },
  );
  // The proxy answers every method name of the contract; the type cannot see that.
  return { api: api as Mt2Api, calls };
}
