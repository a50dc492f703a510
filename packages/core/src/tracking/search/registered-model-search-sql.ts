/** Compiles a search_registered_models request to one query returning a page of models. */
import { invalidParameter } from '@loom/protocol';
import type { Dialect } from '../../store/sql/driver';
import type { Comparison } from './filter-ast';
import { parseFilter } from './filter-parser';
import {
  IS_PROMPT_TAG,
  attributeOrder,
  NOT_A_PROMPT,
  mentionsPromptTag,
  promptComparison,
  registryEntityOf,
  tagValue,
} from './registry-search-sql';
import { compileTree, stringComparison, type Fragment } from './sql-fragment';
import { STRING_OPS, quotedString, requireOperator } from './value-checks';

export interface RegisteredModelSearchInput {
  filter?: string | undefined;
  orderBy: readonly string[];
  limit: number;
  offset: number;
}

const ORDER_KEYS: Readonly<Record<string, string>> = {
  name: 'rm.name',
  timestamp: 'rm.last_updated_timestamp',
  last_updated_timestamp: 'rm.last_updated_timestamp',
};

/** SQL selecting `rm.model_pk` and `rm.name` of one page of matching models, in MLflow's order. */
export function compileRegisteredModelSearch(input: RegisteredModelSearchInput, dialect: Dialect): Fragment {
  const filter = parseFilter(input.filter);
  const conditions: Fragment[] = [];
  if (filter) conditions.push(compileTree(filter, (c) => modelComparison(c, dialect)));
  if (!mentionsPromptTag(filter)) conditions.push(NOT_A_PROMPT);
  const where = conditions.length > 0 ? ` WHERE ${conditions.map((c) => c.sql).join(' AND ')}` : '';
  return {
    sql:
      `SELECT rm.model_pk, rm.name FROM registered_models rm${where}` +
      ` ORDER BY ${modelOrder(input.orderBy).join(', ')} LIMIT ? OFFSET ?`,
    params: [...conditions.flatMap((c) => c.params), input.limit, input.offset],
  };
}

function modelComparison(c: Comparison, dialect: Dialect): Fragment {
  const { identifier: id, op, value } = c;
  if (registryEntityOf(id, ['name']) === 'tag') {
    if (id.key === IS_PROMPT_TAG) return promptComparison(c, dialect);
    const cmp = stringComparison('t.value', op, tagValue(c), dialect);
    return {
      sql: `EXISTS (SELECT 1 FROM registered_model_tags t WHERE t.model_pk = rm.model_pk AND t.key = ? AND ${cmp.sql})`,
      params: [id.key, ...cmp.params],
    };
  }
  if (value.kind === 'list') {
    throw invalidParameter(
      "Only the 'run_id' attribute supports comparison with a list of quoted string values.",
    );
  }
  const s = quotedString(value, `Expected a quoted string value for attributes. Got value ${value.text}`);
  requireOperator(op, STRING_OPS, `Invalid comparator for string attribute: ${op}`);
  return stringComparison('rm.name', op, s, dialect);
}

/** ORDER BY terms: the requested keys (default none), then MLflow's `name ASC` tie-break. */
function modelOrder(orderBy: readonly string[]): string[] {
  const { terms, columns } = attributeOrder(orderBy, ORDER_KEYS);
  if (!columns.includes('rm.name')) terms.push('rm.name ASC');
  return terms;
}
