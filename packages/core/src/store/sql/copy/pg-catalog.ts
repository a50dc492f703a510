/** The PostgreSQL catalog (pg_class, pg_attribute, pg_index, pg_constraint) of the current schema. */
import type { SqlDriver } from '../driver';
import { postgresKind, type CatalogTable } from './catalog';

// The current schema's tables as regclass, so the queries below need no quoting of their names.
const TABLES = `SELECT c.oid::regclass::text AS ref, c.relname AS name
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  ORDER BY c.relname`;

const COLUMNS = `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
    pg_get_serial_sequence(?, a.attname) AS sequence
  FROM pg_attribute a
  WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
  ORDER BY a.attnum`;

const PRIMARY_KEY = `SELECT a.attname AS name
  FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
  WHERE i.indrelid = ?::regclass AND i.indisprimary
  ORDER BY array_position(i.indkey::int2[], a.attnum)`;

const REFERENCES = `SELECT DISTINCT r.relname AS name
  FROM pg_constraint k JOIN pg_class r ON r.oid = k.confrelid
  WHERE k.conrelid = ?::regclass AND k.contype = 'f'`;

/** Every ordinary or partitioned table of the current schema. */
export async function readPostgresCatalog(db: SqlDriver): Promise<CatalogTable[]> {
  const tables = await db.all<{ ref: string; name: string }>(TABLES);
  const out: CatalogTable[] = [];
  for (const { ref, name } of tables) {
    const columns = await db.all<{ name: string; type: string; sequence: string | null }>(COLUMNS, [
      ref,
      ref,
    ]);
    const key = await db.all<{ name: string }>(PRIMARY_KEY, [ref]);
    const refs = await db.all<{ name: string }>(REFERENCES, [ref]);
    out.push({
      name,
      columns: columns.map((c) => ({ name: c.name, kind: postgresKind(c.type), sqlType: c.type })),
      primaryKey: key.map((k) => k.name),
      references: refs.map((r) => r.name),
      sequences: columns.flatMap((c) => (c.sequence ? [{ column: c.name, sequence: c.sequence }] : [])),
    });
  }
  return out;
}
