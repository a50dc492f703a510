/** Every Model Registry route, and the download of a version's files. */
import type { Context, Hono } from 'hono';
import { decodeQuery, registry as api } from '@loom/protocol';
import type { AppDeps } from '../deps';
import { mountRpc, type RpcRoute } from '../rpc';
import { locate, sendArtifact } from './artifact-http';
import { modelVersionRoutes } from './model-versions';
import { registeredModelRoutes } from './registered-models';
import { commentRoutes } from './comments';
import { registryGovernanceRoutes } from './registry-governance';
import { transitionRequestRoutes } from './transition-requests';
import { registryOf } from './registry-deps';

export const registryRoutes: readonly RpcRoute[] = [
  ...registeredModelRoutes,
  ...modelVersionRoutes,
  ...transitionRequestRoutes,
  ...commentRoutes,
  ...registryGovernanceRoutes,
] as unknown as readonly RpcRoute[];

/** Mounts the registry endpoints and `model-versions/get-artifact` when the app has a registry. */
export function mountRegistryRoutes(app: Hono, deps: AppDeps): void {
  if (!deps.registry) return;
  mountRpc(app, registryRoutes, deps);
  // A file under the version's download location (MLflow's serve_model_version_artifact).
  const getArtifact = async (c: Context) => {
    const req = decodeQuery(api.getModelVersionArtifact, new URL(c.req.url).searchParams);
    const uri = await registryOf(deps).getModelVersionDownloadUri(req.name, req.version);
    return sendArtifact(c, locate(deps, uri, req.path));
  };
  app.get('/model-versions/get-artifact', getArtifact);
  app.get('/ajax-api/2.0/mlflow/model-versions/get-artifact', getArtifact);
}
