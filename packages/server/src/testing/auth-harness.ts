/**
 * A test app running the basic-auth app with default permission NO_PERMISSIONS, and a small world
 * built by the admin: team A's experiment (run, metric, artifact, logged model) and registered model
 * with explicit reader / editor / manager users, and team B's experiment, run, artifact and model that
 * only the admin may see. `as(user)` sends requests as one of them over HTTP Basic.
 */
import { createTestApp, type TestApp, type TestResponse } from './test-app';

export const ROLES = ['anonymous', 'outsider', 'reader', 'editor', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The password of every test user (the admin's is from the test config). */
export const PASSWORD = 'correct horse';

export interface AuthWorld {
  t: TestApp;
  /** Team A: the experiment, its run, logged model and registered model (with version 1). */
  expA: string;
  expAName: string;
  runA: string;
  loggedModelA: string;
  modelA: string;
  /** Team B: nobody but the admin may read these. */
  expB: string;
  expBName: string;
  runB: string;
  modelB: string;
  /** Sends a request as `role`; paths are absolute (`/api/2.0/mlflow/...`). */
  as(
    role: Role | string,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<TestResponse>;
}

/** HTTP Basic credentials of `user`. */
export function basicAuth(user: string, password = PASSWORD): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

function ok(res: TestResponse, what: string): TestResponse {
  if (res.status !== 200) throw new Error(`${what}: ${res.status} ${res.text}`);
  return res;
}

/** Opens the app and builds the world; close it with `w.t.close()`. */
export async function createAuthWorld(): Promise<AuthWorld> {
  const t = await createTestApp(
    {},
    { auth: { defaultPermission: 'NO_PERMISSIONS', adminUsername: 'admin', adminPassword: PASSWORD } },
  );
  const as: AuthWorld['as'] = (role, method, path, body, headers = {}) =>
    t.call(method, path, body, role === 'anonymous' ? headers : { ...basicAuth(role), ...headers });
  const admin = (method: string, path: string, body?: unknown) =>
    as('admin', method, `/api/2.0/mlflow${path}`, body);

  for (const user of ['outsider', 'reader', 'editor', 'manager']) {
    ok(await admin('POST', '/users/create', { username: user, password: PASSWORD }), `create ${user}`);
  }
  const expAName = 'team-a-experiment';
  const expBName = 'team-b-secret-experiment';
  const expA = ok(await admin('POST', '/experiments/create', { name: expAName }), 'expA').body.experiment_id;
  const expB = ok(await admin('POST', '/experiments/create', { name: expBName }), 'expB').body.experiment_id;
  const runA = ok(await admin('POST', '/runs/create', { experiment_id: expA }), 'runA').body.run.info.run_id;
  const runB = ok(await admin('POST', '/runs/create', { experiment_id: expB }), 'runB').body.run.info.run_id;
  for (const run of [runA, runB]) {
    ok(
      await admin('POST', '/runs/log-batch', {
        run_id: run,
        metrics: [{ key: 'loss', value: 1, timestamp: 1, step: 0 }],
        params: [{ key: 'lr', value: '0.1' }],
      }),
      'log',
    );
  }
  for (const [exp, run] of [
    [expA, runA],
    [expB, runB],
  ]) {
    ok(
      await as(
        'admin',
        'PUT',
        `/api/2.0/mlflow-artifacts/artifacts/${exp}/${run}/artifacts/model/a.txt`,
        'data',
        {
          'content-type': 'application/octet-stream',
        },
      ),
      'artifact',
    );
  }
  const loggedModelA = ok(await admin('POST', '/logged-models', { experiment_id: expA, name: 'lm' }), 'lm')
    .body.model.info.model_id;
  const modelA = 'team-a-model';
  const modelB = 'team-b-secret-model';
  for (const [name, exp, run] of [
    [modelA, expA, runA],
    [modelB, expB, runB],
  ]) {
    ok(await admin('POST', '/registered-models/create', { name }), `model ${name}`);
    ok(
      await admin('POST', '/model-versions/create', {
        name,
        source: `mlflow-artifacts:/${exp}/${run}/artifacts/model`,
        run_id: run,
      }),
      `version of ${name}`,
    );
  }
  for (const [user, permission] of [
    ['reader', 'READ'],
    ['editor', 'EDIT'],
    ['manager', 'MANAGE'],
  ] as const) {
    ok(
      await admin('POST', '/experiments/permissions/create', {
        experiment_id: expA,
        username: user,
        permission,
      }),
      'grant',
    );
    ok(
      await admin('POST', '/registered-models/permissions/create', {
        name: modelA,
        username: user,
        permission,
      }),
      'grant',
    );
  }
  return { t, expA, expAName, runA, loggedModelA, modelA, expB, expBName, runB, modelB, as };
}
