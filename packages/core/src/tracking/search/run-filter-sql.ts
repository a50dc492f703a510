/** Compiles a parsed search_runs filter to a SQL condition on `runs r`. */
import { invalidParameter } from '@loom/protocol';
import type { Dialect } from '../../store/sql/driver';
import type { Comparison, FilterNode, Operator } from './filter-ast';
import { resolveRunKey, type DatasetKey } from './run-keys';
import { compileTree, integerComparison, stringComparison, type Fragment } from './sql-fragment';
import {
  NUMERIC_OPS,
  STRING_LIST_OPS,
  STRING_OPS,
  numberValue,
  quotedString,
  requireOperator,
  stringList,
} from './value-checks';

const DATASET_CONTEXT_TAG = 'mlflow.data.context';

/** The condition a filter puts on `runs r`; each metric/param/tag/dataset clause is an indexed EXISTS. */
export function compileRunFilter(node: FilterNode, dialect: Dialect): Fragment {
  return compileTree(node, (c) => runComparison(c, dialect));
}

// Value type is checked before the operator, in MLflow's order, so the same filter gets the same error.
function runComparison(c: Comparison, dialect: Dialect): Fragment {
  const target = resolveRunKey(c.identifier);
  const { op, value } = c;
  switch (target.entity) {
    case 'metric': {
      const n = numberValue(value, `Expected numeric value type for metric. Found ${value.text}`);
      requireOperator(op, NUMERIC_OPS);
      // A NaN latest value (is_nan = 1, value 0) equals, exceeds and undercuts nothing, and differs from all.
      const cmp = op === '!=' ? '(m.is_nan = 1 OR m.value != ?)' : `m.is_nan = 0 AND m.value ${op} ?`;
      return keyedExists('latest_metrics', target.key, { sql: valueTest(cmp, dialect), params: [n] });
    }
    case 'param':
    case 'tag': {
      const what = target.entity === 'param' ? 'parameter' : 'tag';
      const s = quotedString(
        value,
        `Expected a quoted string value for ${what} (e.g. 'my-value'). Got value ${value.text}`,
      );
      requireOperator(op, STRING_OPS);
      const table = target.entity === 'param' ? 'params' : 'tags';
      return keyedExists(table, target.key, stringComparison('m.value', op, s, dialect));
    }
    case 'attribute': {
      const { column, numeric, nullable } = target.attribute;
      if (numeric) {
        const message = `Expected numeric value type for numeric attribute: ${c.identifier.key}. Found ${value.text}`;
        const n = numberValue(value, message);
        requireOperator(op, NUMERIC_OPS);
        const cmp = integerComparison(column, op, n);
        // NOT must be the exact complement, so a missing end_time compares FALSE, never NULL.
        return nullable ? { sql: `(${column} IS NOT NULL AND ${cmp.sql})`, params: cmp.params } : cmp;
      }
      let s: string | string[];
      if (value.kind === 'list') {
        if (target.key !== 'run_id') {
          throw invalidParameter(
            "Only the 'run_id' attribute supports comparison with a list of quoted string values.",
          );
        }
        s = stringList(value);
      } else {
        s = quotedString(value, `Expected a quoted string value for attributes. Got value ${value.text}`);
      }
      requireOperator(op, STRING_LIST_OPS);
      return stringComparison(column, op, s, dialect);
    }
    case 'dataset': {
      const s =
        value.kind === 'list'
          ? stringList(value)
          : quotedString(
              value,
              `Expected a quoted string value for dataset attributes. Got value ${value.text}`,
            );
      requireOperator(op, STRING_LIST_OPS);
      return datasetExists(target.key, op, s, dialect);
    }
  }
}

/**
 * The value test of a metric filter. On PostgreSQL it is wrapped so that no index can take it: only
 * `key` stays indexable. Without fresh statistics (a new or fast-growing table, before autovacuum has
 * analysed it) the planner guesses one matching row for `key AND is_nan AND value` and probes the
 * value index once per candidate run, which reads every match per run (1.1 s on 10,000 runs); with the
 * value test opaque, the per-run probe is the primary key (run_pk, key), and with statistics the planner
 * may still scan the key's rows once and hash them.
 */
function valueTest(sql: string, dialect: Dialect): string {
  return dialect === 'postgres' ? `(${sql}) IS TRUE` : sql;
}

/** EXISTS on a (run_pk, key)-keyed table: one primary-key probe per candidate run. */
function keyedExists(table: string, key: string, cmp: Fragment): Fragment {
  return {
    sql: `EXISTS (SELECT 1 FROM ${table} m WHERE m.run_pk = r.run_pk AND m.key = ? AND ${cmp.sql})`,
    params: [key, ...cmp.params],
  };
}

/** True when any of the run's input datasets matches (MLflow's semantics, also for != and NOT IN). */
function datasetExists(key: DatasetKey, op: Operator, value: string | string[], dialect: Dialect): Fragment {
  if (key === 'context') {
    const cmp = stringComparison('it.value', op, value, dialect);
    return {
      sql: `EXISTS (SELECT 1 FROM input_tags it WHERE it.run_pk = r.run_pk AND it.key = ? AND ${cmp.sql})`,
      params: [DATASET_CONTEXT_TAG, ...cmp.params],
    };
  }
  const cmp = stringComparison(`d.${key}`, op, value, dialect);
  return {
    sql:
      'EXISTS (SELECT 1 FROM run_inputs ri JOIN datasets d ON d.dataset_pk = ri.dataset_pk ' +
      `WHERE ri.run_pk = r.run_pk AND ${cmp.sql})`,
    params: cmp.params,
  };
}
