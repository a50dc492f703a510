/** How webhooks are validated and delivered; parsed once from MLflow's environment variables. */
import { LoomError } from '@loom/protocol';

export interface WebhookSettings {
  /** URL schemes a webhook may use (`MLFLOW_WEBHOOK_ALLOWED_SCHEMES`, default `https`). */
  allowedSchemes: readonly string[];
  /** Key material for secrets at rest (`MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY`); see secret-key.ts. */
  encryptionKey?: string | undefined;
  /** Per-attempt timeout (`MLFLOW_WEBHOOK_REQUEST_TIMEOUT`, seconds, default 30). */
  requestTimeoutMs: number;
  /** Retries after the first attempt (`MLFLOW_WEBHOOK_REQUEST_MAX_RETRIES`, default 3). */
  maxRetries: number;
  /** Deliveries one server sends at once (`MLFLOW_WEBHOOK_DELIVERY_MAX_WORKERS`, default 10). */
  maxWorkers: number;
  /** How long a server may reuse "who subscribes to X" (`MLFLOW_WEBHOOK_CACHE_TTL`, seconds, default 0). */
  cacheTtlMs: number;
  /** First retry delay, doubled per attempt (MLflow: 1 s). */
  backoffBaseMs: number;
  /** Longest computed retry delay (MLflow: 60 s); a receiver's Retry-After is honoured up to an hour. */
  backoffMaxMs: number;
  /** How often a server looks for due deliveries written by others (and for retries that fell due). */
  pollIntervalMs: number;
}

export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = Object.freeze({
  allowedSchemes: Object.freeze(['https']),
  requestTimeoutMs: 30_000,
  maxRetries: 3,
  maxWorkers: 10,
  cacheTtlMs: 0,
  backoffBaseMs: 1_000,
  backoffMaxMs: 60_000,
  pollIntervalMs: 1_000,
});

function number(env: NodeJS.ProcessEnv, name: string, min: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) {
    throw new LoomError('INVALID_PARAMETER_VALUE', `${name} must be a number >= ${min}, got '${raw}'`);
  }
  return value;
}

/** Settings from MLflow's `MLFLOW_WEBHOOK_*` variables, defaults for the rest. */
export function webhookSettingsFromEnv(env: NodeJS.ProcessEnv): WebhookSettings {
  const d = DEFAULT_WEBHOOK_SETTINGS;
  const schemes = env.MLFLOW_WEBHOOK_ALLOWED_SCHEMES?.split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.length > 0);
  const seconds = (name: string, min: number, fallbackMs: number) => {
    const value = number(env, name, min);
    return value === undefined ? fallbackMs : value * 1000;
  };
  return Object.freeze({
    ...d,
    allowedSchemes: Object.freeze(schemes && schemes.length > 0 ? schemes : [...d.allowedSchemes]),
    encryptionKey: env.MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY || undefined,
    requestTimeoutMs: seconds('MLFLOW_WEBHOOK_REQUEST_TIMEOUT', 0.001, d.requestTimeoutMs),
    maxRetries: Math.floor(number(env, 'MLFLOW_WEBHOOK_REQUEST_MAX_RETRIES', 0) ?? d.maxRetries),
    maxWorkers: Math.floor(number(env, 'MLFLOW_WEBHOOK_DELIVERY_MAX_WORKERS', 1) ?? d.maxWorkers),
    cacheTtlMs: seconds('MLFLOW_WEBHOOK_CACHE_TTL', 0, d.cacheTtlMs),
  });
}
