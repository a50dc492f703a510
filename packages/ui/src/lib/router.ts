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
  | { page: 'models' }
  | { page: 'model'; name: string }
  | { page: 'model-version'; name: string; version: string }
  | { page: 'compare-versions'; name: string }
  | { page: 'registry-audit' }
  | { page: 'tokens' }
  | { page: 'admin-users' }
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
  if (parts[0] === 'models') return matchModelRoute(parts.slice(1));
  if (parts.length === 2 && parts[0] === 'account' && parts[1] === 'tokens') return { page: 'tokens' };
  if (parts.length === 2 && parts[0] === 'admin' && parts[1] === 'users') return { page: 'admin-users' };
  return { page: 'not-found' };
}

/** `/models`, `/models/<name>`, `/models/<name>/compare`, `/models/<name>/versions/<version>`. */
function matchModelRoute(rest: string[]): Route {
  const [name, section, version] = rest;
  if (name === undefined) return { page: 'models' };
  if (rest.length === 1) return { page: 'model', name: seg(name) };
  if (rest.length === 2 && section === 'compare') return { page: 'compare-versions', name: seg(name) };
  if (rest.length === 3 && section === 'versions' && version !== undefined)
    return { page: 'model-version', name: seg(name), version: seg(version) };
  return { page: 'not-found' };
}

/** Paths of the pages, the inverse of `matchRoute`. */
export const paths = {
  experiments: (): string => '/',
  // Commas stay readable: `/experiments/1,2` is the runs of two experiments.
  runs: (experimentId: string, query?: URLSearchParams): string =>
    withQuery(`/experiments/${encodeURIComponent(experimentId).replace(/%2C/g, ',')}`, query),
  compare: (experimentId: string, query?: URLSearchParams): string =>
    withQuery(`/experiments/${encodeURIComponent(experimentId)}/compare`, query),
  run: (runId: string, query?: URLSearchParams): string =>
    withQuery(`/runs/${encodeURIComponent(runId)}`, query),
  models: (query?: URLSearchParams): string => withQuery('/models', query),
  model: (name: string, query?: URLSearchParams): string =>
    withQuery(`/models/${encodeURIComponent(name)}`, query),
  modelVersion: (name: string, version: string, query?: URLSearchParams): string =>
    withQuery(`/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`, query),
  compareVersions: (name: string, query?: URLSearchParams): string =>
    withQuery(`/models/${encodeURIComponent(name)}/compare`, query),
  registryAudit: (query?: URLSearchParams): string => withQuery('/registry/audit-log', query),
  tokens: (): string => '/account/tokens',
  adminUsers: (query?: URLSearchParams): string => withQuery('/admin/users', query),
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
