/**
 * Where a benchmark keeps its store: a SQLite file in its temp folder, or, with
 * `--backend-store-uri postgresql://user@host:5432`, a fresh database `loom_bench_<time>` created on
 * that server and dropped at the end (kept with `keep`).
 */
import { join } from 'node:path';

export interface BenchBackend {
  uri: string;
  /** For the report; the password is masked. */
  label: string;
  /** The SQLite file, when the backend is SQLite. */
  sqlitePath?: string;
  create(): Promise<void>;
  /**
   * After a bulk load, brings the planner's statistics up to date, as a running PostgreSQL's
   * autovacuum does within a minute or so (this machine's PostgreSQL runs with autovacuum off, so
   * without this the reads would be planned on an empty table's guesses). SQLite: nothing.
   */
  analyze(): Promise<void>;
  drop(): Promise<void>;
}

/** The backend for `--backend-store-uri` (a PostgreSQL server URI) or, without it, SQLite in `tmp`. */
export function benchBackend(
  postgresServerUri: string | undefined,
  tmp: string,
  keep: boolean,
): BenchBackend {
  if (!postgresServerUri) {
    const sqlitePath = join(tmp, 'loom.db');
    return {
      uri: `sqlite:///${sqlitePath}`,
      label: `SQLite ${sqlitePath}`,
      sqlitePath,
      create: () => Promise.resolve(),
      analyze: () => Promise.resolve(),
      drop: () => Promise.resolve(),
    };
  }
  const server = postgresServerUri.replace(/\/+$/, '');
  const database = `loom_bench_${Date.now()}`;
  const admin = async (sql: string, db = 'postgres') => {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: `${server}/${db}` });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    uri: `${server}/${database}`,
    label: `PostgreSQL ${server.replace(/:[^:@/]*@/, ':***@')}/${database}`,
    create: () => admin(`CREATE DATABASE ${database}`),
    analyze: () => admin('ANALYZE', database),
    drop: () => (keep ? Promise.resolve() : admin(`DROP DATABASE ${database}`)),
  };
}
