/**
 * A cap on request bodies that are read whole (JSON): larger ones are answered 413 before they are
 * buffered. Artifact uploads stream to the store and are not capped here; the UI's upload keeps
 * its own 10 MB limit and MLflow's message.
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit as honoBodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';

/** Routes whose bodies stream to the artifact store, never held in memory. */
const STREAMED_UPLOADS: readonly RegExp[] = [
  /^\/(?:ajax-)?api\/2\.0\/mlflow-artifacts\/artifacts\//, // proxy PUT of one file
  /^\/(?:ajax-)?api\/2\.0\/mlflow-artifacts\/mpu\/part\//, // multipart part
  /^\/ajax-api\/2\.0\/mlflow\/upload-artifact$/, // the UI's upload (limited by its route)
];

/** True when `method path` is a streamed artifact upload. */
export function isStreamedUpload(method: string, path: string): boolean {
  return (method === 'PUT' || method === 'POST') && STREAMED_UPLOADS.some((re) => re.test(path));
}

/** 413 (RESOURCE_EXHAUSTED, via the error handler) for bodies over `maxBytes`, streamed uploads aside. */
export function bodyLimit(maxBytes: number): MiddlewareHandler {
  const tooLarge = () => {
    throw new HTTPException(413, { message: `Request body exceeds the limit of ${maxBytes} bytes.` });
  };
  const limit = honoBodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD' || isStreamedUpload(method, c.req.path)) return next();
    // A declared length is checked without touching the body. Hono's check reads every body through
    // a web stream, which also keeps the Node adapter from reading it straight off the socket later
    // (0.3 ms of a 1000-point log-batch). Bodies of unknown length are counted as they arrive.
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      return Number(length) > maxBytes ? tooLarge() : next();
    }
    return limit(c, next);
  };
}
