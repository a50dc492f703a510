/**
 * Copies a whole Loom store from one database to another (SQLite ⇄ PostgreSQL, or either to itself):
 * every table the schema has, found in the catalog, parents before children, streamed in key order
 * and written in one target transaction, so a failed copy leaves the target as empty as it was.
 * Then each table's rows are counted on both sides.
 */
import { LoomError } from '@loom/protocol';
import type { Dialect, Queryable, SqlDriver } from '../driver';
import { migrate } from '../migrate';
import { MIGRATIONS, type Migration } from '../migrations';
import { num } from '../sql-util';
import { MIGRATIONS_TABLE, quoteIdent, readCatalog, type CatalogTable } from './catalog';
import { checkSchemaVersion, pairTables, tablesToReplace } from './schema-checks';
import { readChunks } from './table-reader';
import { orderByReferences } from './table-order';
import { tableWriter } from './table-writer';

export interface CopyProgress {
  table: string;
  /** Rows copied so far, and the rows the source held when the copy started. */
  done: number;
  total: number;
  /** True on the table's last report. */
  finished: boolean;
}

export interface CopyStoreOptions {
  /** Rows per read and per insert (default 5000). */
  batchSize?: number;
  /** Called after every chunk and when a table is finished. */
  onProgress?: (progress: CopyProgress) => void;
  /** The schema both stores must be at (default: this Loom's migrations). */
  migrations?: readonly Migration[];
  /** How to bring a source that is behind up to date, for the error message. */
  upgradeHint?: string;
}

export interface TableCount {
  table: string;
  sourceRows: number;
  targetRows: number;
}

export interface CopyReport {
  /** Every copied table, in copy order, counted on both sides after the copy. */
  tables: TableCount[];
  /** Rows copied in all. */
  rows: number;
  seconds: number;
}

export const DEFAULT_COPY_BATCH = 5000;

/** Copies every row of `source` into the empty (or just created) store `target`. */
export async function copyStore(
  source: SqlDriver,
  target: SqlDriver,
  options: CopyStoreOptions = {},
): Promise<CopyReport> {
  const started = performance.now();
  const migrations = options.migrations ?? MIGRATIONS;
  const batchSize = options.batchSize ?? DEFAULT_COPY_BATCH;
  const sourceCatalog = await readCatalog(source);
  await checkSchemaVersion(
    source,
    sourceCatalog,
    migrations,
    'source store',
    options.upgradeHint ?? 'upgrade the source store',
  );
  // A database without Loom's schema is created by this copy: rows its migrations seed are the
  // schema's own, and the source brings its copy of them.
  const created = !(await readCatalog(target)).some((t) => t.name === MIGRATIONS_TABLE);
  await migrate(target, migrations);
  const targetCatalog = await readCatalog(target);
  await checkSchemaVersion(target, targetCatalog, migrations, 'target store', 'upgrade the target store');
  const pairs = orderByReferences(
    pairTables(sourceCatalog, targetCatalog).map((p) => ({
      ...p,
      name: p.target.name,
      references: p.target.references,
    })),
  );
  const clear = await tablesToReplace(
    target,
    pairs.map((p) => p.target),
    created,
  );

  let rows = 0;
  await readConsistently(source, async (reader) => {
    const totals = new Map<string, number>();
    for (const p of pairs) totals.set(p.name, await countRows(reader, p.name));
    await target.transaction(async (tx) => {
      // Rows referencing rows of their own table (none today) may arrive before their parent.
      if (target.dialect === 'sqlite') await tx.run('PRAGMA defer_foreign_keys = ON');
      // Children first, so no foreign key points at a deleted row.
      for (const name of [...clear].reverse()) await tx.run(`DELETE FROM ${quoteIdent(name)}`);
      for (const pair of pairs) {
        const total = totals.get(pair.name) ?? 0;
        const report = (done: number, finished: boolean) =>
          options.onProgress?.({ table: pair.name, done, total, finished });
        rows += await copyTable(reader, source.dialect, tx, target.dialect, pair, batchSize, report);
      }
    });
  });
  // Fresh planner statistics for the bulk load, as pg_restore's docs advise: until autovacuum gets
  // to the tables (never, where it is off), searches would be planned for empty tables. SQLite's
  // queries are written for its planner without statistics, as on a store that grew by itself.
  if (target.dialect === 'postgres') await target.run('ANALYZE');

  const tables: TableCount[] = [];
  for (const { name } of pairs) {
    tables.push({
      table: name,
      sourceRows: await countRows(source, name),
      targetRows: await countRows(target, name),
    });
  }
  return { tables, rows, seconds: (performance.now() - started) / 1000 };
}

interface TablePair {
  name: string;
  source: CatalogTable;
  target: CatalogTable;
}

/** Streams one table into the target transaction; resolves to the rows copied. */
async function copyTable(
  reader: Queryable,
  sourceDialect: Dialect,
  tx: Queryable,
  targetDialect: Dialect,
  { name, source, target }: TablePair,
  batchSize: number,
  report: (done: number, finished: boolean) => void,
): Promise<number> {
  // Written in the target's column order and types; read by the same names on the source side.
  const columns = target.columns;
  const readAs = columns.map((c) => source.columns.find((s) => s.name === c.name)!);
  const write = tableWriter(targetDialect, name, columns);
  let done = 0;
  for await (const chunk of readChunks(reader, sourceDialect, source, readAs, batchSize)) {
    await write(tx, chunk);
    done += chunk.length;
    report(done, false);
  }
  await resetSequences(tx, target);
  report(done, true);
  return done;
}

/** Fails, naming the tables, when any table's counts differ. */
export function assertCountsMatch(report: CopyReport): void {
  const bad = report.tables.filter((t) => t.sourceRows !== t.targetRows);
  if (bad.length === 0) return;
  const list = bad.map((t) => `${t.table} (source ${t.sourceRows}, target ${t.targetRows})`).join(', ');
  throw new LoomError('DATA_LOSS', `Row counts differ after the copy: ${list}.`);
}

/**
 * Runs `fn` over one snapshot of the source where the database offers it cheaply (PostgreSQL: a
 * read-only REPEATABLE READ transaction), so a server writing meanwhile cannot tear the copy. SQLite
 * reads go through its own reader connection: stop the server while copying from a SQLite file.
 */
function readConsistently<T>(source: SqlDriver, fn: (reader: Queryable) => Promise<T>): Promise<T> {
  if (source.dialect !== 'postgres') return fn(source);
  return source.transaction(async (tx) => {
    await tx.run('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    return fn(tx);
  });
}

async function countRows(db: Queryable, table: string): Promise<number> {
  const row = await db.get<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${quoteIdent(table)}`);
  return num(row?.n ?? 0);
}

/** Moves PostgreSQL sequences past the copied ids, so the next insert does not collide with them. */
async function resetSequences(tx: Queryable, table: CatalogTable): Promise<void> {
  for (const { column, sequence } of table.sequences) {
    const max = `SELECT MAX(${quoteIdent(column)}) FROM ${quoteIdent(table.name)}`;
    await tx.get(`SELECT setval(?::regclass, GREATEST(COALESCE((${max}), 0) + 1, 1), false)`, [sequence]);
  }
}
