import { type ViewType } from '@loom/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileExperimentSearch, type ExperimentSearchInput } from './experiment-search-sql';
import { openTestDb, type TestDb, invalidParameterMessage } from './test-db';

let t: TestDb;

beforeAll(async () => {
  t = await openTestDb();
  const at = (creation_time: number, last_update_time: number, lifecycle_stage = 'active') => ({
    artifact_location: 'file:///x',
    lifecycle_stage,
    creation_time,
    last_update_time,
  });
  await t.insert(
    'experiments',
    { experiment_id: 0, name: 'Default', ...at(100, 100) },
    { experiment_id: 1, name: 'exp-one', ...at(200, 900) },
    { experiment_id: 2, name: 'Exp-Two', ...at(200, 300) },
    { experiment_id: 3, name: 'gone', ...at(400, 400, 'deleted') },
  );
  await t.insert(
    'experiment_tags',
    { experiment_id: 1, key: 'team', value: 'ml' },
    { experiment_id: 1, key: 'owner name', value: 'Alice' },
    { experiment_id: 2, key: 'team', value: 'ML' },
  );
});

afterAll(async () => {
  await t.close();
});

async function search(overrides: Partial<ExperimentSearchInput> = {}): Promise<number[]> {
  const input: ExperimentSearchInput = {
    orderBy: [],
    viewType: 'ACTIVE_ONLY',
    limit: 100,
    offset: 0,
    ...overrides,
  };
  const { sql, params } = compileExperimentSearch(input, t.db.dialect);
  return (await t.db.all<{ experiment_id: number }>(sql, params)).map((r) => r.experiment_id);
}

const errorOf = (overrides: Partial<ExperimentSearchInput>): Promise<string> =>
  invalidParameterMessage(() => search(overrides), JSON.stringify(overrides));

describe('compileExperimentSearch', () => {
  it('orders by creation_time DESC, experiment_id ASC by default', async () => {
    expect(await search()).toEqual([1, 2, 0]);
  });

  it.each<[ViewType, number[]]>([
    ['ACTIVE_ONLY', [1, 2, 0]],
    ['DELETED_ONLY', [3]],
    ['ALL', [3, 1, 2, 0]],
  ])('selects lifecycle stages for %s', async (viewType, expected) => {
    expect(await search({ viewType })).toEqual(expected);
  });

  it('pages with LIMIT and OFFSET', async () => {
    expect(await search({ limit: 2, offset: 1 })).toEqual([2, 0]);
  });

  it.each([
    ["name = 'Default'", [0]],
    ["attribute.name != 'Default'", [1, 2]],
    ["name LIKE 'exp%'", [1]],
    ["name ILIKE 'EXP%'", [1, 2]],
    ['creation_time >= 200', [1, 2]],
    ['attribute.last_update_time < 500', [2, 0]],
    ['last_update_time != 300', [1, 0]],
    ['creation_time > 150.5', [1, 2]],
    ["tags.team = 'ml'", [1]],
    ["tag.team ILIKE 'ML'", [1, 2]],
    ["tags.`owner name` = 'Alice'", [1]],
    ["tags.team != 'ml'", [2]],
    ["tags.team = 'ml' OR name = 'Default'", [1, 0]],
    ["NOT tags.team LIKE 'm%'", [2, 0]],
  ])('%s', async (filter, expected) => {
    expect(await search({ filter })).toEqual(expected);
  });

  it.each([
    [['name'], [0, 2, 1]], // binary order: 'Default' < 'Exp-Two' < 'exp-one'
    [['name DESC'], [1, 2, 0]],
    [['last_update_time DESC'], [1, 2, 0]],
    [['creation_time ASC'], [0, 2, 1]], // the appended tie-break is experiment_id DESC, as in MLflow
    [['experiment_id DESC'], [2, 1, 0]],
    [
      ['attribute.creation_time', 'experiment_id'],
      [0, 1, 2],
    ],
  ])('order_by %j', async (orderBy, expected) => {
    expect(await search({ orderBy })).toEqual(expected);
  });

  it.each([
    [
      "attributes.name = 'x'",
      "Invalid entity type 'attributes'. Valid entity types are ('attribute', 'tag', 'tags')",
    ],
    ["params.x = 'y'", "Invalid entity type 'params'. Valid entity types are ('attribute', 'tag', 'tags')"],
    [
      "foo = 'x'",
      "Invalid attribute key 'foo' specified. Valid keys are ['name', 'creation_time', 'last_update_time']",
    ],
    [
      'experiment_id = 1',
      "Invalid attribute key 'experiment_id' specified. Valid keys are ['name', 'creation_time', 'last_update_time']",
    ],
    ["creation_time = 'x'", "Expected numeric value type for numeric attribute: creation_time. Found 'x'"],
    ['creation_time LIKE 1', 'Invalid comparator for numeric attribute: LIKE'],
    ["name > 'a'", 'Invalid comparator for string attribute: >'],
    ['name = 1', 'Expected a quoted string value for attributes. Got value 1'],
    ["name IN ('a')", "Only the 'run_id' attribute supports comparison with a list of quoted string values."],
    ["tags.team IN ('a')", "Expected a quoted string value for tag (e.g. 'my-value'). Got value ('a')"],
    ["tags.team > 'a'", 'Invalid comparator for tag: >'],
    [
      'tags.team = ml',
      'Parameter value is either not quoted or unidentified quote types used for string value ml. Use either single or double quotes.',
    ],
  ])('rejects %s', async (filter, message) => {
    expect(await errorOf({ filter })).toBe(message);
  });

  it('rejects order_by on tags and unknown keys', async () => {
    expect(await errorOf({ orderBy: ['tags.team'] })).toBe('Invalid order_by entity: tag');
    expect(await errorOf({ orderBy: ['foo'] })).toBe(
      "Invalid attribute key 'foo' specified. Valid keys are ['name', 'experiment_id', 'creation_time', 'last_update_time']",
    );
    expect(await errorOf({ orderBy: ['name UP'] })).toBe(
      "Invalid ordering key in order_by clause 'name UP'.",
    );
  });

  it('compiles ILIKE natively for postgres', () => {
    const { sql } = compileExperimentSearch(
      { filter: "name ILIKE 'a%' AND tags.x ILIKE 'b'", orderBy: [], viewType: 'ALL', limit: 1, offset: 0 },
      'postgres',
    );
    expect(sql).toContain('e.name ILIKE ?');
    expect(sql).toContain('t.value ILIKE ?');
    expect(sql).not.toMatch(/\$\d/);
  });
});
