import { type ViewType } from '@loom/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileRunSearch, type RunSearchInput } from './run-search-sql';
import { testBackendName } from '../../testing/test-backend';
import { openTestDb, type TestDb, invalidParameterMessage } from './test-db';

// Experiment 0 holds ra..re (re deleted), experiment 1 holds rf. Default order is start_time DESC,
// run_id ASC: rb and rd share start_time 3000.
const RUNS = [
  {
    run_id: 'ra',
    experiment_id: 0,
    name: 'alpha',
    user_id: 'alice',
    status: 'FINISHED',
    start_time: 1000,
    end_time: 2000,
    artifact_uri: 'file:///a',
    lifecycle_stage: 'active',
  },
  {
    run_id: 'rb',
    experiment_id: 0,
    name: 'Beta',
    user_id: 'bob',
    status: 'RUNNING',
    start_time: 3000,
    end_time: null,
    artifact_uri: 's3://bucket/b',
    lifecycle_stage: 'active',
  },
  {
    run_id: 'rc',
    experiment_id: 0,
    name: 'gamma',
    user_id: 'alice',
    status: 'FAILED',
    start_time: 2000,
    end_time: 2500,
    artifact_uri: 'file:///c',
    lifecycle_stage: 'active',
  },
  {
    run_id: 'rd',
    experiment_id: 0,
    name: 'delta',
    user_id: 'carol',
    status: 'FINISHED',
    start_time: 3000,
    end_time: 4000,
    artifact_uri: 'file:///d',
    lifecycle_stage: 'active',
  },
  {
    run_id: 're',
    experiment_id: 0,
    name: 'eps',
    user_id: 'bob',
    status: 'FINISHED',
    start_time: 500,
    end_time: 600,
    artifact_uri: 'file:///e',
    lifecycle_stage: 'deleted',
  },
  {
    run_id: 'rf',
    experiment_id: 1,
    name: 'phi',
    user_id: 'alice',
    status: 'FINISHED',
    start_time: 4000,
    end_time: 5000,
    artifact_uri: 'file:///f',
    lifecycle_stage: 'active',
  },
];
const PK = Object.fromEntries(RUNS.map((r, i) => [r.run_id, i + 1]));
const ID = Object.fromEntries(RUNS.map((r, i) => [i + 1, r.run_id]));

/** [run, key, value]; NaN is stored as is_nan = 1, value 0, as the store does. */
const METRICS: [string, string, number][] = [
  ['ra', 'acc', 0.9],
  ['ra', 'loss', 0.5],
  ['ra', 'model class', 1],
  ['rb', 'acc', NaN],
  ['rb', 'loss', 0.3],
  ['rc', 'acc', 0.7],
  ['rd', 'loss', 0.1],
  ['re', 'acc', 0.95],
  ['rf', 'acc', 0.8],
];
const PARAMS: [string, string, string][] = [
  ['ra', 'lr', '0.01'],
  ['ra', 'model', 'LR'],
  ['rb', 'lr', '0.1'],
  ['rb', 'model', 'lr-large'],
  ['rc', 'model', 'Tree'],
  ['rd', 'lr', '0.01'],
];
const TAGS: [string, string, string][] = [
  ...RUNS.map((r): [string, string, string] => [r.run_id, 'mlflow.runName', r.name]),
  ['ra', 'user-name', 'Alice'],
  ['ra', 'env', 'prod'],
  ['rb', 'env', 'Production'],
  ['rc', 'env', 'dev'],
];

let t: TestDb;

beforeAll(async () => {
  t = await openTestDb();
  const experiment = {
    artifact_location: 'file:///x',
    lifecycle_stage: 'active',
    creation_time: 1,
    last_update_time: 1,
  };
  await t.insert(
    'experiments',
    { experiment_id: 0, name: 'Default', ...experiment },
    { experiment_id: 1, name: 'other', ...experiment },
  );
  await t.insert('runs', ...RUNS.map((r) => ({ run_pk: PK[r.run_id] ?? null, ...r })));
  for (const [run, key, value] of METRICS) {
    const nan = Number.isNaN(value);
    await t.insert('latest_metrics', {
      run_pk: PK[run] ?? null,
      key,
      step: 0,
      timestamp: 1,
      is_nan: nan ? 1 : 0,
      value: nan ? 0 : value,
    });
  }
  for (const [run, key, value] of PARAMS) await t.insert('params', { run_pk: PK[run] ?? null, key, value });
  for (const [run, key, value] of TAGS) await t.insert('tags', { run_pk: PK[run] ?? null, key, value });
  const dataset = { experiment_id: 0, source_type: 'local', source: '{}' };
  await t.insert(
    'datasets',
    { dataset_pk: 1, name: 'train-set', digest: 'abc', ...dataset },
    { dataset_pk: 2, name: 'eval-set', digest: 'def', ...dataset },
  );
  await t.insert(
    'run_inputs',
    { run_pk: PK.ra ?? null, dataset_pk: 1 },
    { run_pk: PK.ra ?? null, dataset_pk: 2 },
    { run_pk: PK.rb ?? null, dataset_pk: 2 },
    { run_pk: PK.rc ?? null, dataset_pk: 1 },
  );
  const context = 'mlflow.data.context';
  await t.insert(
    'input_tags',
    { run_pk: PK.ra ?? null, dataset_pk: 1, key: context, value: 'training' },
    { run_pk: PK.ra ?? null, dataset_pk: 2, key: context, value: 'eval' },
    { run_pk: PK.rb ?? null, dataset_pk: 2, key: context, value: 'eval' },
  );
});

afterAll(async () => {
  await t.close();
});

/** The run ids a search returns, in order. */
async function search(overrides: Partial<RunSearchInput> = {}): Promise<string[]> {
  const input: RunSearchInput = {
    experimentIds: ['0'],
    orderBy: [],
    viewType: 'ACTIVE_ONLY',
    limit: 100,
    offset: 0,
    ...overrides,
  };
  const { sql, params } = compileRunSearch(input, t.db.dialect);
  const rows = await t.db.all<{ run_pk: number }>(sql, params);
  return rows.map((r) => ID[r.run_pk] ?? `?${r.run_pk}`);
}

const where = (filter: string) => search({ filter });
const orderedBy = (...orderBy: string[]) => search({ orderBy });

const errorOf = (overrides: Partial<RunSearchInput>): Promise<string> =>
  invalidParameterMessage(() => search(overrides), JSON.stringify(overrides));

describe('compileRunSearch: scope', () => {
  it('orders by start_time DESC then run_id ASC by default', async () => {
    expect(await search()).toEqual(['rb', 'rd', 'rc', 'ra']);
  });

  it('restricts to the experiments given', async () => {
    expect(await search({ experimentIds: ['0', '1'] })).toEqual(['rf', 'rb', 'rd', 'rc', 'ra']);
    expect(await search({ experimentIds: ['1'] })).toEqual(['rf']);
    expect(await search({ experimentIds: [] })).toEqual([]);
    expect(await search({ experimentIds: ['nope'] })).toEqual([]);
  });

  it.each<[ViewType, string[]]>([
    ['ACTIVE_ONLY', ['rb', 'rd', 'rc', 'ra']],
    ['DELETED_ONLY', ['re']],
    ['ALL', ['rb', 'rd', 'rc', 'ra', 're']],
  ])('selects lifecycle stages for %s', async (viewType, expected) => {
    expect(await search({ viewType })).toEqual(expected);
  });

  it('pages with LIMIT and OFFSET', async () => {
    expect(await search({ limit: 2, offset: 0 })).toEqual(['rb', 'rd']);
    expect(await search({ limit: 2, offset: 1 })).toEqual(['rd', 'rc']);
    expect(await search({ limit: 2, offset: 4 })).toEqual([]);
  });

  // SQLite's plan; PostgreSQL picks plans by table statistics (a 6-row table is scanned).
  it.skipIf(testBackendName() === 'postgres')(
    'uses the runs_by_experiment index rather than scanning runs',
    async () => {
      const { sql, params } = compileRunSearch(
        {
          experimentIds: ['0'],
          filter: "metrics.acc > 0.5 and params.lr = '0.01'",
          orderBy: ['metrics.acc DESC'],
          viewType: 'ACTIVE_ONLY',
          limit: 10,
          offset: 0,
        },
        'sqlite',
      );
      const plan = await t.db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params);
      const details = plan.map((p) => p.detail).join('\n');
      expect(details).toMatch(/SEARCH r USING (COVERING )?INDEX runs_by_experiment/);
      expect(details).not.toMatch(/SCAN r\b/);
    },
  );
});

describe('compileRunSearch: metric filters', () => {
  it.each([
    ['metrics.acc > 0.75', ['ra']],
    ['metric.acc < 1', ['rc', 'ra']],
    ['metrics.acc = 0.9', ['ra']],
    ['metrics.acc != 0.9', ['rb', 'rc']],
    ['metrics.acc >= 0.7', ['rc', 'ra']],
    ['metrics.loss <= 0.3', ['rb', 'rd']],
    ['metrics.acc > -1e3', ['rc', 'ra']],
    ['metrics."model class" = 1', ['ra']],
    ['metrics.`model class` >= 1', ['ra']],
    ['metrics.missing > 0', []],
  ])('%s', async (filter, expected) => {
    expect(await where(filter)).toEqual(expected);
  });

  it('never matches a NaN latest value with =, <, <=, >, >=', async () => {
    for (const op of ['=', '<', '<=', '>', '>='])
      expect(await where(`metrics.acc ${op} 0`)).not.toContain('rb');
  });
});

describe('compileRunSearch: param and tag filters', () => {
  it.each([
    ["params.lr = '0.01'", ['rd', 'ra']],
    ["params.lr != '0.01'", ['rb']], // runs without the param never match
    ['params.lr = "0.1"', ['rb']],
    ["param.model LIKE 'L%'", ['ra']], // LIKE is case-sensitive
    ["parameters.model LIKE '%r%'", ['rb', 'rc']],
    ["parameter.model ILIKE 'l%'", ['rb', 'ra']],
    ["params.model LIKE 'T_ee'", ['rc']],
    ["params.model = 'lr'", []], // = is case-sensitive
    ["tags.env = 'prod'", ['ra']],
    ["tags.env ILIKE '%PROD%'", ['rb', 'ra']],
    ["tag.env LIKE 'prod%'", ['ra']],
    ["tags.`user-name` = 'Alice'", ['ra']],
    ['tags."user-name" = "Alice"', ['ra']],
    ["tags.`mlflow.runName` = 'gamma'", ['rc']],
    ["tags.mlflow.runName = 'gamma'", ['rc']],
  ])('%s', async (filter, expected) => {
    expect(await where(filter)).toEqual(expected);
  });
});

describe('compileRunSearch: attribute filters', () => {
  it.each([
    ["status = 'FINISHED'", ['rd', 'ra']],
    ["attributes.status != 'FINISHED'", ['rb', 'rc']],
    ["attribute.user_id = 'alice'", ['rc', 'ra']],
    ["attr.artifact_uri LIKE 's3://%'", ['rb']],
    ["run.run_name = 'alpha'", ['ra']],
    ["run_name LIKE 'beta'", []],
    ["run_name ILIKE 'beta'", ['rb']],
    ["`Run name` = 'gamma'", ['rc']],
    ["attributes.`Run Name` = 'gamma'", ['rc']],
    ['attributes."run name" = "gamma"', ['rc']],
    ["run_id = 'rc'", ['rc']],
    ["run_id IN ('ra', 'rc', 'zz')", ['rc', 'ra']],
    ["run_id NOT IN ('ra')", ['rb', 'rd', 'rc']],
    ["run_id ILIKE 'R_'", ['rb', 'rd', 'rc', 'ra']],
    ['start_time >= 2000', ['rb', 'rd', 'rc']],
    ['created < 2000', ['ra']],
    ['Created = 3000', ['rb', 'rd']],
    ['run.start_time != 3000', ['rc', 'ra']],
    ['end_time > 2100', ['rd', 'rc']],
    ['end_time != 2000', ['rd', 'rc']], // a missing end_time never compares
    ['start_time > 1999.5', ['rb', 'rd', 'rc']],
    ['start_time <= 2000.5', ['rc', 'ra']],
    ['start_time = 2000.5', []],
    ['start_time != 2000.5', ['rb', 'rd', 'rc', 'ra']],
    ['start_time < 1e30', ['rb', 'rd', 'rc', 'ra']],
    ['start_time > 1e30', []],
  ])('%s', async (filter, expected) => {
    expect(await where(filter)).toEqual(expected);
  });
});

describe('compileRunSearch: dataset filters', () => {
  it.each([
    ["dataset.name = 'train-set'", ['rc', 'ra']],
    ["datasets.digest IN ('def')", ['rb', 'ra']],
    ["dataset.name != 'train-set'", ['rb', 'ra']], // any input dataset may match
    ["dataset.name NOT IN ('train-set', 'eval-set')", []],
    ["dataset.name LIKE '%set'", ['rb', 'rc', 'ra']],
    ["dataset.name LIKE '%SET'", []],
    ["dataset.name ILIKE '%SET'", ['rb', 'rc', 'ra']],
    ["dataset.context = 'training'", ['ra']],
    ["dataset.context ILIKE 'EVAL'", ['rb', 'ra']],
    ["dataset.context IN ('training', 'eval')", ['rb', 'ra']],
    ["dataset.context != 'eval'", ['ra']],
  ])('%s', async (filter, expected) => {
    expect(await where(filter)).toEqual(expected);
  });
});

describe('compileRunSearch: AND, OR, NOT', () => {
  it.each([
    ["metrics.loss < 1 and params.lr = '0.01'", ['rd', 'ra']],
    ["metrics.loss < 1 AND params.lr = '0.01' AND status = 'FINISHED' AND run_id != 'rd'", ['ra']],
    ["params.model = 'Tree' OR tags.env = 'prod'", ['rc', 'ra']],
    ["NOT params.lr = '0.01'", ['rb', 'rc']], // NOT also matches runs without the param
    ['NOT end_time > 2100', ['rb', 'ra']], // the exact complement, missing end_time included
    ["(status = 'RUNNING' OR status = 'FAILED') AND user_id = 'alice'", ['rc']],
    ["status = 'RUNNING' OR status = 'FAILED' AND user_id = 'bob'", ['rb']],
    ["NOT (dataset.name = 'train-set' OR metrics.acc > 0)", ['rb', 'rd']],
  ])('%s', async (filter, expected) => {
    expect(await where(filter)).toEqual(expected);
  });
});

describe('compileRunSearch: order_by', () => {
  it.each([
    [['metrics.acc DESC'], ['ra', 'rc', 'rb', 'rd']], // numbers, then NaN, then missing
    [['metrics.acc'], ['rc', 'ra', 'rb', 'rd']],
    [['metrics.acc ASC'], ['rc', 'ra', 'rb', 'rd']],
    [['metrics.`model class` DESC'], ['ra', 'rb', 'rd', 'rc']],
    [['params.lr ASC'], ['rd', 'ra', 'rb', 'rc']], // a tie falls back to start_time DESC
    [['params.lr DESC'], ['rb', 'rd', 'ra', 'rc']],
    [['tags.env DESC'], ['ra', 'rc', 'rb', 'rd']], // binary order: 'prod' > 'dev' > 'Production'
    [['end_time ASC'], ['ra', 'rc', 'rd', 'rb']], // missing end_time last either way
    [['end_time DESC'], ['rd', 'rc', 'ra', 'rb']],
    [['start_time ASC'], ['ra', 'rc', 'rb', 'rd']], // no start_time DESC tie-break; run_id ASC breaks the tie
    [['created DESC'], ['rb', 'rd', 'rc', 'ra']],
    [['run_name'], ['rb', 'ra', 'rd', 'rc']], // 'Beta' < 'alpha'
    [['attributes.run_id DESC'], ['rd', 'rc', 'rb', 'ra']],
    [
      ['status', 'metrics.loss DESC'],
      ['rc', 'ra', 'rd', 'rb'],
    ],
    [
      ['user_id DESC', 'params.model'],
      ['rd', 'rb', 'ra', 'rc'],
    ],
  ])('%j', async (orderBy, expected) => {
    expect(await orderedBy(...orderBy)).toEqual(expected);
  });

  it('combines a filter, an order and a page', async () => {
    expect(
      await search({ filter: 'metrics.loss >= 0', orderBy: ['metrics.loss'], limit: 2, offset: 1 }),
    ).toEqual(['rb', 'ra']);
  });

  it('rejects duplicate keys, also through aliases', async () => {
    expect(await errorOf({ orderBy: ['metrics.acc', 'metric.acc DESC'] })).toBe(
      "`order_by` contains duplicate fields: ['metrics.acc', 'metric.acc DESC']",
    );
    expect(await errorOf({ orderBy: ['created', 'start_time'] })).toMatch(/duplicate fields/);
  });

  it('rejects datasets, unknown keys and bad clauses', async () => {
    expect(await errorOf({ orderBy: ['dataset.name'] })).toMatch(/^Invalid order_by entity type 'dataset'/);
    expect(await errorOf({ orderBy: ['foo'] })).toMatch(/^Invalid attribute key 'foo' specified/);
    expect(await errorOf({ orderBy: ['bogus.x'] })).toMatch(/^Invalid entity type 'bogus'/);
    expect(await errorOf({ orderBy: ['start_time sideways'] })).toBe(
      "Invalid ordering key in order_by clause 'start_time sideways'.",
    );
  });
});

describe('compileRunSearch: validation', () => {
  it.each([
    ["metrics.acc = '1'", "Expected numeric value type for metric. Found '1'"],
    ['metrics.acc LIKE 1', "Invalid comparator 'LIKE' not one of '=, !=, >, >=, <, <='"],
    ["metrics.acc IN ('a')", "Expected numeric value type for metric. Found ('a')"],
    ['params.lr = 1', "Expected a quoted string value for parameter (e.g. 'my-value'). Got value 1"],
    [
      'params.lr = abc',
      'Parameter value is either not quoted or unidentified quote types used for string value abc. Use either single or double quotes.',
    ],
    ["params.lr > '1'", "Invalid comparator '>' not one of '=, !=, LIKE, ILIKE'"],
    ["params.lr IN ('1')", "Expected a quoted string value for parameter (e.g. 'my-value'). Got value ('1')"],
    ["tags.env < 'x'", "Invalid comparator '<' not one of '=, !=, LIKE, ILIKE'"],
    ['tags.env = 5', "Expected a quoted string value for tag (e.g. 'my-value'). Got value 5"],
    [
      "status IN ('FINISHED')",
      "Only the 'run_id' attribute supports comparison with a list of quoted string values.",
    ],
    ['status = 5', 'Expected a quoted string value for attributes. Got value 5'],
    ["status > 'A'", "Invalid comparator '>' not one of '=, !=, LIKE, ILIKE, IN, NOT IN'"],
    ["start_time = '5'", "Expected numeric value type for numeric attribute: start_time. Found '5'"],
    ["created = '5'", "Expected numeric value type for numeric attribute: created. Found '5'"],
    ['start_time LIKE 5', "Invalid comparator 'LIKE' not one of '=, !=, >, >=, <, <='"],
    [
      'run_id IN (1, 2)',
      'While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: (1, 2)',
    ],
    [
      "dataset.foo = 'x'",
      "Invalid dataset key 'foo' specified. Valid keys are ['name', 'digest', 'context']",
    ],
    ['dataset.name = 5', 'Expected a quoted string value for dataset attributes. Got value 5'],
    ["dataset.name > 'a'", "Invalid comparator '>' not one of '=, !=, LIKE, ILIKE, IN, NOT IN'"],
    [
      "bogus.x = 'a'",
      "Invalid entity type 'bogus'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']",
    ],
    [
      "Metrics.acc = 'a'",
      "Invalid entity type 'Metrics'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']",
    ],
  ])('%s', async (filter, message) => {
    expect(await errorOf({ filter })).toBe(message);
  });

  it('names the valid attribute keys for an unknown one', async () => {
    expect(await errorOf({ filter: "foo = 'x'" })).toBe(
      "Invalid attribute key 'foo' specified. Valid keys are ['Created', 'Run Name', 'Run name', 'artifact_uri', " +
        "'created', 'end_time', 'run name', 'run_id', 'run_name', 'start_time', 'status', 'user_id']",
    );
  });

  it('validates clauses inside OR and NOT too', async () => {
    expect(await errorOf({ filter: "run_id = 'a' OR NOT metrics.acc = 'x'" })).toMatch(
      /Expected numeric value/,
    );
  });
});

describe('compileRunSearch: postgres SQL', () => {
  it('uses ILIKE and ? placeholders', () => {
    const { sql, params } = compileRunSearch(
      {
        experimentIds: ['0', '12'],
        filter: "params.model ILIKE 'l%' and run_name ILIKE 'a%'",
        orderBy: ['params.lr'],
        viewType: 'ALL',
        limit: 10,
        offset: 20,
      },
      'postgres',
    );
    expect(sql).toContain('m.value ILIKE ?');
    expect(sql).toContain('r.name ILIKE ?');
    expect(sql).not.toContain('LOWER(');
    expect(sql).not.toMatch(/\$\d/);
    expect(sql.split('?').length - 1).toBe(params.length);
    expect(params).toEqual(['lr', 0, 12, 'active', 'deleted', 'model', 'l%', 'a%', 10, 20]);
  });
});

// Where SQLite and PostgreSQL differ by default, the store makes them agree: text compares and sorts
// by bytes (COLLATE "C"), a backslash in a LIKE pattern is a plain character, ILIKE folds ASCII only.
describe('compileRunSearch: the same answers on every backend', () => {
  const WORDS: [string, string][] = [
    ['rg', 'b'],
    ['rh', 'B'],
    ['ri', 'é'],
    ['rj', 'a_'],
    ['rk', 'C:\\data\\x%1'],
    ['rl', 'Ä'],
  ];
  const inExperiment2 = (overrides: Partial<RunSearchInput>) =>
    search({ experimentIds: ['2'], ...overrides });

  beforeAll(async () => {
    await t.insert('experiments', {
      experiment_id: 2,
      name: 'words',
      artifact_location: 'file:///x',
      lifecycle_stage: 'active',
      creation_time: 1,
      last_update_time: 1,
    });
    for (const [i, [runId, word]] of WORDS.entries()) {
      const pk = 100 + i;
      ID[pk] = runId;
      await t.insert('runs', {
        run_pk: pk,
        run_id: runId,
        experiment_id: 2,
        name: word,
        user_id: 'u',
        status: 'FINISHED',
        start_time: 1,
        end_time: null,
        artifact_uri: 'file:///w',
        lifecycle_stage: 'active',
      });
      await t.insert('params', { run_pk: pk, key: 'word', value: word });
    }
  });

  it('orders text by bytes', async () => {
    expect(await inExperiment2({ orderBy: ['params.word'] })).toEqual(['rh', 'rk', 'rj', 'rg', 'rl', 'ri']);
    expect(await inExperiment2({ orderBy: ['run_name DESC'] })).toEqual(['ri', 'rl', 'rg', 'rj', 'rk', 'rh']);
  });

  it.each([
    ["params.word LIKE 'C:\\data%'", ['rk']],
    ["params.word LIKE '%\\x%'", ['rk']],
    ["params.word LIKE '%\\%%'", ['rk']],
    // With `\` as an escape this would match 'x%1'; as a plain character it needs 'x\'.
    ["params.word LIKE '%x\\%1'", []],
    ["params.word LIKE 'a_'", ['rj']],
    ["params.word ILIKE 'b'", ['rg', 'rh']],
    ["params.word ILIKE 'ä'", []],
    ["params.word = 'B'", ['rh']],
  ])('%s', async (filter, expected) => {
    expect((await inExperiment2({ filter, orderBy: ['params.word'] })).sort()).toEqual([...expected].sort());
  });
});
