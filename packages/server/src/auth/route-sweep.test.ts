/**
 * Every route of the authenticated app, as every kind of caller: anonymous callers get 401 with a
 * Basic challenge, callers without the needed permission 403, the others through — and searches never
 * show another team's experiments, runs or models. The table must cover every mounted route: a route
 * added without an entry here fails the coverage test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthWorld, PASSWORD, ROLES, type AuthWorld, type Role } from '../testing/auth-harness';

type Need = 'any' | 'read' | 'update' | 'delete' | 'manage' | 'admin' | { user: string };

interface Entry {
  /** `METHOD <ns>/path` as mounted: ns is mlflow, loom or mlflow-artifacts; none for root paths. */
  route: string;
  need: Need;
  req?: (w: AuthWorld, role: Role) => { body?: unknown; params?: Record<string, string>; query?: string };
  /** A listing: callers must not see what they may not read. */
  listing?: boolean;
  /** Why no caller gets a 2xx (the request names something that does not exist); others must succeed once. */
  fails?: string;
}

const v1 = (w: AuthWorld, extra: Record<string, unknown> = {}) => ({
  body: { name: w.modelA, version: '1', ...extra },
});
const runBody = (w: AuthWorld, extra: Record<string, unknown> = {}) => ({
  body: { run_id: w.runA, ...extra },
});
const lm = (w: AuthWorld, body?: unknown) => ({ params: { model_id: w.loggedModelA, tag_key: 'k' }, body });
const webhook = { params: { webhook_id: 'no-such-webhook' } };

// Destructive entries come last, so earlier entries find their targets alive.
const TABLE: Entry[] = [
  // Experiments
  {
    route: 'POST <mlflow>/experiments/create',
    need: 'any',
    req: (_w, r) => ({ body: { name: `exp-${r}` } }),
  },
  { route: 'GET <mlflow>/experiments/get', need: 'read', req: (w) => ({ body: { experiment_id: w.expA } }) },
  {
    route: 'GET <mlflow>/experiments/get-by-name',
    need: 'read',
    req: (w) => ({ body: { experiment_name: w.expAName } }),
  },
  {
    route: 'POST <mlflow>/experiments/search',
    need: 'any',
    listing: true,
    req: () => ({ body: { max_results: 100 } }),
  },
  {
    route: 'GET <mlflow>/experiments/search',
    need: 'any',
    listing: true,
    req: () => ({ body: { max_results: 100 } }),
  },
  { route: 'GET <mlflow>/experiments/list', need: 'any', listing: true },
  {
    route: 'POST <mlflow>/experiments/update',
    need: 'update',
    req: (w) => ({ body: { experiment_id: w.expA, new_name: w.expAName } }),
  },
  {
    route: 'POST <mlflow>/experiments/set-experiment-tag',
    need: 'update',
    req: (w) => ({ body: { experiment_id: w.expA, key: 'k', value: 'v' } }),
  },
  {
    route: 'POST <mlflow>/experiments/delete-experiment-tag',
    need: 'update',
    req: (w) => ({ body: { experiment_id: w.expA, key: 'k' } }),
  },
  {
    route: 'POST <mlflow>/experiments/search-datasets',
    need: 'any',
    listing: true,
    req: (w) => ({ body: { experiment_ids: [w.expA, w.expB] } }),
  },
  // Runs and metrics
  { route: 'POST <mlflow>/runs/create', need: 'update', req: (w) => ({ body: { experiment_id: w.expA } }) },
  { route: 'POST <mlflow>/runs/update', need: 'update', req: (w) => runBody(w, { status: 'RUNNING' }) },
  { route: 'GET <mlflow>/runs/get', need: 'read', req: (w) => runBody(w) },
  {
    route: 'POST <mlflow>/runs/search',
    need: 'any',
    listing: true,
    req: (w) => ({ body: { experiment_ids: [w.expA, w.expB] } }),
  },
  {
    route: 'POST <mlflow>/runs/log-metric',
    need: 'update',
    req: (w) => runBody(w, { key: 'm', value: 1, timestamp: 1, step: 0 }),
  },
  {
    route: 'POST <mlflow>/runs/log-parameter',
    need: 'update',
    req: (w, r) => runBody(w, { key: `p-${r}`, value: '1' }),
  },
  { route: 'POST <mlflow>/runs/set-tag', need: 'update', req: (w) => runBody(w, { key: 't', value: 'v' }) },
  { route: 'POST <mlflow>/runs/delete-tag', need: 'update', req: (w) => runBody(w, { key: 't' }) },
  {
    route: 'POST <mlflow>/runs/log-batch',
    need: 'update',
    req: (w) => runBody(w, { metrics: [{ key: 'm', value: 2, timestamp: 2, step: 1 }] }),
  },
  {
    route: 'POST <mlflow>/runs/log-model',
    need: 'update',
    req: (w) =>
      runBody(w, {
        model_json: JSON.stringify({
          artifact_path: 'm',
          flavors: {},
          utc_time_created: 'now',
          run_id: w.runA,
        }),
      }),
  },
  { route: 'POST <mlflow>/runs/log-inputs', need: 'update', req: (w) => runBody(w) },
  { route: 'POST <mlflow>/runs/outputs', need: 'update', req: (w) => runBody(w) },
  { route: 'GET <mlflow>/metrics/get-history', need: 'read', req: (w) => runBody(w, { metric_key: 'loss' }) },
  {
    route: 'GET <mlflow>/metrics/get-history-bulk',
    need: 'read',
    req: (w) => ({ body: { run_id: [w.runA], metric_key: 'loss' } }),
  },
  {
    route: 'GET <mlflow>/metrics/get-history-bulk-interval',
    need: 'read',
    req: (w) => ({ body: { run_ids: [w.runA], metric_key: 'loss' } }),
  },
  { route: 'GET <mlflow>/artifacts/list', need: 'read', req: (w) => runBody(w, { path: 'model' }) },
  // Logged models
  {
    route: 'POST <mlflow>/logged-models',
    need: 'update',
    req: (w, r) => ({ body: { experiment_id: w.expA, name: `lm-${r}` } }),
  },
  {
    route: 'POST <mlflow>/logged-models/search',
    need: 'any',
    listing: true,
    req: (w) => ({ body: { experiment_ids: [w.expA, w.expB] } }),
  },
  { route: 'GET <mlflow>/logged-models/:model_id', need: 'read', req: (w) => lm(w) },
  {
    route: 'PATCH <mlflow>/logged-models/:model_id/tags',
    need: 'update',
    req: (w) => lm(w, { tags: [{ key: 'k', value: 'v' }] }),
  },
  { route: 'DELETE <mlflow>/logged-models/:model_id/tags/:tag_key', need: 'update', req: (w) => lm(w) },
  {
    route: 'POST <mlflow>/logged-models/:model_id/params',
    need: 'update',
    req: (w, r) => lm(w, { params: [{ key: `p${r}`, value: '1' }] }),
  },
  { route: 'GET <mlflow>/logged-models/:model_id/artifacts/directories', need: 'read', req: (w) => lm(w) },
  {
    route: 'GET <mlflow>/logged-models/:model_id/artifacts/files',
    fails: 'no such file',
    need: 'read',
    req: (w) => ({ ...lm(w), query: 'artifact_file_path=x.txt' }),
  },
  {
    route: 'PATCH <mlflow>/logged-models/:model_id',
    need: 'update',
    req: (w) => lm(w, { status: 'LOGGED_MODEL_READY' }),
  },
  // Artifacts by run, and the proxy
  { route: 'GET /get-artifact', need: 'read', req: (w) => ({ query: `run_id=${w.runA}&path=model/a.txt` }) },
  {
    route: 'GET <mlflow>/get-artifact',
    need: 'read',
    req: (w) => ({ query: `run_id=${w.runA}&path=model/a.txt` }),
  },
  {
    route: 'POST <mlflow>/upload-artifact',
    need: 'update',
    req: (w, r) => ({ query: `run_uuid=${w.runA}&path=up-${r}.txt`, body: 'bytes' }),
  },
  { route: 'GET <mlflow-artifacts>/artifacts', need: 'read', req: (w) => ({ query: `path=${w.expA}` }) },
  {
    route: 'GET <mlflow-artifacts>/artifacts/*',
    need: 'read',
    req: (w) => ({ params: { '*': `${w.expA}/${w.runA}/artifacts/model/a.txt` } }),
  },
  {
    route: 'PUT <mlflow-artifacts>/artifacts/*',
    need: 'update',
    req: (w) => ({ params: { '*': `${w.expA}/extra.txt` }, body: 'bytes' }),
  },
  {
    route: 'POST <mlflow-artifacts>/mpu/create/*',
    need: 'update',
    req: (w) => ({ params: { '*': `${w.expA}/mpu` }, body: { path: 'f.bin', num_parts: 1 } }),
  },
  {
    route: 'POST <mlflow-artifacts>/mpu/complete/*',
    fails: 'no such upload',
    need: 'update',
    req: (w) => ({ params: { '*': `${w.expA}/mpu` }, body: { path: 'f.bin', upload_id: 'x', parts: [] } }),
  },
  {
    route: 'POST <mlflow-artifacts>/mpu/abort/*',
    fails: 'no such upload',
    need: 'update',
    req: (w) => ({ params: { '*': `${w.expA}/mpu` }, body: { path: 'f.bin', upload_id: 'x' } }),
  },
  {
    route: 'PUT <mlflow-artifacts>/mpu/part/:upload_id/:part_number',
    fails: 'no such upload',
    need: 'any',
    req: () => ({ params: { upload_id: 'none', part_number: '1' }, body: 'bytes' }),
  },
  // Registered models and versions
  {
    route: 'POST <mlflow>/registered-models/create',
    need: 'any',
    req: (_w, r) => ({ body: { name: `rm-${r}` } }),
  },
  {
    route: 'POST <mlflow>/registered-models/rename',
    need: 'update',
    req: (w) => ({ body: { name: w.modelA, new_name: w.modelA } }),
  },
  {
    route: 'PATCH <mlflow>/registered-models/update',
    need: 'update',
    req: (w) => ({ body: { name: w.modelA, description: 'd' } }),
  },
  { route: 'GET <mlflow>/registered-models/get', need: 'read', req: (w) => ({ body: { name: w.modelA } }) },
  {
    route: 'GET <mlflow>/registered-models/search',
    need: 'any',
    listing: true,
    req: () => ({ body: { max_results: 100 } }),
  },
  { route: 'GET <mlflow>/registered-models/list', need: 'any', listing: true },
  {
    route: 'POST <mlflow>/registered-models/get-latest-versions',
    need: 'read',
    req: (w) => ({ body: { name: w.modelA } }),
  },
  {
    route: 'GET <mlflow>/registered-models/get-latest-versions',
    need: 'read',
    req: (w) => ({ body: { name: w.modelA } }),
  },
  {
    route: 'POST <mlflow>/registered-models/set-tag',
    need: 'update',
    req: (w) => ({ body: { name: w.modelA, key: 'k', value: 'v' } }),
  },
  {
    route: 'DELETE <mlflow>/registered-models/delete-tag',
    need: 'update',
    req: (w) => ({ body: { name: w.modelA, key: 'k' } }),
  },
  {
    route: 'POST <mlflow>/registered-models/alias',
    need: 'update',
    req: (w) => v1(w, { alias: 'champion' }),
  },
  {
    route: 'GET <mlflow>/registered-models/alias',
    need: 'read',
    req: (w) => ({ body: { name: w.modelA, alias: 'champion' } }),
  },
  {
    route: 'POST <mlflow>/model-versions/create',
    need: 'update',
    req: (w) => ({
      body: { name: w.modelA, source: `mlflow-artifacts:/${w.expA}/${w.runA}/artifacts/model` },
    }),
  },
  { route: 'PATCH <mlflow>/model-versions/update', need: 'update', req: (w) => v1(w, { description: 'd' }) },
  { route: 'GET <mlflow>/model-versions/get', need: 'read', req: (w) => v1(w) },
  {
    route: 'GET <mlflow>/model-versions/search',
    need: 'any',
    listing: true,
    req: () => ({ body: { max_results: 1000 } }),
  },
  { route: 'GET <mlflow>/model-versions/get-download-uri', need: 'read', req: (w) => v1(w) },
  {
    route: 'GET /model-versions/get-artifact',
    need: 'read',
    req: (w) => ({ query: `name=${w.modelA}&version=1&path=a.txt` }),
  },
  {
    route: 'GET <mlflow>/model-versions/get-artifact',
    need: 'read',
    req: (w) => ({ query: `name=${w.modelA}&version=1&path=a.txt` }),
  },
  {
    route: 'POST <mlflow>/model-versions/transition-stage',
    need: 'update',
    req: (w) => v1(w, { stage: 'Staging', archive_existing_versions: false }),
  },
  {
    route: 'POST <mlflow>/model-versions/set-tag',
    need: 'update',
    req: (w) => v1(w, { key: 'k', value: 'v' }),
  },
  // Approvals, comments, protections, audit (the governance service asks the same permissions)
  {
    route: 'POST <mlflow>/transition-requests/create',
    need: 'read',
    req: (w) => v1(w, { stage: 'Production' }),
  },
  { route: 'GET <mlflow>/transition-requests/list', need: 'read', req: (w) => v1(w) },
  {
    route: 'POST <mlflow>/transition-requests/approve',
    need: 'manage',
    req: (w) => v1(w, { stage: 'Production', archive_existing_versions: false }),
  },
  {
    route: 'POST <mlflow>/transition-requests/create',
    need: 'read',
    req: (w) => v1(w, { stage: 'Archived' }),
  },
  {
    route: 'POST <mlflow>/transition-requests/reject',
    need: 'manage',
    req: (w) => v1(w, { stage: 'Archived' }),
  },
  {
    // The requester or a manager may withdraw a request; the governance service tells them apart.
    route: 'DELETE <mlflow>/transition-requests/delete',
    fails: 'the request was approved',
    need: 'read',
    req: (w) => v1(w, { stage: 'Production' }),
  },
  {
    route: 'POST <mlflow>/databricks/model-versions/transition-stage',
    need: 'manage',
    req: (w) => v1(w, { stage: 'Staging', archive_existing_versions: false }),
  },
  { route: 'POST <mlflow>/comments/create', need: 'read', req: (w) => v1(w, { comment: 'hi' }) },
  {
    route: 'PATCH <mlflow>/comments/update',
    fails: 'no such comment',
    need: 'any',
    req: () => ({ body: { id: '999999', comment: 'x' } }),
  },
  {
    route: 'DELETE <mlflow>/comments/delete',
    fails: 'no such comment',
    need: 'any',
    req: () => ({ body: { id: '999999' } }),
  },
  { route: 'GET <loom>/model-versions/activities', need: 'read', req: (w) => v1(w) },
  {
    route: 'GET <loom>/registered-models/protections',
    need: 'read',
    req: (w) => ({ body: { name: w.modelA } }),
  },
  {
    route: 'POST <loom>/registered-models/protections',
    need: 'manage',
    req: (w) => ({ body: { name: w.modelA, stages: [] } }),
  },
  { route: 'GET <loom>/registry/audit-log', need: 'read', req: (w) => ({ body: { name: w.modelA } }) },
  { route: 'GET <loom>/registry/audit-log', need: 'admin' },
  // Webhooks: admins only
  {
    route: 'POST <mlflow>/webhooks',
    need: 'admin',
    req: () => ({
      body: {
        name: 'w',
        url: 'http://127.0.0.1:9/h',
        events: [{ entity: 'model_version', action: 'created' }],
      },
    }),
  },
  { route: 'GET <mlflow>/webhooks', need: 'admin' },
  { route: 'GET <mlflow>/webhooks/:webhook_id', fails: 'no such webhook', need: 'admin', req: () => webhook },
  {
    route: 'PATCH <mlflow>/webhooks/:webhook_id',
    fails: 'no such webhook',
    need: 'admin',
    req: () => ({ ...webhook, body: { name: 'x' } }),
  },
  {
    route: 'POST <mlflow>/webhooks/:webhook_id/test',
    fails: 'no such webhook',
    need: 'admin',
    req: () => ({ ...webhook, body: {} }),
  },
  {
    route: 'GET <mlflow>/webhooks/:webhook_id/deliveries',
    fails: 'no such webhook',
    need: 'admin',
    req: () => webhook,
  },
  {
    route: 'DELETE <mlflow>/webhooks/:webhook_id',
    fails: 'no such webhook',
    need: 'admin',
    req: () => webhook,
  },
  // Users, permissions and tokens
  {
    route: 'POST <mlflow>/users/create',
    need: 'admin',
    req: (_w, r) => ({ body: { username: `user-${r}`, password: 'x' } }),
  },
  {
    route: 'GET <mlflow>/users/get',
    need: { user: 'editor' },
    req: () => ({ body: { username: 'editor' } }),
  },
  {
    route: 'PATCH <mlflow>/users/update-password',
    need: { user: 'editor' },
    req: () => ({ body: { username: 'editor', password: PASSWORD } }),
  },
  {
    route: 'PATCH <mlflow>/users/update-admin',
    need: 'admin',
    req: () => ({ body: { username: 'victim', is_admin: false } }),
  },
  {
    route: 'POST <mlflow>/experiments/permissions/create',
    need: 'manage',
    req: (w) => ({ body: { experiment_id: w.expA, username: 'victim', permission: 'READ' } }),
  },
  {
    route: 'GET <mlflow>/experiments/permissions/get',
    need: 'manage',
    req: (w) => ({ body: { experiment_id: w.expA, username: 'victim' } }),
  },
  {
    route: 'PATCH <mlflow>/experiments/permissions/update',
    need: 'manage',
    req: (w) => ({ body: { experiment_id: w.expA, username: 'victim', permission: 'EDIT' } }),
  },
  {
    route: 'DELETE <mlflow>/experiments/permissions/delete',
    need: 'manage',
    req: (w) => ({ body: { experiment_id: w.expA, username: 'victim' } }),
  },
  {
    route: 'POST <mlflow>/registered-models/permissions/create',
    need: 'manage',
    req: (w) => ({ body: { name: w.modelA, username: 'victim', permission: 'READ' } }),
  },
  {
    route: 'GET <mlflow>/registered-models/permissions/get',
    need: 'manage',
    req: (w) => ({ body: { name: w.modelA, username: 'victim' } }),
  },
  {
    route: 'PATCH <mlflow>/registered-models/permissions/update',
    need: 'manage',
    req: (w) => ({ body: { name: w.modelA, username: 'victim', permission: 'EDIT' } }),
  },
  {
    route: 'DELETE <mlflow>/registered-models/permissions/delete',
    need: 'manage',
    req: (w) => ({ body: { name: w.modelA, username: 'victim' } }),
  },
  { route: 'DELETE <mlflow>/users/delete', need: 'admin', req: () => ({ body: { username: 'victim' } }) },
  { route: 'POST <loom>/tokens/create', need: 'any', req: () => ({ body: { name: 'ci' } }) },
  { route: 'GET <loom>/tokens/list', need: 'any' },
  {
    route: 'GET <loom>/tokens/list',
    need: { user: 'editor' },
    req: () => ({ body: { username: 'editor' } }),
  },
  {
    route: 'POST <loom>/tokens/revoke',
    fails: 'no such token',
    need: 'any',
    req: () => ({ body: { token_id: 'no-such-token' } }),
  },
  { route: 'GET <loom>/users/current', need: 'any' },
  // Destructive, last
  { route: 'DELETE <mlflow>/model-versions/delete-tag', need: 'delete', req: (w) => v1(w, { key: 'k' }) },
  {
    route: 'DELETE <mlflow>/registered-models/alias',
    need: 'delete',
    req: (w) => ({ body: { name: w.modelA, alias: 'champion' } }),
  },
  {
    route: 'DELETE <mlflow-artifacts>/artifacts/*',
    need: 'delete',
    req: (w) => ({ params: { '*': `${w.expA}/extra.txt` } }),
  },
  { route: 'POST <mlflow>/runs/delete', need: 'delete', req: (w) => runBody(w) },
  { route: 'POST <mlflow>/runs/restore', need: 'delete', req: (w) => runBody(w) },
  {
    route: 'POST <mlflow>/experiments/delete',
    need: 'delete',
    req: (w) => ({ body: { experiment_id: w.expA } }),
  },
  {
    route: 'POST <mlflow>/experiments/restore',
    need: 'delete',
    req: (w) => ({ body: { experiment_id: w.expA } }),
  },
  { route: 'DELETE <mlflow>/logged-models/:model_id', need: 'delete', req: (w) => lm(w) },
  { route: 'DELETE <mlflow>/model-versions/delete', need: 'delete', req: (w) => v1(w) },
  {
    route: 'DELETE <mlflow>/registered-models/delete',
    need: 'delete',
    req: (w) => ({ body: { name: w.modelA } }),
  },
];

const POWER: Record<Role, readonly string[]> = {
  anonymous: [],
  outsider: ['any'],
  reader: ['any', 'read'],
  editor: ['any', 'read', 'update'],
  manager: ['any', 'read', 'update', 'delete', 'manage'],
  admin: ['any', 'read', 'update', 'delete', 'manage', 'admin'],
};

function allowed(role: Role, need: Need): boolean {
  if (role === 'admin') return true;
  if (typeof need === 'object') return role === need.user;
  return POWER[role].includes(need);
}

/** `METHOD <ns>/rest` for a mounted route. */
function routeKey(method: string, path: string): string {
  return `${method} ${path.replace(/^\/(?:api|ajax-api)\/(?:2\.0|3\.0)\/(mlflow-artifacts|mlflow|loom)/, '<$1>')}`;
}

/** Routes that need no sign-in; everything else must be in the table. */
const PUBLIC = new Set(['GET /health', 'GET /version', 'GET /loom/version']);

describe('every route as every caller (basic-auth app)', () => {
  let w: AuthWorld;
  /** Mounted paths by route key. */
  const mounted = new Map<string, string[]>();

  beforeAll(async () => {
    w = await createAuthWorld();
    await w.as('admin', 'POST', '/api/2.0/mlflow/users/create', { username: 'victim', password: 'x' });
    for (const r of w.t.app.routes) {
      if (r.method === 'ALL' || r.path === '*') continue;
      const key = routeKey(r.method, r.path);
      mounted.set(key, [...(mounted.get(key) ?? []), r.path]);
    }
  }, 60_000);
  afterAll(() => w?.t.close());

  it('has an entry for every mounted route, and every entry names a mounted route', () => {
    const covered = new Set(TABLE.map((e) => e.route));
    const missing = [...mounted.keys()].filter((k) => !covered.has(k) && !PUBLIC.has(k));
    expect(missing).toEqual([]);
    expect([...covered].filter((k) => !mounted.has(k))).toEqual([]);
  });

  const send = async (entry: Entry, role: Role, path: string) => {
    const { body, params = {}, query } = entry.req?.(w, role) ?? {};
    let url = path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(params[name] ?? 'x'));
    url = url.replace(/\*$/, params['*'] ?? 'x');
    if (query) url += `?${query}`;
    const method = entry.route.split(' ')[0]!;
    const raw = typeof body === 'string';
    return w.as(role, method, url, body, raw ? { 'content-type': 'application/octet-stream' } : {});
  };

  it('answers each caller as its permissions say, under every prefix', async () => {
    const wrong: string[] = [];
    const neverServed: string[] = [];
    for (const entry of TABLE) {
      let served = false;
      const paths = mounted.get(entry.route) ?? [];
      const primary = paths.find((p) => p.startsWith('/api/')) ?? paths[0]!;
      for (const role of ROLES) {
        // Denials are checked under every prefix and version (the ajax mirrors too).
        const denied = !allowed(role, entry.need);
        for (const path of denied ? paths : [primary]) {
          const res = await send(entry, role, path);
          const expected = role === 'anonymous' ? 401 : denied ? 403 : undefined;
          const fine =
            expected !== undefined
              ? res.status === expected &&
                (expected === 401
                  ? res.headers.get('www-authenticate') === 'Basic realm="mlflow"'
                  : res.body?.error_code === 'PERMISSION_DENIED')
              : res.status !== 401 && res.status !== 403 && res.status < 500;
          if (expected === undefined && res.status < 300) served = true;
          if (!fine)
            wrong.push(`${entry.route} as ${role} via ${path}: ${res.status} ${res.text.slice(0, 160)}`);
          if (entry.listing && role !== 'admin') {
            const secrets = [w.expBName, w.runB, w.modelB];
            if (role === 'outsider') secrets.push(w.expAName, w.runA, w.modelA);
            const leaked = secrets.filter((s) => res.text.includes(s));
            if (leaked.length > 0) wrong.push(`${entry.route} as ${role} leaked ${leaked.join(', ')}`);
          }
        }
      }
      if (!served && !entry.fails) neverServed.push(entry.route);
      if (served && entry.fails)
        wrong.push(`${entry.route} succeeded, though it should fail: ${entry.fails}`);
    }
    expect(wrong).toEqual([]);
    // Every other route did its work for at least one caller allowed to call it.
    expect(neverServed).toEqual([]);
  }, 240_000);
});
