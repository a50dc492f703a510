/** Opens the tracking store named by a `--backend-store-uri`. */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LoomError } from '@loom/protocol';
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
}

/** Opens (creating and migrating as needed) the store at `uri`. */
export async function openTrackingStore(uri: string, options: OpenStoreOptions): Promise<SqlTrackingStore> {
  const cwd = options.cwd ?? process.cwd();
  if (uri.startsWith('sqlite://')) {
    const path = sqlitePath(uri, cwd);
    mkdirSync(dirname(path), { recursive: true });
    let driver: SqliteDriver;
    try {
      driver = new SqliteDriver(path, options.sqlite);
    } catch (err) {
      throw new LoomError(
        'INVALID_PARAMETER_VALUE',
        `Cannot open SQLite database '${path}': ${(err as Error).message}`,
      );
    }
    return SqlTrackingStore.open(driver, { defaultArtifactRoot: options.defaultArtifactRoot });
  }
  if (/^postgres(ql)?(\+\w+)?:\/\//.test(uri)) {
    throw new LoomError(
      'INVALID_PARAMETER_VALUE',
      `PostgreSQL backend stores are not supported yet: '${uri}'.`,
    );
  }
  throw new LoomError(
    'INVALID_PARAMETER_VALUE',
    `Unsupported backend store URI '${uri}'. Use sqlite:///path/to/file.db.`,
  );
}
