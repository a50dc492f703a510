/**
 * The `mlflow-artifacts` proxy (`--serve-artifacts`): PUT/GET/DELETE of files, listing, and
 * multipart uploads, with paths relative to `--artifacts-destination`. Bodies stream both ways and
 * every caller-supplied path passes MLflow's safe-path rule first.
 */
import path from 'node:path';
import type { Context, Hono } from 'hono';
import {
  joinArtifactPath,
  validateArtifactPath,
  type ArtifactRepository,
  type MultipartUploads,
} from '@loom/core';
import { f, invalidParameter, LoomError } from '@loom/protocol';
import type { AppDeps } from '../deps';
import { decodeRequest, json, rpc, type RpcRoute } from '../rpc';
import { bodyStream, pathAfter, presentFileInfo, sendArtifact } from './artifact-http';

const PROXY_BASES = ['/api/2.0/mlflow-artifacts', '/ajax-api/2.0/mlflow-artifacts'] as const;

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

/** Mounts the `mlflow-artifacts` proxy (paths relative to --artifacts-destination) under both prefixes. */
export function mountProxyRoutes(app: Hono, deps: AppDeps): void {
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
