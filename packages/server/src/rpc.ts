/**
 * Routes declared as data: an MLflow operation name, its HTTP method and path, a request schema and
 * one handler. `mountRpc` mounts each under /api/<v>/mlflow and /ajax-api/<v>/mlflow and applies
 * MLflow's request decoding rules once, for every endpoint.
 */
import type { Context, Hono } from 'hono';
import { decodeJson, decodeQuery, invalidParameter, type Fields, type Infer } from '@loom/protocol';
import type { AppDeps } from './deps';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';

export interface RpcRoute<F extends Fields = Fields> {
  /** MLflow's operation name, also the name of the core and store functions. */
  name: string;
  methods: readonly HttpMethod[];
  /** Path below `/mlflow`, Hono syntax for path parameters (`/logged-models/:model_id`). */
  path: string;
  /** API versions the route is mounted under; MLflow 2 endpoints live under 2.0. */
  versions?: readonly ('2.0' | '3.0')[];
  /** Mounted under `/ajax-api` only (UI helpers that MLflow does not expose under `/api`). */
  ajaxOnly?: boolean;
  /** `mlflow` (default) for MLflow's and Databricks' endpoints; `loom` for Loom's own. */
  namespace?: 'mlflow' | 'loom';
  request: F;
  handle(req: Infer<F>, deps: AppDeps, c: Context): Promise<unknown>;
}

/**
 * Authorization around every data-declared route (authentication on). `mounted` throws for a route
 * it has no rule for, so an unchecked route cannot be served.
 */
export interface RouteGuard {
  mounted(route: RpcRoute, method: string, path: string): void;
  run(
    route: RpcRoute,
    req: unknown,
    c: Context,
    handle: (req: unknown) => Promise<unknown>,
  ): Promise<unknown>;
}

/** Declares a route; the identity function that gives the handler its request type. */
export const rpc = <F extends Fields>(route: RpcRoute<F>): RpcRoute<F> => route;

async function readJsonBody(c: Context, method: string): Promise<unknown> {
  if (method === 'POST' || method === 'PUT') {
    const type = c.req.header('content-type');
    if (!type) throw invalidParameter('Bad Request. Content-Type header is missing.');
    if (!/^application\/json\s*(;|$)/i.test(type))
      throw invalidParameter(`Bad Request. Content-Type must be 'application/json', got '${type}'.`);
  }
  // The body's size was capped by the security middleware (413) before it was read.
  const text = await c.req.text();
  if (text.trim() === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
    // Old clients double-encode: a JSON string that holds the JSON object.
    if (typeof body === 'string') body = JSON.parse(body);
  } catch (err) {
    throw invalidParameter(`Malformed JSON in request body: ${(err as Error).message}`);
  }
  return body;
}

/** Decodes a request for `route` following MLflow's rules (query string for GET, else JSON). */
export async function decodeRequest<F extends Fields>(route: RpcRoute<F>, c: Context): Promise<Infer<F>> {
  const method = c.req.method;
  const url = new URL(c.req.url);
  const pathParams = c.req.param() as Record<string, string>;
  if (method === 'GET' && url.search.length > 1) {
    for (const [k, v] of Object.entries(pathParams)) url.searchParams.set(k, v);
    return decodeQuery(route.request, url.searchParams);
  }
  const body = await readJsonBody(c, method);
  // Databricks' clients send DELETE parameters in the query string, MLflow's in a JSON body.
  if (method === 'DELETE' && url.search.length > 1 && isEmptyObject(body)) {
    for (const [k, v] of Object.entries(pathParams)) url.searchParams.set(k, v);
    return decodeQuery(route.request, url.searchParams);
  }
  const input = body !== null && typeof body === 'object' && !Array.isArray(body) ? { ...body } : {};
  Object.assign(input, pathParams);
  return decodeJson(route.request, input);
}

function isEmptyObject(value: unknown): boolean {
  return value !== null && typeof value === 'object' && Object.keys(value).length === 0;
}

/** A JSON response; the presenters have already encoded non-finite doubles as strings. */
export function json(c: Context, body: unknown): Response {
  return c.body(JSON.stringify(body ?? {}), 200, { 'content-type': 'application/json' });
}

/** Mounts every route of `routes` on `app` under MLflow's prefixes. */
export function mountRpc(app: Hono, routes: readonly RpcRoute[], deps: AppDeps): void {
  for (const route of routes) {
    const handler = async (c: Context) => {
      const req = await decodeRequest(route, c);
      const result = deps.guard
        ? await deps.guard.run(route, req, c, (r) => route.handle(r as typeof req, deps, c))
        : await route.handle(req, deps, c);
      return result instanceof Response ? result : json(c, result);
    };
    const prefixes = route.ajaxOnly ? ['/ajax-api'] : ['/api', '/ajax-api'];
    for (const version of route.versions ?? ['2.0']) {
      for (const prefix of prefixes) {
        const path = `${prefix}/${version}/${route.namespace ?? 'mlflow'}${route.path}`;
        for (const method of route.methods) deps.guard?.mounted(route, method, path);
        app.on([...route.methods], path, handler);
      }
    }
  }
}
