/** The SQLite catalog: sqlite_master and the table-valued pragmas. */
import type { SqlDriver } from '../driver';
import { sqliteKind, type CatalogTable } from './catalog';

/** Every table except SQLite's own (`sqlite_sequence`, `sqlite_stat1`, …). */
export async function readSqliteCatalog(db: SqlDriver): Promise<CatalogTable[]> {
  const tables = await db.all<{ name: string }>(
    `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`,
  );
  const out: CatalogTable[] = [];
  for (const { name } of tables) {
    // table_info leaves out generated (hidden) columns, which must not be inserted into.
    const columns = await db.all<{ name: string; type: string; pk: number }>(
      'SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid',
      [name],
    );
    const refs = await db.all<{ table: string }>('SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)', [
      name,
    ]);
    out.push({
      name,
      columns: columns.map((c) => ({ name: c.name, kind: sqliteKind(c.type), sqlType: c.type })),
      primaryKey: columns
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name),
      references: refs.map((r) => r.table),
      // INTEGER PRIMARY KEY is the rowid: SQLite continues after the largest one by itself.
      sequences: [],
    });
  }
  return out;
}
