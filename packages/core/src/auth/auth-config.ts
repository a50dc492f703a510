/**
 * The basic-auth app's configuration, read from MLflow's INI file (`MLFLOW_AUTH_CONFIG_PATH`, section
 * `[mlflow]`) so an MLflow deployment's file works unchanged.
 */
import { LoomError } from '@loom/protocol';
import { parsePermission, type PermissionLevel } from './permissions';

export interface AuthConfig {
  /** The permission of a user on a resource with no explicit row. */
  defaultPermission: PermissionLevel;
  /** Where users and permissions live; absent means the tracking store's own database. */
  databaseUri?: string | undefined;
  adminUsername: string;
  adminPassword: string;
}

/** MLflow's packaged default password: refused outside dev mode, since everyone knows it. */
export const WELL_KNOWN_ADMIN_PASSWORD = 'password1234';

/** MLflow's packaged defaults (its basic_auth.ini), the database aside: Loom uses the tracking store. */
export const DEFAULT_AUTH_CONFIG: AuthConfig = Object.freeze({
  defaultPermission: 'READ',
  adminUsername: 'admin',
  adminPassword: WELL_KNOWN_ADMIN_PASSWORD,
});

/** Sections of an INI text: `[name]` headers, `key = value` or `key: value`, `#`/`;` comments. */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      const name = header[1]!.trim();
      current = sections.get(name) ?? new Map<string, string>();
      sections.set(name, current);
      continue;
    }
    const eq = line.search(/[=:]/);
    if (eq <= 0 || !current) throw new Error(`line ${i + 1}: expected [section] or key = value`);
    // Python's configparser lower-cases keys; values keep their case.
    current.set(line.slice(0, eq).trim().toLowerCase(), line.slice(eq + 1).trim());
  }
  return sections;
}

/** The auth configuration in an INI text; keys missing from `[mlflow]` take MLflow's defaults. */
export function authConfigFromIni(text: string, source = 'auth config'): AuthConfig {
  let sections: Map<string, Map<string, string>>;
  try {
    sections = parseIni(text);
  } catch (err) {
    throw new LoomError('INVALID_PARAMETER_VALUE', `${source}: ${(err as Error).message}`);
  }
  const mlflow = sections.get('mlflow');
  if (!mlflow) throw new LoomError('INVALID_PARAMETER_VALUE', `${source}: no [mlflow] section`);
  const permission = mlflow.get('default_permission');
  return Object.freeze({
    defaultPermission: permission ? parsePermission(permission) : DEFAULT_AUTH_CONFIG.defaultPermission,
    databaseUri: mlflow.get('database_uri') || undefined,
    adminUsername: mlflow.get('admin_username') || DEFAULT_AUTH_CONFIG.adminUsername,
    adminPassword: mlflow.get('admin_password') || DEFAULT_AUTH_CONFIG.adminPassword,
  });
}

/** Refuses MLflow's well-known admin password unless the server runs in dev mode (`LOOM_AUTH_DEV=1`). */
export function assertAdminPasswordAllowed(config: AuthConfig, devMode: boolean): void {
  if (config.adminPassword === WELL_KNOWN_ADMIN_PASSWORD && !devMode) {
    throw new LoomError(
      'INVALID_PARAMETER_VALUE',
      `refusing to start: admin_password is MLflow's well-known default; set another in the file named by MLFLOW_AUTH_CONFIG_PATH (or LOOM_AUTH_DEV=1 for local development)`,
    );
  }
}
