import type {
  ApiEvent,
  ApiMethod,
  ApiParams,
  ApiResults,
  CallOutcome,
  Mt2Bridge,
} from '../../src/api/index.ts';

/** A failed call as the UI sees it: the API's stable code and its message for people. */
export class ApiCallError extends Error {
  override readonly name = 'ApiCallError';

  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The engine from the UI's side: typed calls that throw ApiCallError, and events. */
export interface ApiClient {
  call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResults[M]>;
  onEvent(listener: (event: ApiEvent) => void): () => void;
}

export function createApiClient(bridge: Mt2Bridge): ApiClient {
  return {
    call: async <M extends ApiMethod>(method: M, params: ApiParams<M>) => {
      const outcome: CallOutcome<M> = await bridge.call(method, params);
      if (!outcome.ok) throw new ApiCallError(outcome.error.code, outcome.error.message);
      return outcome.result;
    },
    onEvent: (listener) => bridge.onEvent(listener),
  };
}

/** Words for an error caught around a call, for an alert. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}
