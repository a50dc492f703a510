/** Every artifact route: the proxy and the routes addressed by run or logged model. */
import type { Hono } from 'hono';
import type { AppDeps } from '../deps';
import { mountProxyRoutes } from './artifact-proxy';
import { mountRunArtifactRoutes } from './run-artifacts';

/** Mounts every artifact route on `app`. */
export function mountArtifactRoutes(app: Hono, deps: AppDeps): void {
  mountProxyRoutes(app, deps);
  mountRunArtifactRoutes(app, deps);
}
