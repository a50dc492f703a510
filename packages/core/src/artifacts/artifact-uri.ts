/** Maps a run's or logged model's artifact URI to the repository that holds it and the path inside. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LoomError } from '@loom/protocol';
import type { S3Settings } from '../config';
import type { ArtifactRepository } from './artifact-repository';
import { LocalArtifactRepository } from './local-artifact-repository';
import { S3ArtifactRepository } from './s3-artifact-repository';
import { parseS3Uri, s3ClientFor } from './s3-client';

/** A place in an artifact repository. */
export interface ArtifactLocation {
  repository: ArtifactRepository;
  /** Relative to the repository root, no leading or trailing `/`; `''` is the root itself. */
  path: string;
}

// MLflow resolves http(s) artifact roots that point at a proxy route the same way as `mlflow-artifacts:`.
const PROXY_ROUTE = '/api/2.0/mlflow-artifacts/artifacts/';
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;

const trimSlashes = (p: string): string => p.replace(/^\/+|\/+$/g, '');

/** The path of an `mlflow-artifacts:` URI: `mlflow-artifacts:/<p>` and `mlflow-artifacts://host:port/<p>` give `<p>`. */
function proxiedPath(uri: string): string {
  let rest = uri.slice('mlflow-artifacts:'.length);
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    rest = slash === -1 ? '' : rest.slice(slash);
  }
  return trimSlashes(rest);
}

function proxied(proxy: ArtifactRepository | undefined, uri: string, inside: string): ArtifactLocation {
  if (!proxy) {
    throw new LoomError(
      'NOT_IMPLEMENTED',
      `Artifact URI '${uri}' is served by the artifact proxy, which this server runs without (--no-serve-artifacts)`,
    );
  }
  return { repository: proxy, path: inside };
}

/** The repository rooted at an `s3://bucket/prefix` URI, on the shared client for `s3`. */
export function s3Repository(uri: string, s3: S3Settings | undefined): S3ArtifactRepository {
  const { bucket, prefix } = parseS3Uri(uri);
  return new S3ArtifactRepository(s3ClientFor(s3), bucket, prefix);
}

/**
 * Resolves `uri` to a repository and path: `mlflow-artifacts:` (and http(s) proxy URLs) go to
 * `proxy`, the `--artifacts-destination` repository; `s3:` URIs to S3 (reached with `s3`);
 * `file:` URIs and plain paths to a local folder. Other schemes answer NOT_IMPLEMENTED.
 */
export function resolveArtifactUri(
  uri: string,
  proxy: ArtifactRepository | undefined,
  s3?: S3Settings,
): ArtifactLocation {
  const scheme = SCHEME.exec(uri)?.[1]?.toLowerCase();
  if (scheme === 'mlflow-artifacts') return proxied(proxy, uri, proxiedPath(uri));
  if ((scheme === 'http' || scheme === 'https') && uri.includes(PROXY_ROUTE)) {
    return proxied(proxy, uri, trimSlashes(uri.slice(uri.indexOf(PROXY_ROUTE) + PROXY_ROUTE.length)));
  }
  if (scheme === 's3') return { repository: s3Repository(uri, s3), path: '' };
  if (scheme === 'file') {
    let folder: string;
    try {
      folder = fileURLToPath(uri);
    } catch (err) {
      throw new LoomError(
        'INVALID_PARAMETER_VALUE',
        `Invalid file artifact URI '${uri}': ${(err as Error).message}`,
      );
    }
    return { repository: new LocalArtifactRepository(folder), path: '' };
  }
  if (scheme === undefined) return { repository: new LocalArtifactRepository(path.resolve(uri)), path: '' };
  throw new LoomError(
    'NOT_IMPLEMENTED',
    `Artifact URI scheme '${scheme}' is not supported yet (artifact URI '${uri}')`,
  );
}

/** Joins a repository path and a relative artifact path with `/`. */
export function joinArtifactPath(base: string, relative: string): string {
  const [head, tail] = [trimSlashes(base), trimSlashes(relative)];
  if (!head) return tail;
  return tail ? `${head}/${tail}` : head;
}
