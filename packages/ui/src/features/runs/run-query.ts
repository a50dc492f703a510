/**
 * The runs view's state as it lives in the URL (`?filter=…&sort=metrics.loss:desc&cols=…`) and the
 * `order_by` clause a sort becomes on the server.
 */

export type SortDir = 'asc' | 'desc';

export interface RunSort {
  /** A column id: `attributes.start_time`, `metrics.loss`, `params.lr`, `tags.team`. */
  column: string;
  dir: SortDir;
}

export interface RunsQuery {
  /** MLflow search grammar, '' for none. */
  filter: string;
  /** undefined: the server's default order (newest first). */
  sort: RunSort | undefined;
  /** Chosen param/metric/tag columns; undefined means "pick a default from the data". */
  columns: string[] | undefined;
}

/** `cols` when the user hid every column (an empty value would mean "defaults"). */
const NO_COLUMNS = 'none';

/** Reads the runs view's state from a query string. */
export function parseRunsQuery(query: URLSearchParams): RunsQuery {
  const sortText = query.get('sort') ?? '';
  const colon = sortText.lastIndexOf(':');
  const dirText = colon >= 0 ? sortText.slice(colon + 1).toLowerCase() : '';
  const sort: RunSort | undefined =
    sortText === ''
      ? undefined
      : dirText === 'asc' || dirText === 'desc'
        ? { column: sortText.slice(0, colon), dir: dirText }
        : { column: sortText, dir: 'asc' };
  const cols = query.get('cols');
  return {
    filter: query.get('filter') ?? '',
    sort: sort && sort.column !== '' ? sort : undefined,
    columns: cols === null ? undefined : cols.split(',').filter((c) => c !== '' && c !== NO_COLUMNS),
  };
}

/** The query-string values of a runs view state (undefined = leave the key out). */
export function runsQueryParams(q: RunsQuery): Record<string, string | undefined> {
  return {
    filter: q.filter || undefined,
    sort: q.sort ? `${q.sort.column}:${q.sort.dir}` : undefined,
    cols: q.columns === undefined ? undefined : q.columns.join(',') || NO_COLUMNS,
  };
}

/** The next sort after clicking `column`'s header: descending first for metrics, then flip. */
export function nextSort(current: RunSort | undefined, column: string): RunSort {
  if (current?.column === column) return { column, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  const firstDir: SortDir =
    column.startsWith('metrics.') || column === 'attributes.start_time' ? 'desc' : 'asc';
  return { column, dir: firstDir };
}

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `metrics.loss DESC`, quoting keys that are not plain names: ``metrics.`val loss` DESC``. */
export function orderByClause(sort: RunSort): string {
  const dot = sort.column.indexOf('.');
  const entity = sort.column.slice(0, dot);
  const key = sort.column.slice(dot + 1);
  const name = PLAIN_NAME.test(key) ? key : `\`${key.replace(/`/g, '``')}\``;
  return `${entity}.${name} ${sort.dir.toUpperCase()}`;
}

/** The experiment ids of a runs path segment, `1` or `1,2,5` (several experiments in one table). */
export function experimentIdsOf(segment: string): string[] {
  return [...new Set(segment.split(',').map((s) => s.trim()))].filter((s) => s !== '');
}
