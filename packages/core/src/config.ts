/** Server configuration, parsed once at the entry point, frozen and passed down. */

export interface ServerConfig {
  /** `sqlite:///relative.db`, `sqlite:////abs.db` or (next) `postgresql://…`. */
  backendStoreUri: string;
  /** The root new experiments get their artifact location under (`mlflow-artifacts:/` when proxying). */
  defaultArtifactRoot: string;
  /** Where the artifact proxy stores files: a local folder path (absolute). */
  artifactsDestination: string;
  serveArtifacts: boolean;
  artifactsOnly: boolean;
  host: string;
  port: number;
  workers: number;
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
