/** Applies pending schema migrations, each in its own transaction. */
import type { Queryable, SqlDriver } from './driver';
import { MIGRATIONS, type Migration } from './migrations';

const LEDGER = `CREATE TABLE IF NOT EXISTS loom_schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at BIGINT NOT NULL
)`;

// Several servers may start on one PostgreSQL at once: each migration step holds this transaction-
// scoped advisory lock (one per schema), so they run one after another and the later ones find the
// work done. SQLite needs none: its write transactions are already exclusive.
const MIGRATION_LOCK = 'SELECT pg_advisory_xact_lock(7210427, hashtext(current_schema()))';

/** Runs `fn` in a transaction that holds the migration lock. */
function locked<T>(db: SqlDriver, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    if (db.dialect === 'postgres') await tx.get(MIGRATION_LOCK);
    return fn(tx);
  });
}

/** The migrations the database has applied, by version. */
export async function appliedVersions(db: SqlDriver): Promise<Set<number>> {
  return locked(db, async (tx) => {
    await tx.run(LEDGER);
    const rows = await tx.all<{ version: number }>('SELECT version FROM loom_schema_migrations');
    return new Set(rows.map((r) => Number(r.version)));
  });
}

/** Brings the schema up to date; returns the migrations it applied. */
export async function migrate(db: SqlDriver, migrations = MIGRATIONS): Promise<Migration[]> {
  const done = await appliedVersions(db);
  const applied: Migration[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    const ran = await locked(db, async (tx) => {
      // Another server may have migrated meanwhile (PostgreSQL, many servers starting at once).
      const again = await tx.get('SELECT 1 FROM loom_schema_migrations WHERE version = ?', [m.version]);
      if (again) return false;
      for (const statement of splitStatements(m.up(db.dialect))) await tx.run(statement);
      await tx.run('INSERT INTO loom_schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
        m.version,
        m.name,
        Date.now(),
      ]);
      return true;
    });
    if (ran) applied.push(m);
  }
  return applied;
}

/** Splits a migration script on `;` at line ends (our scripts hold no semicolons in literals). */
function splitStatements(script: string): string[] {
  return script
    .split(/;\s*\n/)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s.length > 0);
}
