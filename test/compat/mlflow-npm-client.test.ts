/**
 * Compatibility with the third-party `mlflow` npm package (v2.0.7, a thin MLflow-1.x-era REST client):
 * the real `loom server` CLI in a child process, driven only through that client, for every method it
 * has. Its quirks are part of the contract: `Experiments.list` uses the removed `/experiments/list`
 * (Loom keeps it as an alias), `setExperimentTag` builds a URL without the slash
 * (`/experimentsset-experiment-tag`), errors are `Error` objects whose message embeds
 * `JSON.stringify({status, statusText, data})`, and POST bodies are console.logged.
 */
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import MLflow from 'mlflow';
import { RunStatus, ViewType } from 'mlflow/enum';
import { startCliServer, type CliServer } from '../support/cli-server';

interface ClientError {
  status: number;
  statusText: string;
  data: { error_code?: string; message?: string } | null;
}

/** The `{status, statusText, data}` the client embeds in its error message (it wraps the Error twice). */
async function clientError(call: Promise<unknown>): Promise<ClientError> {
  let err: unknown;
  try {
    await call;
  } catch (e) {
    err = e;
  }
  if (!(err instanceof Error)) throw new Error('expected the client call to fail');
  const start = err.message.indexOf('{');
  if (start < 0) throw new Error(`client error without a JSON payload: ${err.message}`);
  return JSON.parse(err.message.slice(start)) as ClientError;
}

const RUN_ID = /^[0-9a-f]{32}$/;

let server: CliServer;
let client: MLflow;
let logSpy: MockInstance<typeof console.log>;

beforeAll(async () => {
  logSpy = vi.spyOn(console, 'log').mockImplementation(() => {});
  server = await startCliServer();
  client = new MLflow({ endpoint: server.url });
});

afterAll(async () => {
  logSpy?.mockRestore();
  if (server) {
    const exit = await server.stop();
    // SIGTERM must close the server cleanly.
    expect(exit, server.output()).toEqual({ code: 0, signal: null });
    await server.dispose();
  }
});

describe('mlflow npm client against the loom CLI server', () => {
  it('creates and gets an experiment (POST bodies are console.logged by the client)', async () => {
    const before = Date.now();
    const { experiment_id } = await client.Experiments.create({
      name: 'npm-exp-get',
      artifact_location: undefined!,
    });
    expect(experiment_id).toMatch(/^[1-9]\d*$/);
    // The client console.logs every POST body: the spy keeps the test output clean.
    expect(logSpy).toHaveBeenCalledWith(JSON.stringify({ name: 'npm-exp-get' }));

    const { experiment } = await client.Experiments.get({ experiment_id });
    expect(experiment).toMatchObject({
      experiment_id,
      name: 'npm-exp-get',
      artifact_location: `mlflow-artifacts:/${experiment_id}`,
      lifecycle_stage: 'active',
    });
    expect(typeof experiment.creation_time).toBe('number');
    expect(experiment.creation_time).toBeGreaterThanOrEqual(before - 1000);
    expect(experiment.last_update_time).toBeGreaterThanOrEqual(experiment.creation_time);

    const { experiment: dflt } = await client.Experiments.get({ experiment_id: '0' });
    expect(dflt).toMatchObject({ experiment_id: '0', name: 'Default', lifecycle_stage: 'active' });
  });

  it('honours an explicit artifact_location', async () => {
    const location = `${server.dir}/custom-artifacts`;
    const { experiment_id } = await client.Experiments.create({
      name: 'npm-exp-loc',
      artifact_location: location,
    });
    const { experiment } = await client.Experiments.get({ experiment_id });
    expect(experiment.artifact_location).toMatch(/custom-artifacts$/);
  });

  it('lists experiments through the /experiments/list alias, with view types', async () => {
    const { experiment_id } = await client.Experiments.create({
      name: 'npm-exp-list',
      artifact_location: undefined!,
    });

    const all = await client.Experiments.list();
    const names = all.experiments.map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['Default', 'npm-exp-list']));
    for (const e of all.experiments) expect(e.lifecycle_stage).toBe('active');

    await client.Experiments.delete({ experiment_id });
    const active = await client.Experiments.list({ view_type: ViewType.ACTIVE_ONLY });
    expect(active.experiments.map((e) => e.experiment_id)).not.toContain(experiment_id);
    const deleted = await client.Experiments.list({ view_type: ViewType.DELETED_ONLY });
    expect(deleted.experiments.map((e) => e.experiment_id)).toEqual([experiment_id]);
    const both = await client.Experiments.list({ view_type: ViewType.ALL });
    const ids = both.experiments.map((e) => e.experiment_id);
    expect(ids).toContain(experiment_id);
    expect(ids).toContain('0');
  });

  it('renames, deletes and restores an experiment (its runs follow the experiment)', async () => {
    const { experiment_id } = await client.Experiments.create({
      name: 'npm-exp-old',
      artifact_location: undefined!,
    });
    const { run } = await client.Runs.create({ experiment_id, user_id: 'alice', start_time: Date.now() });
    const before = (await client.Experiments.get({ experiment_id })).experiment;

    expect(await client.Experiments.update({ experiment_id, new_name: 'npm-exp-new' })).toEqual({});
    const renamed = (await client.Experiments.get({ experiment_id })).experiment;
    expect(renamed.name).toBe('npm-exp-new');
    expect(renamed.last_update_time).toBeGreaterThanOrEqual(before.last_update_time);

    expect(await client.Experiments.delete({ experiment_id })).toEqual({});
    expect((await client.Experiments.get({ experiment_id })).experiment.lifecycle_stage).toBe('deleted');
    expect((await client.Runs.get({ run_id: run.info.run_id })).run.info.lifecycle_stage).toBe('deleted');
    // Deleted experiments keep their name: it cannot be reused.
    const dup = await clientError(
      client.Experiments.create({ name: 'npm-exp-new', artifact_location: undefined! }),
    );
    expect(dup.status).toBe(400);
    expect(dup.data?.error_code).toBe('RESOURCE_ALREADY_EXISTS');

    expect(await client.Experiments.restore({ experiment_id })).toEqual({});
    expect((await client.Experiments.get({ experiment_id })).experiment.lifecycle_stage).toBe('active');
    expect((await client.Runs.get({ run_id: run.info.run_id })).run.info.lifecycle_stage).toBe('active');

    // Restoring an active experiment: MLflow looks it up among the deleted ones, so 404.
    const again = await clientError(client.Experiments.restore({ experiment_id }));
    expect(again.status).toBe(404);
    expect(again.data?.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it("setExperimentTag's missing-slash URL fails with ENDPOINT_NOT_FOUND and changes nothing", async () => {
    const { experiment_id } = await client.Experiments.create({
      name: 'npm-exp-tag',
      artifact_location: undefined!,
    });
    const before = (await client.Experiments.get({ experiment_id })).experiment;

    const err = await clientError(
      client.Experiments.setExperimentTag({ experiment_id, key: 'team', value: 'ml' }),
    );
    expect(err.status).toBe(404);
    expect(err.data?.error_code).toBe('ENDPOINT_NOT_FOUND');
    expect(err.data?.message).toContain('experimentsset-experiment-tag');

    const after = (await client.Experiments.get({ experiment_id })).experiment;
    expect(after).toEqual(before);
    expect(after.tags ?? []).toEqual([]);
  });

  it('rejects a duplicate experiment name with 400 RESOURCE_ALREADY_EXISTS', async () => {
    await client.Experiments.create({ name: 'npm-exp-dup', artifact_location: undefined! });
    const err = await clientError(
      client.Experiments.create({ name: 'npm-exp-dup', artifact_location: undefined! }),
    );
    expect(err.status).toBe(400);
    expect(err.data?.error_code).toBe('RESOURCE_ALREADY_EXISTS');
    expect(err.data?.message).toContain('npm-exp-dup');
  });

  it('reports an unknown experiment as 404 RESOURCE_DOES_NOT_EXIST', async () => {
    const err = await clientError(client.Experiments.get({ experiment_id: '987654' }));
    expect(err.status).toBe(404);
    expect(err.data?.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  describe('runs', () => {
    let experimentId: string;

    beforeAll(async () => {
      experimentId = (await client.Experiments.create({ name: 'npm-runs', artifact_location: undefined! }))
        .experiment_id;
    });

    it('creates and gets a run', async () => {
      const start = Date.now();
      const { run } = await client.Runs.create({
        experiment_id: experimentId,
        user_id: 'alice',
        start_time: start,
        tags: [
          { key: 'mlflow.runName', value: 'npm-first-run' },
          { key: 'team', value: 'vision' },
        ],
      });
      expect(run.info.run_id).toMatch(RUN_ID);
      expect(run.info).toMatchObject({
        experiment_id: experimentId,
        user_id: 'alice',
        status: RunStatus.RUNNING,
        start_time: start,
        lifecycle_stage: 'active',
        artifact_uri: `mlflow-artifacts:/${experimentId}/${run.info.run_id}/artifacts`,
      });
      expect(run.info.end_time).toBeUndefined();

      const got = (await client.Runs.get({ run_id: run.info.run_id })).run;
      expect(got.info).toEqual(run.info);
      expect((got.info as unknown as { run_name?: string }).run_name).toBe('npm-first-run');
      expect(got.data.tags).toEqual(
        expect.arrayContaining([
          { key: 'mlflow.runName', value: 'npm-first-run' },
          { key: 'team', value: 'vision' },
        ]),
      );
      expect(got.data.metrics ?? []).toEqual([]);
      expect(got.data.params ?? []).toEqual([]);
    });

    it('logs metrics, params and tags one by one, and deletes a tag', async () => {
      const { run } = await client.Runs.create({
        experiment_id: experimentId,
        user_id: 'bob',
        start_time: Date.now(),
      });
      const run_id = run.info.run_id;
      const t0 = Date.now();

      expect(
        await client.Runs.logMetric({ run_id, key: 'loss', value: 0.9, timestamp: t0, step: 0 }),
      ).toEqual({});
      expect(
        await client.Runs.logMetric({ run_id, key: 'loss', value: 0.5, timestamp: t0 + 1, step: 1 }),
      ).toEqual({});
      expect(
        await client.Runs.logMetric({ run_id, key: 'loss', value: 0.7, timestamp: t0 + 2, step: 2 }),
      ).toEqual({});
      // No step: the server defaults it to 0.
      expect(await client.Runs.logMetric({ run_id, key: 'acc', value: 0.25, timestamp: t0 })).toEqual({});
      expect(await client.Runs.logParameter({ run_id, key: 'lr', value: '0.01' })).toEqual({});
      // Same key, same value: idempotent.
      expect(await client.Runs.logParameter({ run_id, key: 'lr', value: '0.01' })).toEqual({});
      expect(await client.Runs.setTag({ run_id, key: 'stage', value: 'dev' })).toEqual({});
      expect(await client.Runs.setTag({ run_id, key: 'stage', value: 'prod' })).toEqual({});
      expect(await client.Runs.setTag({ run_id, key: 'temp', value: 'x' })).toEqual({});
      expect(await client.Runs.deleteTag({ run_id, key: 'temp' })).toEqual({});

      const { data } = (await client.Runs.get({ run_id })).run;
      // Latest per key = greatest step.
      expect(data.metrics).toHaveLength(2);
      expect(data.metrics).toEqual(
        expect.arrayContaining([
          { key: 'loss', value: 0.7, timestamp: t0 + 2, step: 2 },
          { key: 'acc', value: 0.25, timestamp: t0, step: 0 },
        ]),
      );
      expect(data.params).toEqual([{ key: 'lr', value: '0.01' }]);
      const tags = Object.fromEntries(data.tags.map((t) => [t.key, t.value]));
      expect(tags.stage).toBe('prod');
      expect(tags).not.toHaveProperty('temp');

      const history = await client.Metrics.getHistory({ run_id, metric_key: 'loss' });
      expect(history.metrics.map((m) => [m.step, m.value])).toEqual([
        [0, 0.9],
        [1, 0.5],
        [2, 0.7],
      ]);

      const missingTag = await clientError(client.Runs.deleteTag({ run_id, key: 'never-set' }));
      expect(missingTag.status).toBe(404);
      expect(missingTag.data?.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    });

    it('rejects changing a param value with 400 INVALID_PARAMETER_VALUE (single and batch)', async () => {
      const { run } = await client.Runs.create({
        experiment_id: experimentId,
        user_id: 'bob',
        start_time: Date.now(),
      });
      const run_id = run.info.run_id;
      await client.Runs.logParameter({ run_id, key: 'optimizer', value: 'adam' });

      const err = await clientError(client.Runs.logParameter({ run_id, key: 'optimizer', value: 'sgd' }));
      expect(err.status).toBe(400);
      expect(err.data?.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(err.data?.message).toContain('Changing param values is not allowed');

      const batchErr = await clientError(
        client.Runs.logBatch({ run_id, params: [{ key: 'optimizer', value: 'rmsprop' }] }),
      );
      expect(batchErr.status).toBe(400);
      expect(batchErr.data?.error_code).toBe('INVALID_PARAMETER_VALUE');

      expect((await client.Runs.get({ run_id })).run.data.params).toEqual([
        { key: 'optimizer', value: 'adam' },
      ]);
    });

    it('logs a batch and returns the full metric history without max_results', async () => {
      const { run } = await client.Runs.create({
        experiment_id: experimentId,
        user_id: 'carol',
        start_time: Date.now(),
      });
      const run_id = run.info.run_id;
      const t0 = Date.now();
      // 2,500 points in three batches (the client cannot send max_results): more than any page size
      // the server might apply by default.
      const total = 2500;
      const points = Array.from({ length: total }, (_, i) => ({
        key: 'train_loss',
        value: 1 / (i + 1),
        timestamp: t0 + i,
        step: i,
      }));
      // At most 1,000 entities per request (MLflow's limit, checked below).
      for (let i = 0; i < total; i += 900) {
        const metrics = points.slice(i, i + 900);
        const params = i === 0 ? [{ key: 'batch_size', value: '32' }] : [];
        const tags = i === 0 ? [{ key: 'source', value: 'npm' }] : [];
        expect(await client.Runs.logBatch({ run_id, metrics, params, tags })).toEqual({});
      }
      expect(
        await client.Runs.logBatch({
          run_id,
          metrics: [{ key: 'val_loss', value: 0.3, timestamp: t0, step: 7 }],
        }),
      ).toEqual({});

      const history = await client.Metrics.getHistory({ run_id, metric_key: 'train_loss' });
      expect(history.metrics).toHaveLength(total);
      expect((history as { next_page_token?: string }).next_page_token ?? '').toBe('');
      expect(history.metrics.map((m) => m.step)).toEqual(points.map((p) => p.step));
      expect(history.metrics.map((m) => m.value)).toEqual(points.map((p) => p.value));
      expect(history.metrics.map((m) => m.timestamp)).toEqual(points.map((p) => p.timestamp));
      expect(history.metrics.every((m) => m.key === 'train_loss')).toBe(true);

      const tooBig = await clientError(
        client.Runs.logBatch({
          run_id,
          metrics: Array.from({ length: 1001 }, (_, i) => ({ key: 'big', value: i, timestamp: t0, step: i })),
        }),
      );
      expect(tooBig.status).toBe(400);
      expect(tooBig.data?.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect((await client.Metrics.getHistory({ run_id, metric_key: 'big' })).metrics ?? []).toEqual([]);

      const unknown = await client.Metrics.getHistory({ run_id, metric_key: 'no-such-metric' });
      expect(unknown.metrics ?? []).toEqual([]);

      const { data } = (await client.Runs.get({ run_id })).run;
      expect(data.metrics).toEqual(
        expect.arrayContaining([
          { key: 'train_loss', value: 1 / total, timestamp: t0 + total - 1, step: total - 1 },
          { key: 'val_loss', value: 0.3, timestamp: t0, step: 7 },
        ]),
      );
      expect(data.params).toEqual([{ key: 'batch_size', value: '32' }]);
      expect(data.tags).toEqual(expect.arrayContaining([{ key: 'source', value: 'npm' }]));
    });

    it('updates a run status and end time', async () => {
      const { run } = await client.Runs.create({
        experiment_id: experimentId,
        user_id: 'dave',
        start_time: Date.now(),
      });
      const run_id = run.info.run_id;
      const end = Date.now() + 5;
      const { run_info } = await client.Runs.update({ run_id, status: RunStatus.FINISHED, end_time: end });
      expect(run_info).toMatchObject({
        run_id,
        status: 'FINISHED',
        end_time: end,
        lifecycle_stage: 'active',
      });
      expect((await client.Runs.get({ run_id })).run.info).toMatchObject({
        status: 'FINISHED',
        end_time: end,
      });

      const failed = await client.Runs.update({ run_id, status: RunStatus.FAILED, end_time: end + 1 });
      expect(failed.run_info).toMatchObject({ status: 'FAILED', end_time: end + 1 });
    });

    it('deletes and restores a run', async () => {
      const { run } = await client.Runs.create({
        experiment_id: experimentId,
        user_id: 'erin',
        start_time: Date.now(),
      });
      const run_id = run.info.run_id;

      expect(await client.Runs.delete({ run_id })).toEqual({});
      expect((await client.Runs.get({ run_id })).run.info.lifecycle_stage).toBe('deleted');
      const active = await client.Runs.search({
        experiment_ids: [experimentId],
        run_view_type: ViewType.ACTIVE_ONLY,
      });
      expect((active.runs ?? []).map((r) => r.info.run_id)).not.toContain(run_id);
      const deleted = await client.Runs.search({
        experiment_ids: [experimentId],
        run_view_type: ViewType.DELETED_ONLY,
      });
      expect((deleted.runs ?? []).map((r) => r.info.run_id)).toEqual([run_id]);
      // Logging to a deleted run is refused.
      const err = await clientError(
        client.Runs.logMetric({ run_id, key: 'm', value: 1, timestamp: Date.now() }),
      );
      expect(err.status).toBe(400);
      expect(err.data?.error_code).toBe('INVALID_PARAMETER_VALUE');

      expect(await client.Runs.restore({ run_id })).toEqual({});
      expect((await client.Runs.get({ run_id })).run.info.lifecycle_stage).toBe('active');
      const restored = await client.Runs.search({
        experiment_ids: [experimentId],
        run_view_type: ViewType.ACTIVE_ONLY,
      });
      expect((restored.runs ?? []).map((r) => r.info.run_id)).toContain(run_id);
    });

    it('reports an unknown run as 404 RESOURCE_DOES_NOT_EXIST', async () => {
      const missing = 'f'.repeat(32);
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['Runs.get', () => client.Runs.get({ run_id: missing })],
        [
          'Runs.logMetric',
          () => client.Runs.logMetric({ run_id: missing, key: 'm', value: 1, timestamp: Date.now() }),
        ],
        ['Runs.logParameter', () => client.Runs.logParameter({ run_id: missing, key: 'p', value: 'v' })],
        ['Runs.setTag', () => client.Runs.setTag({ run_id: missing, key: 't', value: 'v' })],
        [
          'Runs.update',
          () => client.Runs.update({ run_id: missing, status: RunStatus.FINISHED, end_time: Date.now() }),
        ],
        ['Metrics.getHistory', () => client.Metrics.getHistory({ run_id: missing, metric_key: 'm' })],
        ['Artifacts.list', () => client.Artifacts.list({ run_id: missing, path: undefined! })],
      ];
      for (const [name, call] of calls) {
        const err = await clientError(call());
        expect.soft(err.status, name).toBe(404);
        expect.soft(err.data?.error_code, name).toBe('RESOURCE_DOES_NOT_EXIST');
        expect.soft(err.data?.message, name).toContain(missing);
      }
    });

    it('the same through Runs.get alone (status and data as the client reports them)', async () => {
      const missing = '0'.repeat(32);
      {
        const err = await clientError(client.Runs.get({ run_id: missing }));
        expect(err.status).toBe(404);
        expect(err.data?.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
        expect(err.statusText).toBe('Not Found');
        expect(err.data?.message).toContain(missing);
      }
    });

    it('lists the artifacts of an empty run', async () => {
      const { run } = await client.Runs.create({
        experiment_id: experimentId,
        user_id: 'erin',
        start_time: Date.now(),
      });
      const listing = await client.Artifacts.list({ run_id: run.info.run_id, path: undefined! });
      expect(listing.root_uri).toBe(run.info.artifact_uri);
      expect((listing as unknown as { files?: unknown[] }).files ?? []).toEqual([]);

      const sub = await client.Artifacts.list({ run_id: run.info.run_id, path: 'model' });
      expect((sub as unknown as { files?: unknown[] }).files ?? []).toEqual([]);

      const unsafe = await clientError(client.Artifacts.list({ run_id: run.info.run_id, path: '../escape' }));
      expect(unsafe.status).toBe(400);
      expect(unsafe.data?.error_code).toBe('INVALID_PARAMETER_VALUE');
    });
  });

  describe('search', () => {
    let experimentId: string;
    const runIds: Record<string, string> = {};

    beforeAll(async () => {
      experimentId = (await client.Experiments.create({ name: 'npm-search', artifact_location: undefined! }))
        .experiment_id;
      const specs = [
        { name: 'a', lr: '0.01', loss: 0.2, acc: 0.9, model: 'cnn' },
        { name: 'b', lr: '0.01', loss: 0.4, acc: 0.8, model: 'mlp' },
        { name: 'c', lr: '0.1', loss: 0.1, acc: 0.95, model: 'cnn' },
        { name: 'd', lr: '0.01', loss: 0.6, acc: 0.7, model: 'cnn' },
      ];
      const t0 = Date.now();
      for (const [i, s] of specs.entries()) {
        const { run } = await client.Runs.create({
          experiment_id: experimentId,
          user_id: 'search',
          start_time: t0 + i,
          tags: [{ key: 'mlflow.runName', value: `run-${s.name}` }],
        });
        runIds[s.name] = run.info.run_id;
        await client.Runs.logBatch({
          run_id: run.info.run_id,
          metrics: [
            { key: 'loss', value: s.loss, timestamp: t0, step: 1 },
            { key: 'acc', value: s.acc, timestamp: t0, step: 1 },
          ],
          params: [{ key: 'lr', value: s.lr }],
          tags: [{ key: 'model', value: s.model }],
        });
      }
    });

    it('filters on metrics, params and tags and orders by a metric', async () => {
      const res = await client.Runs.search({
        experiment_ids: [experimentId],
        filter: "metrics.loss < 0.5 and params.lr = '0.01'",
        order_by: ['metrics.acc DESC'],
      });
      expect(res.runs.map((r) => r.info.run_id)).toEqual([runIds.a, runIds.b]);
      for (const r of res.runs) {
        expect(r.data.params).toEqual([{ key: 'lr', value: '0.01' }]);
        expect(r.data.metrics.map((m) => m.key).sort()).toEqual(['acc', 'loss']);
      }

      const asc = await client.Runs.search({
        experiment_ids: [experimentId],
        filter: "tags.model = 'cnn'",
        order_by: ['metrics.loss ASC'],
      });
      expect(asc.runs.map((r) => r.info.run_id)).toEqual([runIds.c, runIds.a, runIds.d]);

      const none = await client.Runs.search({ experiment_ids: [experimentId], filter: 'metrics.loss > 100' });
      expect(none.runs ?? []).toEqual([]);
    });

    it('defaults to start_time DESC and pages with max_results / page_token', async () => {
      const all = await client.Runs.search({ experiment_ids: [experimentId] });
      expect(all.runs.map((r) => r.info.run_id)).toEqual([runIds.d, runIds.c, runIds.b, runIds.a]);

      const seen: string[] = [];
      let token: string | undefined;
      for (let page = 0; page < 10; page++) {
        const res = await client.Runs.search({
          experiment_ids: [experimentId],
          order_by: ['params.lr ASC', 'metrics.acc ASC'],
          max_results: 3,
          page_token: token,
        });
        seen.push(...res.runs.map((r) => r.info.run_id));
        token = res.next_page_token;
        if (!token) break;
      }
      expect(seen).toEqual([runIds.d, runIds.b, runIds.a, runIds.c]);
    });

    it('rejects a malformed filter with 400 INVALID_PARAMETER_VALUE', async () => {
      const err = await clientError(
        client.Runs.search({ experiment_ids: [experimentId], filter: 'metrics.loss <<< 1' }),
      );
      expect(err.status).toBe(400);
      expect(err.data?.error_code).toBe('INVALID_PARAMETER_VALUE');
    });
  });
});
