/**
 * Artifact routes addressed by run or logged model (paths relative to that entity's artifact root):
 * listing, `/get-artifact` downloads, and the UI's upload.
 */
import { pipeline } from 'node:stream';
import type { Context, Hono } from 'hono';
import { validateArtifactPath } from '@loom/core';
import { invalidParameter, LoomError, tracking } from '@loom/protocol';
import type { AppDeps } from '../deps';
import { json, mountRpc, rpc } from '../rpc';
import { bodyStream, byteLimit, listUnder, locate, sendArtifact } from './artifact-http';
import { runIdOf } from './run-id';

const UI_UPLOAD_LIMIT = 10 * 1024 * 1024;

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

/** Mounts listing and download of run and logged-model artifacts, and the UI's upload. */
export function mountRunArtifactRoutes(app: Hono, deps: AppDeps): void {
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
