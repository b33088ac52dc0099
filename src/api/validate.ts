import { API_ERROR, ApiError } from './errors.ts';
import { API_METHODS, isApiMethod, type ApiMethod, type ApiParams } from './methods.ts';

export interface ValidatedCall<M extends ApiMethod = ApiMethod> {
  readonly method: M;
  readonly params: ApiParams<M>;
}

/**
 * Checks a call that arrived from the UI (Electron IPC or the web host's WebSocket)
 * before the engine sees it.
 * @throws ApiError API_UNKNOWN_METHOD or API_INVALID_PARAMS, naming the faulty field.
 */
export function validateCall(method: unknown, params: unknown): ValidatedCall {
  if (!isApiMethod(method)) {
    throw new ApiError(API_ERROR.UNKNOWN_METHOD, 'No such method.');
  }
  const result = API_METHODS[method].safeParse(params);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? 'params' : issue.path.join('.');
    throw new ApiError(
      API_ERROR.INVALID_PARAMS,
      `${method}: ${where}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return { method, params: result.data };
}
