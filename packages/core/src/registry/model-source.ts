/**
 * A model version's `source`: MLflow's server-side checks (no `..`, local paths only inside the
 * run's or logged model's artifact folder) and what `models:/` sources resolve to.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { invalidParameter } from '@loom/protocol';

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;

/** The URI's scheme in lower case, or '' for a plain path. */
export function schemeOf(uri: string): string {
  return SCHEME.exec(uri)?.[1]?.toLowerCase() ?? '';
}

/** True for a plain path or a `file:` URI without a remote host (MLflow's `is_local_uri`). */
export function isLocalUri(uri: string): boolean {
  const scheme = schemeOf(uri);
  if (scheme === '') return true;
  if (scheme !== 'file') return false;
  const host = /^file:\/\/([^/]*)/i.exec(uri)?.[1] ?? '';
  return host === '' || host === 'localhost' || host === '127.0.0.1';
}

/** The absolute local path a local URI names, resolved against `cwd`. */
export function localPathOf(uri: string, cwd: string): string {
  if (schemeOf(uri) === 'file') {
    try {
      return path.resolve(fileURLToPath(uri.replace(/^file:\/\/(localhost|127\.0\.0\.1)\//i, 'file:///')));
    } catch {
      return path.resolve(cwd, uri.replace(/^file:/i, ''));
    }
  }
  return path.resolve(cwd, uri);
}

function unquoteFully(text: string): string {
  let current = text;
  for (;;) {
    let next: string;
    try {
      next = decodeURIComponent(current.replace(/\+/g, ' '));
    } catch {
      return current;
    }
    if (next === current) return current;
    current = next;
  }
}

/** The path part of a URI as Python's urlparse gives it. */
function uriPath(uri: string): string {
  const rest = uri.replace(SCHEME, '');
  const withoutQuery = rest.split(/[?#]/)[0] ?? '';
  if (withoutQuery.startsWith('//')) {
    const slash = withoutQuery.indexOf('/', 2);
    return slash === -1 ? '' : withoutQuery.slice(slash);
  }
  return withoutQuery;
}

/** Rejects a remote source with `..`, NUL or a path that is not absolute and normal (MLflow's rule). */
export function validateRemoteSource(source: string): void {
  const error = () =>
    invalidParameter(
      `Invalid model version source: '${source}'. If supplying a source as an http, https, local file ` +
        'path, ftp, objectstore, or mlflow-artifacts uri, an absolute path must be provided without ' +
        'relative path references present. Please provide an absolute path.',
    );
  const decoded = unquoteFully(source);
  const sourcePath = uriPath(decoded).replace(/\/+$/, '').replace(/\/+/g, '/');
  if (sourcePath.includes('\0') || decoded.split('/').some((p) => p === '..')) throw error();
  if (path.posix.resolve('/', sourcePath) !== sourcePath) throw error();
}

/**
 * Checks a local source against the artifact folder of its run (or logged model): it must lie
 * inside. `root` is that folder's URI, undefined when no run or model was named.
 */
export function validateLocalSource(
  source: string,
  root: string | undefined,
  owner: 'run_id' | 'model_id',
  cwd: string,
): void {
  const resolved = localPathOf(source, cwd);
  if (root !== undefined && isLocalUri(root)) {
    const dir = localPathOf(root, cwd);
    if (resolved === dir || resolved.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep)) return;
  }
  const what = owner === 'run_id' ? 'run' : 'model';
  throw invalidParameter(
    `Invalid model version source: '${resolved}'. To use a local path as a model version source, the ` +
      `${owner} request parameter has to be specified and the local path has to be contained within the ` +
      `artifact directory of the ${what} specified by the ${owner}.`,
  );
}

/** A `models:/` URI as the registry resolves sources: a logged model id, or a name and version. */
export type ModelsUri = { modelId: string } | { name: string; version: string };

/** Parses `models:/<model_id>` or `models:/<name>/<version>`; undefined for anything else. */
export function parseModelsUri(uri: string): ModelsUri | undefined {
  const m = /^models:\/*(.*)$/i.exec(uri);
  if (!m) return undefined;
  const parts = (m[1] ?? '').replace(/\/+$/, '').split('/');
  if (parts.length === 1 && parts[0] && !parts[0].includes('@')) return { modelId: parts[0] };
  if (parts.length === 2 && parts[0] && /^\d+$/.test(parts[1] ?? '')) {
    return { name: parts[0], version: parts[1]! };
  }
  return undefined;
}

/** A `runs:/<run_id>/<path>` URI's parts; undefined for anything else. */
export function parseRunsUri(uri: string): { runId: string; path: string } | undefined {
  const m = /^runs:\/+([^/]+)\/?(.*)$/i.exec(uri);
  if (!m?.[1]) return undefined;
  return { runId: m[1], path: (m[2] ?? '').replace(/\/+$/, '') };
}
