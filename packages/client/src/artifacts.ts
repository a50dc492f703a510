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

export interface ArtifactHead {
  /** The first bytes of the file, at most the `maxBytes` asked for. */
  bytes: Uint8Array;
  /** True when the file has more bytes than `bytes` holds. */
  truncated: boolean;
}

/**
 * The first `maxBytes` of one artifact file of a run, for previews: reads the download stream only
 * that far and cancels the rest, so a 2 GB file costs no more than its first chunk.
 */
export async function getArtifactHead(
  http: Http,
  runId: string,
  path: string,
  maxBytes: number,
  options?: CallOptions,
): Promise<ArtifactHead> {
  const res = await http.getRaw('/get-artifact', { run_id: runId, path }, options);
  const reader = res.body?.getReader();
  if (!reader) return { bytes: new Uint8Array(0), truncated: false };
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
    if (size > maxBytes) {
      truncated = true;
      await reader.cancel();
      break;
    }
  }
  const bytes = new Uint8Array(Math.min(size, maxBytes));
  let at = 0;
  for (const chunk of chunks) {
    const take = Math.min(chunk.length, bytes.length - at);
    bytes.set(chunk.subarray(0, take), at);
    at += take;
    if (at === bytes.length) break;
  }
  return { bytes, truncated };
}
