/** Run artifacts: listing one folder, and the URL that downloads a file. */
import { LoomError, type FileInfoJson } from '@loom/protocol';
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

const PROXY_ROUTE = '/api/2.0/mlflow-artifacts/artifacts/';

/**
 * The proxy path (`/api/2.0/mlflow-artifacts/artifacts/<p>`) of an artifact root the server proxies:
 * `mlflow-artifacts:/<p>`, `mlflow-artifacts://host:port/<p>` or an http(s) URL of the proxy route.
 * Undefined for roots the client would have to write itself (local paths, s3://...).
 */
export function proxyPathOf(artifactUri: string): string | undefined {
  const trim = (p: string) => p.replace(/^\/+|\/+$/g, '');
  if (artifactUri.startsWith('mlflow-artifacts:')) {
    let rest = artifactUri.slice('mlflow-artifacts:'.length);
    if (rest.startsWith('//')) {
      const slash = rest.indexOf('/', 2);
      rest = slash === -1 ? '' : rest.slice(slash);
    }
    return `${PROXY_ROUTE}${trim(rest)}`;
  }
  const at = artifactUri.indexOf(PROXY_ROUTE);
  if (/^https?:/.test(artifactUri) && at !== -1) {
    return `${PROXY_ROUTE}${trim(artifactUri.slice(at + PROXY_ROUTE.length))}`;
  }
  return undefined;
}

/** Encodes each segment of a `/`-separated relative path for a URL. */
function encodePath(path: string): string {
  return path
    .split('/')
    .filter((s) => s !== '')
    .map(encodeURIComponent)
    .join('/');
}

/**
 * Uploads one file to `<artifactUri>/<path>` through the server's artifact proxy. Roots outside the
 * proxy are written by the Node-only `logArtifact` (local folders) or not at all (NOT_IMPLEMENTED).
 */
export async function uploadArtifact(
  http: Http,
  artifactUri: string,
  path: string,
  body: Uint8Array | string,
  contentType?: string,
  options?: CallOptions,
): Promise<void> {
  const base = proxyPathOf(artifactUri);
  if (base === undefined) {
    throw new LoomError(
      'NOT_IMPLEMENTED',
      `The artifact root '${artifactUri}' is not served by the tracking server's artifact proxy; ` +
        'start the server with --serve-artifacts (the default) or log artifacts from Node to a local root',
    );
  }
  await http.put(`${base}/${encodePath(path)}`, body, contentType, options);
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
