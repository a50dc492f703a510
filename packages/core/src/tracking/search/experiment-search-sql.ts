/** Compiles a search_experiments request to one query returning a page of experiment ids. */
import { invalidParameter, type ViewType } from '@loom/protocol';
import type { Dialect } from '../../store/sql/driver';
import type { Comparison, Identifier } from './filter-ast';
import { parseFilter } from './filter-parser';
import { parseOrderBy } from './order-by';
import { compileTree, integerComparison, stringComparison, type Fragment } from './sql-fragment';
import { lifecycleCondition } from './scope-sql';
import { NUMERIC_OPS, STRING_OPS, numberValue, pyList, quotedString, requireOperator } from './value-checks';

export interface ExperimentSearchInput {
  filter?: string;
  orderBy: string[];
  viewType: ViewType;
  limit: number;
  offset: number;
}

const FILTER_ATTRIBUTES = ['name', 'creation_time', 'last_update_time'];
const ORDER_ATTRIBUTES = ['name', 'experiment_id', 'creation_time', 'last_update_time'];
const NUMERIC_ATTRIBUTES = ['creation_time', 'last_update_time', 'experiment_id'];
const DEFAULT_ORDER = ['creation_time DESC', 'experiment_id ASC'];

/** SQL selecting `e.experiment_id` of one page of matching experiments, in MLflow's order. */
export function compileExperimentSearch(input: ExperimentSearchInput, dialect: Dialect): Fragment {
  const filter = parseFilter(input.filter);
  const conditions = [lifecycleCondition('e.lifecycle_stage', input.viewType)];
  if (filter) conditions.push(compileTree(filter, (c) => experimentComparison(c, dialect)));
  return {
    sql:
      `SELECT e.experiment_id FROM experiments e WHERE ${conditions.map((c) => c.sql).join(' AND ')}` +
      ` ORDER BY ${experimentOrder(input.orderBy).join(', ')} LIMIT ? OFFSET ?`,
    params: [...conditions.flatMap((c) => c.params), input.limit, input.offset],
  };
}

/** `attribute` or `tag` for an identifier; MLflow accepts no prefix, `attribute.`, `tag.` and `tags.` only. */
function entityOf(id: Identifier, validAttributes: readonly string[]): 'attribute' | 'tag' {
  if (id.entity === 'tag' || id.entity === 'tags') return 'tag';
  if (id.entity !== undefined && id.entity !== 'attribute') {
    throw invalidParameter(
      `Invalid entity type '${id.entity}'. Valid entity types are ('attribute', 'tag', 'tags')`,
    );
  }
  if (!validAttributes.includes(id.key)) {
    throw invalidParameter(
      `Invalid attribute key '${id.key}' specified. Valid keys are ${pyList(validAttributes)}`,
    );
  }
  return 'attribute';
}

function experimentComparison(c: Comparison, dialect: Dialect): Fragment {
  const { identifier: id, op, value } = c;
  if (entityOf(id, FILTER_ATTRIBUTES) === 'tag') {
    const s = quotedString(
      value,
      `Expected a quoted string value for tag (e.g. 'my-value'). Got value ${value.text}`,
    );
    requireOperator(op, STRING_OPS, `Invalid comparator for tag: ${op}`);
    const cmp = stringComparison('t.value', op, s, dialect);
    return {
      sql: `EXISTS (SELECT 1 FROM experiment_tags t WHERE t.experiment_id = e.experiment_id AND t.key = ? AND ${cmp.sql})`,
      params: [id.key, ...cmp.params],
    };
  }
  if (NUMERIC_ATTRIBUTES.includes(id.key)) {
    const n = numberValue(
      value,
      `Expected numeric value type for numeric attribute: ${id.key}. Found ${value.text}`,
    );
    requireOperator(op, NUMERIC_OPS, `Invalid comparator for numeric attribute: ${op}`);
    return integerComparison(`e.${id.key}`, op, n);
  }
  if (value.kind === 'list') {
    // MLflow's wording, shared with search_runs: no experiment attribute takes a list.
    throw invalidParameter(
      "Only the 'run_id' attribute supports comparison with a list of quoted string values.",
    );
  }
  const s = quotedString(value, `Expected a quoted string value for attributes. Got value ${value.text}`);
  requireOperator(op, STRING_OPS, `Invalid comparator for string attribute: ${op}`);
  return stringComparison(`e.${id.key}`, op, s, dialect);
}

/** ORDER BY terms: the requested attributes (default creation_time DESC, experiment_id ASC), then MLflow's
 * experiment_id DESC tie-break when experiment_id is not among them. */
function experimentOrder(orderBy: readonly string[]): string[] {
  const clauses = (orderBy.length > 0 ? orderBy : DEFAULT_ORDER).map(parseOrderBy);
  const terms: string[] = [];
  const keys: string[] = [];
  for (const { identifier, ascending } of clauses) {
    if (entityOf(identifier, ORDER_ATTRIBUTES) === 'tag')
      throw invalidParameter('Invalid order_by entity: tag');
    keys.push(identifier.key);
    terms.push(`e.${identifier.key} ${ascending ? 'ASC' : 'DESC'}`);
  }
  if (!keys.includes('experiment_id')) terms.push('e.experiment_id DESC');
  return terms;
}
