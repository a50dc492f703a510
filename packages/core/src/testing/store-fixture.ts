/**
 * Test fixture for store copies (`loom db migrate`): fills a store through the services with the awkward cases (deleted
 * experiments and runs, NaN/±Infinity, steps beyond 2^53, unicode, empty strings, datasets, logged
 * models, a registry with stages, aliases and a deleted version), and reads a whole store back through
 * the services as one comparable value.
 */
import { RegistryService } from '../registry/registry-service';
import { TrackingService } from '../tracking/tracking-service';
import type { Metric } from '../tracking/entities';
import { openTrackingStore } from '../store/open-tracking-store';
import { SqlRegistryStore } from '../store/sql/registry/sql-registry-store';

const ROOT = '/artifacts';
const HISTORY_STEPS = 1200;

/** Writes the fixture into the store at `uri` (a new one). */
export async function populateStore(uri: string): Promise<void> {
  const store = await openTrackingStore(uri, { defaultArtifactRoot: ROOT });
  try {
    let clock = 1_700_000_000_000;
    const tracking = new TrackingService(store, () => ++clock);
    // The registry keeps the wall clock: copies are compared with their source, so any times do.
    const registry = new RegistryService(new SqlRegistryStore(store.db), store);

    const exp = await tracking.createExperiment({
      name: 'exp ü 日本',
      tags: [
        { key: 'team', value: 'vision 👁' },
        { key: 'empty', value: '' },
      ],
    });
    const gone = await tracking.createExperiment({ name: 'gone' });
    await tracking.deleteExperiment(gone);

    const run = await tracking.createRun({ experimentId: exp, runName: 'main', userId: 'ada' });
    const id = run.info.runId;
    const history: Metric[] = [];
    for (let step = 0; step < HISTORY_STEPS; step++) {
      history.push({ key: 'loss', value: 1 / (step + 1), timestamp: clock + step, step });
    }
    for (let i = 0; i < history.length; i += 1000)
      await tracking.logBatch(id, history.slice(i, i + 1000), [], []);
    const odd = [NaN, Infinity, -Infinity, 0, 1e-300, -1.5e308, 0.1 + 0.2];
    await tracking.logBatch(
      id,
      odd.map((value, i) => ({ key: 'odd', value, timestamp: 2 ** 52 + i, step: i })),
      [
        { key: 'lr', value: '0.001' },
        { key: 'blank', value: '' },
        { key: 'text', value: 'ĉu "quoted" \\ back\nnewline' },
      ],
      [{ key: 'note', value: 'ünïcödé ✓' }],
    );
    // Steps beyond 2^53 (still whole doubles: all the API can carry).
    await tracking.logMetric(id, { key: 'big', value: 1, timestamp: 1, step: 2 ** 53 + 2 });
    await tracking.logMetric(id, { key: 'big', value: 2, timestamp: 2, step: 2 ** 62 });

    const dead = await tracking.createRun({ experimentId: exp, runName: 'dead' });
    await tracking.logParam(dead.info.runId, 'p', 'v');
    await tracking.deleteRun(dead.info.runId);

    const withData = await tracking.createRun({ experimentId: exp, runName: 'data' });
    await tracking.logInputs(
      withData.info.runId,
      [
        {
          dataset: {
            name: 'iris',
            digest: 'abc123',
            sourceType: 'local',
            source: '{"uri":"/d"}',
            schema: '{}',
          },
          tags: [{ key: 'mlflow.data.context', value: 'training' }],
        },
      ],
      [],
    );
    const model = await tracking.createLoggedModel({
      experimentId: exp,
      name: 'net',
      sourceRunId: withData.info.runId,
      params: [{ key: 'layers', value: '3' }],
      tags: [{ key: 'kind', value: 'cnn' }],
    });
    await tracking.logOutputs(withData.info.runId, [{ modelId: model.modelId, step: 3 }]);
    await tracking.logMetric(withData.info.runId, {
      key: 'acc',
      value: 0.9,
      timestamp: 5,
      step: 0,
      modelId: model.modelId,
    });

    await registry.createRegisteredModel({
      name: 'clf',
      description: 'the classifier',
      tags: [{ key: 'owner', value: 'ml-team' }],
    });
    for (let v = 0; v < 3; v++) {
      await registry.createModelVersion({
        name: 'clf',
        source: `s3://bucket/models/${v}`,
        runId: id,
        tags: [{ key: 'v', value: String(v) }],
      });
    }
    await registry.transitionModelVersionStage('clf', '2', 'Production');
    await registry.transitionModelVersionStage('clf', '1', 'Archived');
    await registry.setRegisteredModelAlias('clf', 'champion', '2');
    await registry.deleteModelVersion('clf', '3');
    await registry.createRegisteredModel({ name: 'empty model' });
  } finally {
    await store.close();
  }
}

/** Everything the services answer about the store at `uri`, as plain data. */
export async function readStore(uri: string): Promise<unknown> {
  const store = await openTrackingStore(uri, { defaultArtifactRoot: ROOT });
  try {
    const tracking = new TrackingService(store);
    const registry = new RegistryService(new SqlRegistryStore(store.db), store);
    const experiments = await tracking.searchExperiments({ viewType: 'ALL', maxResults: 1000 });
    const ids = experiments.items.map((e) => e.experimentId);
    // The JSON is written by SQL, whose number formatting differs between the databases (1.0 and 1,
    // 17 digits or the shortest): compare what it parses to.
    const runsPage = await tracking.searchRunsJson({ experimentIds: ids, viewType: 'ALL', maxResults: 1000 });
    const runs = JSON.parse(runsPage.runsJson.toString()) as { info: { run_id: string } }[];
    const histories: Record<string, unknown> = {};
    for (const { info } of runs) {
      for (const key of ['loss', 'odd', 'big', 'acc']) {
        const page = await tracking.getMetricHistoryJson({ runId: info.run_id, metricKey: key });
        histories[`${info.run_id}/${key}`] = JSON.parse(`[${page.metricsJson.toString()}]`);
      }
    }
    return {
      experiments,
      runs,
      histories,
      datasets: await tracking.searchDatasets(ids),
      loggedModels: await tracking.searchLoggedModels({ experimentIds: ids }),
      registeredModels: await registry.searchRegisteredModels({ maxResults: 1000 }),
      versions: await registry.searchModelVersions({}),
      champion: await registry.getModelVersionByAlias('clf', 'champion'),
      latest: await registry.getLatestVersions('clf'),
    };
  } finally {
    await store.close();
  }
}
