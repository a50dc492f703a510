/** SQL pieces shared by the search compilers: boolean trees and comparisons in either dialect. */
import type { Dialect, SqlValue } from '../../store/sql/driver';
import { placeholders } from '../../store/sql/sql-util';
import type { Comparison, FilterNode, Operator } from './filter-ast';

/** SQL text with its `?` parameters, in order. */
export interface Fragment {
  sql: string;
  params: SqlValue[];
}

/** Compiles AND/OR/NOT over comparisons that `leaf` compiles; every leaf must be a boolean, never NULL. */
export function compileTree(node: FilterNode, leaf: (c: Comparison) => Fragment): Fragment {
  switch (node.kind) {
    case 'comparison':
      return leaf(node);
    case 'not': {
      const child = compileTree(node.child, leaf);
      return { sql: `NOT (${child.sql})`, params: child.params };
    }
    case 'and':
    case 'or': {
      const parts = node.children.map((c) => compileTree(c, leaf));
      return {
        sql: `(${parts.map((p) => p.sql).join(node.kind === 'and' ? ' AND ' : ' OR ')})`,
        params: parts.flatMap((p) => p.params),
      };
    }
  }
}

/** `column <op> value` on a text column: LIKE stays case-sensitive, ILIKE ignores case in both dialects. */
export function stringComparison(
  column: string,
  op: Operator,
  value: string | readonly string[],
  dialect: Dialect,
): Fragment {
  if (typeof value !== 'string') {
    const not = op === 'NOT IN' ? 'NOT ' : '';
    return { sql: `${column} ${not}IN ${placeholders(value.length)}`, params: [...value] };
  }
  if (op === 'LIKE' || op === 'ILIKE') {
    // SQLite has no ILIKE, and its LIKE is case-sensitive here (PRAGMA case_sensitive_like). Its LIKE
    // has no escape character; PostgreSQL's treats `\` as one unless told `ESCAPE ''`, so a backslash
    // in a pattern is a plain character on both. (Text columns are COLLATE "C" on PostgreSQL, so
    // ILIKE folds ASCII letters only, as SQLite's LOWER does.)
    if (dialect === 'postgres') return { sql: `${column} ${op} ? ESCAPE ''`, params: [value] };
    const sql = op === 'ILIKE' ? `LOWER(${column}) LIKE LOWER(?)` : `${column} LIKE ?`;
    return { sql, params: [value] };
  }
  return { sql: `${column} ${op} ?`, params: [value] };
}

/** `column <op> value` on a floating-point column. */
export function numberComparison(column: string, op: Operator, value: number): Fragment {
  return { sql: `${column} ${op} ?`, params: [value] };
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/**
 * `column <op> value` on an integer (millisecond) column. A fractional or out-of-range bound is turned
 * into the equivalent integer one, because PostgreSQL rejects `1.5` or `1e30` as a BIGINT parameter.
 */
export function integerComparison(column: string, op: Operator, value: number): Fragment {
  if (Number.isInteger(value)) return { sql: `${column} ${op} ?`, params: [toInt64(value)] };
  switch (op) {
    case '=':
      return { sql: '1 = 0', params: [] };
    case '!=':
      return { sql: `${column} IS NOT NULL`, params: [] };
    case '>':
    case '>=':
      return { sql: `${column} >= ?`, params: [toInt64(Math.ceil(value))] };
    default:
      return { sql: `${column} <= ?`, params: [toInt64(Math.floor(value))] };
  }
}

/** A whole number as a bindable value, clamped to the BIGINT range (both databases' integer limit). */
function toInt64(value: number): number | bigint {
  if (Number.isSafeInteger(value)) return value;
  if (value === Infinity) return INT64_MAX;
  if (value === -Infinity) return INT64_MIN;
  const big = BigInt(value);
  return big > INT64_MAX ? INT64_MAX : big < INT64_MIN ? INT64_MIN : big;
}
