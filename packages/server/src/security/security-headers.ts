/**
 * Headers on every answer: no MIME sniffing, no framing by other sites, no Referer to other sites,
 * and a Content-Security-Policy — the UI's own for its HTML, a locked-down one for everything else
 * (an artifact opened directly in a tab, an SVG say, runs no script).
 */
import type { MiddlewareHandler } from 'hono';
import type { ResolvedSecurity } from './security-settings';

/**
 * What the built UI needs: its own scripts, styles and API; inline style attributes (React and
 * uPlot position things with them, and a previewed HTML artifact, which inherits this policy in
 * its sandboxed srcdoc frame, keeps its look); images from artifacts, data: and blob: URLs.
 */
const UI_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
];

/** Anything that is not the UI's HTML: no subresources, no scripts, an opaque origin. */
const NON_HTML_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox";

const FRAME_ANCESTORS = { SAMEORIGIN: "frame-ancestors 'self'", DENY: "frame-ancestors 'none'" };

/** The UI page's Content-Security-Policy for an X-Frame-Options setting. */
export function uiContentSecurityPolicy(frameOptions: ResolvedSecurity['xFrameOptions']): string {
  return [...UI_POLICY, ...(frameOptions ? [FRAME_ANCESTORS[frameOptions]] : [])].join('; ');
}

/** Adds the security headers to every response, refusals and errors included. */
export function securityHeaders(frameOptions: ResolvedSecurity['xFrameOptions']): MiddlewareHandler {
  const uiPolicy = uiContentSecurityPolicy(frameOptions);
  return async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'same-origin');
    if (frameOptions) c.header('X-Frame-Options', frameOptions);
    const html = /^text\/html\b/i.test(c.res.headers.get('content-type') ?? '');
    c.header('Content-Security-Policy', html ? uiPolicy : NON_HTML_POLICY);
  };
}
