/** The edge's protections, mounted before every route (see docs/deploy.md, "Security settings"). */
import type { Hono } from 'hono';
import type { ServerConfig } from '@loom/core';
import { bodyLimit } from './body-limit';
import { cors } from './cors';
import { hostCheck } from './host-check';
import { securityHeaders } from './security-headers';
import { resolveSecurity } from './security-settings';

/**
 * Outermost first: the headers wrap every answer (refusals too), then the Host check, CORS and the
 * cross-site refusal, then the body cap. `--disable-security-middleware` keeps only the body cap.
 */
export function mountSecurity(app: Hono, config: ServerConfig): void {
  const security = resolveSecurity(config);
  if (security.enabled) {
    app.use(securityHeaders(security.xFrameOptions));
    app.use(hostCheck(security.allowedHosts));
    app.use(cors(security.corsAllowedOrigins));
  }
  app.use(bodyLimit(security.maxBodyBytes));
}
