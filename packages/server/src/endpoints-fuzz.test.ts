/**
 * Fuzzing of every JSON endpoint: random and hostile bodies, query strings, path parameters and
 * content types, shaped by each route's request schema or not at all, sent to the in-process app
 * on a real store. No answer may be a 500 (or any 5xx but the NOT_IMPLEMENTED a route declares),
 * and every error must be MLflow's `{error_code, message}`.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isErrorCode, type Field, type Fields } from '@loom/protocol';
import { assertProperty, fuzzSummary } from '@loom/core/testing';
import type { RpcRoute } from './rpc';
import { registryRoutes } from './routes/registry-routes';
import { trackingRoutes } from './routes/tracking-routes';
import { webhookRoutes } from './routes/webhooks';
import { createTestApp, type TestApp } from './testing/test-app';

type Scalar = Field<unknown>['type'];

/** Names of things the store holds, so that some requests get past "does not exist". */
const known = { experimentId: '0', runId: '', modelName: 'fuzz-model', version: '1', loggedModelId: '' };

const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '💥'.repeat(3),
  "'; DROP TABLE runs; --",
  '../../../etc/passwd',
  '..',
  '/',
  '%2e%2e%2f',
  'C:\\Windows',
  'NaN',
  'Infinity',
  '-1',
  '9223372036854775808',
  '1e400',
  'true',
  'null',
  '{}',
  '[]',
  'x'.repeat(10_000),
  'file:///etc/passwd',
  'http://127.0.0.1:1/',
  's3://bucket/key',
  'runs:/nope/model',
  'models:/nope/1',
  'mlflow-artifacts:/../../x',
];

const hostileString = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.string({ maxLength: 40 }),
  fc.string({ maxLength: 20, unit: 'binary' }),
  fc.constant(null).map(() => known.runId),
  fc.constant(null).map(() => known.modelName),
  fc.constant(null).map(() => known.loggedModelId),
);
const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1, 2 ** 53, 2 ** 63, -(2 ** 63), 1e308, Number.MAX_SAFE_INTEGER + 2),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '12', '1.5', 'abc', '0x10', ''),
);
/** A value of any JSON type: what a confused or hostile client sends in place of the right one. */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  hostileNumber,
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(hostileString, { maxLength: 3 }),
);

/** A value for one scalar of a request schema: usually of its type, sometimes not. */
function scalarValue(type: Scalar, depth: number): fc.Arbitrary<unknown> {
  const right = ((): fc.Arbitrary<unknown> => {
    switch (type.kind) {
      case 'string':
        return hostileString;
      case 'int64':
      case 'int32':
      case 'double':
        return hostileNumber;
      case 'bool':
        return fc.oneof(fc.boolean(), fc.constantFrom('true', 'FALSE', 'yes'));
      case 'enum':
        return fc.oneof(fc.constantFrom(...type.values), fc.integer({ min: -1, max: 8 }));
      case 'message':
        return depth > 2 ? fc.constant({}) : message(type.fields, depth + 1);
      case 'custom':
        // log-batch's hand-written decoders: metric-shaped objects with hostile members.
        return fc.record(
          { key: hostileString, value: hostileNumber, timestamp: hostileNumber, step: hostileNumber },
          { requiredKeys: [] },
        );
    }
  })();
  return fc.oneof({ weight: 5, arbitrary: right }, { weight: 1, arbitrary: wrongValue });
}

function fieldValue(field: Field<unknown>, depth: number): fc.Arbitrary<unknown> {
  const one = scalarValue(field.type, depth);
  return field.repeated
    ? fc.oneof({ weight: 4, arbitrary: fc.array(one, { maxLength: 4 }) }, { weight: 1, arbitrary: one })
    : one;
}

/** A message for `fields`: any subset of its fields, plus now and then a field it does not have. */
function message(fields: Fields, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, field] of Object.entries(fields)) shape[name] = fieldValue(field, depth);
  return fc
    .tuple(fc.record(shape, { requiredKeys: [] }), fc.option(fc.tuple(hostileString, wrongValue)))
    .map(([body, extra]) => (extra ? { ...body, [extra[0]]: extra[1] } : body));
}

interface Endpoint {
  method: string;
  /** With `:param` and `*` still in it. */
  path: string;
  request: Fields;
}

/** Every method of every route under each of its mount points. */
function endpointsOf(routes: readonly RpcRoute[]): Endpoint[] {
  return routes.flatMap((route) =>
    (route.versions ?? ['2.0']).flatMap((version) =>
      (route.ajaxOnly ? ['/ajax-api'] : ['/api', '/ajax-api']).flatMap((prefix) =>
        route.methods.map((method) => ({
          method,
          path: `${prefix}/${version}/${route.namespace ?? 'mlflow'}${route.path}`,
          request: route.request,
        })),
      ),
    ),
  );
}

const ENDPOINTS = endpointsOf([...trackingRoutes, ...registryRoutes, ...webhookRoutes]);

/** Routes outside the rpc tables that still answer JSON errors, with their query parameters. */
const OTHER_ENDPOINTS: Endpoint[] = [
  { method: 'GET', path: '/get-artifact', request: {} },
  { method: 'GET', path: '/ajax-api/2.0/mlflow/get-artifact', request: {} },
  { method: 'GET', path: '/model-versions/get-artifact', request: {} },
  { method: 'GET', path: '/ajax-api/2.0/mlflow/logged-models/:model_id/artifacts/files', request: {} },
  { method: 'POST', path: '/ajax-api/2.0/mlflow/upload-artifact', request: {} },
];
const QUERY_NAMES = ['run_id', 'run_uuid', 'path', 'name', 'version', 'artifact_file_path', 'filter'];

const pathSegment = fc.oneof(
  fc.constant(null).map(() => known.runId),
  fc.constant(null).map(() => known.loggedModelId),
  fc.constantFrom('1', '0', '-1', 'x', '%00', '..', '%2e%2e', '%2F'),
  fc.string({ minLength: 1, maxLength: 12 }).map(encodeURIComponent),
);

/** The URL path with its parameters filled in. */
const concretePath = (path: string) =>
  fc.array(pathSegment, { minLength: 4, maxLength: 4 }).map((segments) => {
    let i = 0;
    return path
      .replace(/:[a-z_]+/g, () => segments[i++ % segments.length] || 'x')
      .replace(/\*/g, () => `${segments[i++ % segments.length] || 'x'}/f.txt`);
  });

function toQuery(body: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(body)) {
    for (const item of Array.isArray(v) ? v : [v])
      params.append(k, typeof item === 'object' && item !== null ? JSON.stringify(item) : String(item));
  }
  return params.toString();
}

interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

const RAW_QUERIES = ['%', '%ZZ', 'a=%00', '=&=&', 'max_results=1e400', 'page_token=%FF%FE', '&&&'];
const RAW_BODIES = ['{', '[]', '"{\\"a\\":1}"', 'null', '1', '{"a":', '\u0000', '[[[[[[[[[[]]]]]]]]]]'];

/** One request to `endpoint`: schema-shaped most of the time, garbage some of the time. */
function requestFor(endpoint: Endpoint): fc.Arbitrary<FuzzRequest> {
  const fields = Object.keys(endpoint.request).length
    ? message(endpoint.request)
    : fc.dictionary(fc.constantFrom(...QUERY_NAMES), hostileString, { maxKeys: 4 });
  return fc
    .tuple(
      concretePath(endpoint.path),
      fields,
      fc.option(fc.constantFrom(...RAW_QUERIES), { freq: 8 }),
      fc.option(fc.constantFrom(...RAW_BODIES), { freq: 8 }),
      fc.constantFrom('application/json', 'application/json', 'application/json', 'text/plain', ''),
    )
    .map(([path, fields, rawQuery, rawBody, contentType]) => {
      const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
      if (endpoint.method === 'GET') {
        const query = rawQuery ?? toQuery(fields);
        return { method: 'GET', url: `${path}${query ? `?${query}` : ''}`, headers };
      }
      const bodyText = rawBody ?? JSON.stringify(fields);
      return { method: endpoint.method, url: path, headers, body: bodyText };
    });
}

const anyRequest = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...ENDPOINTS).chain(requestFor) },
  { weight: 1, arbitrary: fc.constantFrom(...OTHER_ENDPOINTS).chain(requestFor) },
);

let t: TestApp;
const statuses = new Map<number, number>();

/** Sends one request and checks the answer: below 500, and an MLflow error body when it is an error. */
async function check(req: FuzzRequest): Promise<void> {
  const res = await t.app.request(`http://localhost${req.url}`, {
    method: req.method,
    headers: req.headers,
    ...(req.body !== undefined ? { body: req.body } : {}),
  });
  const text = await res.text();
  statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  const where = `${req.method} ${req.url.slice(0, 300)} → ${res.status} ${text.slice(0, 300)}`;
  if (res.status >= 400) {
    let body: { error_code?: unknown; message?: unknown } | undefined;
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      body = undefined;
    }
    expect(isErrorCode(body?.error_code), where).toBe(true);
    expect(typeof body?.message, where).toBe('string');
    // Multipart on a store without it is a declared 501, which makes MLflow's client fall back.
    if (res.status >= 500) expect(body?.error_code, where).toBe('NOT_IMPLEMENTED');
  }
}

beforeAll(async () => {
  t = await createTestApp();
  const run = await t.post('/runs/create', { experiment_id: '0', run_name: 'fuzz' });
  known.runId = run.body.run.info.run_id;
  await t.post('/runs/log-batch', {
    run_id: known.runId,
    metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }],
    params: [{ key: 'p', value: 'v' }],
    tags: [{ key: 't', value: 'v' }],
  });
  const logged = await t.call('POST', '/api/2.0/mlflow/logged-models', {
    experiment_id: '0',
    name: 'fuzz-logged',
    source_run_id: known.runId,
  });
  known.loggedModelId = logged.body?.model?.info?.model_id ?? 'm-none';
  await t.post('/registered-models/create', { name: known.modelName });
  await t.post('/model-versions/create', {
    name: known.modelName,
    source: `${run.body.run.info.artifact_uri}/model`,
    run_id: known.runId,
  });
});

afterAll(async () => {
  console.log(fuzzSummary());
  console.log(`statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
  await t?.close();
});

describe('every JSON endpoint under random and hostile requests', () => {
  it(`answers below 500 with MLflow's error shape (${ENDPOINTS.length} route mounts)`, async () => {
    await assertProperty('JSON endpoints', anyRequest, check, 1500);
    // The generators must get requests past validation too, not only be refused at the door.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(50);
  });

  it('survives a body nested far deeper than any message', async () => {
    const deep = `{"tags":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    for (const path of ['/runs/log-batch', '/experiments/create', '/registered-models/create']) {
      await check({
        method: 'POST',
        url: `/api/2.0/mlflow${path}`,
        headers: { 'content-type': 'application/json' },
        body: deep,
      });
    }
  });
});
