import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  populateStore,
  postgresSkipReason,
  readStore,
  type TestDatabase,
} from '../../../testing';
import { RegistryService } from '../../../registry/registry-service';
import { TrackingService } from '../../../tracking/tracking-service';
import { SqlRegistryStore } from '../registry/sql-registry-store';
import { openStoreDriver, openTrackingStore } from '../../open-tracking-store';
import type { SqlDriver, SqlValue } from '../driver';
import { MIGRATIONS, type Migration } from '../migrations';
import { assertCountsMatch, copyStore, type CopyProgress, type CopyReport } from './copy-store';

const skip = postgresSkipReason();
if (skip) console.log(`copy-store PostgreSQL tests ${skip}`);

let dir: string;
let source: string;
let expected: unknown;
const databases: TestDatabase[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loom-copy-'));
  source = `sqlite:///${join(dir, 'source.db')}`;
  await populateStore(source);
  expected = await readStore(source);
});

afterAll(async () => {
  for (const db of databases.splice(0)) await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens both ends, copies, closes both; the copy must verify. */
async function copy(from: string, to: string, batchSize = 7, progress?: CopyProgress[]): Promise<CopyReport> {
  const a = await openStoreDriver(from, { mustExist: true });
  let b: SqlDriver | undefined;
  try {
    b = await openStoreDriver(to);
    const report = await copyStore(a, b, { batchSize, onProgress: (p) => progress?.push(p) });
    assertCountsMatch(report);
    return report;
  } finally {
    await a.close();
    await b?.close();
  }
}

async function newDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase('loom_mig');
  databases.push(db);
  return db;
}

const sqliteUri = (name: string) => `sqlite:///${join(dir, name)}`;

describe('copyStore between SQLite files', () => {
  it('copies every table and the services answer exactly as before', async () => {
    const progress: CopyProgress[] = [];
    const report = await copy(source, sqliteUri('copy.db'), 7, progress);
    expect(await readStore(sqliteUri('copy.db'))).toEqual(expected);
    const metrics = report.tables.find((t) => t.table === 'metrics')!;
    expect(metrics.sourceRows).toBeGreaterThan(1200);
    expect(metrics.targetRows).toBe(metrics.sourceRows);
    // Every table but the migrations ledger, each reported as finished with its full count.
    expect(report.tables.map((t) => t.table)).not.toContain('loom_schema_migrations');
    expect(report.tables.length).toBeGreaterThanOrEqual(20);
    const finished = progress.filter((p) => p.finished);
    expect(finished.map((p) => p.table)).toEqual(report.tables.map((t) => t.table));
    for (const p of finished) expect(p.done).toBe(p.total);
    // Parents before children: experiments before runs before params.
    const order = report.tables.map((t) => t.table);
    expect(order.indexOf('experiments')).toBeLessThan(order.indexOf('runs'));
    expect(order.indexOf('runs')).toBeLessThan(order.indexOf('params'));
    expect(order.indexOf('registered_models')).toBeLessThan(order.indexOf('model_versions'));
  });

  it('accepts a target that only a server start has touched, and refuses one with data', async () => {
    const fresh = sqliteUri('fresh.db');
    await (await openTrackingStore(fresh, { defaultArtifactRoot: '/elsewhere' })).close();
    await copy(source, fresh);
    expect(await readStore(fresh)).toEqual(expected);

    await expect(copy(source, fresh)).rejects.toThrow(
      /The target store is not empty: table 'experiments' has rows/,
    );
  });

  it('refuses a source behind this schema version, naming the upgrade', async () => {
    const old = sqliteUri('old.db');
    const oldDriver = await openStoreDriver(old);
    const { migrate } = await import('../migrate');
    await migrate(oldDriver, MIGRATIONS.slice(0, 1));
    const target = await openStoreDriver(sqliteUri('never.db'));
    try {
      await expect(
        copyStore(oldDriver, target, { upgradeHint: 'run `loom db upgrade old`' }),
      ).rejects.toThrow(
        `The source store is at schema version 1 but this Loom is at ${MIGRATIONS.at(-1)!.version}: run \`loom db upgrade old\` first.`,
      );
    } finally {
      await oldDriver.close();
      await target.close();
    }
  });

  it('refuses a source that is not a Loom store and a SQLite file that does not exist', async () => {
    await expect(copy(sqliteUri('missing.db'), sqliteUri('x.db'))).rejects.toThrow(/No SQLite database at/);
    const blank = await openStoreDriver(sqliteUri('blank.db'));
    await blank.exec('CREATE TABLE unrelated (x INTEGER)');
    await blank.close();
    await expect(copy(sqliteUri('blank.db'), sqliteUri('y.db'))).rejects.toThrow(
      'The source store is not a Loom store: it has no loom_schema_migrations table.',
    );
  });
});

/** A later migration, as other features add them: the copier must carry its tables unchanged. */
const extra: Migration = {
  version: 99,
  name: 'extra',
  up: (d) => {
    const pg = d === 'postgres';
    const id = pg ? 'BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY' : 'INTEGER PRIMARY KEY';
    return `
CREATE TABLE zz_nodes (
  node_id ${id},
  parent_id BIGINT REFERENCES zz_nodes (node_id),
  payload ${pg ? 'BYTEA' : 'BLOB'},
  flag BOOLEAN NOT NULL,
  big BIGINT,
  ratio ${pg ? 'DOUBLE PRECISION' : 'REAL'},
  label TEXT
);
CREATE TABLE aa_log (
  node_id BIGINT NOT NULL REFERENCES zz_nodes (node_id),
  line TEXT
);
CREATE TABLE zz_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO zz_settings (name, value) VALUES ('mode', 'seeded by the migration');
`;
  },
};
const WITH_EXTRA = [...MIGRATIONS, extra];

/** Rows whose values must survive exactly; the child rows come first in key order of aa_log. */
async function fillExtra(db: SqlDriver): Promise<void> {
  const { migrate } = await import('../migrate');
  await migrate(db, WITH_EXTRA);
  // PostgreSQL reads 1/0 as true/false for a BOOLEAN column; self references point at earlier keys.
  const rows: SqlValue[][] = [
    [1, null, Buffer.from([0, 1, 2, 255]), 1, 2n ** 63n - 1n, -0.5, 'root'],
    [2, 1, Buffer.alloc(0), 0, -(2n ** 63n), Infinity, ''],
    [3, 2, null, 1, 9007199254740993n, -Infinity, null],
  ];
  for (const r of rows) {
    await db.run(
      'INSERT INTO zz_nodes (node_id, parent_id, payload, flag, big, ratio, label) VALUES (?, ?, ?, ?, ?, ?, ?)',
      r,
    );
  }
  await db.run("UPDATE zz_settings SET value = 'changed by the user'");
  for (let i = 0; i < 25; i++)
    await db.run('INSERT INTO aa_log (node_id, line) VALUES (?, ?)', [1 + (i % 3), `l${i}`]);
}

async function readExtra(db: SqlDriver): Promise<unknown> {
  const cast = db.dialect === 'postgres' ? 'big::text' : 'CAST(big AS TEXT)';
  const nodes = await db.all<Record<string, unknown>>(
    `SELECT node_id, parent_id, payload, flag, ${cast} AS big, ratio, label FROM zz_nodes ORDER BY node_id`,
  );
  const log = await db.all<{ node_id: number; line: string }>(
    'SELECT node_id, line FROM aa_log ORDER BY line',
  );
  const settings = await db.all('SELECT name, value FROM zz_settings');
  return {
    settings,
    nodes: nodes.map((n) => ({ ...n, flag: Number(n.flag), node_id: Number(n.node_id) })),
    log: log.map((l) => ({ ...l, node_id: Number(l.node_id) })),
  };
}

describe.skipIf(skip !== undefined)('copyStore SQLite ⇄ PostgreSQL', () => {
  it('copies to PostgreSQL and back with identical answers from the services', async () => {
    const pg = await newDatabase();
    const progress: CopyProgress[] = [];
    const there = await copy(source, pg.uri, 7, progress);
    expect(await readStore(pg.uri)).toEqual(expected);
    // Many chunks per big table: the keyset paging was exercised.
    expect(progress.filter((p) => p.table === 'metrics' && !p.finished).length).toBeGreaterThan(100);
    // The target's planner statistics were brought up to date after the bulk load.
    const driver = await openStoreDriver(pg.uri);
    try {
      const analyzed = await driver.all<{ relname: string }>(
        `SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL AND relname IN ('runs', 'metrics')`,
      );
      expect(analyzed.map((r) => r.relname).sort()).toEqual(['metrics', 'runs']);
    } finally {
      await driver.close();
    }

    const back = sqliteUri('back.db');
    const again = await copy(pg.uri, back, 500);
    expect(await readStore(back)).toEqual(expected);
    expect(again.tables).toEqual(there.tables);
  });

  it('moves PostgreSQL identity sequences past the copied ids', async () => {
    const pg = await newDatabase();
    await copy(source, pg.uri);
    const store = await openTrackingStore(pg.uri, { defaultArtifactRoot: '/artifacts' });
    try {
      const tracking = new TrackingService(store);
      const before = await tracking.searchExperiments({ viewType: 'ALL', maxResults: 1000 });
      const maxId = Math.max(...before.items.map((e) => Number(e.experimentId)));
      const id = await tracking.createExperiment({ name: 'after the copy' });
      expect(Number(id)).toBe(maxId + 1);
      // Runs, datasets and registered models have generated keys too.
      const run = await tracking.createRun({ experimentId: id });
      await tracking.logParam(run.info.runId, 'k', 'v');
      const dataset = { name: 'new', digest: 'd1', sourceType: 'local', source: '/new' };
      await tracking.logInputs(run.info.runId, [{ dataset }], []);
      const after = await tracking.getRun(run.info.runId);
      expect(after.params).toEqual([{ key: 'k', value: 'v' }]);
      expect(after.datasetInputs.map((d) => d.dataset.name)).toEqual(['new']);
      const registry = new RegistryService(new SqlRegistryStore(store.db), store);
      await registry.createRegisteredModel({ name: 'after the copy' });
      const version = await registry.createModelVersion({ name: 'after the copy', source: 's3://b/m' });
      expect(version.version).toBe(1);
      expect((await registry.getRegisteredModel('clf')).name).toBe('clf');
    } finally {
      await store.close();
    }
  });

  it('refuses a PostgreSQL target that holds data, naming the table', async () => {
    const pg = await newDatabase();
    await copy(source, pg.uri);
    await expect(copy(source, pg.uri)).rejects.toThrow(
      /The target store is not empty: table 'experiments' has rows\. Copy into a new, empty database\./,
    );
    // The failed attempt changed nothing.
    expect(await readStore(pg.uri)).toEqual(expected);
  });

  it('carries tables a later migration adds: seeded rows, no primary key, self references, blobs, booleans, int64', async () => {
    const from = await openStoreDriver(sqliteUri('extra.db'));
    await fillExtra(from);
    const pg = await newDatabase();
    const to = await openStoreDriver(pg.uri);
    const back = await openStoreDriver(sqliteUri('extra-back.db'));
    try {
      const wanted = await readExtra(from);
      assertCountsMatch(await copyStore(from, to, { batchSize: 2, migrations: WITH_EXTRA }));
      expect(await readExtra(to)).toEqual(wanted);
      assertCountsMatch(await copyStore(to, back, { batchSize: 4, migrations: WITH_EXTRA }));
      expect(await readExtra(back)).toEqual(wanted);
      // A store at another version than the target's (here: this Loom without migration 99) is refused.
      await expect(copyStore(from, await openStoreDriver(sqliteUri('z.db')))).rejects.toThrow(
        /The source store has schema version 99, newer than this Loom knows/,
      );
    } finally {
      await from.close();
      await to.close();
      await back.close();
    }
  });
});

describe('assertCountsMatch', () => {
  it('names every table whose counts differ', () => {
    const report: CopyReport = {
      rows: 3,
      seconds: 0,
      tables: [
        { table: 'runs', sourceRows: 2, targetRows: 2 },
        { table: 'metrics', sourceRows: 5, targetRows: 1 },
      ],
    };
    expect(() => assertCountsMatch(report)).toThrow(
      'Row counts differ after the copy: metrics (source 5, target 1).',
    );
    expect(() => assertCountsMatch({ ...report, tables: report.tables.slice(0, 1) })).not.toThrow();
  });
});
