/** Test helper: a migrated SQLite database in a temp dir, filled with plain SQL, removed afterwards. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SqlValue } from '../../store/sql/driver';
import { migrate } from '../../store/sql/migrate';
import { SqliteDriver } from '../../store/sql/sqlite/sqlite-driver';

export interface TestDb {
  db: SqliteDriver;
  /** Inserts rows: `insert('runs', { run_id: 'a', … }, …)`. */
  insert(table: string, ...rows: Record<string, SqlValue>[]): Promise<void>;
  close(): Promise<void>;
}

/** Opens a fresh migrated database. */
export async function openTestDb(): Promise<TestDb> {
  const dir = mkdtempSync(join(tmpdir(), 'loom-search-'));
  const db = new SqliteDriver(join(dir, 'loom.db'));
  await migrate(db);
  return {
    db,
    async insert(table, ...rows) {
      for (const row of rows) {
        const cols = Object.keys(row);
        await db.run(
          `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
          Object.values(row),
        );
      }
    },
    async close() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
