/** The one interface SQL code talks to; a dialect folder implements it for each database. */

export type Dialect = 'sqlite' | 'postgres';
export type SqlValue = string | number | bigint | null | Buffer;

/** Something that runs SQL with `?` placeholders. */
export interface Queryable {
  /** All rows of a query. */
  all<R>(sql: string, params?: readonly SqlValue[]): Promise<R[]>;
  /** All rows as arrays of column values, in SELECT order: cheaper than objects on big reads. */
  values<R extends unknown[]>(sql: string, params?: readonly SqlValue[]): Promise<R[]>;
  /** The first row of a query, if any. */
  get<R>(sql: string, params?: readonly SqlValue[]): Promise<R | undefined>;
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /**
   * PostgreSQL only: runs `COPY … FROM STDIN` with `data` as its input, on the same connection (in a
   * transaction: inside it); resolves to the number of rows copied. Given a function, it is called for
   * the data once the command has been sent, so the two overlap.
   */
  copyFrom?(sql: string, data: Buffer | (() => Buffer)): Promise<number>;
  /**
   * PostgreSQL only: the one row of a query (undefined when there is none), its `text` columns as
   * UTF-8 bytes that are never decoded into a JS string, its `int8` columns as numbers. For big JSON
   * text on its way to an HTTP answer.
   */
  rawRow?(
    sql: string,
    params: readonly SqlValue[],
    columns: readonly RawColumn[],
  ): Promise<RawRow | undefined>;
}

/** How `rawRow` returns a column: text as UTF-8 bytes, or a BIGINT as a number. */
export type RawColumn = 'text' | 'int8';
export type RawRow = (Buffer | number | null)[];

/** A connection (or pool) to one database. */
export interface SqlDriver extends Queryable {
  readonly dialect: Dialect;
  /** Runs `fn` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs a script of several statements (migrations). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}
