/** createApp: the whole HTTP surface as a Hono app that never listens (main.ts opens the port). */
import { Hono } from 'hono';
import { onError, onNotFound } from './errors';
import { assertEveryRouteGuarded, installAuth } from './auth/install-auth';
import type { AppDeps } from './deps';
import { mountRpc } from './rpc';
import { trackingRoutes } from './routes/tracking-routes';
import { mountArtifactRoutes } from './routes/artifacts';
import { mountRegistryRoutes } from './routes/registry-routes';
import { webhookRoutes } from './routes/webhooks';
import { mountUiRoutes } from './routes/ui';
import { mountSecurity } from './security';
import { LOOM_VERSION, MLFLOW_COMPAT_VERSION } from './version';

/** Builds the Loom HTTP app around already-opened services. */
export function createApp(input: AppDeps): Hono {
  const app = new Hono();
  mountSecurity(app, input.config);
  const deps = installAuth(app, input);
  app.get('/health', (c) => c.text('OK'));
  app.get('/version', (c) => c.text(MLFLOW_COMPAT_VERSION));
  app.get('/loom/version', (c) => c.json({ loom: LOOM_VERSION, mlflow_api: MLFLOW_COMPAT_VERSION }));

  if (deps.config.artifactsOnly) {
    app.all('/api/2.0/mlflow/*', (c) => c.text('Endpoint disabled: server runs with --artifacts-only', 503));
    app.all('/ajax-api/2.0/mlflow/*', (c) =>
      c.text('Endpoint disabled: server runs with --artifacts-only', 503),
    );
  } else {
    mountRpc(app, trackingRoutes, deps);
    mountRegistryRoutes(app, deps);
    if (deps.webhooks) mountRpc(app, webhookRoutes, deps);
  }
  mountArtifactRoutes(app, deps);
  // Last: the API and /health keep priority over the UI's catch-all.
  if (deps.uiDir) mountUiRoutes(app, deps.uiDir);

  assertEveryRouteGuarded(app, deps);
  app.onError(onError);
  app.notFound(onNotFound);
  return app;
}
