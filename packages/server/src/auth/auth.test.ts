/**
 * The basic-auth app over HTTP beyond the route sweep: searches list only what the caller may read
 * (re-paged to fill the page), another team's artifacts stay closed, creators manage what they create,
 * tokens authenticate until revoked, failed sign-ins are rate limited, and approvals run on these
 * permissions with the real user in the audit log.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthService, SqlAuthStore } from '@loom/core';
import { createApp } from '../app';
import { basicAuth, createAuthWorld, PASSWORD, type AuthWorld } from '../testing/auth-harness';
import { authMiddleware } from './auth-middleware';
import { LoginRateLimit } from './login-rate-limit';
import { AuthRouteGuard } from './route-guard';

const MLFLOW = '/api/2.0/mlflow';
const LOOM = '/api/2.0/loom';

describe('basic-auth app', () => {
  let w: AuthWorld;
  beforeAll(async () => {
    w = await createAuthWorld();
  }, 60_000);
  afterAll(() => w?.t.close());

  it('pages experiment and model searches through readable items only', async () => {
    const granted: string[] = [];
    const names: string[] = [];
    for (let i = 0; i < 12; i++) {
      const id = (await w.as('admin', 'POST', `${MLFLOW}/experiments/create`, { name: `paged-${i}` })).body
        .experiment_id as string;
      const model = `paged-model-${i}`;
      await w.as('admin', 'POST', `${MLFLOW}/registered-models/create`, { name: model });
      if (i % 3 === 0) {
        granted.push(id);
        names.push(model);
        await w.as('admin', 'POST', `${MLFLOW}/experiments/permissions/create`, {
          experiment_id: id,
          username: 'outsider',
          permission: 'READ',
        });
        await w.as('admin', 'POST', `${MLFLOW}/registered-models/permissions/create`, {
          name: model,
          username: 'outsider',
          permission: 'READ',
        });
      }
    }
    const collect = async (path: string, field: string, key: string, body: Record<string, unknown>) => {
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const res = await w.as('outsider', 'GET', path, { ...body, max_results: 2, page_token: token });
        expect(res.status).toBe(200);
        const items = (res.body[field] ?? []) as Record<string, string>[];
        // Each page is filled up to max_results while readable items remain.
        if (res.body.next_page_token) expect(items.length).toBe(2);
        seen.push(...items.map((i) => i[key]!));
        token = res.body.next_page_token;
      } while (token);
      return seen;
    };
    const experiments = await collect(`${MLFLOW}/experiments/search`, 'experiments', 'experiment_id', {
      filter: "name LIKE 'paged-%'",
    });
    expect(experiments.sort()).toEqual([...granted].sort());
    const models = await collect(`${MLFLOW}/registered-models/search`, 'registered_models', 'name', {
      filter: "name LIKE 'paged-model-%'",
    });
    expect(models.sort()).toEqual([...names].sort());
    // The admin sees all twelve.
    const all = await w.as('admin', 'GET', `${MLFLOW}/experiments/search`, {
      filter: "name LIKE 'paged-%'",
      max_results: 100,
    });
    expect(all.body.experiments).toHaveLength(12);
  });

  it("lists a reader's runs and versions, never another team's", async () => {
    const runs = await w.as('reader', 'POST', `${MLFLOW}/runs/search`, { experiment_ids: [w.expA, w.expB] });
    expect(runs.body.runs.map((r: { info: { run_id: string } }) => r.info.run_id)).toEqual([w.runA]);
    const versions = await w.as('reader', 'GET', `${MLFLOW}/model-versions/search`, { max_results: 100 });
    expect(new Set(versions.body.model_versions.map((v: { name: string }) => v.name))).toEqual(
      new Set([w.modelA]),
    );
    const bulk = await w.as('reader', 'GET', `${MLFLOW}/metrics/get-history-bulk-interval`, {
      run_ids: [w.runA, w.runB],
      metric_key: 'loss',
    });
    expect(bulk.status).toBe(403);
  });

  it("refuses downloads of another team's artifacts by every route", async () => {
    const own = await w.as('reader', 'GET', `/get-artifact?run_id=${w.runA}&path=model/a.txt`);
    expect([own.status, own.text]).toEqual([200, 'data']);
    const refused = [
      `/get-artifact?run_id=${w.runB}&path=model/a.txt`,
      `/ajax-api/2.0/mlflow/get-artifact?run_id=${w.runB}&path=model/a.txt`,
      `${MLFLOW}/artifacts/list?run_id=${w.runB}`,
      `/api/2.0/mlflow-artifacts/artifacts/${w.expB}/${w.runB}/artifacts/model/a.txt`,
      `/api/2.0/mlflow-artifacts/artifacts?path=${w.expB}`,
      `/api/2.0/mlflow-artifacts/artifacts`,
      `/api/2.0/mlflow-artifacts/artifacts/${w.expA}/..%2F${w.expB}/${w.runB}/artifacts/model/a.txt`,
      `/api/2.0/mlflow-artifacts/artifacts/_registry`,
      `/model-versions/get-artifact?name=${w.modelB}&version=1&path=a.txt`,
    ];
    for (const path of refused) {
      const res = await w.as('reader', 'GET', path);
      expect([path, res.status, res.text.includes('data') && !res.text.includes('error_code')]).toEqual([
        path,
        403,
        false,
      ]);
    }
    const upload = await w.as('editor', 'PUT', `/api/2.0/mlflow-artifacts/artifacts/${w.expB}/x.txt`, 'x', {
      'content-type': 'application/octet-stream',
    });
    expect(upload.status).toBe(403);
    // A registered version's copy is readable by those who may read the model (they learn its URI).
    const uri = await w.as('reader', 'GET', `${MLFLOW}/model-versions/get-download-uri`, {
      name: w.modelA,
      version: '1',
    });
    const copy = String(uri.body.artifact_uri).replace(/^mlflow-artifacts:\/*/, '');
    const file = await w.as('reader', 'GET', `/api/2.0/mlflow-artifacts/artifacts/${copy}/a.txt`);
    expect([file.status, file.text]).toEqual([200, 'data']);
    expect(
      (
        await w.as('reader', 'GET', `${MLFLOW}/model-versions/get-download-uri`, {
          name: w.modelB,
          version: '1',
        })
      ).status,
    ).toBe(403);
  });

  it('lets creators manage what they create, and permissions follow a rename', async () => {
    const exp = (await w.as('outsider', 'POST', `${MLFLOW}/experiments/create`, { name: 'outsider-own' }))
      .body.experiment_id;
    expect((await w.as('reader', 'GET', `${MLFLOW}/experiments/get`, { experiment_id: exp })).status).toBe(
      403,
    );
    const grant = await w.as('outsider', 'POST', `${MLFLOW}/experiments/permissions/create`, {
      experiment_id: exp,
      username: 'reader',
      permission: 'READ',
    });
    expect(grant.body).toEqual({
      experiment_permission: { experiment_id: exp, user_id: expect.any(Number), permission: 'READ' },
    });
    expect((await w.as('reader', 'GET', `${MLFLOW}/experiments/get`, { experiment_id: exp })).status).toBe(
      200,
    );
    expect(
      (await w.as('outsider', 'POST', `${MLFLOW}/experiments/delete`, { experiment_id: exp })).status,
    ).toBe(200);

    await w.as('outsider', 'POST', `${MLFLOW}/registered-models/create`, { name: 'outsider-model' });
    const renamed = await w.as('outsider', 'POST', `${MLFLOW}/registered-models/rename`, {
      name: 'outsider-model',
      new_name: 'outsider-model-2',
    });
    expect(renamed.status).toBe(200);
    const me = await w.as('outsider', 'GET', `${MLFLOW}/users/get`, { username: 'outsider' });
    expect(me.body.user.registered_model_permissions).toContainEqual({
      name: 'outsider-model-2',
      user_id: me.body.user.id,
      permission: 'MANAGE',
    });
    expect(
      (await w.as('outsider', 'DELETE', `${MLFLOW}/registered-models/delete`, { name: 'outsider-model-2' }))
        .status,
    ).toBe(200);
    const after = await w.as('outsider', 'GET', `${MLFLOW}/users/get`, { username: 'outsider' });
    expect(after.body.user.registered_model_permissions.map((p: { name: string }) => p.name)).not.toContain(
      'outsider-model-2',
    );
    expect(after.body.user).not.toHaveProperty('password_hash');
  });

  it('authenticates bearer tokens until they are revoked', async () => {
    const created = await w.as('editor', 'POST', `${LOOM}/tokens/create`, { name: 'ci' });
    expect(created.body.token_info).toMatchObject({ name: 'ci', username: 'editor' });
    const bearer = { authorization: `Bearer ${created.body.token}` };
    const run = await w.as('anonymous', 'POST', `${MLFLOW}/runs/create`, { experiment_id: w.expA }, bearer);
    expect(run.status).toBe(200);
    expect(
      (await w.as('anonymous', 'GET', `${MLFLOW}/experiments/get`, { experiment_id: w.expB }, bearer)).status,
    ).toBe(403);

    const listed = await w.as('admin', 'GET', `${LOOM}/tokens/list`, { username: 'editor' });
    expect(listed.body.tokens.map((t: { token_id: string }) => t.token_id)).toContain(
      created.body.token_info.token_id,
    );
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
    // Someone else's token cannot be revoked by id alone.
    const stranger = await w.as('reader', 'POST', `${LOOM}/tokens/revoke`, {
      token_id: created.body.token_info.token_id,
    });
    expect(stranger.status).toBe(404);
    await w.as('editor', 'POST', `${LOOM}/tokens/revoke`, { token_id: created.body.token_info.token_id });
    const revoked = await w.as(
      'anonymous',
      'GET',
      `${MLFLOW}/experiments/get`,
      { experiment_id: w.expA },
      bearer,
    );
    expect(revoked.status).toBe(401);
    expect(revoked.headers.get('www-authenticate')).toBe('Basic realm="mlflow"');
  });

  it('refuses wrong passwords with 401 and rate limits repeated failures per user', async () => {
    await w.as('admin', 'POST', `${MLFLOW}/users/create`, { username: 'target', password: PASSWORD });
    const wrong = basicAuth('target', 'guess');
    for (let i = 0; i < 10; i++) {
      expect((await w.t.call('GET', `${LOOM}/users/current`, undefined, wrong)).status).toBe(401);
    }
    const limited = await w.t.call('GET', `${LOOM}/users/current`, undefined, basicAuth('target'));
    expect(limited.status).toBe(429);
    expect(limited.body.error_code).toBe('REQUEST_LIMIT_EXCEEDED');
    // Other users are unaffected.
    expect((await w.as('reader', 'GET', `${LOOM}/users/current`)).body.user.username).toBe('reader');
  });

  it('refuses an address that sprays user names, even with right credentials afterwards', async () => {
    const app = new Hono();
    const deps = { tracking: w.t.services.tracking, artifacts: undefined, config: w.t.config };
    // Two failures per user name, twenty per address.
    app.use(authMiddleware(w.t.services.auth!, deps, new LoginRateLimit(2, 60_000)));
    app.get('/who', (c) => c.text('ok'));
    for (let i = 0; i < 20; i++) {
      expect((await app.request('/who', { headers: basicAuth(`nobody-${i}`, 'x') })).status).toBe(401);
    }
    const res = await app.request('/who', { headers: basicAuth('reader') });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('60');
  }, 60_000);

  it('runs approvals on model permissions and records the real users', async () => {
    const version = { name: w.modelA, version: '1' };
    const request = await w.as('reader', 'POST', `${MLFLOW}/transition-requests/create`, {
      ...version,
      stage: 'Production',
    });
    expect(request.status).toBe(200);
    expect(request.body.request.user_id).toBe('reader');
    for (const who of ['reader', 'editor', 'outsider']) {
      const denied = await w.as(who, 'POST', `${MLFLOW}/transition-requests/approve`, {
        ...version,
        stage: 'Production',
        archive_existing_versions: false,
      });
      expect([who, denied.status]).toEqual([who, 403]);
    }
    const approved = await w.as('manager', 'POST', `${MLFLOW}/transition-requests/approve`, {
      ...version,
      stage: 'Production',
      archive_existing_versions: false,
    });
    expect(approved.status).toBe(200);
    expect(approved.body.activity.user_id).toBe('manager');
    const got = await w.as('reader', 'GET', `${MLFLOW}/model-versions/get`, version);
    expect(got.body.model_version.current_stage).toBe('Production');
    const audit = await w.as('reader', 'GET', `${LOOM}/registry/audit-log`, { name: w.modelA });
    const users = new Set(audit.body.entries.map((e: { user_id: string }) => e.user_id));
    expect(users).toContain('manager');
    expect(users).not.toContain('anonymous');
  });
});

describe('basic-auth app with the web UI', () => {
  it('serves pages to signed-in users only, the static assets to everyone', async () => {
    const w = await createAuthWorld();
    const ui = mkdtempSync(join(tmpdir(), 'loom-ui-'));
    try {
      mkdirSync(join(ui, 'assets'));
      writeFileSync(join(ui, 'index.html'), '<html>loom</html>');
      writeFileSync(join(ui, 'assets', 'app.js'), 'console.log(1)');
      const { tracking, registry, artifacts, auth } = w.t.services;
      const app = createApp({ tracking, registry, artifacts, auth, config: w.t.config, uiDir: ui });
      for (const page of ['/', '/experiments/1']) {
        const res = await app.request(page);
        expect([page, res.status, res.headers.get('www-authenticate')]).toEqual([
          page,
          401,
          'Basic realm="mlflow"',
        ]);
      }
      expect((await app.request('/assets/app.js')).status).toBe(200);
      const signedIn = await app.request('/experiments/1', { headers: basicAuth('reader') });
      expect([signedIn.status, await signedIn.text()]).toEqual([200, '<html>loom</html>']);
      // The UI's own API calls are checked like any other.
      const denied = await app.request(`/ajax-api/2.0/mlflow/experiments/get?experiment_id=${w.expB}`, {
        headers: basicAuth('reader'),
      });
      expect(denied.status).toBe(403);
    } finally {
      rmSync(ui, { recursive: true, force: true });
      await w.t.close();
    }
  }, 60_000);
});

describe('route guard', () => {
  it('refuses to mount a route without a rule, and an app with an unguarded route', async () => {
    const guard = new AuthRouteGuard(
      new AuthService(new SqlAuthStore(undefined as never), { defaultPermission: 'READ' }),
      () => {
        throw new Error('unused');
      },
    );
    const route = {
      name: 'exportEverything',
      methods: ['GET'],
      path: '/export',
      request: {},
      handle: async () => ({}),
    } as const;
    expect(() => guard.mounted(route, 'GET', '/api/2.0/mlflow/export')).toThrow(
      /exportEverything .* has no permission rule/,
    );
    const app = new Hono();
    app.get('/api/2.0/mlflow/backdoor', (c) => c.text('secret'));
    expect(() => guard.assertEveryRouteGuarded(app, () => false)).toThrow(
      /GET \/api\/2.0\/mlflow\/backdoor has no permission rule/,
    );
  });
});
