/** Run artifacts: listing one folder, and the URL that downloads a file. */
import type { FileInfoJson } from '@loom/protocol';
import type { CallOptions, Http } from './http';

export interface ArtifactListing {
  /** The run's artifact root, e.g. `mlflow-artifacts:/1/<run>/artifacts`. */
  rootUri: string;
  /** One level: paths are relative to the run's root and include `path`. */
  files: FileInfoJson[];
}

/** The files and folders directly under `path` (the root when absent) of a run's artifacts. */
export async function listArtifacts(
  http: Http,
  runId: string,
  path?: string,
  options?: CallOptions,
): Promise<ArtifactListing> {
  const res = await http.get<{ root_uri?: string; files?: FileInfoJson[] }>(
    '/api/2.0/mlflow/artifacts/list',
    { run_id: runId, path: path || undefined },
    options,
  );
  return { rootUri: res.root_uri ?? '', files: res.files ?? [] };
}

/** The URL that downloads one artifact file of a run (MLflow's `/get-artifact`). */
export function artifactDownloadUrl(http: Http, runId: string, path: string): string {
  return http.url('/get-artifact', { run_id: runId, path });
}
