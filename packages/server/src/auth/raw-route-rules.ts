/**
 * Rules for the routes mounted outside rpc.ts (downloads, uploads, the artifact proxy), matched by
 * method and path in the auth middleware before the route runs. Each names the Hono paths it covers,
 * so the start-up check can tell that every mounted route has a rule.
 */
import type { Context } from 'hono';
import type { Ability } from '@loom/core';
import { permissionDenied } from '@loom/core';
import { runIdOf } from '../routes/run-id';
import {
  requireAdmin,
  requireExperiment,
  requireLoggedModel,
  requireModel,
  requireRun,
  type Access,
} from './access';

export interface RawRule {
  methods: readonly string[];
  /** Hono paths, as mounted (`:param`, trailing `*`). */
  paths: readonly string[];
  check(a: Access, c: Context, match: RegExpExecArray): Promise<void>;
}

const PROXY = ['/api/2.0/mlflow-artifacts', '/ajax-api/2.0/mlflow-artifacts'];
const REGISTRY_FOLDER = '_registry';

/**
 * The proxy's files belong to the experiment named by their first folder (`<experiment_id>/…`, as
 * MLflow decides). Registry copies live under `_registry/<random id>/`: reading one needs its id, which
 * only `get-download-uri` (READ on the model) reveals, so any user may read a named copy; listing or
 * changing the folder itself is for admins. Anything else at the root is for admins.
 */
async function requireArtifactPath(a: Access, rawPath: string, ability: Ability): Promise<void> {
  const segments = decodeURIComponent(rawPath)
    .split('/')
    .filter((s) => s !== '' && s !== '.');
  // `..` never passes the proxy's own path check; refusing it here keeps the two from disagreeing.
  if (segments.includes('..')) throw permissionDenied();
  const [first, second] = segments;
  if (first && /^\d+$/.test(first)) return requireExperiment(a, first, ability);
  if (first === REGISTRY_FOLDER && second && ability === 'read') return;
  return requireAdmin(a);
}

const q = (c: Context, name: string) => c.req.query(name);

export const RAW_RULES: readonly RawRule[] = [
  {
    methods: ['GET'],
    paths: ['/get-artifact', '/ajax-api/2.0/mlflow/get-artifact'],
    check: (a, c) => requireRun(a, runIdOf({ run_id: q(c, 'run_id'), run_uuid: q(c, 'run_uuid') }), 'read'),
  },
  {
    methods: ['POST'],
    paths: ['/ajax-api/2.0/mlflow/upload-artifact'],
    check: (a, c) => requireRun(a, runIdOf({ run_id: q(c, 'run_id'), run_uuid: q(c, 'run_uuid') }), 'update'),
  },
  {
    methods: ['GET'],
    paths: ['/ajax-api/2.0/mlflow/logged-models/:model_id/artifacts/files'],
    check: (a, _c, m) => requireLoggedModel(a, decodeURIComponent(m[1] ?? ''), 'read'),
  },
  {
    methods: ['GET'],
    paths: ['/model-versions/get-artifact', '/ajax-api/2.0/mlflow/model-versions/get-artifact'],
    check: (a, c) => requireModel(a, q(c, 'name') ?? '', 'read'),
  },
  {
    methods: ['GET'],
    paths: PROXY.map((b) => `${b}/artifacts`),
    check: (a, c) => requireArtifactPath(a, q(c, 'path') ?? '', 'read'),
  },
  {
    methods: ['GET'],
    paths: PROXY.map((b) => `${b}/artifacts/*`),
    check: (a, _c, m) => requireArtifactPath(a, m[1] ?? '', 'read'),
  },
  {
    methods: ['PUT'],
    paths: PROXY.map((b) => `${b}/artifacts/*`),
    check: (a, _c, m) => requireArtifactPath(a, m[1] ?? '', 'update'),
  },
  {
    methods: ['DELETE'],
    paths: PROXY.map((b) => `${b}/artifacts/*`),
    check: (a, _c, m) => requireArtifactPath(a, m[1] ?? '', 'delete'),
  },
  {
    methods: ['POST'],
    paths: PROXY.flatMap((b) => ['create', 'complete', 'abort'].map((v) => `${b}/mpu/${v}/*`)),
    check: (a, _c, m) => requireArtifactPath(a, m[1] ?? '', 'update'),
  },
  {
    // A part goes to an upload whose random id only its (checked) creator learned; completing it is
    // checked again. So any signed-in user may send parts.
    methods: ['PUT'],
    paths: PROXY.map((b) => `${b}/mpu/part/:upload_id/:part_number`),
    check: async (a) => {
      if (!a.user) throw permissionDenied();
    },
  },
];

/** A regular expression for a Hono path: `:name` is one segment, a trailing `*` the rest (captured). */
export function pathPattern(path: string): RegExp {
  const body = path
    .split('/')
    .map((seg) =>
      seg.startsWith(':') ? '([^/]+)' : seg === '*' ? '(.*)' : seg.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${body}$`);
}

const COMPILED = RAW_RULES.flatMap((rule) => rule.paths.map((p) => ({ rule, re: pathPattern(p) })));

/** The raw rule for a request and the path's captures, if the request is one of these routes. */
export function findRawRule(
  method: string,
  path: string,
): { rule: RawRule; match: RegExpExecArray } | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  for (const { rule, re } of COMPILED) {
    if (!rule.methods.includes(m)) continue;
    const match = re.exec(path);
    if (match) return { rule, match };
  }
  return undefined;
}
