/**
 * Artifact routes: the `mlflow-artifacts` proxy (`--serve-artifacts`), run and logged-model artifact
 * listing and download, and the UI's upload. They only translate HTTP to an `ArtifactRepository`;
 * bodies stream both ways and every caller-supplied path passes MLflow's safe-path rule first.
 */
import path from 'node:path';
import { pipeline, Readable, Transform } from 'node:stream';
import type { Context, Hono } from 'hono';
import {
  guessMimeType,
  joinArtifactPath,
  resolveArtifactUri,
  validateArtifactPath,
  type ArtifactFileInfo,
  type ArtifactLocation,
  type ArtifactRepository,
  type MultipartUploads,
} from '@loom/core';
import { f, invalidParameter, LoomError, tracking, type FileInfoJson } from '@loom/protocol';
import type { AppDeps } from '../deps';
import { decodeRequest, json, mountRpc, rpc, type RpcRoute } from '../rpc';

const PROXY_BASES = ['/api/2.0/mlflow-artifacts', '/ajax-api/2.0/mlflow-artifacts'] as const;
const UI_UPLOAD_LIMIT = 10 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Helpers shared by the routes

/** MLflow's FileInfo; the caller decides what `path` is relative to. */
function presentFileInfo(info: ArtifactFileInfo, wirePath: string): FileInfoJson {
  return info.isDir
    ? { path: wirePath, is_dir: true }
    : { path: wirePath, is_dir: false, file_size: info.fileSize ?? 0 };
}

/** The request body as a Node stream, without buffering it. */
function bodyStream(c: Context): Readable {
  const body = c.req.raw.body;
  return body ? Readable.fromWeb(body) : Readable.from([]);
}

/** The still-encoded path after `prefix`: Hono's own path is partly decoded, and the safe-path rule wants the raw text. */
function pathAfter(c: Context, prefix: string): string {
  const pathname = new URL(c.req.url).pathname;
  if (!pathname.startsWith(prefix)) throw invalidParameter('Invalid path');
  return pathname.slice(prefix.length);
}

/** `attachment; filename=<name>` as MLflow sends it, plus RFC 5987 for names HTTP headers cannot carry. */
function contentDisposition(name: string): string {
  if (/^[\x20-\x7e]*$/.test(name)) return `attachment; filename=${name}`;
  const fallback = name.replace(/[^\x20-\x7e]|"/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** Streams one file as a download (attachment + mime rule + nosniff), as MLflow's `_send_artifact`. */
async function sendArtifact(c: Context, { repository, path: file }: ArtifactLocation): Promise<Response> {
  const { stream, size } = await repository.readArtifact(file);
  const headers = {
    'Content-Type': guessMimeType(file),
    'Content-Length': String(size),
    'Content-Disposition': contentDisposition(path.posix.basename(file)),
    'X-Content-Type-Options': 'nosniff',
  };
  // Hono answers HEAD with GET's headers and drops the body; close the file rather than leak it.
  if (c.req.method === 'HEAD') {
    stream.destroy();
    return new Response(null, { headers });
  }
  return new Response(Readable.toWeb(stream) as ReadableStream, { status: 200, headers });
}

/** Lists one level under `relative` of the artifact root `rootUri`; FileInfo paths include `relative`. */
async function listUnder(
  deps: AppDeps,
  rootUri: string,
  relative: string | undefined,
): Promise<FileInfoJson[]> {
  const rel = relative === undefined ? '' : validateArtifactPath(relative);
  const { repository, path: base } = resolveArtifactUri(rootUri, deps.artifacts);
  const infos = await repository.listArtifacts(joinArtifactPath(base, rel));
  return infos.map((i) => presentFileInfo(i, joinArtifactPath(rel, path.posix.basename(i.path))));
}

/** The file `relative` under the artifact root `rootUri`. */
function locate(deps: AppDeps, rootUri: string, relative: string): ArtifactLocation {
  const rel = validateArtifactPath(relative);
  const { repository, path: base } = resolveArtifactUri(rootUri, deps.artifacts);
  return { repository, path: joinArtifactPath(base, rel) };
}

/** Fails the stream with a 400 once more than `limit` bytes have passed. */
function byteLimit(limit: number, message: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      done(seen > limit ? invalidParameter(message) : null, chunk);
    },
  });
}

const runIdOf = (req: { run_id?: string | undefined; run_uuid?: string | undefined }): string => {
  const runId = req.run_id || req.run_uuid;
  if (!runId)
    throw invalidParameter(
      "Missing value for required parameter 'run_id'. See the API docs for more information about request parameters.",
    );
  return runId;
};

// ---------------------------------------------------------------------------------------------
// The mlflow-artifacts proxy: paths are relative to --artifacts-destination

/** The proxy repository; the guard in `mountProxyRoutes` has already answered 503 when there is none. */
const proxyOf = (deps: AppDeps): ArtifactRepository => deps.artifacts as ArtifactRepository;

function multipartOf(deps: AppDeps): MultipartUploads {
  const multipart = proxyOf(deps).multipart;
  // This exact message makes MLflow's client fall back to a single PUT.
  if (!multipart)
    throw new LoomError(
      'NOT_IMPLEMENTED',
      'Multipart upload is not supported for the current artifact repository',
    );
  return multipart;
}

/** The destination of a multipart upload: the URL names the folder, the body's `path` the client's local file. */
function multipartTarget(c: Context, base: string, verb: string, localFile: string): string {
  const folder = validateArtifactPath(pathAfter(c, `${base}/mpu/${verb}/`));
  const name = localFile.split(/[\\/]/).pop() ?? '';
  if (name === '' || name === '.' || name === '..') throw invalidParameter('Invalid path');
  return validateArtifactPath(joinArtifactPath(folder, name));
}

const mpuPart = f.message({ part_number: f.int64(), etag: f.string(), url: f.string() });

/** JSON-bodied proxy routes, declared as data; `path` is below each proxy base. */
const proxyRpcRoutes = (base: string): RpcRoute[] => [
  rpc({
    name: 'listArtifacts',
    methods: ['GET'],
    path: '/artifacts',
    request: { path: f.string() },
    async handle(req, deps) {
      const dir = req.path === undefined ? '' : validateArtifactPath(req.path);
      const infos = await proxyOf(deps).listArtifacts(dir);
      // The client re-joins names with the folder it asked for, so only basenames go back.
      const files = infos.map((i) => presentFileInfo(i, path.posix.basename(i.path)));
      return files.length ? { files } : {};
    },
  }),
  rpc({
    name: 'createMultipartUpload',
    methods: ['POST'],
    path: '/mpu/create/*',
    request: { path: f.string().required(), num_parts: f.int64() },
    async handle(req, deps, c) {
      const multipart = multipartOf(deps);
      const numParts = req.num_parts ?? 1;
      const created = await multipart.createMultipartUpload(
        multipartTarget(c, base, 'create', req.path),
        numParts,
      );
      // Without presigned URLs of its own the store takes parts through Loom's part route; the
      // client PUTs to these URLs directly, so they must be absolute.
      const url = new URL(c.req.url);
      const partBase = `${url.origin}${url.pathname.slice(0, url.pathname.indexOf('/mpu/create/'))}/mpu/part`;
      const credentials =
        created.credentials ??
        Array.from({ length: numParts }, (_, i) => ({
          partNumber: i + 1,
          url: `${partBase}/${created.uploadId}/${i + 1}`,
          headers: {},
        }));
      return {
        upload_id: created.uploadId,
        credentials: credentials.map((cr) => ({
          url: cr.url,
          part_number: cr.partNumber,
          headers: cr.headers,
        })),
      };
    },
  }),
  rpc({
    name: 'completeMultipartUpload',
    methods: ['POST'],
    path: '/mpu/complete/*',
    request: { path: f.string().required(), upload_id: f.string(), parts: mpuPart.list() },
    async handle(req, deps, c) {
      const parts = req.parts.map((p) => ({ partNumber: p.part_number ?? 0, etag: p.etag }));
      const target = multipartTarget(c, base, 'complete', req.path);
      await multipartOf(deps).completeMultipartUpload(target, req.upload_id ?? '', parts);
      return {};
    },
  }),
  rpc({
    name: 'abortMultipartUpload',
    methods: ['POST'],
    path: '/mpu/abort/*',
    request: { path: f.string().required(), upload_id: f.string() },
    async handle(req, deps, c) {
      const target = multipartTarget(c, base, 'abort', req.path);
      await multipartOf(deps).abortMultipartUpload(target, req.upload_id ?? '');
      return {};
    },
  }),
];

function mountProxyRoutes(app: Hono, deps: AppDeps): void {
  // With --no-serve-artifacts MLflow answers every proxy route with this 503 text.
  const guarded = (handler: (c: Context, repo: ArtifactRepository) => Promise<Response>) => (c: Context) => {
    if (!deps.artifacts) {
      return c.text(
        `Endpoint: ${c.req.routePath} disabled due to the mlflow server running with \`--no-serve-artifacts\`. ` +
          'To enable artifacts server functionality, run `mlflow server` with `--serve-artifacts`',
        503,
      );
    }
    return handler(c, deps.artifacts);
  };

  for (const base of PROXY_BASES) {
    for (const route of proxyRpcRoutes(base)) {
      app.on(
        [...route.methods],
        `${base}${route.path}`,
        guarded(async (c) => json(c, await route.handle(await decodeRequest(route, c), deps, c))),
      );
    }

    const files = `${base}/artifacts/`;
    const fileOf = (c: Context): string => {
      const file = validateArtifactPath(pathAfter(c, files));
      // `.` and friends name the whole destination: never a file, and DELETE must not wipe it.
      if (['./', '/'].includes(path.posix.normalize(`${file}/`))) throw invalidParameter('Invalid path');
      return file;
    };
    app.get(
      `${files}*`,
      guarded((c, repo) => sendArtifact(c, { repository: repo, path: fileOf(c) })),
    );
    app.put(
      `${files}*`,
      guarded(async (c, repo) => {
        // Raw bytes, whatever Content-Type the client guessed: never parsed, streamed to the store.
        await repo.writeArtifact(fileOf(c), bodyStream(c));
        return json(c, {});
      }),
    );
    app.delete(
      `${files}*`,
      guarded(async (c, repo) => {
        await repo.deleteArtifacts(fileOf(c));
        return json(c, {});
      }),
    );
    app.put(
      `${base}/mpu/part/:upload_id/:part_number`,
      guarded(async (c) => {
        const partNumber = Number(c.req.param('part_number'));
        const { etag } = await multipartOf(deps).uploadPart(
          c.req.param('upload_id') ?? '',
          partNumber,
          bodyStream(c),
        );
        return c.body(null, 200, { ETag: etag });
      }),
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Routes addressed by run or logged model: paths are relative to that entity's artifact root

const listRoutes = [
  rpc({
    name: 'listArtifacts',
    methods: ['GET'],
    path: '/artifacts/list',
    request: tracking.listArtifacts,
    async handle(req, deps) {
      const run = await deps.tracking.getRunInfo(runIdOf(req));
      const files = await listUnder(deps, run.artifactUri, req.path);
      return files.length ? { root_uri: run.artifactUri, files } : { root_uri: run.artifactUri };
    },
  }),
  rpc({
    name: 'listLoggedModelArtifacts',
    methods: ['GET'],
    path: '/logged-models/:model_id/artifacts/directories',
    request: tracking.listLoggedModelArtifacts,
    async handle(req, deps, c) {
      const model = await deps.tracking.getLoggedModel(c.req.param('model_id') ?? '');
      const files = await listUnder(deps, model.artifactUri, req.artifact_directory_path);
      return files.length ? { root_uri: model.artifactUri, files } : { root_uri: model.artifactUri };
    },
  }),
];

function mountEntityRoutes(app: Hono, deps: AppDeps): void {
  mountRpc(app, listRoutes, deps);

  const getArtifact = async (c: Context) => {
    const runId = runIdOf({ run_id: c.req.query('run_id'), run_uuid: c.req.query('run_uuid') });
    const file = c.req.query('path');
    if (file === undefined)
      throw invalidParameter(
        "Missing value for required parameter 'path'. See the API docs for more information about request parameters.",
      );
    const run = await deps.tracking.getRunInfo(runId);
    return sendArtifact(c, locate(deps, run.artifactUri, file));
  };
  app.get('/get-artifact', getArtifact);
  app.get('/ajax-api/2.0/mlflow/get-artifact', getArtifact);

  app.get('/ajax-api/2.0/mlflow/logged-models/:model_id/artifacts/files', async (c) => {
    const file = c.req.query('artifact_file_path');
    if (!file)
      throw new LoomError('BAD_REQUEST', 'Request must include the "artifact_file_path" query parameter.');
    const model = await deps.tracking.getLoggedModel(c.req.param('model_id') ?? '');
    return sendArtifact(c, locate(deps, model.artifactUri, file));
  });

  app.post('/ajax-api/2.0/mlflow/upload-artifact', async (c) => {
    // MLflow's messages, in MLflow's order of checks.
    const runId = c.req.query('run_uuid') || c.req.query('run_id');
    if (!runId) throw invalidParameter('Request must specify run_uuid.');
    const file = c.req.query('path');
    if (!file) throw invalidParameter('Request must specify path.');
    const rel = validateArtifactPath(file);
    const tooLarge = 'Artifact size is too large. Max size is 10MB.';
    const length = c.req.header('content-length');
    if (Number(length ?? 0) > UI_UPLOAD_LIMIT) throw invalidParameter(tooLarge);
    if (!c.req.raw.body || length === '0') throw invalidParameter('Request must specify data.');
    const run = await deps.tracking.getRunInfo(runId);
    const { repository, path: target } = locate(deps, run.artifactUri, rel);
    // Content-Length may be absent (chunked), so the limit is also enforced on the bytes themselves.
    // pipeline (not pipe) so that a client abort also fails the write; the write reports the error.
    const limited = pipeline(bodyStream(c), byteLimit(UI_UPLOAD_LIMIT, tooLarge), () => undefined);
    await repository.writeArtifact(target, limited);
    return json(c, {});
  });
}

/** Mounts every artifact route on `app`. */
export function mountArtifactRoutes(app: Hono, deps: AppDeps): void {
  mountProxyRoutes(app, deps);
  mountEntityRoutes(app, deps);
}
