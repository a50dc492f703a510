/** Opens the tracking store named by a `--backend-store-uri`. */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LoomError } from '@loom/protocol';
import type { SqlDriver } from './sql/driver';
import { PostgresDriver, type PostgresOptions } from './sql/postgres/pg-driver';
import { SqliteDriver, type SqliteOptions } from './sql/sqlite/sqlite-driver';
import { SqlTrackingStore } from './sql/tracking/sql-tracking-store';

/** The file path of a `sqlite:///relative` or `sqlite:////absolute` URI, resolved against `cwd`. */
export function sqlitePath(uri: string, cwd: string): string {
  const rest = uri.slice('sqlite://'.length);
  if (!rest.startsWith('/') || rest === '/') {
    throw new LoomError(
      'INVALID_PARAMETER_VALUE',
      `Invalid SQLite URI '${uri}': expected sqlite:///path/to/file.db`,
    );
  }
  const path = rest.slice(1);
  if (path === ':memory:' || path === '') {
    throw new LoomError(
      'INVALID_PARAMETER_VALUE',
      `SQLite URI '${uri}' names no file; in-memory stores are not supported.`,
    );
  }
  return resolve(cwd, path);
}

export interface OpenStoreOptions {
  defaultArtifactRoot: string;
  cwd?: string;
  sqlite?: SqliteOptions;
  postgres?: PostgresOptions;
}

const POSTGRES_URI = /^postgres(?:ql)?(?:\+[\w-]+)?:\/\//;

/** A `postgresql://`, `postgres://` or `postgresql+driver://` URI as node-postgres reads it. */
export function postgresConnectionString(uri: string): string {
  return uri.replace(POSTGRES_URI, 'postgresql://');
}

/** A store URI without its password, for messages and logs. */
export function redactStoreUri(uri: string): string {
  return uri.replace(/^([a-zA-Z][\w+.-]*:\/\/[^:/@]*):[^@/]*@/, '$1:***@');
}

async function openPostgres(uri: string, options: OpenDriverOptions): Promise<PostgresDriver> {
  let driver: PostgresDriver;
  try {
    driver = new PostgresDriver(postgresConnectionString(uri), options.postgres);
  } catch (err) {
    throw new LoomError(
      'INVALID_PARAMETER_VALUE',
      `Invalid PostgreSQL URI '${redactStoreUri(uri)}': ${message(err)}`,
    );
  }
  try {
    await driver.ping();
  } catch (err) {
    await driver.close().catch(() => undefined);
    throw new LoomError(
      'INVALID_PARAMETER_VALUE',
      `Cannot connect to PostgreSQL at '${redactStoreUri(uri)}': ${message(err)}`,
    );
  }
  return driver;
}

/** An error's message on one line (AggregateError from a multi-address connect has none of its own). */
function message(err: unknown): string {
  const e = err as { message?: string; errors?: { message?: string }[] };
  const text = e.message || e.errors?.map((x) => x.message).join('; ') || String(err);
  return text.replace(/\s+/g, ' ').trim();
}

export interface OpenDriverOptions {
  cwd?: string;
  sqlite?: SqliteOptions;
  postgres?: PostgresOptions;
  /** Refuse a SQLite file that does not exist yet instead of creating it (a copy's source). */
  mustExist?: boolean;
}

/** Connects to the database at `uri` without touching its schema. */
export async function openStoreDriver(uri: string, options: OpenDriverOptions = {}): Promise<SqlDriver> {
  const cwd = options.cwd ?? process.cwd();
  if (uri.startsWith('sqlite://')) {
    const path = sqlitePath(uri, cwd);
    if (options.mustExist && !existsSync(path)) {
      throw new LoomError('INVALID_PARAMETER_VALUE', `No SQLite database at '${path}'.`);
    }
    mkdirSync(dirname(path), { recursive: true });
    try {
      return new SqliteDriver(path, options.sqlite);
    } catch (err) {
      throw new LoomError(
        'INVALID_PARAMETER_VALUE',
        `Cannot open SQLite database '${path}': ${(err as Error).message}`,
      );
    }
  }
  if (POSTGRES_URI.test(uri)) return openPostgres(uri, options);
  throw new LoomError(
    'INVALID_PARAMETER_VALUE',
    `Unsupported backend store URI '${uri}'. Use sqlite:///path/to/file.db or postgresql://user:password@host:5432/db.`,
  );
}

/** Opens (creating and migrating as needed) the store at `uri`. */
export async function openTrackingStore(uri: string, options: OpenStoreOptions): Promise<SqlTrackingStore> {
  const driver = await openStoreDriver(uri, options);
  try {
    return await SqlTrackingStore.open(driver, { defaultArtifactRoot: options.defaultArtifactRoot });
  } catch (err) {
    await driver.close().catch(() => undefined);
    throw err;
  }
}
