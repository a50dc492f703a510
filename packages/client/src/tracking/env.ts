/**
 * MLflow's client environment variables, read once: where the server is, which experiment and run
 * to use, and how to authenticate. In a browser there is no environment; everything is explicit.
 */
import { invalidParameter } from '@loom/protocol';
import type { ClientOptions } from '../http';

export interface TrackingEnv {
  /** MLFLOW_TRACKING_URI; Loom's default server when unset. */
  trackingUri: string;
  experimentName?: string | undefined;
  experimentId?: string | undefined;
  /** MLFLOW_RUN_ID: a run a parent process (e.g. `loom run`) created and handed over. */
  runId?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  token?: string | undefined;
  /** LOOM_OFFLINE=1: spool every run locally (upload later with `loom sync`). */
  offline?: boolean | undefined;
  /** LOOM_OFFLINE_DIR: the spool folder; `~/.loom/offline` when unset. */
  offlineDir?: string | undefined;
  /** MLFLOW_ENABLE_SYSTEM_METRICS_LOGGING=true: sample system metrics in every run. */
  systemMetrics?: boolean | undefined;
  /** MLFLOW_SYSTEM_METRICS_SAMPLING_INTERVAL (seconds, as MLflow), in ms. */
  systemMetricsIntervalMs?: number | undefined;
}

export const DEFAULT_TRACKING_URI = 'http://127.0.0.1:5000';

/** The process environment in Node; empty in a browser. */
export function processEnv(): Record<string, string | undefined> {
  const g = globalThis as { process?: { env?: Record<string, string | undefined> } };
  return g.process?.env ?? {};
}

const nonEmpty = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);
const flag = (v: string | undefined) => (v === undefined ? undefined : /^(1|true|yes|on)$/i.test(v.trim()));

function seconds(name: string, v: string | undefined): number | undefined {
  if (nonEmpty(v) === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0)
    throw invalidParameter(`${name} must be a positive number of seconds, not '${v}'`);
  return n * 1000;
}

/** The tracking settings from MLflow's variables. */
export function readTrackingEnv(env: Record<string, string | undefined> = processEnv()): TrackingEnv {
  return {
    trackingUri: nonEmpty(env.MLFLOW_TRACKING_URI) ?? DEFAULT_TRACKING_URI,
    experimentName: nonEmpty(env.MLFLOW_EXPERIMENT_NAME),
    experimentId: nonEmpty(env.MLFLOW_EXPERIMENT_ID),
    runId: nonEmpty(env.MLFLOW_RUN_ID),
    username: nonEmpty(env.MLFLOW_TRACKING_USERNAME),
    password: nonEmpty(env.MLFLOW_TRACKING_PASSWORD),
    token: nonEmpty(env.MLFLOW_TRACKING_TOKEN),
    offline: flag(env.LOOM_OFFLINE),
    offlineDir: nonEmpty(env.LOOM_OFFLINE_DIR),
    systemMetrics: flag(env.MLFLOW_ENABLE_SYSTEM_METRICS_LOGGING),
    systemMetricsIntervalMs: seconds(
      'MLFLOW_SYSTEM_METRICS_SAMPLING_INTERVAL',
      env.MLFLOW_SYSTEM_METRICS_SAMPLING_INTERVAL,
    ),
  };
}

/** Client options for these settings: the server URL and an Authorization header (token first, as MLflow). */
export function clientOptionsFor(env: TrackingEnv): ClientOptions {
  if (!/^https?:\/\//i.test(env.trackingUri)) {
    throw new Error(
      `MLFLOW_TRACKING_URI must be an http(s) URL of a tracking server, not '${env.trackingUri}' ` +
        '(start one with `loom server`)',
    );
  }
  const headers: Record<string, string> = {};
  if (env.token) headers.authorization = `Bearer ${env.token}`;
  else if (env.username !== undefined && env.password !== undefined) {
    headers.authorization = `Basic ${base64(`${env.username}:${env.password}`)}`;
  }
  return { baseUrl: env.trackingUri, headers };
}

/** Base64 of UTF-8 text, in Node and browsers alike. */
function base64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
