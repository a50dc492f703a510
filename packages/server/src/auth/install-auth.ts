/**
 * Turns authentication on for an app whose deps carry an AuthService: the middleware, the rpc route
 * guard, the auth endpoints, the caller as the principal of approvals, and model permissions as the
 * registry's permissions. Without `deps.auth` nothing changes.
 */
import type { Hono } from 'hono';
import { RegistryGovernanceService } from '@loom/core';
import type { AppDeps } from '../deps';
import { mountRpc } from '../rpc';
import { authTokenRoutes } from '../routes/auth-tokens';
import { authUserRoutes } from '../routes/auth-users';
import { authMiddleware, isPublicPath } from './auth-middleware';
import { requestUser } from './request-user';
import { AuthRouteGuard } from './route-guard';

/** Installs authentication on `app` and returns the deps its routes must be mounted with. */
export function installAuth(app: Hono, deps: AppDeps): AppDeps {
  const auth = deps.auth;
  if (!auth) return deps;
  // The guard reads the final deps lazily: they are only complete once built below.
  let full: AppDeps = deps;
  const guard = new AuthRouteGuard(auth, () => full);
  full = {
    ...deps,
    guard,
    principal: (c) => ({ user: requestUser(c).username }),
    governance:
      deps.governance ??
      (deps.registry ? new RegistryGovernanceService(deps.registry, auth.registryPermissions()) : undefined),
  };
  app.use(authMiddleware(auth, full));
  if (!deps.config.artifactsOnly) mountRpc(app, [...authUserRoutes, ...authTokenRoutes], full);
  return full;
}

/** Refuses to build an authenticated app with a route that no rule covers. */
export function assertEveryRouteGuarded(app: Hono, deps: AppDeps): void {
  if (deps.guard instanceof AuthRouteGuard) deps.guard.assertEveryRouteGuarded(app, isPublicPath);
}
