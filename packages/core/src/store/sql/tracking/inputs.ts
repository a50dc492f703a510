/** Dataset inputs and model inputs/outputs of runs. */
import type { Dataset, DatasetSummary, KeyValue } from '../../../tracking/entities';
import type { SqlDriver, Queryable } from '../driver';
import { num } from '../sql-util';
import { experimentIdCondition } from '../../../tracking/search/scope-sql';
import { activeRunRow } from './runs';

export const DATASET_CONTEXT_TAG = 'mlflow.data.context';

async function datasetPk(q: Queryable, experimentId: number | string, d: Dataset): Promise<number> {
  await q.run(
    `INSERT INTO datasets (experiment_id, name, digest, source_type, source, schema, profile)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (experiment_id, name, digest) DO NOTHING`,
    [experimentId, d.name, d.digest, d.sourceType, d.source, d.schema ?? null, d.profile ?? null],
  );
  const row = await q.get<{ dataset_pk: number | string }>(
    'SELECT dataset_pk FROM datasets WHERE experiment_id = ? AND name = ? AND digest = ?',
    [experimentId, d.name, d.digest],
  );
  return num(row!.dataset_pk);
}

/** Links datasets (deduplicated per experiment by name and digest) and models to an active run. */
export async function logInputs(
  db: SqlDriver,
  runId: string,
  datasets: readonly { dataset: Dataset; tags: KeyValue[] }[],
  modelIds: readonly string[],
): Promise<void> {
  await db.transaction(async (tx) => {
    const run = await activeRunRow(tx, runId);
    for (const input of datasets) {
      const pk = await datasetPk(tx, run.experiment_id, input.dataset);
      await tx.run('INSERT INTO run_inputs (run_pk, dataset_pk) VALUES (?, ?) ON CONFLICT DO NOTHING', [
        run.run_pk,
        pk,
      ]);
      for (const tag of input.tags) {
        await tx.run(
          `INSERT INTO input_tags (run_pk, dataset_pk, key, value) VALUES (?, ?, ?, ?)
           ON CONFLICT (run_pk, dataset_pk, key) DO UPDATE SET value = excluded.value`,
          [run.run_pk, pk, tag.key, tag.value],
        );
      }
    }
    for (const modelId of modelIds) {
      await tx.run('INSERT INTO run_model_inputs (run_pk, model_id) VALUES (?, ?) ON CONFLICT DO NOTHING', [
        run.run_pk,
        modelId,
      ]);
    }
  });
}

/** Records models a run produced, at a step (MLflow 3 `runs/outputs`). */
export async function logOutputs(
  db: SqlDriver,
  runId: string,
  models: readonly { modelId: string; step: number }[],
): Promise<void> {
  await db.transaction(async (tx) => {
    const run = await activeRunRow(tx, runId);
    for (const m of models) {
      await tx.run(
        `INSERT INTO run_model_outputs (run_pk, model_id, step) VALUES (?, ?, ?)
         ON CONFLICT (run_pk, model_id) DO UPDATE SET step = excluded.step`,
        [run.run_pk, m.modelId, m.step],
      );
    }
  });
}

/** Distinct (experiment, name, digest, context) of datasets used by runs of the experiments. */
export async function searchDatasets(
  q: Queryable,
  experimentIds: readonly string[],
): Promise<DatasetSummary[]> {
  // Ids that are no number match nothing (PostgreSQL would refuse to compare them with a BIGINT).
  const ids = experimentIdCondition('d.experiment_id', experimentIds);
  const rows = await q.all<{
    experiment_id: number | string;
    name: string;
    digest: string;
    context: string | null;
  }>(
    `SELECT DISTINCT d.experiment_id, d.name, d.digest, t.value AS context
     FROM datasets d
     JOIN run_inputs i ON i.dataset_pk = d.dataset_pk
     LEFT JOIN input_tags t ON t.run_pk = i.run_pk AND t.dataset_pk = i.dataset_pk AND t.key = ?
     WHERE ${ids.sql}
     ORDER BY d.experiment_id, d.name, d.digest LIMIT 1000`,
    [DATASET_CONTEXT_TAG, ...ids.params],
  );
  return rows.map((r) => ({
    experimentId: String(r.experiment_id),
    name: r.name,
    digest: r.digest,
    context: r.context ?? undefined,
  }));
}
