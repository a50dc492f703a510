/**
 * CORS with an allow-list (MLflow's `--cors-allowed-origins`) and the CSRF defence that fits a
 * server without session cookies: a browser always names the page that sent a request in `Origin`
 * (and `Sec-Fetch-Site`), so state-changing requests from any other site are refused before they
 * run, whatever their content type. Clients outside a browser send neither header and pass.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { LoomError } from '@loom/protocol';
import { wildcardMatcher } from './patterns';

export const CROSS_ORIGIN_MESSAGE = 'Cross-origin request blocked';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';
/** Headers a cross-origin script may read besides the safelisted ones (downloads, multipart parts). */
const EXPOSED_HEADERS = 'Content-Disposition, ETag';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

/** True when `origin` is this server itself (same host and port; the scheme may differ behind a TLS proxy). */
function isSameOrigin(c: Context, origin: string): boolean {
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false;
  }
  const host = c.req.header('host') ?? new URL(c.req.url).host;
  return originHost !== '' && originHost.toLowerCase() === host.toLowerCase();
}

function refuse(c: Context, why: string): never {
  console.warn(`[loom] refused ${c.req.method} ${c.req.path}: ${why.slice(0, 200)}`);
  throw new LoomError('PERMISSION_DENIED', CROSS_ORIGIN_MESSAGE);
}

/** Answers preflights, labels allowed cross-origin answers, and refuses cross-site writes. */
export function cors(allowedOrigins: readonly string[]): MiddlewareHandler {
  const listed = wildcardMatcher(allowedOrigins);
  return async (c, next) => {
    const origin = c.req.header('origin');
    const method = c.req.method;
    if (origin === undefined) {
      // Old browsers omit Origin on some requests but every current one sends Sec-Fetch-Site.
      if (STATE_CHANGING.has(method) && c.req.header('sec-fetch-site') === 'cross-site')
        refuse(c, 'Sec-Fetch-Site: cross-site without Origin');
      return next();
    }
    if (isSameOrigin(c, origin)) return next();
    const allowed = origin !== 'null' && listed(origin);
    const preflight = method === 'OPTIONS' && c.req.header('access-control-request-method') !== undefined;
    if (!allowed && (preflight || STATE_CHANGING.has(method))) refuse(c, `Origin '${origin}'`);
    if (!allowed) return next(); // a read: answered without CORS headers, so the page cannot see it

    const headers: Record<string, string> = {
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Credentials': 'true',
      Vary: 'Origin',
    };
    if (preflight) {
      const requested = c.req.header('access-control-request-headers');
      return c.body(null, 204, {
        ...headers,
        'Access-Control-Allow-Methods': ALLOWED_METHODS,
        ...(requested ? { 'Access-Control-Allow-Headers': requested } : {}),
        'Access-Control-Max-Age': PREFLIGHT_MAX_AGE_SECONDS,
      });
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
    c.header('Access-Control-Expose-Headers', EXPOSED_HEADERS);
  };
}
