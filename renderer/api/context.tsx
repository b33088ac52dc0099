import { createContext, useContext, useEffect, useRef } from 'react';
import type { ApiEvent } from '../../src/api/index.ts';
import type { ApiClient } from './client.ts';

export const ApiContext = createContext<ApiClient | undefined>(undefined);

export function useApi(): ApiClient {
  const api = useContext(ApiContext);
  if (api === undefined) throw new Error('useApi outside <ApiContext>');
  return api;
}

/** Calls `listener` for every engine event while the component is mounted. */
export function useApiEvents(listener: (event: ApiEvent) => void): void {
  const api = useApi();
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(
    () =>
      api.onEvent((event) => {
        latest.current(event);
      }),
    [api],
  );
}
