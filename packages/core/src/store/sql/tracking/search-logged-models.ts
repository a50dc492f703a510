/** search_logged_models: MLflow 3's model search over attributes, metrics, params and tags. */
import { invalidParameter } from '@loom/protocol';
import type { LoggedModel, Page } from '../../../tracking/entities';
import { parseFilter, type Comparison, type Fragment } from '../../../tracking/search';
import {
  compileTree,
  integerComparison,
  numberComparison,
  stringComparison,
} from '../../../tracking/search/sql-fragment';
import {
  NUMERIC_OPS,
  STRING_OPS,
  numberValue,
  quotedString,
  requireOperator,
} from '../../../tracking/search/value-checks';
import type { SearchLoggedModelsQuery } from '../../../tracking/tracking-store';
import type { Dialect, SqlDriver, SqlValue } from '../driver';
import { placeholders } from '../sql-util';
import { loadLoggedModels } from './logged-models';

const STRING_ATTRIBUTES: Record<string, string> = {
  name: 'm.name',
  model_id: 'm.model_id',
  model_type: 'm.model_type',
  status: 'm.status',
  source_run_id: 'm.source_run_id',
};
const NUMERIC_ATTRIBUTES: Record<string, string> = {
  creation_timestamp: 'm.creation_timestamp_ms',
  creation_time: 'm.creation_timestamp_ms',
  last_updated_timestamp: 'm.last_updated_timestamp_ms',
  last_updated_time: 'm.last_updated_timestamp_ms',
};

function compileComparison(c: Comparison, dialect: Dialect): Fragment {
  const entity = c.identifier.entity?.toLowerCase();
  const key = c.identifier.key;
  if (entity === undefined || entity === 'attribute' || entity === 'attributes') {
    const str = STRING_ATTRIBUTES[key];
    if (str) {
      requireOperator(c.op, STRING_OPS);
      const value = quotedString(c.value, `Invalid value for attribute '${key}': ${c.value.text}`);
      return stringComparison(str, c.op, value, dialect);
    }
    const numeric = NUMERIC_ATTRIBUTES[key];
    if (numeric) {
      requireOperator(c.op, NUMERIC_OPS);
      return integerComparison(
        numeric,
        c.op,
        numberValue(c.value, `Expected a number for '${key}', got ${c.value.text}`),
      );
    }
    throw invalidParameter(`Invalid attribute key '${key}' specified for logged model search.`);
  }
  if (entity === 'metric' || entity === 'metrics') {
    requireOperator(c.op, NUMERIC_OPS);
    const cmp = numberComparison(
      'x.value',
      c.op,
      numberValue(c.value, `Expected a numeric value for metric '${key}', got ${c.value.text}`),
    );
    return {
      sql: `EXISTS (SELECT 1 FROM logged_model_metrics x WHERE x.model_id = m.model_id AND x.key = ? AND x.is_nan = 0 AND ${cmp.sql})`,
      params: [key, ...cmp.params],
    };
  }
  const table =
    entity === 'param' || entity === 'params'
      ? 'logged_model_params'
      : entity === 'tag' || entity === 'tags'
        ? 'logged_model_tags'
        : undefined;
  if (!table) throw invalidParameter(`Invalid entity type '${c.identifier.entity}' in filter: ${c.text}`);
  requireOperator(c.op, STRING_OPS);
  const cmp = stringComparison(
    'x.value',
    c.op,
    quotedString(c.value, `Expected a quoted string for '${key}'`),
    dialect,
  );
  return {
    sql: `EXISTS (SELECT 1 FROM ${table} x WHERE x.model_id = m.model_id AND x.key = ? AND ${cmp.sql})`,
    params: [key, ...cmp.params],
  };
}

interface TokenState {
  experiment_ids: string[];
  filter_string: string | null;
  order_by: { field_name: string; ascending: boolean }[];
  offset: number;
}

function decodeToken(token: string, expected: Omit<TokenState, 'offset'>): number {
  let state: TokenState;
  try {
    state = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as TokenState;
  } catch {
    throw invalidParameter(`Invalid page token: ${token}`);
  }
  const same =
    JSON.stringify(state.experiment_ids) === JSON.stringify(expected.experiment_ids) &&
    (state.filter_string ?? null) === expected.filter_string &&
    JSON.stringify(state.order_by) === JSON.stringify(expected.order_by);
  if (!same) throw invalidParameter('Page token does not match the current search request.');
  if (!Number.isSafeInteger(state.offset) || state.offset < 0)
    throw invalidParameter(`Invalid page token: ${token}`);
  return state.offset;
}

function orderSql(order: SearchLoggedModelsQuery['orderBy'], params: SqlValue[]): string {
  const parts: string[] = [];
  for (const o of order) {
    const dir = o.ascending ? 'ASC' : 'DESC';
    const name = o.fieldName;
    const attr = STRING_ATTRIBUTES[name] ?? NUMERIC_ATTRIBUTES[name];
    if (attr) {
      parts.push(`${attr} IS NULL, ${attr} ${dir}`);
    } else if (name.startsWith('metrics.')) {
      // The model's latest value of the metric; models without it sort last either way.
      const sub = `(SELECT x.value FROM logged_model_metrics x WHERE x.model_id = m.model_id AND x.key = ? AND x.is_nan = 0 ORDER BY x.step DESC, x.timestamp DESC LIMIT 1)`;
      const key = name.slice('metrics.'.length);
      parts.push(`${sub} IS NULL, ${sub} ${dir}`);
      params.push(key, key);
    } else {
      throw invalidParameter(`Invalid order_by field '${name}' for logged model search.`);
    }
  }
  parts.push('m.creation_timestamp_ms DESC', 'm.model_id ASC');
  return parts.join(', ');
}

/** One page of logged models in the given experiments. */
export async function searchLoggedModels(
  db: SqlDriver,
  q: SearchLoggedModelsQuery,
): Promise<Page<LoggedModel>> {
  if (q.experimentIds.length === 0)
    throw invalidParameter("Missing value for required parameter 'experiment_ids'.");
  const tokenState = {
    experiment_ids: q.experimentIds,
    filter_string: q.filter ?? null,
    order_by: q.orderBy.map((o) => ({ field_name: o.fieldName, ascending: o.ascending })),
  };
  const offset = q.pageToken ? decodeToken(q.pageToken, tokenState) : 0;
  const tree = parseFilter(q.filter);
  const where = tree
    ? compileTree(tree, (c) => compileComparison(c, db.dialect))
    : { sql: '1 = 1', params: [] };
  const orderParams: SqlValue[] = [];
  const order = orderSql(q.orderBy, orderParams);
  const ids = await db.all<{ model_id: string }>(
    `SELECT m.model_id FROM logged_models m
     WHERE m.lifecycle_stage = 'active' AND m.experiment_id IN ${placeholders(q.experimentIds.length)} AND ${where.sql}
     ORDER BY ${order} LIMIT ? OFFSET ?`,
    [...q.experimentIds, ...where.params, ...orderParams, q.maxResults + 1, offset],
  );
  const more = ids.length > q.maxResults;
  const items = await loadLoggedModels(
    db,
    (more ? ids.slice(0, q.maxResults) : ids).map((r) => r.model_id),
  );
  const next = more
    ? Buffer.from(JSON.stringify({ ...tokenState, offset: offset + q.maxResults })).toString('base64')
    : undefined;
  return { items, nextPageToken: next };
}
