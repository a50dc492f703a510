/** Seeds an experiment over the REST API, as an MLflow client would, for the browser journeys. */
import { createClient } from '@loom/client';

export interface SeededRun {
  runId: string;
  name: string;
  optimizer: 'adam' | 'sgd';
  lr: string;
  finalLoss: number;
}

export interface Seeded {
  experimentId: string;
  experimentName: string;
  runs: SeededRun[];
}

async function post(url: string, path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${url}/api/2.0/mlflow${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/** `runCount` runs with params, 50-step loss/accuracy histories, tags and one artifact on the first. */
export async function seedExperiment(url: string, name: string, runCount = 24): Promise<Seeded> {
  const loom = createClient({ baseUrl: url });
  await loom.createExperiment({ name: 'e2e-other' });
  const experimentId = await loom.createExperiment({ name });
  const runs: SeededRun[] = [];
  const start = Date.now() - runCount * 60_000;
  for (let i = 0; i < runCount; i++) {
    const optimizer = i % 2 === 0 ? 'adam' : 'sgd';
    const lr = String([0.1, 0.03, 0.01, 0.003][i % 4]);
    const runName = `trial-${String(i).padStart(2, '0')}`;
    const { run } = (await post(url, '/runs/create', {
      experiment_id: experimentId,
      run_name: runName,
      user_id: i % 3 === 0 ? 'ada' : 'grace',
      start_time: start + i * 60_000,
      tags: [{ key: 'team', value: i % 2 ? 'vision' : 'nlp' }],
    })) as { run: { info: { run_id: string } } };
    // Each run converges to its own floor, so ordering by the final loss is unambiguous.
    const floor = 0.05 + ((i * 7) % runCount) / (runCount * 2);
    const loss = (step: number) => floor + 2 * Math.exp(-step / (6 + (i % 5)));
    const metrics = [];
    for (let step = 0; step < 50; step++) {
      metrics.push({ key: 'loss', value: loss(step), timestamp: start + i * 60_000 + step * 1000, step });
      metrics.push({
        key: 'accuracy',
        value: 1 - loss(step) / 2.2,
        timestamp: start + i * 60_000 + step * 1000,
        step,
      });
    }
    await post(url, '/runs/log-batch', {
      run_id: run.info.run_id,
      params: [
        { key: 'lr', value: lr },
        { key: 'optimizer', value: optimizer },
        { key: 'batch_size', value: String(32 << (i % 3)) },
      ],
      metrics,
    });
    await post(url, '/runs/update', {
      run_id: run.info.run_id,
      status: i === runCount - 1 ? 'RUNNING' : i === 3 ? 'FAILED' : 'FINISHED',
      ...(i === runCount - 1 ? {} : { end_time: start + i * 60_000 + 50_000 + i * 1000 }),
    });
    runs.push({ runId: run.info.run_id, name: runName, optimizer, lr, finalLoss: loss(49) });
  }
  const first = runs[0]!;
  const put = await fetch(
    `${url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${first.runId}/artifacts/model/MLmodel`,
    { method: 'PUT', body: 'flavors:\n  python_function: {}\n' },
  );
  if (!put.ok) throw new Error(`artifact upload answered ${put.status}`);
  return { experimentId, experimentName: name, runs };
}

/** `count` small runs (one param, one metric `score`) logged 16 at a time, for paging through. */
export async function seedManyRuns(url: string, name: string, count: number): Promise<string> {
  const loom = createClient({ baseUrl: url });
  const experimentId = await loom.createExperiment({ name });
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const { run } = (await post(url, '/runs/create', {
        experiment_id: experimentId,
        run_name: `bulk-${String(i).padStart(4, '0')}`,
        start_time: 1_700_000_000_000 + i * 1000,
      })) as { run: { info: { run_id: string } } };
      await post(url, '/runs/log-batch', {
        run_id: run.info.run_id,
        params: [{ key: 'i', value: String(i) }],
        metrics: [{ key: 'score', value: (i * 37) % count, timestamp: 1, step: 0 }],
      });
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return experimentId;
}

export interface SeededRunPage {
  experimentId: string;
  parentId: string;
  childIds: string[];
  /** A second experiment with one run `wide-run` logging `WIDE_PARAMS` params. */
  wideExperimentId: string;
}

/** Params of the wide run: `p000` … `p239`, enough columns that most must stay out of the DOM. */
export const WIDE_PARAMS = 240;

/** A 1×1 red PNG. */
const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);

const MLMODEL = `artifact_path: model
flavors:
  python_function:
    loader_module: mlflow.sklearn
    model_path: model.pkl
    python_version: 3.11.4
  sklearn:
    pickled_model: model.pkl
    sklearn_version: 1.4.2
mlflow_version: 2.17.0
run_id: RUN_ID
signature:
  inputs: '[{"type": "double", "name": "petal_width", "required": true}, {"type": "string", "name": "colour", "required": false}]'
  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]'
  params: null
utc_time_created: '2024-05-01 10:20:30.123456'
`;

/**
 * A parent run with two nested children, in its own experiment; the parent has a dataset input, a
 * git commit and artifacts of every preview kind (CSV with quoted cells, JSON, PNG, HTML, MLmodel).
 */
export async function seedRunPage(url: string, name: string): Promise<SeededRunPage> {
  const loom = createClient({ baseUrl: url });
  const experimentId = await loom.createExperiment({ name });
  const create = async (runName: string, tags: { key: string; value: string }[]) => {
    const { run } = (await post(url, '/runs/create', {
      experiment_id: experimentId,
      run_name: runName,
      start_time: Date.now(),
      tags,
    })) as { run: { info: { run_id: string } } };
    return run.info.run_id;
  };
  const parentId = await create('sweep-parent', [
    { key: 'mlflow.source.git.commit', value: '0123456789abcdef0123456789abcdef01234567' },
    { key: 'mlflow.source.name', value: 'train.py' },
    { key: 'mlflow.source.type', value: 'LOCAL' },
    { key: 'stage', value: 'dev' },
  ]);
  const childIds: string[] = [];
  for (const child of ['child-a', 'child-b'])
    childIds.push(
      await create(child, [
        { key: 'mlflow.parentRunId', value: parentId },
        { key: 'fold', value: child },
      ]),
    );
  await post(url, '/runs/log-batch', {
    run_id: parentId,
    params: [{ key: 'alpha', value: '0.5' }],
    metrics: [{ key: 'rmse', value: 0.25, timestamp: Date.now(), step: 0 }],
  });
  await post(url, '/runs/log-inputs', {
    run_id: parentId,
    datasets: [
      {
        tags: [{ key: 'mlflow.data.context', value: 'training' }],
        dataset: {
          name: 'iris',
          digest: 'd41d8cd9',
          source_type: 'local',
          source: '{"uri": "/data/iris.csv"}',
        },
      },
    ],
  });
  const files: [string, string | Buffer][] = [
    ['data/table.csv', 'name,comment\n"Lovelace, Ada","said ""hi"""\nTuring,plain\n'],
    ['metrics.json', '{"rmse":0.25,"folds":[1,2]}'],
    ['plots/dot.png', PNG_1X1],
    ['report.html', '<h1>Report</h1><script>document.title = "pwned"</script>'],
    ['model/MLmodel', MLMODEL.replace('RUN_ID', parentId)],
    // Larger than the preview reads (1 MB): shown cut, with a download link.
    ['logs/train.log', 'step done\n'.repeat(150_000)],
  ];
  for (const [path, body] of files) {
    const put = await fetch(
      `${url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${parentId}/artifacts/${path}`,
      { method: 'PUT', body },
    );
    if (!put.ok) throw new Error(`artifact upload of ${path} answered ${put.status}`);
  }
  const wideExperimentId = await loom.createExperiment({ name: `${name}-wide` });
  const { run: wide } = (await post(url, '/runs/create', {
    experiment_id: wideExperimentId,
    run_name: 'wide-run',
    start_time: Date.now(),
  })) as { run: { info: { run_id: string } } };
  // MLflow takes at most 100 params a batch.
  for (let start = 0; start < WIDE_PARAMS; start += 100)
    await post(url, '/runs/log-batch', {
      run_id: wide.info.run_id,
      params: Array.from({ length: Math.min(100, WIDE_PARAMS - start) }, (_, j) => ({
        key: `p${String(start + j).padStart(3, '0')}`,
        value: String(start + j),
      })),
    });
  return { experimentId, parentId, childIds, wideExperimentId };
}

export interface LongRun {
  runId: string;
  spikeStep: number;
  spikeValue: number;
}

/**
 * A RUNNING run whose metric `loss` has `points` steps (a smooth curve near 1) and one spike, logged
 * 1000 points a batch, 4 batches in flight: the chart must show the spike however it downsamples.
 */
export async function seedLongRun(url: string, experimentId: string, points: number): Promise<LongRun> {
  const { run } = (await post(url, '/runs/create', {
    experiment_id: experimentId,
    run_name: 'long-run',
    start_time: 1_700_000_000_000,
  })) as { run: { info: { run_id: string } } };
  const runId = run.info.run_id;
  const spikeStep = Math.floor(points * 0.61803);
  const spikeValue = 50;
  const batches = Array.from({ length: Math.ceil(points / 1000) }, (_, i) => i * 1000);
  const worker = async () => {
    for (let start = batches.shift(); start !== undefined; start = batches.shift()) {
      const metrics = [];
      for (let step = start; step < Math.min(points, start + 1000); step++) {
        const value =
          step === spikeStep ? spikeValue : 1 + 0.5 * Math.exp(-step / 20_000) + 0.01 * Math.sin(step);
        metrics.push({ key: 'loss', value, timestamp: 1_700_000_000_000 + step * 50, step });
      }
      await post(url, '/runs/log-batch', { run_id: runId, metrics });
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return { runId, spikeStep, spikeValue };
}

/** Logs one more point of `key` to a run (a live run producing data). */
export async function logPoint(
  url: string,
  runId: string,
  key: string,
  step: number,
  value: number,
): Promise<void> {
  await post(url, '/runs/log-metric', {
    run_id: runId,
    key,
    value,
    step,
    timestamp: 1_700_000_000_000 + step * 50,
  });
}
