/**
 * `--app-name basic-auth`: the auth configuration from MLflow's INI file (`MLFLOW_AUTH_CONFIG_PATH`,
 * else MLflow's packaged defaults), with MLflow's well-known admin password refused unless
 * `LOOM_AUTH_DEV=1`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  assertAdminPasswordAllowed,
  authConfigFromIni,
  DEFAULT_AUTH_CONFIG,
  type AuthConfig,
} from '@loom/core';

/** The app names `mlflow server --app-name` knows that Loom serves. */
export const APP_NAMES = ['basic-auth'] as const;

/** The auth configuration for `appName` (undefined: authentication off); throws a one-line error. */
export function authConfigFor(
  appName: string | undefined,
  env: NodeJS.ProcessEnv,
  cwd: string,
): AuthConfig | undefined {
  if (appName === undefined) return undefined;
  if (!(APP_NAMES as readonly string[]).includes(appName)) {
    throw new Error(`unknown --app-name '${appName}'; Loom serves: ${APP_NAMES.join(', ')}`);
  }
  let config = DEFAULT_AUTH_CONFIG;
  const file = env.MLFLOW_AUTH_CONFIG_PATH;
  if (file) {
    const path = resolve(cwd, file);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new Error(
        `cannot read MLFLOW_AUTH_CONFIG_PATH '${path}': ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      );
    }
    config = authConfigFromIni(text, path);
  }
  // MLflow's file names its own SQLite database relative to where the server starts.
  if (config.databaseUri?.startsWith('sqlite:///') && !config.databaseUri.startsWith('sqlite:////')) {
    config = {
      ...config,
      databaseUri: `sqlite:///${resolve(cwd, config.databaseUri.slice('sqlite:///'.length))}`,
    };
  }
  assertAdminPasswordAllowed(config, env.LOOM_AUTH_DEV === '1');
  return Object.freeze(config);
}
