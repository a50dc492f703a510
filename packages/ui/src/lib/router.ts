/**
 * A tiny history router: the URL is the state of every view (experiment, filter, sort, columns,
 * chart), so links can be shared and the back button works. No dependency beyond React.
 */
import { useMemo, useSyncExternalStore } from 'react';

export type Route =
  | { page: 'experiments' }
  | { page: 'runs'; experimentId: string }
  | { page: 'compare'; experimentId: string }
  | { page: 'run'; runId: string }
  | { page: 'registry-audit' }
  | { page: 'not-found' };

const seg = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** The page a pathname shows. */
export function matchRoute(pathname: string): Route {
  const parts = pathname.split('/').filter(Boolean);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'experiments'))
    return { page: 'experiments' };
  if (parts[0] === 'experiments' && parts[1] !== undefined) {
    if (parts.length === 2) return { page: 'runs', experimentId: seg(parts[1]) };
    if (parts.length === 3 && parts[2] === 'compare') return { page: 'compare', experimentId: seg(parts[1]) };
  }
  if (parts[0] === 'runs' && parts[1] !== undefined && parts.length === 2)
    return { page: 'run', runId: seg(parts[1]) };
  if (parts.length === 2 && parts[0] === 'registry' && parts[1] === 'audit-log')
    return { page: 'registry-audit' };
  return { page: 'not-found' };
}

/** Paths of the pages, the inverse of `matchRoute`. */
export const paths = {
  experiments: (): string => '/',
  runs: (experimentId: string, query?: URLSearchParams): string =>
    withQuery(`/experiments/${encodeURIComponent(experimentId)}`, query),
  compare: (experimentId: string, query?: URLSearchParams): string =>
    withQuery(`/experiments/${encodeURIComponent(experimentId)}/compare`, query),
  run: (runId: string, query?: URLSearchParams): string =>
    withQuery(`/runs/${encodeURIComponent(runId)}`, query),
  registryAudit: (query?: URLSearchParams): string => withQuery('/registry/audit-log', query),
};

function withQuery(path: string, query: URLSearchParams | undefined): string {
  const s = query?.toString();
  return s ? `${path}?${s}` : path;
}

const CHANGE = 'loom:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(CHANGE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(CHANGE, onChange);
  };
}

const snapshot = (): string => window.location.pathname + window.location.search;

/** Goes to `to` (a path with an optional query); `replace` keeps the history entry (typing, sorting). */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(CHANGE));
}

export interface Location {
  pathname: string;
  query: URLSearchParams;
  route: Route;
}

/** The current location, re-rendering on every navigation. */
export function useLocation(): Location {
  const current = useSyncExternalStore(subscribe, snapshot);
  return useMemo(() => {
    const url = new URL(current, 'http://loom.invalid');
    return { pathname: url.pathname, query: url.searchParams, route: matchRoute(url.pathname) };
  }, [current]);
}

/** A copy of `query` with `changes` applied; undefined or '' removes a key. */
export function withParams(
  query: URLSearchParams,
  changes: Record<string, string | undefined>,
): URLSearchParams {
  const next = new URLSearchParams(query);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined || value === '') next.delete(key);
    else next.set(key, value);
  }
  return next;
}
