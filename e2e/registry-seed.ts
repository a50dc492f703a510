/** Two runs that each logged a model (MLmodel with a signature, an input example), for the registry journeys. */
import { createClient } from '@loom/client';

export const SIGNATURE_MLMODEL = `artifact_path: model
flavors:
  python_function:
    loader_module: mlflow.sklearn
    model_path: model.pkl
    python_version: 3.11.4
  sklearn:
    pickled_model: model.pkl
    sklearn_version: 1.4.2
mlflow_version: 2.14.1
saved_input_example_info:
  artifact_path: input_example.json
  type: dataframe
signature:
  inputs: '[{"type": "double", "name": "tenure_months", "required": true}, {"type": "string", "name": "plan", "required": false}]'
  outputs: '[{"type": "long", "required": true}]'
  params: null
`;

export const INPUT_EXAMPLE = '{"columns": ["tenure_months", "plan"], "data": [[12.0, "pro"]]}';

export interface RegistrySeed {
  experimentId: string;
  /** Runs whose `model/` folder holds the files above; `lr` and the final `auc` differ between them. */
  runIds: [string, string];
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

async function upload(url: string, experimentId: string, runId: string, path: string, body: string) {
  const res = await fetch(
    `${url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/${path}`,
    { method: 'PUT', body },
  );
  if (!res.ok) throw new Error(`upload of ${path} answered ${res.status}`);
}

/** Logs the two runs over the REST API, as an MLflow client's `log_model` would. */
export async function seedRegistryRuns(url: string): Promise<RegistrySeed> {
  const loom = createClient({ baseUrl: url });
  const experimentId = await loom.createExperiment({ name: 'churn-training' });
  const runIds: string[] = [];
  for (const [i, lr] of ['0.1', '0.01'].entries()) {
    const { run } = (await post(url, '/runs/create', {
      experiment_id: experimentId,
      run_name: `churn-${i + 1}`,
      start_time: 1_700_000_000_000 + i,
    })) as { run: { info: { run_id: string } } };
    await post(url, '/runs/log-batch', {
      run_id: run.info.run_id,
      params: [
        { key: 'lr', value: lr },
        { key: 'max_depth', value: '6' },
      ],
      metrics: [
        { key: 'auc', value: 0.8 + i * 0.05, timestamp: 1, step: 0 },
        { key: 'rows', value: 5000, timestamp: 1, step: 0 },
      ],
    });
    await upload(url, experimentId, run.info.run_id, 'model/MLmodel', SIGNATURE_MLMODEL);
    await upload(url, experimentId, run.info.run_id, 'model/input_example.json', INPUT_EXAMPLE);
    runIds.push(run.info.run_id);
  }
  return { experimentId, runIds: [runIds[0]!, runIds[1]!] };
}
