/**
 * Fuzzing of the four search grammars (runs, experiments, registered models, model versions):
 * random text and grammar-shaped filters and order_by clauses either compile or fail with
 * INVALID_PARAMETER_VALUE, and whatever compiles runs on a real database holding awkward data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoomError } from '@loom/protocol';
import type { SqlDriver } from '../../store/sql/driver';
import { openTrackingStore } from '../../store/open-tracking-store';
import type { SqlTrackingStore } from '../../store/sql/tracking/sql-tracking-store';
import { assertProperty, fuzzRuns, fuzzSummary } from '../../testing/fuzz';
import { createTestBackend, type TestBackend } from '../../testing/test-backend';
import { populateStore } from '../../testing/store-fixture';
import type { Fragment } from './sql-fragment';
import { compileExperimentSearch } from './experiment-search-sql';
import { compileModelVersionSearch } from './model-version-search-sql';
import { compileRegisteredModelSearch } from './registered-model-search-sql';
import { compileRunSearch } from './run-search-sql';

const ENTITIES = [
  '',
  'metrics.',
  'metric.',
  'params.',
  'param.',
  'parameters.',
  'tags.',
  'tag.',
  'attributes.',
  'attribute.',
  'attr.',
  'run.',
  'datasets.',
  'dataset.',
  'prompt.',
  'model.',
  'bogus.',
];
const KEYS = [
  'loss',
  'odd',
  'big',
  'acc',
  'lr',
  'text',
  'note',
  'team',
  'owner',
  'v',
  'name',
  'status',
  'run_name',
  'run_id',
  'user_id',
  'start_time',
  'end_time',
  'artifact_uri',
  'lifecycle_stage',
  'experiment_id',
  'creation_time',
  'last_update_time',
  'last_updated_timestamp',
  'timestamp',
  'version_number',
  'source_path',
  'digest',
  'context',
  'mlflow.prompt.is_prompt',
  'mlflow.runName',
];
const OPERATORS = [
  '=',
  '!=',
  '<>',
  '<',
  '<=',
  '>',
  '>=',
  'LIKE',
  'ILIKE',
  'like',
  'IN',
  'NOT IN',
  'IS',
  '==',
];
const HOSTILE = [
  "'; DROP TABLE runs; --",
  '%',
  '_',
  '\\',
  '\\%',
  '%%_%',
  '\0',
  'a\0b',
  '\ud800',
  '💥',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '9223372036854775808',
  '-0',
  '',
  ' ',
  '"',
  "'",
  '`',
];

const key = fc.oneof(
  fc.constantFrom(...KEYS),
  fc.constantFrom(...KEYS).map((k) => `"${k}"`),
  fc.constantFrom(...KEYS).map((k) => `\`${k}\``),
  fc.string({ maxLength: 12 }).map((s) => `\`${s.replace(/`/g, '')}\``),
  fc.string({ maxLength: 12 }).map((s) => `"${s.replace(/"/g, '')}"`),
  fc.stringMatching(/^[a-z_][a-z0-9_.]{0,10}$/),
);
const identifier = fc.tuple(fc.constantFrom(...ENTITIES), key).map(([e, k]) => `${e}${k}`);

const quoted = (s: string, q: "'" | '"') => `${q}${s.split(q).join(q === "'" ? "''" : '')}${q}`;
const scalar = fc.oneof(
  fc.double().map(String),
  fc.integer().map(String),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.constantFrom(...HOSTILE).map((s) => quoted(s, "'")),
  fc.string({ maxLength: 16 }).map((s) => quoted(s, "'")),
  fc.string({ maxLength: 16, unit: 'binary' }).map((s) => quoted(s, "'")),
  fc.string({ maxLength: 8 }).map((s) => quoted(s, '"')),
  fc.constantFrom('RUNNING', 'FINISHED', 'active', 'deleted', 'True', 'null', 'NULL', 'abc', '.5', '-.5e3'),
);
const value = fc.oneof(
  { weight: 4, arbitrary: scalar },
  {
    weight: 1,
    arbitrary: fc.array(scalar, { minLength: 0, maxLength: 4 }).map((xs) => `(${xs.join(', ')})`),
  },
);
const comparison = fc
  .tuple(identifier, fc.constantFrom(...OPERATORS), value)
  .map(([id, op, v]) => `${id} ${op} ${v}`);

/** Filters built from the grammar: comparisons under AND, OR, NOT and parentheses. */
const grammarFilter = fc.letrec<{ filter: string }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    comparison,
    fc.tuple(tie('filter'), fc.constantFrom('AND', 'and', 'OR', 'or'), tie('filter')).map((p) => p.join(' ')),
    tie('filter').map((f) => `NOT ${f}`),
    tie('filter').map((f) => `(${f})`),
  ),
})).filter;

/** A grammar-shaped filter with a random cut, splice or stray character: near misses. */
const mangledFilter = fc
  .tuple(
    grammarFilter,
    fc.nat(),
    fc.constantFrom('', '(', ')', ';', ',', "'", '"', '`', '.', 'AND', '\u0000'),
  )
  .map(([f, at, extra]) => {
    const cut = at % (f.length + 1);
    return `${f.slice(0, cut)}${extra}${f.slice(cut + (at % 3))}`;
  });

const number = fc.oneof(
  fc.double().map(String),
  fc.integer().map(String),
  fc.constantFrom('1e309', '-0', '.5'),
);
const text = fc.oneof(
  fc.constantFrom(...HOSTILE, 'iris', 'clf', 'FINISHED', 'ml-team', '%a%', 'abc123'),
  fc.string({ maxLength: 12 }),
  fc.string({ maxLength: 12, unit: 'binary' }),
);
const textValue = text.map((s) => quoted(s, "'"));
const textList = fc.array(textValue, { minLength: 1, maxLength: 3 }).map((xs) => `(${xs.join(', ')})`);
const STRING_OPERATORS = ['=', '!=', 'LIKE', 'ILIKE'];
const NUMBER_OPERATORS = ['=', '!=', '<', '<=', '>', '>='];

/** `<one of ids> <one of ops> <value>`: a clause of the right shape for a key. */
const clause = (ids: string[], ops: string[], v: fc.Arbitrary<string>) =>
  fc.tuple(fc.constantFrom(...ids), fc.constantFrom(...ops), v).map(([id, op, x]) => `${id} ${op} ${x}`);
const stringClause = (ids: string[]) => clause(ids, STRING_OPERATORS, textValue);
const numberClause = (ids: string[]) => clause(ids, NUMBER_OPERATORS, number);
const inClause = (ids: string[]) => clause(ids, ['IN', 'NOT IN'], textList);

/** Well-formed clauses of each search, with hostile values: these reach the SQL. */
const VALID_CLAUSES: Record<string, fc.Arbitrary<string>> = {
  runs: fc.oneof(
    numberClause(['metrics.loss', 'metrics.odd', 'metrics.big', 'metrics."acc"', 'metrics.`no such`']),
    numberClause(['attributes.start_time', 'attributes.end_time', 'created']),
    stringClause(['params.lr', 'params.text', 'tags.note', 'tags.`mlflow.runName`', 'params."none"']),
    stringClause(['attributes.status', 'run_name', 'attributes.user_id', 'attributes.artifact_uri']),
    stringClause(['datasets.name', 'datasets.digest', 'datasets.context']),
    inClause(['attributes.run_id', 'datasets.name', 'datasets.digest']),
  ),
  experiments: fc.oneof(
    stringClause(['name', 'attribute.name', 'tags.team', 'tags.`empty`', 'tag."none"']),
    numberClause(['creation_time', 'last_update_time', 'attribute.creation_time']),
  ),
  'registered models': fc.oneof(
    stringClause(['name', 'tags.owner', 'tags.`mlflow.prompt.is_prompt`', 'tag."none"']),
  ),
  'model versions': fc.oneof(
    stringClause(['name', 'source_path', 'run_id', 'tags.v', 'tags.`mlflow.prompt.is_prompt`']),
    numberClause(['version_number']),
    inClause(['run_id']),
  ),
};

/** Well-formed clauses of one search joined by AND, OR, NOT and parentheses. */
const validFilter = (search: string) =>
  fc.letrec<{ filter: string }>((tie) => ({
    filter: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      VALID_CLAUSES[search] as fc.Arbitrary<string>,
      fc.tuple(tie('filter'), fc.constantFrom('AND', 'OR'), tie('filter')).map((p) => p.join(' ')),
      tie('filter').map((f) => `NOT ${f}`),
      tie('filter').map((f) => `(${f})`),
    ),
  })).filter;

const anyFilter = (search: string) =>
  fc.oneof(
    { weight: 2, arbitrary: fc.string({ maxLength: 60 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60, unit: 'binary' }) },
    { weight: 3, arbitrary: grammarFilter },
    { weight: 2, arbitrary: mangledFilter },
    { weight: 4, arbitrary: validFilter(search) },
  );
const orderBy = fc.array(
  fc.oneof(
    fc
      .tuple(identifier, fc.constantFrom('', ' ASC', ' DESC', ' asc', ' UP', ' DESC DESC'))
      .map((p) => p.join('')),
    fc.string({ maxLength: 20 }),
  ),
  { maxLength: 3 },
);

type Compile = (filter: string, orderBy: string[], db: SqlDriver) => Fragment;

let backend: TestBackend;
let dir: string;
let store: SqlTrackingStore;
let experimentIds: string[];

const SEARCHES: Record<string, Compile> = {
  runs: (filter, order, db) =>
    compileRunSearch(
      { experimentIds, filter, orderBy: order, viewType: 'ALL', limit: 50, offset: 0 },
      db.dialect,
    ),
  experiments: (filter, order, db) =>
    compileExperimentSearch({ filter, orderBy: order, viewType: 'ALL', limit: 50, offset: 0 }, db.dialect),
  'registered models': (filter, order, db) =>
    compileRegisteredModelSearch({ filter, orderBy: order, limit: 50, offset: 0 }, db.dialect),
  'model versions': (filter, order, db) =>
    compileModelVersionSearch({ filter, orderBy: order, limit: 50, offset: 0 }, db.dialect),
};

/** Filters that compiled and ran, per search: the generators must reach the SQL, not only the parser. */
const executed = new Map<Compile, number>();

const isInvalidParameter = (err: unknown) =>
  err instanceof LoomError && err.code === 'INVALID_PARAMETER_VALUE';

/**
 * Compiles and runs one search. INVALID_PARAMETER_VALUE is the only failure allowed, from the
 * compiler or (text PostgreSQL cannot store, such as NUL) from the database.
 */
async function compileAndRun(compile: Compile, filter: string, order: string[]): Promise<void> {
  let fragment: Fragment;
  try {
    fragment = compile(filter, order, store.db);
  } catch (err) {
    if (isInvalidParameter(err)) return;
    throw err;
  }
  try {
    await store.db.all(fragment.sql, fragment.params);
  } catch (err) {
    if (isInvalidParameter(err)) return;
    throw err;
  }
  executed.set(compile, (executed.get(compile) ?? 0) + 1);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loom-filter-fuzz-'));
  backend = await createTestBackend(dir);
  await populateStore(backend.uri);
  store = await openTrackingStore(backend.uri, { defaultArtifactRoot: '/artifacts' });
  experimentIds = (await store.db.all<{ id: unknown }>('SELECT experiment_id AS id FROM experiments')).map(
    (r) => String(r.id),
  );
}, 120_000);

afterAll(async () => {
  console.log(fuzzSummary());
  await store.close();
  await backend.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(Object.entries(SEARCHES))('search %s', (name, compile) => {
  it('parses or rejects any filter with INVALID_PARAMETER_VALUE, and runs what it compiles', async () => {
    const runs = fuzzRuns(400);
    await assertProperty(
      `${name} filter`,
      anyFilter(name),
      (filter) => compileAndRun(compile, filter, []),
      runs,
    );
    console.log(`${name}: ${executed.get(compile) ?? 0} filters compiled and ran`);
    expect(executed.get(compile) ?? 0).toBeGreaterThan(runs / 10);
  });

  it('does the same for order_by clauses beside a grammar-shaped filter', async () => {
    await assertProperty(
      `${name} order_by`,
      fc.tuple(grammarFilter, orderBy),
      ([filter, order]) => compileAndRun(compile, filter, order),
      100,
    );
  });

  it('keeps matching the data it was given (the fixture is not empty)', async () => {
    const { sql, params } = compile('', [], store.db);
    expect((await store.db.all(sql, params)).length).toBeGreaterThan(0);
  });
});
