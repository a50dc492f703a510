import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileModelVersionSearch, type ModelVersionSearchInput } from './model-version-search-sql';
import { openTestDb, type TestDb, invalidParameterMessage } from './test-db';

let t: TestDb;

beforeAll(async () => {
  t = await openTestDb();
  await t.insert(
    'registered_models',
    { model_pk: 1, name: 'a', creation_timestamp: 1, last_updated_timestamp: 1 },
    { model_pk: 2, name: 'b', creation_timestamp: 1, last_updated_timestamp: 1 },
    { model_pk: 3, name: 'p', creation_timestamp: 1, last_updated_timestamp: 1 },
  );
  await t.insert('registered_model_tags', { model_pk: 3, key: 'mlflow.prompt.is_prompt', value: 'true' });
  const version = (
    model_pk: number,
    v: number,
    last_updated_timestamp: number,
    extra: Record<string, string | number | null> = {},
  ) => ({
    model_pk,
    version: v,
    creation_timestamp: 10 * v + model_pk,
    last_updated_timestamp,
    current_stage: 'None',
    source: `s3://bucket/${model_pk}/${v}`,
    status: 'READY',
    run_id: null,
    ...extra,
  });
  await t.insert(
    'model_versions',
    version(1, 1, 100, { run_id: 'r1' }),
    version(1, 2, 300, { run_id: 'r2' }),
    version(1, 3, 900, { current_stage: 'Deleted_Internal' }),
    version(2, 1, 300, { run_id: 'r1', source: 'runs:/r1/model' }),
    version(2, 2, 200),
    version(3, 1, 500),
  );
  await t.insert(
    'model_version_tags',
    { model_pk: 1, version: 1, key: 'kind', value: 'tree' },
    { model_pk: 2, version: 2, key: 'kind', value: 'Tree' },
  );
});

afterAll(async () => {
  await t.close();
});

async function search(overrides: Partial<ModelVersionSearchInput> = {}): Promise<string[]> {
  const input: ModelVersionSearchInput = { orderBy: [], limit: 100, offset: 0, ...overrides };
  const { sql, params } = compileModelVersionSearch(input, t.db.dialect);
  return (await t.db.all<{ name: string; version: number | string }>(sql, params)).map(
    (r) => `${r.name}/${Number(r.version)}`,
  );
}

const errorOf = (overrides: Partial<ModelVersionSearchInput>): Promise<string> =>
  invalidParameterMessage(() => search(overrides), JSON.stringify(overrides));

describe('compileModelVersionSearch', () => {
  it('orders by last_updated_timestamp DESC, name ASC, version DESC; hides deleted versions and prompts', async () => {
    expect(await search()).toEqual(['a/2', 'b/1', 'b/2', 'a/1']);
  });

  it('pages with LIMIT and OFFSET', async () => {
    expect(await search({ limit: 2, offset: 2 })).toEqual(['b/2', 'a/1']);
  });

  it.each([
    ["name = 'a'", ['a/2', 'a/1']],
    ["name != 'a'", ['b/1', 'b/2']],
    ["name ILIKE 'A'", ['a/2', 'a/1']],
    ["run_id = 'r1'", ['b/1', 'a/1']],
    ["run_id != 'r1'", ['a/2']],
    ["run_id IN ('r1', 'r2')", ['a/2', 'b/1', 'a/1']],
    ["run_id NOT IN ('r1')", ['a/2']],
    ["source_path = 'runs:/r1/model'", ['b/1']],
    ["source_path LIKE 's3://bucket/1/%'", ['a/2', 'a/1']],
    ['version_number = 2', ['a/2', 'b/2']],
    ['version_number >= 2', ['a/2', 'b/2']],
    ['version_number < 1.5', ['b/1', 'a/1']],
    ["name = 'a' AND version_number > 1", ['a/2']],
    ["tags.kind = 'tree'", ['a/1']],
    ["tags.kind ILIKE 'tree'", ['b/2', 'a/1']],
    ["tags.`mlflow.prompt.is_prompt` = 'true'", ['p/1']],
    ["NOT run_id = 'r1'", ['a/2', 'b/2']],
  ])('%s', async (filter, expected) => {
    expect(await search({ filter })).toEqual(expected);
  });

  it.each([
    [
      ['name', 'version_number'],
      ['a/1', 'a/2', 'b/1', 'b/2'],
    ],
    [['version_number DESC'], ['a/2', 'b/2', 'a/1', 'b/1']],
    [['creation_timestamp DESC'], ['b/2', 'a/2', 'b/1', 'a/1']],
    [['last_updated_timestamp'], ['a/1', 'b/2', 'a/2', 'b/1']],
  ])('order_by %j', async (orderBy, expected) => {
    expect(await search({ orderBy })).toEqual(expected);
  });

  it.each([
    [
      "current_stage = 'None'",
      "Invalid attribute key 'current_stage' specified. Valid keys are ['name', 'run_id', 'source_path', 'version_number']",
    ],
    ['metrics.x > 1', "Invalid entity type 'metrics'. Valid entity types are ('attribute', 'tag', 'tags')"],
    ["name IN ('a')", "Only the 'run_id' attribute supports comparison with a list of quoted string values."],
    ["version_number = '1'", "Expected numeric value type for numeric attribute: version_number. Found '1'"],
    ['version_number LIKE 1', 'Invalid comparator for numeric attribute: LIKE'],
    ["run_id > 'a'", 'Invalid comparator for string attribute: >'],
    [
      "run_id IN ('a', 1)",
      "While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: ('a', 1)",
    ],
  ])('rejects filter %s', async (filter, message) => {
    expect(await errorOf({ filter })).toBe(message);
  });

  it.each([
    [['run_id'], "Invalid order by key 'run_id' specified."],
    [['name', 'name DESC'], '`order_by` contains duplicate fields'],
    [['tag.x'], 'Invalid order_by entity: tag'],
  ])('rejects order_by %j', async (orderBy, message) => {
    expect(await errorOf({ orderBy })).toContain(message);
  });
});
