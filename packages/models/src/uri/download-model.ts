/**
 * Brings a model to a local directory: local paths are used in place; `runs:/` and `models:/` URIs
 * (registered versions and MLflow 3 logged models) resolve through the tracking server and their files download into a cache folder, written to a
 * temporary folder first and renamed, so a half-finished download is never mistaken for a model.
 * Registered versions, logged models and run artifacts do not change, so a cached copy is reused.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { createClient, proxyPathOf, type LoomClient } from '@loom/client';
import { invalidParameter, LoomError, type FileInfoJson } from '@loom/protocol';
import { stringify } from 'yaml';
import { parseModelUri } from './model-uri';

/** Written beside MLmodel in a downloaded registry version, as MLflow does. */
export const REGISTERED_MODEL_META_FILE = 'registered_model_meta';

export interface DownloadOptions {
  /** The tracking server (MLFLOW_TRACKING_URI), needed for `runs:/` and `models:/`. */
  trackingUri?: string | undefined;
  /** Where downloads are kept. Default `<tmpdir>/loom-models`. */
  cacheDir?: string | undefined;
  /** Sent with every request (auth). */
  headers?: Record<string, string> | undefined;
}

/** Lists the files under one folder; fetches one file's bytes. */
interface Tree {
  list(path: string): Promise<FileInfoJson[]>;
  read(path: string): Promise<Uint8Array>;
}

/** The local directory holding the model `uri`. */
export async function downloadModel(uri: string, options: DownloadOptions = {}): Promise<string> {
  const parsed = parseModelUri(uri);
  if (parsed.kind === 'local') {
    const dir = resolve(parsed.path);
    if (!existsSync(dir)) throw new LoomError('RESOURCE_DOES_NOT_EXIST', `No model at '${dir}'`);
    return dir;
  }
  if (!options.trackingUri || !/^https?:\/\//.test(options.trackingUri)) {
    throw invalidParameter(
      `Resolving '${uri}' needs a tracking server: set MLFLOW_TRACKING_URI to its http(s) URL`,
    );
  }
  const client = createClient({ baseUrl: options.trackingUri, headers: options.headers });
  const cache = options.cacheDir ?? join(tmpdir(), 'loom-models');
  if (parsed.kind === 'run') {
    return fetchTree(
      runTree(client, parsed.runId),
      parsed.path,
      join(cache, 'runs', parsed.runId, parsed.path),
    );
  }
  if (parsed.kind === 'artifacts') {
    return fetchTree(proxyTree(client, parsed.uri), '', join(cache, 'artifacts', safeName(parsed.uri)));
  }
  if (parsed.kind === 'logged') {
    // A logged model's files do not change once it is READY, so its copy is cached by id.
    const target = join(cache, 'logged', safeName(parsed.modelId));
    if (existsSync(join(target, 'MLmodel'))) return target;
    const { status, artifact_uri: location } = (await client.getLoggedModel(parsed.modelId)).info;
    if (status === 'LOGGED_MODEL_UPLOAD_FAILED') {
      throw invalidParameter(
        `Logged model ${parsed.modelId} failed to upload (${status}): its files are incomplete`,
      );
    }
    // Still uploading (or never finalized): read it, but do not keep a copy that may be partial.
    const into = status === 'LOGGED_MODEL_READY' ? target : join(cache, 'logged-pending', randomUUID());
    return fetchLocation(client, location, into, `Logged model ${parsed.modelId}`);
  }
  const version = await resolveVersion(client, parsed);
  const target = join(cache, 'registry', safeName(parsed.name), version);
  if (!existsSync(join(target, 'MLmodel'))) {
    const source = await client.getModelVersionDownloadUri(parsed.name, version);
    const runs = source.startsWith('runs:/') ? parseModelUri(source) : undefined;
    if (runs?.kind === 'run') await fetchTree(runTree(client, runs.runId), runs.path, target);
    else {
      const dir = await fetchLocation(client, source, target, `Version ${version} of '${parsed.name}'`);
      if (dir !== target) return dir;
    }
  }
  await writeRegisteredModelMeta(target, parsed.name, version);
  return target;
}

/** The files at an artifact location: through the proxy, or in place when this machine can read it. */
async function fetchLocation(client: LoomClient, location: string, target: string, what: string) {
  if (proxyPathOf(location) !== undefined) return fetchTree(proxyTree(client, location), '', target);
  const local = location.startsWith('file:') ? new URL(location).pathname : location;
  if (existsSync(join(local, 'MLmodel'))) return local;
  throw new LoomError(
    'NOT_IMPLEMENTED',
    `${what} lives at '${location}', which the tracking server does not proxy ` +
      'and this machine cannot read; serve the artifacts through the server (--serve-artifacts)',
  );
}

/** MLflow's `registered_model_meta` beside MLmodel: which registered version this copy is. */
async function writeRegisteredModelMeta(dir: string, name: string, version: string): Promise<void> {
  const file = join(dir, REGISTERED_MODEL_META_FILE);
  if (existsSync(file)) return;
  await writeFile(file, stringify({ model_name: name, model_version: version }, { singleQuote: true }));
}

type RegistryUri = Extract<ReturnType<typeof parseModelUri>, { kind: 'registry' }>;

/** The version number a registry URI points at. */
async function resolveVersion(client: LoomClient, uri: RegistryUri): Promise<string> {
  // The answer names a cache folder: a server's "../../x" must not become a path.
  const checked = (version: string) => {
    if (!/^\d+$/.test(version))
      throw invalidParameter(
        `The tracking server answered version '${version}' for '${uri.name}'; versions are numbers`,
      );
    return version;
  };
  if ('version' in uri) return checked((await client.getModelVersion(uri.name, uri.version)).version);
  if ('alias' in uri) return checked((await client.getModelVersionByAlias(uri.name, uri.alias)).version);
  const latest = uri.stage.toLowerCase() === 'latest';
  const stage = latest ? undefined : [uri.stage[0]!.toUpperCase() + uri.stage.slice(1).toLowerCase()];
  const versions = await client.getLatestVersions(uri.name, stage);
  if (!versions.length) {
    throw new LoomError(
      'RESOURCE_DOES_NOT_EXIST',
      `Registered model '${uri.name}' has no version ${latest ? 'at all' : `in stage '${uri.stage}'`}`,
    );
  }
  return checked(versions.map((v) => v.version).sort((a, b) => Number(b) - Number(a))[0]!);
}

function runTree(client: LoomClient, runId: string): Tree {
  return {
    list: async (path) => (await client.listArtifacts(runId, path)).files,
    read: async (path) => bytes(await client.http.getRaw('/get-artifact', { run_id: runId, path })),
  };
}

/** A tree under an artifact URI the server proxies; listed paths are relative to the listed folder. */
function proxyTree(client: LoomClient, uri: string): Tree {
  const base = proxyPathOf(uri)!;
  const root = base.slice('/api/2.0/mlflow-artifacts/artifacts'.length).replace(/^\/+/, '');
  const join2 = (a: string, b: string) => [a, b].filter(Boolean).join('/');
  return {
    list: async (path) => {
      const res = await client.http.get<{ files?: FileInfoJson[] }>('/api/2.0/mlflow-artifacts/artifacts', {
        path: join2(root, path) || undefined,
      });
      return (res.files ?? []).map((f) => ({ ...f, path: join2(path, f.path.split('/').pop()!) }));
    },
    read: async (path) => {
      const encoded = join2(root, path).split('/').map(encodeURIComponent).join('/');
      return bytes(await client.http.getRaw(`/api/2.0/mlflow-artifacts/artifacts/${encoded}`, {}));
    },
  };
}

async function bytes(res: Response): Promise<Uint8Array> {
  return new Uint8Array(await res.arrayBuffer());
}

/** Downloads the folder `path` of `tree` into `target` (reused when already complete). */
async function fetchTree(tree: Tree, path: string, target: string): Promise<string> {
  if (existsSync(join(target, 'MLmodel'))) return target;
  await mkdir(dirname(target), { recursive: true });
  const staging = await mkdtemp(`${target}.partial-`);
  try {
    const files = await walk(tree, path);
    if (!files.length)
      throw new LoomError('RESOURCE_DOES_NOT_EXIST', `No model files under '${path || '/'}'`);
    for (const file of files) {
      // The listing comes from a server: never let one of its paths climb out of the model folder.
      const under = !path || file.startsWith(`${path}/`);
      const rel = path ? file.slice(path.length + 1) : file;
      if (!under || !rel || rel.split(/[\\/]/).some((seg) => seg === '..') || isAbsolute(rel)) {
        throw invalidParameter(`Refusing to download '${file}': the path leaves the model folder`);
      }
      const dest = join(staging, rel);
      await mkdir(dirname(dest), { recursive: true });
      await writeFile(dest, await tree.read(file));
    }
    await rm(target, { recursive: true, force: true });
    await rename(staging, target);
    return target;
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}

async function walk(tree: Tree, path: string): Promise<string[]> {
  const out: string[] = [];
  for (const f of await tree.list(path)) {
    if (f.is_dir) out.push(...(await walk(tree, f.path)));
    else out.push(f.path);
  }
  return out;
}

/** A file-name-safe form of a URI or name. */
function safeName(s: string): string {
  return s.replace(/[^\w.-]+/g, '_');
}
