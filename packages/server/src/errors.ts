/** The one place where failures become HTTP answers in MLflow's `{error_code, message}` shape. */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { LoomError } from '@loom/protocol';

/** Turns any thrown value into an MLflow error response; internals are logged, never leaked. */
export function onError(err: Error, c: Context): Response {
  if (err instanceof LoomError) {
    return c.body(JSON.stringify(err.toJSON()), err.httpStatus as 400, {
      'content-type': 'application/json',
    });
  }
  if (err instanceof HTTPException && err.status < 500) {
    const status = err.status;
    const code = status === 413 ? 'RESOURCE_EXHAUSTED' : 'BAD_REQUEST';
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    // The refused body may be unread on the socket: the connection closes rather than going back to
    // a client's keep-alive pool, where its next request would meet the closing socket.
    if (status === 413) headers.connection = 'close';
    return c.body(
      JSON.stringify({ error_code: code, message: err.message || 'Bad Request' }),
      status,
      headers,
    );
  }
  // The stack and any driver text (a PostgreSQL message can quote SQL) stay in the server's log.
  console.error(`[loom] ${c.req.method} ${c.req.path} failed:`, err);
  return c.body(JSON.stringify({ error_code: 'INTERNAL_ERROR', message: 'Internal server error' }), 500, {
    'content-type': 'application/json',
  });
}

/** Unknown routes: MLflow's JSON 404 under the API prefixes, plain text elsewhere. */
export function onNotFound(c: Context): Response {
  const path = c.req.path;
  if (path.startsWith('/api/') || path.startsWith('/ajax-api/')) {
    return c.body(
      JSON.stringify({
        error_code: 'ENDPOINT_NOT_FOUND',
        message: `No API endpoint at ${c.req.method} ${path}`,
      }),
      404,
      { 'content-type': 'application/json' },
    );
  }
  return c.text('Not Found', 404);
}
