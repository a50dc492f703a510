/**
 * DNS-rebinding defence (MLflow's `--allowed-hosts`): a page on an attacker's domain that resolves
 * to this server still sends its own name in Host, so only listed names are served.
 */
import type { MiddlewareHandler } from 'hono';
import { LoomError } from '@loom/protocol';
import { splitHost, wildcardMatcher } from './patterns';

/** Load balancers probe these with whatever Host they like (MLflow exempts them too). */
const PROBE_PATHS = new Set(['/health', '/version']);

export const INVALID_HOST_MESSAGE = 'Invalid Host header - possible DNS rebinding attack detected';

/**
 * A pattern with a port must match the whole Host header; one without a port matches the name
 * whatever the port (`mlflow.example.com` allows `mlflow.example.com:5000`).
 */
export function hostMatcher(patterns: readonly string[]): (host: string) => boolean {
  const matches = wildcardMatcher(patterns);
  return (host) => {
    const parts = splitHost(host);
    return parts !== undefined && (matches(host) || matches(parts.name));
  };
}

/** Refuses (403) requests whose Host header is not in `allowedHosts`. */
export function hostCheck(allowedHosts: readonly string[]): MiddlewareHandler {
  const allowed = hostMatcher(allowedHosts);
  return async (c, next) => {
    if (PROBE_PATHS.has(c.req.path)) return next();
    // Without a Host header (HTTP/1.0, in-process requests) the URL carries the server's own name.
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    if (!allowed(host)) {
      console.warn(`[loom] refused a request with Host '${host.slice(0, 200)}'`);
      throw new LoomError('PERMISSION_DENIED', INVALID_HOST_MESSAGE);
    }
    return next();
  };
}
