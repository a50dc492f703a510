/**
 * Streams a table in primary-key order, one chunk at a time (keyset pagination: each chunk starts
 * after the last key of the previous one), so a table of any size is read in constant memory.
 * Integers leave the database exactly, including those beyond 2^53, which arrive as bigint.
 */
import type { Dialect, Queryable } from '../driver';
import { quoteIdent, type CatalogColumn, type CatalogTable } from './catalog';

const MAX_SAFE = '9007199254740991';

/** The SELECT expression of one column: integers (and unknown types on PostgreSQL) as exact text. */
function selectExpression(dialect: Dialect, column: CatalogColumn): string {
  const c = `t.${quoteIdent(column.name)}`;
  if (dialect === 'postgres') return column.kind === 'integer' || column.kind === 'other' ? `${c}::text` : c;
  // better-sqlite3 would round integers beyond 2^53; only those come back as text.
  if (column.kind === 'integer')
    return `CASE WHEN ${c} > ${MAX_SAFE} OR ${c} < -${MAX_SAFE} THEN CAST(${c} AS TEXT) ELSE ${c} END`;
  return c;
}

/** A decimal integer as a number when that is exact, else as a bigint. */
export function exactInteger(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const n = Number(value);
  if (Number.isSafeInteger(n)) return n;
  return /^-?\d+$/.test(value) ? BigInt(value) : value;
}

interface KeySpec {
  /** What ORDER BY and the row comparison use. */
  expressions: string[];
  /** Where each key value sits in a fetched row. */
  positions: number[];
  /** Extra SELECT expressions that exist only to carry the key (rowid, ctid). */
  extra: string[];
  /** The placeholder of each key value. */
  placeholders: string[];
}

/** The primary key; a table without one is walked by its rowid (SQLite) or ctid (PostgreSQL). */
function keySpec(dialect: Dialect, table: CatalogTable, columns: readonly CatalogColumn[]): KeySpec {
  if (table.primaryKey.length > 0) {
    return {
      expressions: table.primaryKey.map((k) => `t.${quoteIdent(k)}`),
      positions: table.primaryKey.map((k) => columns.findIndex((c) => c.name === k)),
      extra: [],
      placeholders: table.primaryKey.map(() => '?'),
    };
  }
  const pg = dialect === 'postgres';
  return {
    expressions: [pg ? 't.ctid' : 't.rowid'],
    positions: [columns.length],
    extra: [pg ? 't.ctid::text' : 't.rowid'],
    placeholders: [pg ? '?::tid' : '?'],
  };
}

/** Yields the rows of `table` (values in `columns` order) in chunks of at most `batchSize`. */
export async function* readChunks(
  db: Queryable,
  dialect: Dialect,
  table: CatalogTable,
  columns: readonly CatalogColumn[],
  batchSize: number,
): AsyncGenerator<unknown[][]> {
  const key = keySpec(dialect, table, columns);
  const select = [...columns.map((c) => selectExpression(dialect, c)), ...key.extra].join(', ');
  const from = `SELECT ${select} FROM ${quoteIdent(table.name)} AS t`;
  const order = `ORDER BY ${key.expressions.join(', ')} LIMIT ${batchSize}`;
  const first = `${from} ${order}`;
  const next = `${from} WHERE (${key.expressions.join(', ')}) > (${key.placeholders.join(', ')}) ${order}`;
  const integers = columns.flatMap((c, i) => (c.kind === 'integer' ? [i] : []));
  let after: unknown[] | undefined;
  for (;;) {
    const rows = after
      ? await db.values<unknown[]>(next, after as never[])
      : await db.values<unknown[]>(first);
    if (rows.length === 0) return;
    for (const row of rows) for (const i of integers) row[i] = exactInteger(row[i]);
    const last = rows[rows.length - 1]!;
    after = key.positions.map((p) => last[p]);
    // The key-only columns are not the caller's.
    if (key.extra.length > 0) for (const row of rows) row.length = columns.length;
    yield rows;
    if (rows.length < batchSize) return;
  }
}
