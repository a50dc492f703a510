/** examples/train-logistic-regression.ts, run as a user would (npx tsx), against a real server. */
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from '@loom/client';
import { startCliServer, type CliServer } from '../support/cli-server';
import { runExample } from '../support/example-script';

let server: CliServer | undefined;
afterAll(async () => {
  await server?.dispose();
});

describe('the logistic-regression example', () => {
  it('trains, logs every epoch, and the loss falls', async () => {
    server = await startCliServer();
    const { code, output } = await runExample({
      MLFLOW_TRACKING_URI: server.url,
      MLFLOW_EXPERIMENT_NAME: 'example-test',
      EPOCHS: '40',
    });
    expect(code, output).toBe(0);
    const runId = /run (\w+) finished/.exec(output)?.[1];
    expect(runId, output).toBeDefined();
    const client = createClient({ baseUrl: server.url });
    const run = await client.getRun(runId!);
    expect(run.info.status).toBe('FINISHED');
    expect(run.data.params).toContainEqual({ key: 'epochs', value: '40' });
    const loss = (await client.getMetricHistory({ runId: runId!, metricKey: 'loss' })).metrics;
    expect(loss.map((m) => m.step)).toEqual([...Array(40).keys()]);
    expect(Number(loss[39]!.value)).toBeLessThan(Number(loss[0]!.value));
    const accuracy = (await client.getMetricHistory({ runId: runId!, metricKey: 'accuracy' })).metrics;
    expect(Number(accuracy[39]!.value)).toBeGreaterThan(0.8);
    const listed = await client.listArtifacts(runId!, 'model');
    expect(listed.files.map((f) => f.path)).toEqual(['model/weights.json']);
    expect(run.inputs?.dataset_inputs?.[0]?.dataset.name).toBe('two-blobs');
  }, 120_000);
});
