/** SQLite through better-sqlite3: one writer connection, one reader, cached prepared statements. */
import Database, { type Statement } from 'better-sqlite3';
import type { Queryable, SqlDriver, SqlValue } from '../driver';
import { GroupCommitter } from './group-commit';

export interface SqliteOptions {
  /** `NORMAL` keeps every commit across a killed process; `FULL` also across power loss. */
  synchronous?: 'NORMAL' | 'FULL';
}

const STATEMENT_CACHE_LIMIT = 2000;

class Connection implements Queryable {
  private readonly statements = new Map<string, Statement>();

  constructor(readonly db: Database.Database) {}

  statement(sql: string, raw = false): Statement {
    const key = raw ? `raw:${sql}` : sql;
    let stmt = this.statements.get(key);
    if (!stmt) {
      if (this.statements.size >= STATEMENT_CACHE_LIMIT) this.statements.clear();
      stmt = this.db.prepare(sql);
      if (raw) stmt.raw(true);
      this.statements.set(key, stmt);
    }
    return stmt;
  }

  values<R extends unknown[]>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    return Promise.resolve(this.statement(sql, true).all(...params) as R[]);
  }

  all<R>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    return Promise.resolve(this.statement(sql).all(...params) as R[]);
  }

  get<R>(sql: string, params: readonly SqlValue[] = []): Promise<R | undefined> {
    return Promise.resolve(this.statement(sql).get(...params) as R | undefined);
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return Promise.resolve(this.statement(sql).run(...params).changes);
  }
}

function open(path: string, readonly: boolean, synchronous: string): Database.Database {
  const db = new Database(path, { readonly, fileMustExist: readonly });
  db.pragma('busy_timeout = 10000');
  if (!readonly) db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('foreign_keys = ON');
  // Checkpoint less often (16 MB of WAL instead of 4 MB): checkpoints run inside a commit.
  if (!readonly) db.pragma('wal_autocheckpoint = 4000');
  // MLflow's LIKE is case-sensitive; ILIKE is compiled to LOWER() LIKE LOWER().
  db.pragma('case_sensitive_like = ON');
  return db;
}

/** A SQLite database file. Writes (and transactions) are serialised on one connection. */
export class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  private readonly writer: Connection;
  private reader: Connection | undefined;
  private readonly commits: GroupCommitter;

  constructor(
    readonly path: string,
    private readonly options: SqliteOptions = {},
  ) {
    this.writer = new Connection(open(path, false, options.synchronous ?? 'NORMAL'));
    this.commits = new GroupCommitter(this.writer.db, this.writer);
  }

  /** The reader is opened lazily: the file must exist (the writer creates it) before it can open read-only. */
  private read(): Connection {
    this.reader ??= new Connection(open(this.path, true, this.options.synchronous ?? 'NORMAL'));
    return this.reader;
  }

  all<R>(sql: string, params?: readonly SqlValue[]): Promise<R[]> {
    return this.read().all<R>(sql, params);
  }

  values<R extends unknown[]>(sql: string, params?: readonly SqlValue[]): Promise<R[]> {
    return this.read().values<R>(sql, params);
  }

  get<R>(sql: string, params?: readonly SqlValue[]): Promise<R | undefined> {
    return this.read().get<R>(sql, params);
  }

  run(sql: string, params?: readonly SqlValue[]): Promise<number> {
    return this.commits.submit((tx) => tx.run(sql, params));
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.commits.submit(fn);
  }

  exec(sql: string): Promise<void> {
    return this.commits.submit(async () => {
      this.writer.db.exec(sql);
    });
  }

  /** How many commits the writer made and how many transactions they carried. */
  get commitStats(): { commits: number; transactions: number } {
    return { ...this.commits.stats };
  }

  /** Runs SQLite's own consistency check; `ok` when the file is sound. */
  integrityCheck(): string {
    return String(this.writer.db.pragma('integrity_check', { simple: true }));
  }

  /** Finishes queued writes, checkpoints the WAL into the database file and closes both connections. */
  async close(): Promise<void> {
    await this.commits.drain();
    this.reader?.db.close();
    if (this.writer.db.open) {
      this.writer.db.pragma('wal_checkpoint(TRUNCATE)');
      this.writer.db.close();
    }
  }
}
