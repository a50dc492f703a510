/**
 * The runs of a search, fetched page by page as the table scrolls: the first page when the query
 * changes (the previous request is aborted), the next one when `loadMore()` is called near the end.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { RunJson, ViewType } from '@loom/protocol';
import { loom } from '../../api';

export interface RunPagesQuery {
  experimentIds: string[];
  filter: string;
  orderBy: string[];
  pageSize: number;
  /** Active runs when absent. */
  runViewType?: ViewType | undefined;
}

export interface RunPages {
  runs: RunJson[];
  status: 'loading' | 'ok' | 'error';
  error: Error | undefined;
  hasMore: boolean;
  loadingMore: boolean;
  /** Fetches the next page unless one is on its way or there is none; after a failure only with `retry`. */
  loadMore: (retry?: boolean) => void;
  reload: () => void;
}

interface State {
  runs: RunJson[];
  token: string | undefined;
  status: RunPages['status'];
  error: Error | undefined;
  loadingMore: boolean;
}

const INITIAL: State = {
  runs: [],
  token: undefined,
  status: 'loading',
  error: undefined,
  loadingMore: false,
};

/** Pages through `searchRuns` for `query`. */
export function useRunPages(query: RunPagesQuery): RunPages {
  const [state, setState] = useState<State>(INITIAL);
  const [generation, setGeneration] = useState(0);
  const key = JSON.stringify(query);
  // The live request's controller; a newer query or generation aborts it.
  const live = useRef<AbortController | undefined>(undefined);
  const stateRef = useRef(state);
  stateRef.current = state;

  const fetchPage = useCallback(
    (pageToken: string | undefined, controller: AbortController) => {
      const q = JSON.parse(key) as RunPagesQuery;
      loom
        .searchRuns(
          {
            experimentIds: q.experimentIds,
            filter: q.filter,
            orderBy: q.orderBy,
            maxResults: q.pageSize,
            runViewType: q.runViewType,
            pageToken,
          },
          { signal: controller.signal },
        )
        .then(
          (page) => {
            if (controller.signal.aborted) return;
            setState((s) => ({
              runs: pageToken === undefined ? page.runs : [...s.runs, ...page.runs],
              token: page.nextPageToken,
              status: 'ok',
              error: undefined,
              loadingMore: false,
            }));
          },
          (error: unknown) => {
            if (controller.signal.aborted) return;
            const err = error instanceof Error ? error : new Error(String(error));
            setState((s) =>
              pageToken === undefined
                ? { ...INITIAL, status: 'error', error: err }
                : { ...s, loadingMore: false, error: err },
            );
          },
        );
    },
    [key],
  );

  useEffect(() => {
    const controller = new AbortController();
    live.current?.abort();
    live.current = controller;
    setState(INITIAL);
    fetchPage(undefined, controller);
    return () => controller.abort();
  }, [fetchPage, generation]);

  const loadMore = useCallback(
    (retry = false) => {
      const s = stateRef.current;
      // Scrolling must not hammer a failing server: after an error only an explicit retry asks again.
      if (s.status !== 'ok' || s.loadingMore || !s.token || (s.error && !retry)) return;
      const controller = live.current;
      if (!controller || controller.signal.aborted) return;
      const next = { ...s, loadingMore: true, error: undefined };
      setState(next);
      stateRef.current = next;
      fetchPage(s.token, controller);
    },
    [fetchPage],
  );

  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  return {
    runs: state.runs,
    status: state.status,
    error: state.error,
    hasMore: state.token !== undefined,
    loadingMore: state.loadingMore,
    loadMore,
    reload,
  };
}
