import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiParams, FolderId, MessageSummaryView, Page } from '../../src/api/index.ts';
import { describeError } from '../api/client.ts';
import { useApi, useApiEvents } from '../api/context.tsx';

/** Which of a folder's messages the list shows. */
export type ListFilter = NonNullable<ApiParams<'listMessages'>['filter']>;

export const LIST_FILTER_LABEL: Readonly<Record<ListFilter, string>> = {
  all: 'All',
  unread: 'Unread',
  flagged: 'Flagged',
};

/**
 * What the list shows: a folder (all of it, or its unread or flagged messages), or the
 * results of a search.
 */
export type ListSource =
  | { readonly kind: 'folder'; readonly folder: FolderId; readonly filter: ListFilter }
  | { readonly kind: 'search'; readonly query: string };

export const PAGE_SIZE = 100;

export interface MessagePages {
  readonly items: readonly MessageSummaryView[];
  readonly complete: boolean;
  readonly loading: boolean;
  readonly error: string | undefined;
  /** Fetches the next page (keyset: after the last cursor) unless one is already coming. */
  loadMore(): void;
}

/** Keyset paging over a folder or a search, reloaded when the engine says the folder changed. */
export function useMessagePages(source: ListSource): MessagePages {
  const api = useApi();
  const [items, setItems] = useState<readonly MessageSummaryView[]>([]);
  const [complete, setComplete] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string>();
  const cursor = useRef<string | undefined>(undefined);
  const generation = useRef(0);
  const inFlight = useRef(false);
  const folder = source.kind === 'folder' ? source.folder : undefined;
  const filter = source.kind === 'folder' ? source.filter : 'all';
  const query = source.kind === 'search' ? source.query : undefined;

  const fetchPage = useCallback(
    (after: string | undefined): Promise<Page<MessageSummaryView>> => {
      const paging = after === undefined ? {} : { after };
      return folder === undefined
        ? api.call('search', { query: query ?? '', limit: PAGE_SIZE, ...paging })
        : api.call('listMessages', { folder, filter, limit: PAGE_SIZE, ...paging });
    },
    [api, folder, filter, query],
  );

  const load = useCallback(
    (reset: boolean) => {
      if (inFlight.current && !reset) return;
      const mine = reset ? ++generation.current : generation.current;
      inFlight.current = true;
      setLoading(true);
      fetchPage(reset ? undefined : cursor.current).then(
        (page) => {
          if (mine !== generation.current) return;
          inFlight.current = false;
          cursor.current = page.next;
          setItems((previous) => (reset ? page.items : [...previous, ...page.items]));
          setComplete(page.next === undefined);
          setLoading(false);
          setError(undefined);
        },
        (failure: unknown) => {
          if (mine !== generation.current) return;
          inFlight.current = false;
          setLoading(false);
          setError(describeError(failure));
        },
      );
    },
    [fetchPage],
  );

  useEffect(() => {
    cursor.current = undefined;
    setComplete(false);
    load(true);
  }, [load]);

  useApiEvents((event) => {
    if (event.type === 'send-status') {
      // A message's sending moved on (queued, sending, failed, sent): its row says so.
      const { ref, send } = event;
      setItems((shown) =>
        shown.some((item) => item.ref === ref)
          ? shown.map((item) => (item.ref === ref ? { ...item, send } : item))
          : shown,
      );
      return;
    }
    if (event.type !== 'messages-changed') return;
    if (folder === undefined || event.folders.includes(folder)) load(true);
  });

  return {
    items,
    complete,
    loading,
    error,
    loadMore: () => {
      if (!complete) load(false);
    },
  };
}
