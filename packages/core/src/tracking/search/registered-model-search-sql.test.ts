import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileRegisteredModelSearch, type RegisteredModelSearchInput } from './registered-model-search-sql';
import { openTestDb, type TestDb, invalidParameterMessage } from './test-db';

let t: TestDb;

beforeAll(async () => {
  t = await openTestDb();
  const model = (model_pk: number, name: string, last_updated_timestamp: number) => ({
    model_pk,
    name,
    creation_timestamp: 100,
    last_updated_timestamp,
  });
  await t.insert(
    'registered_models',
    model(1, 'alpha', 300),
    model(2, 'Beta', 500),
    model(3, 'gamma', 300),
    model(4, 'prompt-a', 900),
    model(5, 'not-a-prompt', 50),
  );
  await t.insert(
    'registered_model_tags',
    { model_pk: 1, key: 'team', value: 'vision' },
    { model_pk: 2, key: 'team', value: 'Vision' },
    { model_pk: 3, key: 'owner name', value: 'ann' },
    { model_pk: 4, key: 'mlflow.prompt.is_prompt', value: 'true' },
    { model_pk: 5, key: 'mlflow.prompt.is_prompt', value: 'false' },
  );
});

afterAll(async () => {
  await t.close();
});

async function search(overrides: Partial<RegisteredModelSearchInput> = {}): Promise<string[]> {
  const input: RegisteredModelSearchInput = { orderBy: [], limit: 100, offset: 0, ...overrides };
  const { sql, params } = compileRegisteredModelSearch(input, t.db.dialect);
  return (await t.db.all<{ name: string }>(sql, params)).map((r) => r.name);
}

const errorOf = (overrides: Partial<RegisteredModelSearchInput>): Promise<string> =>
  invalidParameterMessage(() => search(overrides), JSON.stringify(overrides));

describe('compileRegisteredModelSearch', () => {
  it('orders by name ASC (binary) and hides prompts by default', async () => {
    expect(await search()).toEqual(['Beta', 'alpha', 'gamma', 'not-a-prompt']);
  });

  it('pages with LIMIT and OFFSET', async () => {
    expect(await search({ limit: 2, offset: 1 })).toEqual(['alpha', 'gamma']);
  });

  it.each([
    ["name = 'alpha'", ['alpha']],
    ["attribute.name != 'alpha'", ['Beta', 'gamma', 'not-a-prompt']],
    ["name LIKE '%a'", ['Beta', 'alpha', 'gamma']],
    ["name LIKE 'b%'", []],
    ["name ILIKE 'b%'", ['Beta']],
    ["tags.team = 'vision'", ['alpha']],
    ["tag.team ILIKE 'VISION'", ['Beta', 'alpha']],
    ["tags.`owner name` LIKE 'a%'", ['gamma']],
    ["tags.team != 'vision'", ['Beta']],
    ["tags.`mlflow.prompt.is_prompt` = 'true'", ['prompt-a']],
    ["tags.`mlflow.prompt.is_prompt` = 'false'", ['Beta', 'alpha', 'gamma', 'not-a-prompt']],
    ["tags.`mlflow.prompt.is_prompt` != 'false'", ['prompt-a']],
    ["name = 'alpha' OR name = 'gamma'", ['alpha', 'gamma']],
    ["NOT tags.team = 'vision'", ['Beta', 'gamma', 'not-a-prompt']],
  ])('%s', async (filter, expected) => {
    expect(await search({ filter })).toEqual(expected);
  });

  it.each([
    [['name DESC'], ['not-a-prompt', 'gamma', 'alpha', 'Beta']],
    [['last_updated_timestamp DESC'], ['Beta', 'alpha', 'gamma', 'not-a-prompt']],
    [['timestamp'], ['not-a-prompt', 'alpha', 'gamma', 'Beta']],
    [
      ['timestamp ASC', 'name DESC'],
      ['not-a-prompt', 'gamma', 'alpha', 'Beta'],
    ],
  ])('order_by %j', async (orderBy, expected) => {
    expect(await search({ orderBy })).toEqual(expected);
  });

  it.each([
    ["run_id = 'x'", "Invalid attribute key 'run_id' specified. Valid keys are ['name']"],
    ["params.a = 'x'", "Invalid entity type 'params'. Valid entity types are ('attribute', 'tag', 'tags')"],
    ['name = 1', 'Expected a quoted string value for attributes. Got value 1'],
    ["name > 'a'", 'Invalid comparator for string attribute: >'],
    ["name IN ('a')", "Only the 'run_id' attribute supports comparison with a list of quoted string values."],
    ['tags.team = 3', "Expected a quoted string value for tag (e.g. 'my-value'). Got value 3"],
  ])('rejects filter %s', async (filter, message) => {
    expect(await errorOf({ filter })).toBe(message);
  });

  it.each([
    [['creation_timestamp'], "Invalid order by key 'creation_timestamp' specified."],
    [['name', 'name DESC'], '`order_by` contains duplicate fields'],
    [['timestamp', 'last_updated_timestamp'], '`order_by` contains duplicate fields'],
    [['tags.x'], 'Invalid order_by entity: tags'],
  ])('rejects order_by %j', async (orderBy, message) => {
    expect(await errorOf({ orderBy })).toContain(message);
  });
});
