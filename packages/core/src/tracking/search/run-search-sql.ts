/** Compiles a search_runs request to one query returning a page of `run_pk`s in MLflow's order. */
import { invalidParameter, type ViewType } from '@loom/protocol';
import type { Dialect } from '../../store/sql/driver';
import { parseFilter } from './filter-parser';
import { parseOrderBy, rejectDuplicateOrderKeys } from './order-by';
import { compileRunFilter } from './run-filter-sql';
import { resolveRunKey } from './run-keys';
import type { Fragment } from './sql-fragment';
import { experimentIdCondition, lifecycleCondition } from './scope-sql';

export interface RunSearchInput {
  experimentIds: string[];
  filter?: string;
  orderBy: string[];
  viewType: ViewType;
  limit: number;
  offset: number;
}

/** SQL selecting `r.run_pk` of one page of matching runs, ordered, using the runs_by_experiment index. */
export function compileRunSearch(input: RunSearchInput, dialect: Dialect): Fragment {
  const filter = parseFilter(input.filter);
  const conditions = [
    experimentIdCondition('r.experiment_id', input.experimentIds),
    lifecycleCondition('r.lifecycle_stage', input.viewType),
  ];
  if (filter) conditions.push(compileRunFilter(filter, dialect));
  const order = compileRunOrder(input.orderBy);
  return {
    sql:
      `SELECT r.run_pk FROM runs r${order.joins.sql}` +
      ` WHERE ${conditions.map((c) => c.sql).join(' AND ')}` +
      ` ORDER BY ${order.terms.join(', ')} LIMIT ? OFFSET ?`,
    params: [...order.joins.params, ...conditions.flatMap((c) => c.params), input.limit, input.offset],
  };
}

const ORDER_TABLES = { metric: 'latest_metrics', param: 'params', tag: 'tags' } as const;

/**
 * MLflow's run order: each key ascending or descending with missing values last either way (and for
 * metrics NaN after numbers, before missing), then start_time DESC and run_id ASC as tie-breaks.
 */
function compileRunOrder(orderBy: readonly string[]): { joins: Fragment; terms: string[] } {
  const joins: Fragment = { sql: '', params: [] };
  const terms: string[] = [];
  const keys: string[] = [];
  orderBy.forEach((clause, i) => {
    const { identifier, ascending } = parseOrderBy(clause);
    const target = resolveRunKey(identifier);
    const dir = ascending ? 'ASC' : 'DESC';
    keys.push(`${target.entity}:${target.key}`);
    if (target.entity === 'dataset') {
      throw invalidParameter(
        `Invalid order_by entity type 'dataset' in '${clause}'. Valid values are ['metric', 'parameter', 'tag', 'attribute']`,
      );
    }
    if (target.entity === 'attribute') {
      const { column, nullable } = target.attribute;
      if (nullable) terms.push(`CASE WHEN ${column} IS NULL THEN 1 ELSE 0 END`);
      terms.push(`${column} ${dir}`);
      return;
    }
    // One LEFT JOIN per key, on the table's (run_pk, key) primary key.
    const alias = `o${i}`;
    joins.sql += ` LEFT JOIN ${ORDER_TABLES[target.entity]} ${alias} ON ${alias}.run_pk = r.run_pk AND ${alias}.key = ?`;
    joins.params.push(target.key);
    const nan = target.entity === 'metric' ? ` WHEN ${alias}.is_nan = 1 THEN 1` : '';
    terms.push(`CASE WHEN ${alias}.run_pk IS NULL THEN 2${nan} ELSE 0 END`, `${alias}.value ${dir}`);
  });
  rejectDuplicateOrderKeys(keys, orderBy);
  if (!keys.includes('attribute:start_time')) terms.push('r.start_time DESC');
  if (!keys.includes('attribute:run_id')) terms.push('r.run_id ASC');
  return { joins, terms };
}
