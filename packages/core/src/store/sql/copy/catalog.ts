/**
 * What a store copy needs to know about each table, read from the database's own catalog (never a
 * hand-written list), so tables added by later migrations are copied with no code change.
 */
import type { SqlDriver } from '../driver';
import { readPostgresCatalog } from './pg-catalog';
import { readSqliteCatalog } from './sqlite-catalog';

/** How a column's values are read and written: decides casts and conversions, not the SQL type. */
export type ColumnKind = 'integer' | 'real' | 'boolean' | 'text' | 'blob' | 'other';

export interface CatalogColumn {
  name: string;
  kind: ColumnKind;
  /** The declared type as the database prints it (`bigint`, `text`, `double precision`…). */
  sqlType: string;
}

export interface CatalogTable {
  name: string;
  /** In table order; generated columns are left out (the target computes them). */
  columns: CatalogColumn[];
  /** Primary-key columns in key order; empty when the table has none. */
  primaryKey: string[];
  /** Tables this one's foreign keys point at (itself included when it references itself). */
  references: string[];
  /** PostgreSQL sequences feeding columns (identity or serial), to move past the copied ids. */
  sequences: { column: string; sequence: string }[];
}

/** The Loom table that records applied migrations: each store keeps its own, it is never copied. */
export const MIGRATIONS_TABLE = 'loom_schema_migrations';

/** Every user table of the store's schema (the current schema on PostgreSQL), by name. */
export function readCatalog(db: SqlDriver): Promise<CatalogTable[]> {
  return db.dialect === 'postgres' ? readPostgresCatalog(db) : readSqliteCatalog(db);
}

/** The kind of a SQLite column from its declared type, following SQLite's affinity rules. */
export function sqliteKind(declared: string): ColumnKind {
  const t = declared.toUpperCase();
  if (t.includes('INT')) return 'integer';
  if (/CHAR|CLOB|TEXT/.test(t)) return 'text';
  if (t === '' || t.includes('BLOB')) return 'blob';
  if (/REAL|FLOA|DOUB/.test(t)) return 'real';
  // NUMERIC affinity; BOOLEAN columns hold 0/1 in SQLite and true/false in PostgreSQL.
  return t.includes('BOOL') ? 'boolean' : 'other';
}

/** The kind of a PostgreSQL column from `format_type`. */
export function postgresKind(type: string): ColumnKind {
  if (type === 'bigint' || type === 'integer' || type === 'smallint') return 'integer';
  if (type === 'double precision' || type === 'real') return 'real';
  if (type === 'boolean') return 'boolean';
  if (type === 'bytea') return 'blob';
  if (type === 'text' || type.startsWith('character')) return 'text';
  return 'other';
}

/** Quotes an identifier for both dialects. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
