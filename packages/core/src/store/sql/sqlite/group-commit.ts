/**
 * Group commit for SQLite's single writer. A commit costs ~0.1 ms of WAL I/O whatever it holds, so
 * write transactions that arrive together (concurrent requests in one turn of the event loop) run
 * in one SQLite transaction, each inside its own SAVEPOINT: a failing one is rolled back alone, and
 * every caller is answered only after the shared COMMIT. Alone, a transaction runs without a savepoint.
 */
import type Database from 'better-sqlite3';
import type { Queryable } from '../driver';

interface Pending {
  fn: (tx: Queryable) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

// Bounds the work (and the time other transactions wait) behind one commit.
const MAX_GROUP = 64;

export class GroupCommitter {
  private queue: Pending[] = [];
  private running: Promise<void> | undefined;
  /** Commits made and transactions they carried (transactions / commits = mean group size). */
  readonly stats = { commits: 0, transactions: 0 };

  constructor(
    private readonly db: Database.Database,
    private readonly connection: Queryable,
  ) {}

  /** Runs `fn` in a write transaction; resolves once its changes are committed. */
  submit<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      // setImmediate: let the other requests of this event-loop turn join the group.
      this.running ??= new Promise<void>((done) => setImmediate(done)).then(() => this.flush());
    });
  }

  /** Resolves when every submitted transaction has finished. */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, MAX_GROUP);
        const outcomes = await this.runGroup(group);
        this.stats.commits++;
        this.stats.transactions += group.length;
        group.forEach((p, i) => {
          const o = outcomes[i]!;
          if (o.ok) p.resolve(o.value);
          else p.reject(o.error);
        });
      }
    } finally {
      this.running = undefined;
    }
  }

  private async runGroup(group: Pending[]): Promise<Outcome[]> {
    const db = this.db;
    try {
      db.exec('BEGIN IMMEDIATE');
    } catch (error) {
      return group.map(() => ({ ok: false, error }));
    }
    const outcomes: Outcome[] = [];
    if (group.length === 1) {
      try {
        outcomes.push({ ok: true, value: await group[0]!.fn(this.connection) });
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        return [{ ok: false, error }];
      }
    } else {
      for (const p of group) {
        db.exec('SAVEPOINT loom_tx');
        try {
          outcomes.push({ ok: true, value: await p.fn(this.connection) });
          db.exec('RELEASE loom_tx');
        } catch (error) {
          db.exec('ROLLBACK TO loom_tx');
          db.exec('RELEASE loom_tx');
          outcomes.push({ ok: false, error });
        }
      }
    }
    try {
      db.exec('COMMIT');
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      return group.map(() => ({ ok: false, error }));
    }
    return outcomes;
  }
}
