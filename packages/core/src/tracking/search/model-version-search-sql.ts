/** Compiles a search_model_versions request to one query returning a page of versions. */
import { invalidParameter } from '@loom/protocol';
import { STAGE_DELETED_INTERNAL } from '../../registry/entities';
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
import { compileTree, integerComparison, stringComparison, type Fragment } from './sql-fragment';
import {
  NUMERIC_OPS,
  STRING_OPS,
  numberValue,
  quotedString,
  requireOperator,
  stringList,
} from './value-checks';

export interface ModelVersionSearchInput {
  filter?: string | undefined;
  orderBy: readonly string[];
  limit: number;
  offset: number;
}

const STRING_ATTRIBUTES: Readonly<Record<string, string>> = {
  name: 'rm.name',
  run_id: 'mv.run_id',
  source_path: 'mv.source',
};
const FILTER_ATTRIBUTES = ['name', 'run_id', 'source_path', 'version_number'];
const ORDER_KEYS: Readonly<Record<string, string>> = {
  name: 'rm.name',
  version_number: 'mv.version',
  creation_timestamp: 'mv.creation_timestamp',
  last_updated_timestamp: 'mv.last_updated_timestamp',
};
const DEFAULT_ORDER = ['last_updated_timestamp DESC'];

/**
 * SQL selecting `mv.model_pk`, `rm.name` and `mv.version` of one page of live versions, in MLflow's
 * order (default last_updated_timestamp DESC; ties by name ASC, then version DESC).
 */
export function compileModelVersionSearch(input: ModelVersionSearchInput, dialect: Dialect): Fragment {
  const filter = parseFilter(input.filter);
  const conditions: Fragment[] = [{ sql: 'mv.current_stage <> ?', params: [STAGE_DELETED_INTERNAL] }];
  if (filter) conditions.push(compileTree(filter, (c) => versionComparison(c, dialect)));
  if (!mentionsPromptTag(filter)) conditions.push(NOT_A_PROMPT);
  return {
    sql:
      'SELECT mv.model_pk, rm.name, mv.version FROM model_versions mv ' +
      'JOIN registered_models rm ON rm.model_pk = mv.model_pk ' +
      `WHERE ${conditions.map((c) => c.sql).join(' AND ')}` +
      ` ORDER BY ${versionOrder(input.orderBy).join(', ')} LIMIT ? OFFSET ?`,
    params: [...conditions.flatMap((c) => c.params), input.limit, input.offset],
  };
}

function versionComparison(c: Comparison, dialect: Dialect): Fragment {
  const { identifier: id, op, value } = c;
  if (registryEntityOf(id, FILTER_ATTRIBUTES) === 'tag') {
    if (id.key === IS_PROMPT_TAG) return promptComparison(c, dialect);
    const cmp = stringComparison('t.value', op, tagValue(c), dialect);
    return {
      sql:
        'EXISTS (SELECT 1 FROM model_version_tags t WHERE t.model_pk = mv.model_pk ' +
        `AND t.version = mv.version AND t.key = ? AND ${cmp.sql})`,
      params: [id.key, ...cmp.params],
    };
  }
  if (id.key === 'version_number') {
    const n = numberValue(
      value,
      `Expected numeric value type for numeric attribute: ${id.key}. Found ${value.text}`,
    );
    requireOperator(op, NUMERIC_OPS, `Invalid comparator for numeric attribute: ${op}`);
    return integerComparison('mv.version', op, n);
  }
  const column = STRING_ATTRIBUTES[id.key]!;
  if (value.kind === 'list') {
    if (id.key !== 'run_id') {
      throw invalidParameter(
        "Only the 'run_id' attribute supports comparison with a list of quoted string values.",
      );
    }
    if (op !== 'IN' && op !== 'NOT IN') {
      throw invalidParameter(`Invalid comparator for a list of values: ${op}`);
    }
    const cmp = stringComparison(column, op, stringList(value), dialect);
    return { sql: `(${column} IS NOT NULL AND ${cmp.sql})`, params: cmp.params };
  }
  if (op === 'IN' || op === 'NOT IN') {
    throw invalidParameter(`Expected a list of quoted strings for '${op}'. Got value ${value.text}`);
  }
  const s = quotedString(value, `Expected a quoted string value for attributes. Got value ${value.text}`);
  requireOperator(op, STRING_OPS, `Invalid comparator for string attribute: ${op}`);
  const cmp = stringComparison(column, op, s, dialect);
  // run_id may be NULL; a leaf must be true or false, never NULL (NOT must stay correct).
  return column === 'mv.run_id' ? { sql: `(${column} IS NOT NULL AND ${cmp.sql})`, params: cmp.params } : cmp;
}

/** ORDER BY terms: the requested keys (default last_updated_timestamp DESC), then MLflow's tie-breaks. */
function versionOrder(orderBy: readonly string[]): string[] {
  const { terms, columns } = attributeOrder(orderBy.length > 0 ? orderBy : DEFAULT_ORDER, ORDER_KEYS);
  if (!columns.includes('rm.name')) terms.push('rm.name ASC');
  if (!columns.includes('mv.version')) terms.push('mv.version DESC');
  return terms;
}
