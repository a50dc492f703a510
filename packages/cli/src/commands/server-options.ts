/** Turns `loom server` flags (and MLflow's environment variables) into a frozen ServerConfig. */
import { isAbsolute, resolve } from 'node:path';
import {
  webhookSettingsFromEnv,
  type S3Settings,
  type SecuritySettings,
  type ServerConfig,
} from '@loom/core';
import { parseFrameOptions } from '@loom/server';
import { authConfigFor } from './auth-options';

export interface ServerFlags {
  backendStoreUri?: string;
  defaultArtifactRoot?: string;
  artifactsDestination?: string;
  serveArtifacts: boolean;
  artifactsOnly?: boolean;
  host?: string;
  port?: string;
  workers?: string;
  poolSize?: string;
  /** `basic-auth` turns on MLflow's basic-auth app. */
  appName?: string;
  allowedHosts?: string;
  corsAllowedOrigins?: string;
  xFrameOptions?: string;
  disableSecurityMiddleware?: boolean;
  maxBodyBytes?: string;
}

/** A local path or file: URI made absolute against `cwd`; other URIs pass through. */
function absolutePath(p: string, cwd: string): string {
  if (p.startsWith('file://')) return p.slice('file://'.length);
  if (/^[a-zA-Z][\w+.-]*:\//.test(p)) return p;
  return isAbsolute(p) ? p : resolve(cwd, p);
}

function positiveInt(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max) throw new Error(`invalid ${name} '${text}'`);
  return n;
}

/** Like positiveInt, for a setting that may be absent (unset or empty: the component's default). */
function optionalPositiveInt(name: string, text: string | undefined, min: number, max: number) {
  return text === undefined || text.trim() === '' ? undefined : positiveInt(name, text, min, max);
}

/** How to reach S3 for `s3://` artifact URIs, from MLflow's and AWS's usual variables. */
function s3Settings(env: NodeJS.ProcessEnv): S3Settings {
  const settings: S3Settings = {
    endpointUrl: env.MLFLOW_S3_ENDPOINT_URL || undefined,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined,
    accessKeyId: env.AWS_ACCESS_KEY_ID || undefined,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY || undefined,
    sessionToken: env.AWS_SESSION_TOKEN || undefined,
  };
  return Object.freeze(settings);
}

/** A comma-separated list as its trimmed, non-empty items; undefined when it names none. */
function commaList(text: string | undefined): string[] | undefined {
  const items = (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return items.length ? items : undefined;
}

/** MLflow 3's security middleware settings (flags, then `MLFLOW_SERVER_*`), and Loom's body cap. */
function securitySettings(flags: ServerFlags, env: NodeJS.ProcessEnv): SecuritySettings {
  const xFrameOptions = flags.xFrameOptions ?? env.MLFLOW_SERVER_X_FRAME_OPTIONS;
  parseFrameOptions(xFrameOptions); // fails on a value the server would not know
  const maxBody = flags.maxBodyBytes ?? env.LOOM_SERVER_MAX_BODY_BYTES;
  const settings: SecuritySettings = {
    allowedHosts: commaList(flags.allowedHosts ?? env.MLFLOW_SERVER_ALLOWED_HOSTS),
    corsAllowedOrigins: commaList(flags.corsAllowedOrigins ?? env.MLFLOW_SERVER_CORS_ALLOWED_ORIGINS),
    xFrameOptions,
    disabled:
      Boolean(flags.disableSecurityMiddleware) ||
      env.MLFLOW_SERVER_DISABLE_SECURITY_MIDDLEWARE?.toLowerCase() === 'true',
    maxBodyBytes: maxBody === undefined ? undefined : positiveInt('max body bytes', maxBody, 1024, 2 ** 31),
  };
  return Object.freeze(settings);
}

/** The server configuration for these flags, with MLflow's defaults, run in `cwd`. */
export function toServerConfig(flags: ServerFlags, env: NodeJS.ProcessEnv, cwd: string): ServerConfig {
  const serveArtifacts = flags.serveArtifacts;
  const backendStoreUri = flags.backendStoreUri ?? env.MLFLOW_BACKEND_STORE_URI ?? 'sqlite:///mlflow.db';
  const defaultRoot =
    flags.defaultArtifactRoot ??
    env.MLFLOW_DEFAULT_ARTIFACT_ROOT ??
    (serveArtifacts ? 'mlflow-artifacts:/' : resolve(cwd, 'mlruns'));
  const destination = flags.artifactsDestination ?? env.MLFLOW_ARTIFACTS_DESTINATION ?? './mlartifacts';
  const config: ServerConfig = {
    backendStoreUri,
    defaultArtifactRoot: /^[a-zA-Z][\w+.-]*:/.test(defaultRoot)
      ? defaultRoot
      : absolutePath(defaultRoot, cwd),
    artifactsDestination: absolutePath(destination, cwd),
    serveArtifacts,
    artifactsOnly: Boolean(flags.artifactsOnly),
    host: flags.host ?? env.MLFLOW_HOST ?? '127.0.0.1',
    port: positiveInt('port', flags.port ?? env.MLFLOW_PORT ?? '5000', 0, 65535),
    workers: positiveInt('workers', flags.workers ?? env.MLFLOW_WORKERS ?? '1', 1, 256),
    // MLflow's knob for its SQLAlchemy pool; the same number sizes our PostgreSQL pool.
    poolSize: optionalPositiveInt(
      'pool size',
      flags.poolSize ?? env.MLFLOW_SQLALCHEMYSTORE_POOL_SIZE,
      1,
      1000,
    ),
    s3: s3Settings(env),
    webhooks: webhookSettingsFromEnv(env),
    auth: authConfigFor(flags.appName, env, cwd),
    security: securitySettings(flags, env),
  };
  if (config.artifactsOnly && !config.serveArtifacts) {
    throw new Error('--artifacts-only requires artifact serving; drop --no-serve-artifacts');
  }
  return Object.freeze(config);
}
