/** Server configuration, parsed once at the entry point, frozen and passed down. */
import type { AuthConfig } from './auth/auth-config';
import type { WebhookSettings } from './webhooks/webhook-settings';

/**
 * How to reach S3 for `s3://` artifact URIs, read from the environment by the entry point
 * (`MLFLOW_S3_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`,
 * `AWS_REGION`/`AWS_DEFAULT_REGION`). Absent credentials leave the AWS SDK's default chain to find them.
 */
export interface S3Settings {
  /** An S3-compatible endpoint (MinIO, Ceph…), addressed path-style; absent means AWS itself. */
  endpointUrl?: string | undefined;
  region?: string | undefined;
  accessKeyId?: string | undefined;
  secretAccessKey?: string | undefined;
  sessionToken?: string | undefined;
}

/**
 * The HTTP edge's protections (MLflow 3's security middleware flags and variables). Every field is
 * optional: the server fills in MLflow's defaults, so a config written by hand or by a test is safe.
 */
export interface SecuritySettings {
  /** Host headers served (`--allowed-hosts`); `*` wildcards; `['*']` turns the check off. */
  allowedHosts?: readonly string[] | undefined;
  /** Origins that may call the API from a browser (`--cors-allowed-origins`); localhost always may. */
  corsAllowedOrigins?: readonly string[] | undefined;
  /** `SAMEORIGIN` (default), `DENY`, or `NONE` to allow framing anywhere (`--x-frame-options`). */
  xFrameOptions?: string | undefined;
  /** Drops the Host check, CORS and the security headers (`--disable-security-middleware`). */
  disabled?: boolean | undefined;
  /** Largest request body outside the streamed artifact uploads, in bytes. */
  maxBodyBytes?: number | undefined;
}

export interface ServerConfig {
  /** `sqlite:///relative.db`, `sqlite:////abs.db` or (next) `postgresql://…`. */
  backendStoreUri: string;
  /** The root new experiments get their artifact location under (`mlflow-artifacts:/` when proxying). */
  defaultArtifactRoot: string;
  /** Where the artifact proxy stores files: a local folder path (absolute) or `s3://bucket/prefix`. */
  artifactsDestination: string;
  serveArtifacts: boolean;
  artifactsOnly: boolean;
  host: string;
  port: number;
  workers: number;
  /** Connections in each server process's PostgreSQL pool; absent means the driver's default (10). */
  poolSize?: number | undefined;
  /** For `s3://` artifact roots and destinations. */
  s3?: S3Settings | undefined;
  /** Webhook validation and delivery (`MLFLOW_WEBHOOK_*`); MLflow's defaults when absent. */
  webhooks?: WebhookSettings | undefined;
  /** The basic-auth app (`--app-name basic-auth`); authentication is off when absent. */
  auth?: AuthConfig | undefined;
  /** Host check, CORS, security headers and body limits; MLflow's defaults when absent. */
  security?: SecuritySettings | undefined;
}

/** MLflow's defaults for `mlflow server` run in `cwd`. */
export function defaultServerConfig(cwd: string): ServerConfig {
  return {
    backendStoreUri: `sqlite:///${cwd}/mlflow.db`,
    defaultArtifactRoot: 'mlflow-artifacts:/',
    artifactsDestination: `${cwd}/mlartifacts`,
    serveArtifacts: true,
    artifactsOnly: false,
    host: '127.0.0.1',
    port: 5000,
    workers: 1,
  };
}
