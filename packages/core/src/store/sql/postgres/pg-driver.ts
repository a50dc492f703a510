/**
 * PostgreSQL through node-postgres: a connection pool, `?` placeholders rewritten to `$n` once per SQL
 * text, named prepared statements for SQL that repeats, and transactions on one pooled client that
 * retry serialization failures and deadlocks. A lost database answers TEMPORARILY_UNAVAILABLE (503)
 * until the pool can connect again.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import { LoomError } from '@loom/protocol';
import type { Queryable, RawColumn, RawRow, SqlDriver, SqlValue } from '../driver';
import { binaryCopyRow, copyOut } from './copy-out';
import { inlineParams, toPositional } from './placeholders';

export interface PostgresOptions {
  /** Connections in the pool (default 10). */
  poolSize?: number;
}

// BIGINT (int8) arrives as a string by default; our values (ids, milliseconds, steps, counts) fit in
// a double, and the SQL code treats every integer column as a number.
const INT8_OID = 20;
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return (text: string) => Number(text);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

// Serialization failure and deadlock: the transaction did nothing and may simply run again.
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 5;

interface Prepared {
  text: string;
  /** A prepared-statement name once the SQL has been seen twice; every connection parses it once. */
  name?: string;
  uses: number;
}

// Named statements live on every connection until it closes, so only a bounded number get a name;
// SQL built for one request (long IN lists, rare filters) runs unnamed after that.
const MAX_NAMED = 2000;
const MAX_CACHED = 10_000;

/** SQL texts → their `$n` form and statement name; shared by all drivers (names are per connection). */
class StatementCache {
  private readonly entries = new Map<string, Prepared>();
  private named = 0;

  get(sql: string): Prepared {
    let p = this.entries.get(sql);
    if (!p) {
      if (this.entries.size >= MAX_CACHED) this.evictUnnamed();
      p = { text: toPositional(sql), uses: 0 };
      this.entries.set(sql, p);
    }
    if (++p.uses === 2 && this.named < MAX_NAMED) p.name = `loom_${++this.named}`;
    return p;
  }

  /** Forgets unnamed entries; named ones stay, because a name must always mean the same text. */
  private evictUnnamed(): void {
    for (const [sql, p] of this.entries) if (!p.name) this.entries.delete(sql);
  }
}

const statements = new StatementCache();

/**
 * A whole number beyond 2^53 as its exact decimal text: node-postgres would send `String(v)`, and
 * -2^63 (BIGINT's least value) prints as -9223372036854776000, which PostgreSQL refuses as out of range.
 */
const exact = (v: SqlValue): unknown =>
  typeof v === 'number' &&
  (v > Number.MAX_SAFE_INTEGER || v < -Number.MAX_SAFE_INTEGER) &&
  Number.isInteger(v)
    ? BigInt(v).toString()
    : v;

function config(sql: string, params: readonly SqlValue[], rowMode?: 'array'): pg.QueryConfig {
  const p = statements.get(sql);
  const query: pg.QueryConfig & { rowMode?: 'array' } = { text: p.text, values: params.map(exact) };
  if (p.name) query.name = p.name;
  if (rowMode) query.rowMode = rowMode;
  return query;
}

function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

// Lost or refused connections: SQLSTATE class 08, server shutting down or starting (57P0x), too many
// connections, socket errors, and node-postgres' own messages for a connection that went away.
const CONNECTION_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
const SOCKET_CODES = /^E(CONNREFUSED|CONNRESET|TIMEDOUT|PIPE|HOSTUNREACH|NETUNREACH|NOTFOUND|AI_AGAIN)$/;
const CONNECTION_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|connection error|not queryable/i;

/** True when `err` means the database could not be reached, rather than that the SQL failed. */
export function isConnectionError(err: unknown): boolean {
  const code = sqlState(err);
  if (code) return code.startsWith('08') || CONNECTION_CODES.has(code) || SOCKET_CODES.test(code);
  return err instanceof Error && CONNECTION_MESSAGES.test(err.message);
}

/** A lost database is the client's 503 (retry later), not an internal error; the pool reconnects. */
function unavailable(err: unknown): unknown {
  if (!isConnectionError(err)) return err;
  console.error(`[loom] PostgreSQL unavailable: ${(err as Error).message}`);
  return new LoomError('TEMPORARILY_UNAVAILABLE', 'The tracking database is unavailable; retry later.');
}

// Text PostgreSQL cannot store: NUL characters (22021) or characters outside the encoding (22P05).
// SQLite stores them; here they are the caller's bad input, not an internal error.
const UNSTORABLE_TEXT = new Set(['22021', '22P05']);

// A value the column's type cannot hold: a number out of BIGINT's range (22003), or text that is no
// number where one is compared (22P02), such as an experiment id of 2^63 in a search. SQLite finds no
// match there; here it is the caller's bad input too.
const UNFIT_VALUE = new Set(['22003', '22P02']);

/** The error a failed query is reported as: bad input is a 400, a lost database a 503, the rest as is. */
function translate(err: unknown): unknown {
  const state = sqlState(err) ?? '';
  if (UNSTORABLE_TEXT.has(state)) {
    return new LoomError(
      'INVALID_PARAMETER_VALUE',
      'A text value holds a character the database cannot store (such as NUL, \\u0000).',
    );
  }
  if (UNFIT_VALUE.has(state)) {
    return new LoomError(
      'INVALID_PARAMETER_VALUE',
      'A value is out of range, or not of the type the database keeps it as (such as an id or time beyond 64-bit integers).',
    );
  }
  return unavailable(err);
}

type Run = (query: pg.QueryConfig) => Promise<pg.QueryResult>;
type Copy = (sql: string, data: CopyData) => Promise<number>;
/** The whole output of a `COPY … TO STDOUT`. */
type CopyOut = (sql: string) => Promise<Buffer>;
/** COPY input, or a function that makes it while the COPY command is on its way to the server. */
type CopyData = Buffer | (() => Buffer);

/** `COPY … FROM STDIN` on one connection, fed `data` in one piece. */
async function copyOn(client: pg.PoolClient, sql: string, data: CopyData): Promise<number> {
  // The command is written to the socket here; the data is made while the server answers it.
  const stream = client.query(copyFromStdin(sql));
  await pipeline(Readable.from([typeof data === 'function' ? data() : data]), stream);
  return stream.rowCount;
}

/** The query shapes over one way of running a query (a pooled connection, or a transaction's). */
class PgQueryable implements Queryable {
  /** Only a transaction's queryable has it: COPY needs the one connection the transaction holds. */
  readonly copyFrom?: Copy;

  constructor(
    private readonly execute: Run,
    private readonly copyOut: CopyOut,
    copy?: Copy,
  ) {
    if (copy) this.copyFrom = copy;
  }

  async rawRow(
    sql: string,
    params: readonly SqlValue[],
    columns: readonly RawColumn[],
  ): Promise<RawRow | undefined> {
    // COPY takes no parameters: they are written into the query as literals.
    const inlined = inlineParams(sql, params.map(exact));
    if (inlined === undefined) {
      // Bytes or a NUL in a parameter: an ordinary query, its text encoded back.
      const row = (await this.values<unknown[]>(sql, params))[0];
      return row?.map((v, i) =>
        v === null ? null : columns[i] === 'int8' ? Number(v) : Buffer.from(String(v), 'utf8'),
      );
    }
    const fields = binaryCopyRow(await this.copyOut(`COPY (${inlined}) TO STDOUT (FORMAT binary)`));
    return fields?.map((f, i) => (f === null ? null : columns[i] === 'int8' ? readInt8(f) : f));
  }

  async all<R>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    return (await this.execute(config(sql, params))).rows as R[];
  }

  async values<R extends unknown[]>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    return (await this.execute(config(sql, params, 'array'))).rows as unknown as R[];
  }

  async get<R>(sql: string, params: readonly SqlValue[] = []): Promise<R | undefined> {
    return (await this.execute(config(sql, params))).rows[0] as R | undefined;
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return (await this.execute(config(sql, params))).rowCount ?? 0;
  }
}

/** A pooled connection as node-postgres has it, with its pipeline switch (pg ≥ 8.23). */
type PipelinedClient = pg.PoolClient & { pipeline: boolean };

/**
 * `BEGIN` and a transaction's first statement written to the server together, one round trip instead
 * of two: node-postgres' pipeline mode, switched on for just these two queries on a connection nobody
 * else is using (a COPY, which pipeline mode refuses, never comes first). The statement stays a named,
 * planned-once prepared statement.
 */
async function withBegin(client: pg.PoolClient, query: pg.QueryConfig): Promise<pg.QueryResult> {
  const pipelined = client as PipelinedClient;
  pipelined.pipeline = true;
  const begin = client.query('BEGIN');
  const result = client.query(query);
  try {
    // Both answered (or failed) before the switch goes back: node-postgres reads it per message.
    await Promise.allSettled([begin, result]);
  } finally {
    pipelined.pipeline = false;
  }
  await begin;
  return result;
}

/** A BIGINT in binary COPY output: 8 bytes, big-endian two's complement. */
function readInt8(bytes: Buffer): number {
  return bytes.readInt32BE(0) * 2 ** 32 + bytes.readUInt32BE(4);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A PostgreSQL database named by a `postgresql://` connection string. */
export class PostgresDriver extends PgQueryable implements SqlDriver {
  readonly dialect = 'postgres' as const;
  private readonly pool: pg.Pool;

  constructor(connectionString: string, options: PostgresOptions = {}) {
    const pool = new pg.Pool({
      connectionString,
      max: options.poolSize ?? 10,
      types,
      // An unreachable host fails in seconds, not after the operating system's TCP timeout.
      connectionTimeoutMillis: 10_000,
      // Keep connections (and the statements prepared on them) through short lulls.
      idleTimeoutMillis: 60_000,
    });
    // Not pool.query(): it closes the connection after any error, even a unique violation.
    const onClient = async <R>(use: (client: pg.PoolClient) => Promise<R>): Promise<R> => {
      const client = await pool.connect().catch((err: unknown) => Promise.reject(unavailable(err)));
      try {
        const res = await use(client);
        client.release();
        return res;
      } catch (err) {
        client.release(isConnectionError(err) ? (err as Error) : undefined);
        throw translate(err);
      }
    };
    super(
      (query) => onClient((client) => client.query(query)),
      (sql) => onClient((client) => copyOut(client, sql)),
    );
    this.pool = pool;
    // An idle connection that dies (server restart, network) must not crash the process: the pool
    // drops it and the next query opens a new one.
    pool.on('error', (err) => console.error(`[loom] idle PostgreSQL connection lost: ${err.message}`));
    // Doubles as shortest round-trip text (PostgreSQL's default since 12, but a server or role may set
    // fewer digits): metric values written as JSON by SQL, and read by the driver, must be exact.
    // JIT compilation is off: it starts above an estimated cost that Loom's page-sized reads reach
    // on tables without statistics (the JSON of 1000 runs is estimated near it), and then costs tens
    // of milliseconds to save less (docs/benchmarks.md). Queued before any query the connection is
    // handed out for; a `-c jit=on` in the URI's options is overridden.
    pool.on('connect', (client) => {
      client.query('SET extra_float_digits = 1; SET jit = off').catch(() => undefined);
    });
  }

  /** Opens one connection and runs a trivial query: fails (with the cause) when the database is unreachable. */
  async ping(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('SELECT 1');
    } finally {
      client.release();
    }
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(fn);
      } catch (err) {
        const state = sqlState(err);
        if (!state || !RETRYABLE.has(state) || attempt >= MAX_ATTEMPTS) throw translate(err);
        // A little jitter so two transactions that collided do not collide again.
        await pause(attempt * 5 + Math.random() * 10);
      }
    }
  }

  private async attempt<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    // A connection that dies between two statements (no query waiting on it) reports it as an 'error'
    // event, which unheard would crash the process; the next statement then fails as not queryable.
    const onError = (err: Error) => {
      broken = err;
    };
    client.on('error', onError);
    // BEGIN goes out with the transaction's first statement, and not at all when `fn` runs nothing.
    let begun = false;
    /** A COPY cannot be pipelined: BEGIN goes first on its own if nothing has run yet. */
    const beginAlone = async () => {
      if (begun) return;
      begun = true;
      await client.query('BEGIN');
    };
    const run: Run = (query) => {
      if (begun) return client.query(query);
      begun = true;
      return withBegin(client, query);
    };
    try {
      const value = await fn(
        new PgQueryable(
          run,
          async (sql) => {
            await beginAlone();
            return copyOut(client, sql);
          },
          async (sql, data) => {
            await beginAlone();
            return copyOn(client, sql, data);
          },
        ),
      );
      if (begun) await client.query('COMMIT');
      return value;
    } catch (err) {
      if (isConnectionError(err)) broken = err as Error;
      // A connection that cannot even roll back is dropped from the pool instead of reused.
      else if (begun)
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
      throw err;
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  }

  async exec(sql: string): Promise<void> {
    // No parameters: the simple query protocol, which runs several statements.
    await this.pool.query(sql);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
