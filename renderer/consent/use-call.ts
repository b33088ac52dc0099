import { useCallback, useEffect, useState } from 'react';
import type { ApiMethod, ApiParams, ApiResults } from '../../src/api/index.ts';
import { describeError } from '../api/client.ts';
import { useApi, useApiEvents } from '../api/context.tsx';

/** The result of `method`, loaded now and again on every `consent-changed` and `messages-changed` event. */
export function useConsentData<M extends ApiMethod>(method: M, params: ApiParams<M>) {
  const api = useApi();
  const [data, setData] = useState<ApiResults[M]>();
  const [error, setError] = useState<string>();
  const key = JSON.stringify(params);
  const reload = useCallback(() => {
    api.call(method, JSON.parse(key) as ApiParams<M>).then(
      (result) => {
        setData(result);
        setError(undefined);
      },
      (failure: unknown) => {
        setError(describeError(failure));
      },
    );
  }, [api, method, key]);
  useEffect(reload, [reload]);
  useApiEvents((event) => {
    if (event.type === 'consent-changed' || event.type === 'messages-changed') reload();
  });
  return { data, error, reload };
}

/** Runs an action; its error (the engine's reason, e.g. an illegal move) is kept for an alert. */
export function useAction() {
  const [error, setError] = useState<string>();
  const run = useCallback(async (action: () => Promise<unknown>, after?: () => void) => {
    try {
      await action();
      setError(undefined);
      after?.();
    } catch (failure) {
      setError(describeError(failure));
    }
  }, []);
  return { error, run };
}
