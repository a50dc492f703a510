import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

const api = (path: string) => `/api/2.0/mlflow${path}`;
const patch = (path: string, body: unknown) => t.call('PATCH', api(path), body);
const del = (path: string, body: unknown) => t.call('DELETE', api(path), body);

async function createModel(name: string, extra: Record<string, unknown> = {}) {
  const res = await t.post('/registered-models/create', { name, ...extra });
  expect(res.status).toBe(200);
  return res.body.registered_model;
}

async function createVersion(
  name: string,
  source = 's3://bucket/model',
  extra: Record<string, unknown> = {},
) {
  const res = await t.post('/model-versions/create', { name, source, ...extra });
  expect(res.status).toBe(200);
  return res.body.model_version;
}

describe('registered models', () => {
  it('creates with tags and description, gets it, and rejects a duplicate with 400', async () => {
    const model = await createModel('m1', { description: 'first', tags: [{ key: 'team', value: 'ml' }] });
    expect(model).toMatchObject({ name: 'm1', description: 'first', tags: [{ key: 'team', value: 'ml' }] });
    expect(model.creation_timestamp).toBe(model.last_updated_timestamp);
    const got = await t.get('/registered-models/get', { name: 'm1' });
    expect(got.body.registered_model).toEqual(model);
    const dup = await t.post('/registered-models/create', { name: 'm1' });
    expect(dup.status).toBe(400);
    expect(dup.body).toEqual({
      error_code: 'RESOURCE_ALREADY_EXISTS',
      message: 'Registered Model (name=m1) already exists.',
    });
  });

  it('answers 404 for an unknown model and 400 for a missing name', async () => {
    const res = await t.get('/registered-models/get', { name: 'nope' });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: 'Registered Model with name=nope not found',
    });
    const missing = await t.post('/registered-models/create', {});
    expect(missing.status).toBe(400);
    expect(missing.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(missing.body.message).toContain("Missing value for required parameter 'name'");
  });

  it('validates tags', async () => {
    const badKey = await t.post('/registered-models/create', {
      name: 'x',
      tags: [{ key: 'a//b', value: '1' }],
    });
    expect(badKey.status).toBe(400);
    const long = await t.post('/registered-models/create', {
      name: 'x',
      tags: [{ key: 'k', value: 'v'.repeat(100_001) }],
    });
    expect(long.status).toBe(400);
    expect(long.body.message).toContain('exceeded length limit of 100000');
    expect((await t.get('/registered-models/get', { name: 'x' })).status).toBe(404);
  });

  it('renames a model and its versions; a taken name is RESOURCE_ALREADY_EXISTS', async () => {
    await createModel('old');
    await createModel('taken');
    await createVersion('old');
    const res = await t.post('/registered-models/rename', { name: 'old', new_name: 'new' });
    expect(res.status).toBe(200);
    expect(res.body.registered_model.name).toBe('new');
    expect(res.body.registered_model.latest_versions[0]).toMatchObject({ name: 'new', version: '1' });
    expect((await t.get('/model-versions/get', { name: 'new', version: '1' })).body.model_version.name).toBe(
      'new',
    );
    expect((await t.get('/registered-models/get', { name: 'old' })).status).toBe(404);
    const clash = await t.post('/registered-models/rename', { name: 'new', new_name: 'taken' });
    expect(clash.status).toBe(400);
    expect(clash.body.error_code).toBe('RESOURCE_ALREADY_EXISTS');
    const missing = await t.post('/registered-models/rename', { name: 'ghost', new_name: 'x' });
    expect(missing.status).toBe(404);
  });

  it('updates the description with PATCH and bumps last_updated_timestamp', async () => {
    const before = await createModel('m');
    await new Promise((r) => setTimeout(r, 5));
    const res = await patch('/registered-models/update', { name: 'm', description: 'hello' });
    expect(res.status).toBe(200);
    expect(res.body.registered_model.description).toBe('hello');
    expect(res.body.registered_model.last_updated_timestamp).toBeGreaterThan(before.last_updated_timestamp);
    expect((await patch('/registered-models/update', { name: 'ghost', description: 'x' })).status).toBe(404);
  });

  it('deletes a model with DELETE and a JSON body, versions included', async () => {
    await createModel('gone', { tags: [{ key: 'a', value: 'b' }] });
    await createVersion('gone');
    await t.post('/registered-models/alias', { name: 'gone', alias: 'champ', version: '1' });
    expect((await del('/registered-models/delete', { name: 'gone' })).body).toEqual({});
    expect((await t.get('/registered-models/get', { name: 'gone' })).status).toBe(404);
    expect((await t.get('/model-versions/get', { name: 'gone', version: '1' })).status).toBe(404);
    expect((await del('/registered-models/delete', { name: 'gone' })).status).toBe(404);
    // The name is free again, and version numbers start over.
    await createModel('gone');
    expect((await createVersion('gone')).version).toBe('1');
  });

  it('sets and deletes tags', async () => {
    await createModel('m');
    expect((await t.post('/registered-models/set-tag', { name: 'm', key: 'k', value: 'v1' })).body).toEqual(
      {},
    );
    await t.post('/registered-models/set-tag', { name: 'm', key: 'k', value: 'v2' });
    expect((await t.get('/registered-models/get', { name: 'm' })).body.registered_model.tags).toEqual([
      { key: 'k', value: 'v2' },
    ]);
    expect((await del('/registered-models/delete-tag', { name: 'm', key: 'k' })).status).toBe(200);
    expect((await t.get('/registered-models/get', { name: 'm' })).body.registered_model.tags).toBeUndefined();
    // A missing tag is fine, a missing model is not.
    expect((await del('/registered-models/delete-tag', { name: 'm', key: 'k' })).status).toBe(200);
    expect((await del('/registered-models/delete-tag', { name: 'x', key: 'k' })).status).toBe(404);
    expect((await t.post('/registered-models/set-tag', { name: 'x', key: 'k', value: 'v' })).status).toBe(
      404,
    );
    expect((await t.post('/registered-models/set-tag', { name: 'm', key: '../k', value: 'v' })).status).toBe(
      400,
    );
  });

  it('sets, re-points, gets and deletes aliases', async () => {
    await createModel('m');
    await createVersion('m');
    await createVersion('m');
    expect(
      (await t.post('/registered-models/alias', { name: 'm', alias: 'champ', version: '1' })).body,
    ).toEqual({});
    let got = await t.get('/registered-models/alias', { name: 'm', alias: 'champ' });
    expect(got.body.model_version).toMatchObject({ version: '1', aliases: ['champ'] });
    await t.post('/registered-models/alias', { name: 'm', alias: 'champ', version: '2' });
    got = await t.get('/registered-models/alias', { name: 'm', alias: 'champ' });
    expect(got.body.model_version.version).toBe('2');
    const model = (await t.get('/registered-models/get', { name: 'm' })).body.registered_model;
    expect(model.aliases).toEqual([{ alias: 'champ', version: '2' }]);
    const latest = await t.get('/registered-models/alias', { name: 'm', alias: 'LATEST' });
    expect(latest.body.model_version.version).toBe('2');
    expect((await del('/registered-models/alias', { name: 'm', alias: 'champ' })).body).toEqual({});
    expect((await del('/registered-models/alias', { name: 'm', alias: 'champ' })).status).toBe(200);
    const unknown = await t.get('/registered-models/alias', { name: 'm', alias: 'champ' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: 'Registered model alias champ not found.',
    });
  });

  it('enforces alias rules', async () => {
    await createModel('m');
    await createVersion('m');
    const set = (alias: string, version = '1') =>
      t.post('/registered-models/alias', { name: 'm', alias, version });
    for (const alias of ['latest', 'Latest', 'v1', 'V12', 'bad alias', 'a.b', 'x'.repeat(256)]) {
      const res = await set(alias);
      expect(res.status, alias).toBe(400);
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    expect((await set('latest')).body.message).toBe("'latest' alias name (case insensitive) is reserved.");
    expect((await set('v1')).body.message).toBe("Version alias name 'v1' is reserved.");
    expect((await set('v1a')).status).toBe(200);
    expect((await set('ok', '9')).status).toBe(404);
    expect((await set('ok', 'one')).body.message).toBe("Parameter 'version' must be an integer, got 'one'.");
    const missingModel = await t.post('/registered-models/alias', { name: 'x', alias: 'a', version: '1' });
    expect(missingModel.status).toBe(404);
  });

  it('lists latest versions per stage, with POST and GET', async () => {
    await createModel('m');
    for (let i = 0; i < 4; i++) await createVersion('m');
    await t.post('/model-versions/transition-stage', { name: 'm', version: '1', stage: 'Production' });
    await t.post('/model-versions/transition-stage', { name: 'm', version: '2', stage: 'staging' });
    await t.post('/model-versions/transition-stage', { name: 'm', version: '3', stage: 'Staging' });
    const all = await t.post('/registered-models/get-latest-versions', { name: 'm' });
    expect(
      all.body.model_versions.map((v: { version: string; current_stage: string }) => [
        v.current_stage,
        v.version,
      ]),
    ).toEqual([
      ['None', '4'],
      ['Staging', '3'],
      ['Production', '1'],
    ]);
    const some = await t.get('/registered-models/get-latest-versions', {
      name: 'm',
      stages: ['production', 'Archived'],
    });
    expect(some.body.model_versions.map((v: { version: string }) => v.version)).toEqual(['1']);
    const none = await t.post('/registered-models/get-latest-versions', { name: 'm', stages: ['Archived'] });
    expect(none.body).toEqual({});
    const bad = await t.post('/registered-models/get-latest-versions', { name: 'm', stages: ['Prod'] });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe(
      'Invalid Model Version stage: Prod. Value must be one of None, Staging, Production, Archived.',
    );
    expect((await t.post('/registered-models/get-latest-versions', { name: 'x' })).status).toBe(404);
    // latest_versions of the model: the newest version per stage.
    const model = (await t.get('/registered-models/get', { name: 'm' })).body.registered_model;
    expect(model.latest_versions.map((v: { version: string }) => v.version)).toEqual(['1', '3', '4']);
  });

  it('searches by name and tags, hides prompts, orders and pages', async () => {
    await createModel('alpha', { tags: [{ key: 'team', value: 'vision' }] });
    await createModel('Beta', { tags: [{ key: 'team', value: 'NLP' }] });
    await createModel('gamma');
    await createModel('my-prompt', { tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }] });
    const names = async (query: Record<string, unknown>) => {
      const res = await t.get('/registered-models/search', query);
      expect(res.status).toBe(200);
      return ((res.body.registered_models ?? []) as { name: string }[]).map((m) => m.name);
    };
    expect(await names({})).toEqual(['Beta', 'alpha', 'gamma']);
    expect(await names({ filter: "name LIKE '%a'" })).toEqual(['Beta', 'alpha', 'gamma']);
    expect(await names({ filter: "name ILIKE 'b%'" })).toEqual(['Beta']);
    expect(await names({ filter: "tags.team = 'vision'" })).toEqual(['alpha']);
    expect(await names({ filter: "tags.`mlflow.prompt.is_prompt` = 'true'" })).toEqual(['my-prompt']);
    expect(await names({ filter: "tags.`mlflow.prompt.is_prompt` = 'false'" })).toEqual([
      'Beta',
      'alpha',
      'gamma',
    ]);
    expect(await names({ order_by: ['name DESC'] })).toEqual(['gamma', 'alpha', 'Beta']);
    await t.post('/registered-models/set-tag', { name: 'alpha', key: 'x', value: 'y' });
    await patch('/registered-models/update', { name: 'alpha', description: 'touched' });
    expect((await names({ order_by: ['last_updated_timestamp DESC'] }))[0]).toBe('alpha');
    const first = await t.get('/registered-models/search', { max_results: 2 });
    expect(first.body.registered_models).toHaveLength(2);
    const second = await t.get('/registered-models/search', {
      max_results: 2,
      page_token: first.body.next_page_token,
    });
    expect(second.body.registered_models.map((m: { name: string }) => m.name)).toEqual(['gamma']);
    expect(second.body.next_page_token).toBeUndefined();
    const list = await t.get('/registered-models/list', {});
    expect(list.body.registered_models).toHaveLength(3);
  });

  it('rejects bad search input with 400', async () => {
    for (const query of [
      { filter: "run_id = 'x'" },
      { filter: "params.a = 'x'" },
      { filter: 'name = x' },
      { order_by: ['creation_timestamp'] },
      { order_by: ['name', 'name DESC'] },
      { max_results: 1001 },
      { max_results: 0 },
      { page_token: 'not a token' },
    ]) {
      const res = await t.get('/registered-models/search', query);
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
  });

  it('is mirrored under /ajax-api', async () => {
    await createModel('m');
    const res = await t.call('GET', '/ajax-api/2.0/mlflow/registered-models/get', { name: 'm' });
    expect(res.body.registered_model.name).toBe('m');
  });
});
