import { useCallback, useEffect, useRef, useState } from 'react';
import type {
  ApiParams,
  FolderId,
  MessageRef,
  MessageSummaryView,
  Page,
} from '../../src/api/index.ts';
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

/** `summary` among `items` (newest first), before the first one older than it. */
function placeByDate(
  items: readonly MessageSummaryView[],
  summary: MessageSummaryView,
): readonly MessageSummaryView[] {
  const older = items.findIndex((item) => item.date < summary.date);
  const at = older === -1 ? items.length : older;
  return [...items.slice(0, at), summary, ...items.slice(at)];
}

/**
 * Keyset paging over a folder or a search, reloaded when the engine says the folder
 * changed. `open`, the message in the reader, stays in a filtered list (unread, flagged)
 * that it no longer matches, as it is now, until the reader moves on: opening an unread
 * message reads it, and its row must not vanish under the reader.
 */
export function useMessagePages(source: ListSource, open?: MessageRef): MessagePages {
  const api = useApi();
  const [items, setItems] = useState<readonly MessageSummaryView[]>([]);
  const openRef = useRef(open);
  useEffect(() => {
    openRef.current = open;
  });
  /** The rows shown and the source (its fetchPage) they were listed from. */
  const listed = useRef<{ readonly from: unknown; readonly refs: ReadonlySet<MessageRef> }>({
    from: undefined,
    refs: new Set(),
  });
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

  /** A reloaded filtered list, with the open message kept when it dropped out of it. */
  const keepingOpen = useCallback(
    async (reloaded: readonly MessageSummaryView[]): Promise<readonly MessageSummaryView[]> => {
      const ref = openRef.current;
      if (filter === 'all' || folder === undefined || ref === undefined) return reloaded;
      // Only a row of this very list is kept: one open from another list never joins it.
      const dropped =
        listed.current.from === fetchPage &&
        listed.current.refs.has(ref) &&
        !reloaded.some((item) => item.ref === ref);
      if (!dropped) return reloaded;
      try {
        const summary = await api.call('getSummary', { ref });
        // Deleted or moved meanwhile: it has left the folder, not only the filter.
        return summary.folder === folder ? placeByDate(reloaded, summary) : reloaded;
      } catch {
        return reloaded;
      }
    },
    [api, fetchPage, filter, folder],
  );

  const load = useCallback(
    (reset: boolean) => {
      if (inFlight.current && !reset) return;
      const mine = reset ? ++generation.current : generation.current;
      inFlight.current = true;
      setLoading(true);
      fetchPage(reset ? undefined : cursor.current)
        .then(async (page) => ({
          page,
          fetched: reset ? await keepingOpen(page.items) : page.items,
        }))
        .then(
          ({ page, fetched }) => {
            if (mine !== generation.current) return;
            inFlight.current = false;
            cursor.current = page.next;
            const refs = fetched.map((item) => item.ref);
            listed.current = {
              from: fetchPage,
              refs: new Set(reset ? refs : [...listed.current.refs, ...refs]),
            };
            setItems((previous) => (reset ? fetched : [...previous, ...fetched]));
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
    [fetchPage, keepingOpen],
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
