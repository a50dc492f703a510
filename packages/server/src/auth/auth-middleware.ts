/**
 * Authentication for every request: HTTP Basic (username:password) or `Authorization: Bearer <token>`
 * (MLFLOW_TRACKING_TOKEN). Missing or wrong credentials get MLflow's 401 with a Basic challenge;
 * repeated failures from one address for one user name get 429. Routes mounted outside rpc.ts are
 * authorized here too (raw-route-rules.ts); rpc routes are authorized by the route guard.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { AuthService, User } from '@loom/core';
import { LoomError } from '@loom/protocol';
import type { AppDeps } from '../deps';
import { parseAuthorization } from './credentials';
import { LoginRateLimit } from './login-rate-limit';
import { findRawRule } from './raw-route-rules';
import { setRequestUser } from './request-user';

/** Paths served to everyone: health checks, version probes and the UI's fingerprinted assets. */
const PUBLIC_PATHS = ['/health', '/version', '/loom/version', '/favicon.ico'];
const PUBLIC_PREFIXES = ['/static/', '/assets/'];

/** True for a path any visitor may fetch without signing in. */
export function isPublicPath(path: string): boolean {
  return PUBLIC_PATHS.includes(path) || PUBLIC_PREFIXES.some((p) => path.startsWith(p));
}

const NOT_AUTHENTICATED =
  'You are not authenticated. Please see https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to authenticate.';

function errorResponse(c: Context, err: LoomError, headers: Record<string, string> = {}): Response {
  return c.body(JSON.stringify(err.toJSON()), err.httpStatus as 401, {
    'content-type': 'application/json',
    ...headers,
  });
}

/** The peer address (Node server), or a constant under in-process test requests. */
function clientAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'local';
}

/** The middleware that authenticates every request to the app built on `deps`. */
export function authMiddleware(
  auth: AuthService,
  deps: AppDeps,
  limit = new LoginRateLimit(),
  // Failures from one address whatever the user name, so spraying names cannot burn scrypt time.
  perAddress = new LoginRateLimit(limit.max * 10, limit.windowMs),
): MiddlewareHandler {
  return async (c, next) => {
    const path = c.req.path;
    // CORS preflights carry no credentials by design, and no route answers OPTIONS but CORS.
    if (isPublicPath(path) || c.req.method === 'OPTIONS') return next();
    const credentials = parseAuthorization(c.req.header('authorization'));
    const challenge = { 'WWW-Authenticate': 'Basic realm="mlflow"' };
    if (credentials.kind === 'none')
      return errorResponse(c, new LoomError('UNAUTHENTICATED', NOT_AUTHENTICATED), challenge);

    const address = clientAddress(c);
    const key = `${credentials.kind === 'basic' ? `user:${credentials.username}` : 'token'}|${address}`;
    if (limit.isBlocked(key) || perAddress.isBlocked(address)) {
      return errorResponse(
        c,
        new LoomError('REQUEST_LIMIT_EXCEEDED', 'Too many failed sign-in attempts; try again in a minute.'),
        { 'Retry-After': String(Math.ceil(limit.windowMs / 1000)) },
      );
    }
    const user: User | undefined =
      credentials.kind === 'basic'
        ? await auth.authenticatePassword(credentials.username, credentials.password)
        : await auth.authenticateToken(credentials.token);
    if (!user) {
      limit.fail(key);
      perAddress.fail(address);
      return errorResponse(c, new LoomError('UNAUTHENTICATED', NOT_AUTHENTICATED), challenge);
    }
    setRequestUser(c, user);

    const raw = findRawRule(c.req.method, path);
    if (raw) await raw.rule.check({ auth, deps, user }, c, raw.match);
    return next();
  };
}
