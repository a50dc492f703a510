/**
 * Inserts chunks of rows into one table: multi-row VALUES on SQLite, one `unnest` of typed arrays
 * per chunk on PostgreSQL (a single statement whatever the chunk size, no parameter limit).
 */
import type { Dialect, Queryable, SqlValue } from '../driver';
import { valuesList } from '../sql-util';
import { quoteIdent, type CatalogColumn } from './catalog';

// SQLite allows 32766 parameters per statement; a few hundred rows per statement is the sweet spot.
const SQLITE_PARAMS = 32_000;
const SQLITE_ROWS = 500;

export type RowWriter = (tx: Queryable, rows: unknown[][]) => Promise<void>;

/** A writer of rows whose values are in `columns` order. */
export function tableWriter(dialect: Dialect, table: string, columns: readonly CatalogColumn[]): RowWriter {
  const names = columns.map((c) => quoteIdent(c.name)).join(', ');
  const insert = `INSERT INTO ${quoteIdent(table)} (${names})`;
  return dialect === 'postgres' ? postgresWriter(insert, columns) : sqliteWriter(insert, columns);
}

function sqliteWriter(insert: string, columns: readonly CatalogColumn[]): RowWriter {
  const width = columns.length;
  const perStatement = Math.max(1, Math.min(SQLITE_ROWS, Math.floor(SQLITE_PARAMS / width)));
  return async (tx, rows) => {
    for (let start = 0; start < rows.length; start += perStatement) {
      const slice = rows.slice(start, start + perStatement);
      const params: SqlValue[] = [];
      // SQLite has no boolean: a PostgreSQL true/false becomes 1/0, as SQLite itself stores TRUE/FALSE.
      for (const row of slice)
        for (const v of row) params.push(typeof v === 'boolean' ? Number(v) : (v as SqlValue));
      await tx.run(`${insert} VALUES ${valuesList(slice.length, width)}`, params);
    }
  };
}

/** A double for PostgreSQL's text input: node-postgres would send -0 as "0". */
function pgDouble(v: unknown): unknown {
  return Object.is(v, -0) ? '-0' : v;
}

function postgresWriter(insert: string, columns: readonly CatalogColumn[]): RowWriter {
  const arrays = columns.map((c) => `?::${c.sqlType}[]`).join(', ');
  const sql = `${insert} SELECT * FROM unnest(${arrays})`;
  return async (tx, rows) => {
    const params = columns.map((c, i) => {
      const values = rows.map((row) => row[i]);
      return (c.kind === 'real' ? values.map(pgDouble) : values) as unknown as SqlValue;
    });
    await tx.run(sql, params);
  };
}
