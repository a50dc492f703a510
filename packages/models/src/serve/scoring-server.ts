/**
 * The scoring server (`loom models serve`): MLflow's routes on node:http — `/ping` and `/health`,
 * `/version`, and `/invocations`, which parses one request, enforces the signature, predicts and
 * answers `{"predictions": …}`. Errors are MLflow's JSON with its codes; bodies over the size limit
 * get 413 and requests over the time limit 504. node:http rather than a router: four routes, and this
 * path is measured in microseconds (see docs/benchmarks.md).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LoomError } from '@loom/protocol';
import type { Model } from '../load-model';
import { parseCsvRequest, parseJsonRequest } from './parse-request';

export interface ScoringOptions {
  /** Largest request body accepted, in bytes (default 100 MiB). */
  maxBodyBytes?: number | undefined;
  /** Longest a prediction may take before the answer is 504 (default 60 s). */
  timeoutMs?: number | undefined;
  /** What `/version` answers. */
  version?: string | undefined;
}

export interface RunningScoringServer {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

const CONTENT_TYPES = ['application/json', 'text/csv'];
const DEFAULT_MAX_BODY = 100 * 1024 * 1024;

/** A response already decided (status, type, body). */
interface Answer {
  status: number;
  type: string;
  body: string;
}

const json = (status: number, value: unknown): Answer => ({
  status,
  type: 'application/json',
  body: JSON.stringify(value),
});
const errorAnswer = (err: LoomError, status = err.httpStatus, stack?: string): Answer =>
  json(status, stack ? { ...err.toJSON(), stack_trace: stack } : err.toJSON());

/** The request listener serving `model`. */
export function scoringHandler(model: Model, options: ScoringOptions = {}) {
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const version = options.version ?? '0.1.0';

  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (a: Answer) => {
      if (res.headersSent) return;
      res.writeHead(a.status, { 'content-type': a.type, 'content-length': Buffer.byteLength(a.body) });
      res.end(a.body);
    };
    if (path === '/ping' || path === '/health') {
      send({ status: 200, type: 'application/json', body: '\n' });
    } else if (path === '/version') {
      send({ status: 200, type: 'application/json', body: version });
    } else if (path === '/invocations') {
      if (req.method !== 'POST') {
        send(json(405, { error_code: 'BAD_REQUEST', message: 'Use POST for /invocations' }));
        return;
      }
      void invocations(req, model, maxBody, timeoutMs).then(send, (err: unknown) =>
        // Only the request stream itself can fail here (a client that hung up mid-body).
        send(errorAnswer(new LoomError('BAD_REQUEST', `Could not read the request: ${String(err)}`))),
      );
    } else {
      send(errorAnswer(new LoomError('ENDPOINT_NOT_FOUND', `No route ${req.method} ${path}`)));
    }
  };
}

/** `text/csv` or `application/json`, with at most a utf-8 charset; undefined for anything else. */
function contentType(header: string | undefined): string | undefined {
  const [type = '', ...params] = (header ?? '').split(';').map((p) => p.trim().toLowerCase());
  if (!CONTENT_TYPES.includes(type)) return undefined;
  const ok = params.every((p) => p === '' || /^charset=("?)utf-?8\1$/.test(p));
  return ok ? type : undefined;
}

async function invocations(
  req: IncomingMessage,
  model: Model,
  maxBody: number,
  timeoutMs: number,
): Promise<Answer> {
  const type = contentType(req.headers['content-type']);
  if (!type) {
    req.resume();
    return {
      status: 415,
      type: 'text/plain',
      body:
        `This predictor only supports the following content types: Types: ${JSON.stringify(CONTENT_TYPES)}. ` +
        `Got '${req.headers['content-type'] ?? ''}'.`,
    };
  }
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Answer>((resolve) => {
    timer = setTimeout(
      () =>
        resolve(errorAnswer(new LoomError('DEADLINE_EXCEEDED', 'Request processing time exceeded limit'))),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([score(req, type, model, maxBody), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

async function score(req: IncomingMessage, type: string, model: Model, maxBody: number): Promise<Answer> {
  const text = await readBody(req, maxBody);
  if (text === undefined) {
    return errorAnswer(
      new LoomError('BAD_REQUEST', `The request body is larger than the limit of ${maxBody} bytes`),
      413,
    );
  }
  let request;
  try {
    request = type === 'text/csv' ? parseCsvRequest(text, model.signature?.inputs) : parseJsonRequest(text);
  } catch (err) {
    return err instanceof LoomError
      ? errorAnswer(err)
      : errorAnswer(new LoomError('BAD_REQUEST', String(err)));
  }
  try {
    const predictions = await model.predict(request.input, request.params);
    return json(200, { predictions });
  } catch (err) {
    const failure = predictionFailure(err);
    return errorAnswer(failure.error, failure.error.httpStatus, failure.stack);
  }
}

/**
 * A failed prediction as MLflow reports it: Loom's own errors prefixed, anything else (a flavor's
 * runtime) BAD_REQUEST with its stack. Shared with batch scoring so both say the same.
 */
export function predictionFailure(err: unknown): { error: LoomError; stack?: string | undefined } {
  if (err instanceof LoomError) {
    return { error: new LoomError(err.code, `Failed to predict data. Error: ${err.message}`) };
  }
  const e = err instanceof Error ? err : new Error(String(err));
  const error = new LoomError(
    'BAD_REQUEST',
    'Encountered an unexpected error while evaluating the model. Verify that the input is compatible ' +
      `with the model for inference. Error '${e.message}'`,
  );
  return { error, stack: e.stack };
}

/** The body as text, or undefined once it passes `max` bytes (the rest is then discarded). */
function readBody(req: IncomingMessage, max: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > max) {
      req.resume();
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) over = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Listens on `host:port` (0 picks a free port) and serves `model`. */
export function startScoringServer(
  model: Model,
  listen: { host: string; port: number },
  options: ScoringOptions = {},
): Promise<RunningScoringServer> {
  const server = createServer(scoringHandler(model, options));
  server.keepAliveTimeout = 65_000; // longer than common load balancers' idle timeout
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      const { port } = server.address() as AddressInfo;
      const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
      resolve({
        url: `http://${host}:${port}`,
        port,
        server,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
  });
}
