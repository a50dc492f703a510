/**
 * Opens the auth service named by an AuthConfig: on the tracking store's own database by default, or
 * on `database_uri` when it names another database (only the auth migration runs there).
 */
import { openStoreDriver } from '../store/open-tracking-store';
import type { SqlDriver } from '../store/sql/driver';
import { migrate } from '../store/sql/migrate';
import { MIGRATIONS } from '../store/sql/migrations';
import { SqlAuthStore } from '../store/sql/auth/sql-auth-store';
import type { AuthConfig } from './auth-config';
import { AuthService } from './auth-service';

export interface OpenedAuth {
  service: AuthService;
  /** Closes the separate auth database, if one was opened. */
  close(): Promise<void>;
}

const AUTH_MIGRATION = 6;

/** The auth service on `trackingDb` (already migrated) or on `config.databaseUri`, with its admin created. */
export async function openAuth(
  config: AuthConfig,
  trackingDb: SqlDriver,
  backendStoreUri: string,
  cwd = process.cwd(),
): Promise<OpenedAuth> {
  let db = trackingDb;
  let own: SqlDriver | undefined;
  if (config.databaseUri && config.databaseUri !== backendStoreUri) {
    own = await openStoreDriver(config.databaseUri, { cwd });
    db = own;
    try {
      await migrate(
        own,
        MIGRATIONS.filter((m) => m.version === AUTH_MIGRATION),
      );
    } catch (err) {
      await own.close().catch(() => undefined);
      throw err;
    }
  }
  const service = new AuthService(new SqlAuthStore(db), config);
  try {
    await service.ensureAdmin(config);
  } catch (err) {
    await own?.close().catch(() => undefined);
    throw err;
  }
  return { service, close: async () => own?.close() };
}
