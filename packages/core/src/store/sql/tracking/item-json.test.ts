/**
 * Migration 7: PostgreSQL keeps each param, tag and latest metric's JSON text in `item_json`, and each
 * run's `info` in `info_json`, written by triggers, and search pages join them; rows from before the migration (NULL) are written by the
 * read instead. Both must give the same page. SQLite leaves the column NULL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestTrackingStore, type TestTrackingStore } from '../../../testing/test-store';
import type { Metric } from '../../../tracking/entities';
import { runsJson } from './runs';
import type { SqlTrackingStore } from './sql-tracking-store';

let opened: TestTrackingStore;
let store: SqlTrackingStore;
/** Each table and the column of JSON text its rows keep. */
const COLUMNS = [
  ['params', 'item_json'],
  ['tags', 'item_json'],
  ['latest_metrics', 'item_json'],
  ['runs', 'info_json'],
] as const;

beforeAll(async () => {
  opened = await openTestTrackingStore('loom-item-json-');
  ({ store } = opened);
  const metrics: Metric[] = [
    { key: 'acc', value: 1 / 3, timestamp: 5, step: 3 },
    { key: 'nan', value: NaN, timestamp: 5, step: 0 },
    { key: 'inf', value: Infinity, timestamp: 5, step: 0 },
    { key: 'tiny', value: 5e-324, timestamp: 5, step: 0 },
    { key: 'linked', value: 2, timestamp: 5, step: 1, datasetName: 'iris', datasetDigest: 'd"1' },
  ];
  for (const [i, runId] of ['a'.repeat(32), 'b'.repeat(32)].entries()) {
    await store.createRun({
      runId,
      experimentId: '0',
      runName: `r${i}`,
      userId: 'u',
      startTime: i,
      tags: [],
    });
    await store.logBatch(
      runId,
      metrics,
      [
        { key: 'unicode', value: 'ünïcödé "quoted" \\ back' },
        { key: 'empty', value: '' },
      ],
      [{ key: 'note', value: 'line\nbreak\u0001' }],
    );
  }
  // A later point replaces the stored latest, and the run ends: the triggers rewrite the text on
  // update too.
  await store.logBatch('a'.repeat(32), [{ key: 'acc', value: 0.5, timestamp: 6, step: 4 }], [], []);
  await store.updateRun('a'.repeat(32), { status: 'FINISHED', endTime: 9, runName: 'renamed "r"' });
});

afterAll(() => opened.close());

const page = async () => {
  const pks = (await store.db.all<{ run_pk: number }>('SELECT run_pk FROM runs ORDER BY run_pk')).map((r) =>
    Number(r.run_pk),
  );
  return (await runsJson(store.db, pks, 1)).toString();
};

const stored = async (table: string, column: string) =>
  (await store.db.values<[string | null]>(`SELECT ${column} FROM ${table} ORDER BY run_pk`)).map((r) => r[0]);

describe('item_json', () => {
  it('holds every row’s JSON, and a page reads the same with it and without it', async () => {
    if (store.db.dialect !== 'postgres') {
      for (const [table, column] of COLUMNS)
        expect(await stored(table, column)).not.toContain(expect.anything());
      return;
    }
    for (const [table, column] of COLUMNS) {
      const texts = await stored(table, column);
      expect(texts.length).toBeGreaterThan(0);
      for (const text of texts) expect(typeof JSON.parse(text!)).toBe('object');
    }
    expect((await stored('params', 'item_json')).map((t) => JSON.parse(t!) as unknown)).toContainEqual({
      key: 'unicode',
      value: 'ünïcödé "quoted" \\ back',
    });
    const latestAcc = await store.db.get<{ item_json: string }>(
      "SELECT item_json FROM latest_metrics WHERE key = 'acc' AND step = 4",
    );
    expect(latestAcc?.item_json).toBe('{"key":"acc","value":0.5,"timestamp":6,"step":4}');
    const info = await store.db.get<{ info_json: string }>('SELECT info_json FROM runs WHERE run_id = ?', [
      'a'.repeat(32),
    ]);
    expect(JSON.parse(info!.info_json)).toMatchObject({
      run_name: 'renamed "r"',
      status: 'FINISHED',
      end_time: 9,
    });

    const withJson = await page();
    // Rows as a store from before migration 7 holds them.
    for (const [table, column] of COLUMNS) {
      await store.db.exec(`ALTER TABLE ${table} DISABLE TRIGGER ${table}_json_text`);
      await store.db.exec(`UPDATE ${table} SET ${column} = NULL`);
      await store.db.exec(`ALTER TABLE ${table} ENABLE TRIGGER ${table}_json_text`);
    }
    expect(await page()).toBe(withJson);
    const runs = JSON.parse(withJson) as { data: { metrics: { key: string; value: unknown }[] } }[];
    expect(runs[0]!.data.metrics.find((m) => m.key === 'nan')!.value).toBe('NaN');
  });
});
