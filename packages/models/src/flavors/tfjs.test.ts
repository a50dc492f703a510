/**
 * The tfjs flavor end to end in process: models saved by saveTfjsModel, loaded through the directory
 * IOHandler, scored through a real scoring server in every input format, checked against a plain-JS
 * computation of the same weights; tensors freed; shard paths kept inside the model directory.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseFlavor, loadModelDir, type Model } from '../load-model';
import { parseMLmodel, readMLmodel, stringifyMLmodel } from '../mlmodel';
import { startScoringServer, type RunningScoringServer } from '../serve/scoring-server';
import {
  saveTfjsGraphModel,
  saveTfjsLayersMlp,
  TFJS_EXAMPLE,
  tfjsGraphDynamic,
  tfjsGraphMlp,
  tfjsGraphTwoInputs,
  tfjsLayersMlp,
  tfjsLogitsReference,
  tfjsMlpReference,
} from '../testing';
import { directoryLoader, directorySaver, MODEL_JSON, writeTfjsArtifacts } from './tfjs-io';
import { loadTfjs } from './tfjs-runtime';
import { saveTfjsModel } from './tfjs-save';

let dir: string;
let layersDir: string;
let graphDir: string;
const models: Model[] = [];
const servers: RunningScoringServer[] = [];

const ROWS = [
  [5.1, 3.5, 1.4, 0.2],
  [1, -2, 3, -4],
  [0, 0, 0, 0],
];
const COLS = ['a', 'b', 'c', 'd'];

async function load(modelDir: string, batching = true): Promise<Model> {
  const model = await loadModelDir(modelDir, { batching });
  models.push(model);
  return model;
}

/** Every value of `got` within float32 rounding of `want`. */
function expectClose(got: unknown, want: unknown): void {
  if (Array.isArray(want)) {
    expect(Array.isArray(got), JSON.stringify(got)).toBe(true);
    expect((got as unknown[]).length).toBe(want.length);
    want.forEach((w, i) => expectClose((got as unknown[])[i], w));
  } else expect(got as number).toBeCloseTo(want as number, 5);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loom-tfjs-'));
  layersDir = await saveTfjsLayersMlp(join(dir, 'layers'));
  graphDir = await saveTfjsGraphModel(join(dir, 'graph'));
});

afterAll(async () => {
  for (const s of servers) await s.close();
  for (const m of models) await m.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('saveTfjsModel', () => {
  it('writes model.json + one shard under model/, the tfjs flavor, examples and exact versions', async () => {
    const mlmodel = await readMLmodel(layersDir);
    expect(mlmodel.flavors).toEqual({
      tfjs: { model_format: 'layers-model', data: 'model', tfjs_version: '4.22.0' },
    });
    expect(mlmodel.signature?.inputs).toContain('"shape": [-1, 4]');
    expect(mlmodel.modelSizeBytes).toBeGreaterThan(32 * 4 * 1.5);
    const modelJson = JSON.parse(readFileSync(join(layersDir, 'model', MODEL_JSON), 'utf8')) as {
      format: string;
      weightsManifest: { paths: string[]; weights: { name: string; shape: number[] }[] }[];
    };
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.weightsManifest[0]!.paths).toEqual(['group1-shard1of1.bin']);
    expect(modelJson.weightsManifest[0]!.weights.map((w) => w.shape)).toEqual([[4, 8], [8], [8, 3], [3]]);
    // 4·8 + 8 + 8·3 + 3 float32 weights.
    expect(readFileSync(join(layersDir, 'model', 'group1-shard1of1.bin')).length).toBe(67 * 4);
    const pkg = JSON.parse(readFileSync(join(layersDir, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(pkg.dependencies).toEqual({
      '@tensorflow/tfjs-core': '4.22.0',
      '@tensorflow/tfjs-backend-cpu': '4.22.0',
      '@tensorflow/tfjs-layers': '4.22.0',
    });
    expect(JSON.parse(readFileSync(join(layersDir, 'serving_input_example.json'), 'utf8'))).toEqual({
      inputs: TFJS_EXAMPLE,
    });
    expect((await readMLmodel(graphDir)).flavors.tfjs?.model_format).toBe('graph-model');
  });

  it('takes a converter output directory as it is, shards in a subfolder included', async () => {
    const converted = join(dir, 'web_model');
    const artifacts = tfjsGraphMlp();
    await writeTfjsArtifacts(converted, artifacts);
    // Move the shard into a subfolder, as a hand-arranged export might.
    const json = JSON.parse(readFileSync(join(converted, MODEL_JSON), 'utf8')) as {
      weightsManifest: { paths: string[] }[];
    };
    mkdirSync(join(converted, 'shards'));
    writeFileSync(join(converted, 'shards', 'w.bin'), readFileSync(join(converted, 'group1-shard1of1.bin')));
    json.weightsManifest[0]!.paths = ['shards/w.bin'];
    writeFileSync(join(converted, MODEL_JSON), JSON.stringify(json));

    const saved = join(dir, 'dropped-in');
    const mlmodel = await saveTfjsModel(saved, converted);
    expect(mlmodel.flavors.tfjs?.model_format).toBe('graph-model');
    expect(readFileSync(join(saved, 'model', 'shards', 'w.bin')).length).toBe(67 * 4);
    const model = await load(saved);
    expectClose(await model.predict({ kind: 'tensor', array: { shape: [1, 4], data: ROWS[0]! } }), [
      tfjsMlpReference(ROWS[0]!),
    ]);
  });
});

describe('the directory IOHandler', () => {
  it('round-trips a layers model through model.save and loadLayersModel', async () => {
    const { tf, layers } = await loadTfjs();
    const original = await tfjsLayersMlp();
    const target = join(dir, 'io-roundtrip');
    await original.save(directorySaver(target));
    const loaded = await layers.loadLayersModel(directoryLoader(await loadTfjs(), target));
    const x = tf.tensor2d(ROWS);
    const [a, b] = [original.predict(x), loaded.predict(x)] as [typeof x, typeof x];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
    original.dispose();
    loaded.dispose();
  });

  it('refuses weight paths and a data directory outside the model directory', async () => {
    const evil = join(dir, 'evil');
    await saveTfjsLayersMlp(evil);
    writeFileSync(join(dir, 'outside.bin'), readFileSync(join(evil, 'model', 'group1-shard1of1.bin')));
    const file = join(evil, 'model', MODEL_JSON);
    const json = JSON.parse(readFileSync(file, 'utf8')) as { weightsManifest: { paths: string[] }[] };
    for (const path of ['../../outside.bin', resolve(dir, 'outside.bin')]) {
      json.weightsManifest[0]!.paths = [path];
      writeFileSync(file, JSON.stringify(json));
      await expect(loadModelDir(evil)).rejects.toThrow(
        /weight file '.*outside\.bin' is outside the model directory/,
      );
    }

    const mlmodel = await readMLmodel(layersDir);
    mlmodel.flavors.tfjs!.data = '../layers/model';
    const escaping = join(dir, 'escaping');
    mkdirSync(escaping);
    writeFileSync(join(escaping, 'MLmodel'), stringifyMLmodel(mlmodel));
    await expect(loadModelDir(escaping)).rejects.toThrow(
      /tfjs data directory '\.\.\/layers\/model' is outside/,
    );
  });

  it('names a missing model.json, a missing shard and an unknown model_format', async () => {
    const empty = join(dir, 'no-model-json');
    await saveTfjsLayersMlp(empty);
    rmSync(join(empty, 'model', 'group1-shard1of1.bin'));
    await expect(loadModelDir(empty)).rejects.toThrow(
      /weight file 'group1-shard1of1\.bin' named in model\.json is missing/,
    );
    rmSync(join(empty, 'model', MODEL_JSON));
    await expect(loadModelDir(empty)).rejects.toThrow(/No model\.json in the TF\.js model directory/);
    const mlmodel = await readMLmodel(layersDir);
    mlmodel.flavors.tfjs!.model_format = 'saved-model';
    writeFileSync(join(empty, 'MLmodel'), stringifyMLmodel(mlmodel));
    await expect(loadModelDir(empty)).rejects.toThrow(
      /model_format must be layers-model or graph-model, not "saved-model"/,
    );
  });
});

describe('loading', () => {
  it('prefers onnx over tfjs when a model has both, and serves tfjs over js_function', () => {
    const both = parseMLmodel('flavors:\n  tfjs: {model_format: layers-model}\n  onnx: {data: m.onnx}\n');
    expect(chooseFlavor(both).loader.name).toBe('onnx');
    const withJs = parseMLmodel(
      'flavors:\n  js_function: {module: code/p.js}\n  tfjs: {model_format: graph-model}\n',
    );
    expect(chooseFlavor(withJs).loader.name).toBe('tfjs');
    const sklearn = parseMLmodel('flavors:\n  sklearn: {}\n');
    expect(() => chooseFlavor(sklearn)).toThrow(/tensorflowjs_converter.*onnx, tfjs and js_function/);
  });

  it('does not import TF.js until a tfjs model is loaded', async () => {
    // A fresh process: what `loom` start-up and ONNX serving pay for.
    const script = [
      "import { createRequire } from 'node:module';",
      "await import('@loom/models');",
      "const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('@tensorflow'));",
      'const before = loaded();',
      "const { loadTfjs } = await import('@loom/models');",
      'await loadTfjs();',
      'console.log(JSON.stringify([before, loaded()]));',
    ].join('\n');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: resolve(import.meta.dirname, '../..') },
    );
    expect(JSON.parse(stdout)).toEqual([false, true]);
  });
});

describe('prediction', () => {
  it('answers the layers and the graph model alike, matching plain JS, for one tensor or a named one', async () => {
    for (const modelDir of [layersDir, graphDir]) {
      const model = await load(modelDir);
      expect(model.flavor).toBe('tfjs');
      const array = { shape: [ROWS.length, 4], data: ROWS.flat() };
      expectClose(await model.predict({ kind: 'tensor', array }), ROWS.map(tfjsMlpReference));
      // One input under another name (e.g. the signature's) is fed to the only model input.
      expectClose(
        await model.predict({ kind: 'tensors', arrays: { features: array } }),
        ROWS.map(tfjsMlpReference),
      );
    }
  });

  it('feeds a two-input graph model by name and answers each output by name', async () => {
    const model = await load(await saveTfjsGraphModel(join(dir, 'two'), tfjsGraphTwoInputs()));
    const a = { shape: [ROWS.length, 2], data: ROWS.flatMap((r) => r.slice(0, 2)) };
    const b = { shape: [ROWS.length, 2], data: ROWS.flatMap((r) => r.slice(2)) };
    const out = (await model.predict({ kind: 'tensors', arrays: { a, b } })) as Record<string, unknown>;
    expect(Object.keys(out).sort()).toEqual(['logits', 'probs']);
    expectClose(out.probs, ROWS.map(tfjsMlpReference));
    expectClose(out.logits, ROWS.map(tfjsLogitsReference));
    await expect(model.predict({ kind: 'tensors', arrays: { a } })).rejects.toThrow(
      "The TF.js model needs input 'b', which is missing",
    );
    await expect(model.predict({ kind: 'tensor', array: a })).rejects.toThrow(/has 2 inputs \(a, b\)/);
  });

  it('says which shape it wanted', async () => {
    const model = await load(graphDir);
    await expect(
      model.predict({ kind: 'tensor', array: { shape: [1, 3], data: [1, 2, 3] } }),
    ).rejects.toThrow("TF.js input 'x' has shape [-1, 4]; the input sent has shape [1, 3]");
  });

  it('frees every tensor: 10,000 predictions leave tf.memory() as they found it', async () => {
    const { tf } = await loadTfjs();
    const cases = [
      [layersDir, false],
      [graphDir, true],
    ] as const;
    for (const [modelDir, batching] of cases) {
      const model = await load(modelDir, batching);
      const input = { kind: 'tensor' as const, array: { shape: [1, 4], data: ROWS[0]! } };
      await model.predict(input);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 2500; i++) await model.predict(input);
      // The other half concurrently, so the micro-batcher stacks rows.
      await Promise.all(Array.from({ length: 2500 }, () => model.predict(input)));
      expect(tf.memory().numTensors, `${modelDir} batching=${batching}`).toBe(before);
    }
  });

  it('runs a graph with dynamic ops through executeAsync, outputs not per row, freeing its tensors', async () => {
    const { tf } = await loadTfjs();
    const model = await load(await saveTfjsGraphModel(join(dir, 'dynamic'), tfjsGraphDynamic()));
    const rows = [
      [1, -2, 3, -4],
      [0, 5, 0, 0],
    ];
    const input = { kind: 'tensor' as const, array: { shape: [2, 4], data: rows.flat() } };
    const positive = [
      [0, 0],
      [0, 2],
      [1, 1],
    ];
    const out = (await model.predict(input)) as Record<string, unknown>;
    expect(Object.keys(out).sort()).toEqual(['positive', 'probs']);
    expectClose(out.probs, rows.map(tfjsMlpReference));
    expect(out.positive).toEqual(positive);
    const before = tf.memory().numTensors;
    // Batched together, then rerun one by one: `positive` has no row per input row.
    const answers = await Promise.all(Array.from({ length: 20 }, () => model.predict(input)));
    for (const a of answers) expect((a as { positive: unknown }).positive).toEqual(positive);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('micro-batches concurrent requests of different sizes and gives each its own rows', async () => {
    const model = await load(layersDir);
    const requests = Array.from({ length: 40 }, (_, i) =>
      ROWS.slice(0, (i % 3) + 1).map((r) => r.map((v) => v + i)),
    );
    const answers = await Promise.all(
      requests.map((rows) =>
        model.predict({ kind: 'tensor', array: { shape: [rows.length, 4], data: rows.flat() } }),
      ),
    );
    answers.forEach((answer, i) => expectClose(answer, requests[i]!.map(tfjsMlpReference)));
  });
});

describe('the scoring server on a tfjs model', () => {
  let server: RunningScoringServer;
  beforeAll(async () => {
    server = await startScoringServer(await load(layersDir), { host: '127.0.0.1', port: 0 });
    servers.push(server);
  });

  async function invoke(body: string, type = 'application/json') {
    const res = await fetch(`${server.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': type },
      body,
    });
    return { status: res.status, json: (await res.json()) as { predictions?: unknown; message?: string } };
  }

  it.each([
    ['inputs', { inputs: ROWS }],
    ['instances', { instances: ROWS }],
    ['dataframe_split', { dataframe_split: { columns: COLS, data: ROWS } }],
    [
      'dataframe_records',
      { dataframe_records: ROWS.map((r) => Object.fromEntries(COLS.map((c, i) => [c, r[i]]))) },
    ],
  ])('scores %s', async (_name, body) => {
    const res = await invoke(JSON.stringify(body));
    expect(res.status).toBe(200);
    expectClose(res.json.predictions, ROWS.map(tfjsMlpReference));
  });

  it('scores CSV', async () => {
    const res = await invoke([COLS.join(','), ...ROWS.map((r) => r.join(','))].join('\n'), 'text/csv');
    expect(res.status).toBe(200);
    expectClose(res.json.predictions, ROWS.map(tfjsMlpReference));
  });

  it('answers a cell it cannot convert with the signature error', async () => {
    const res = await invoke(JSON.stringify({ inputs: [[1, 2, 'x', 4]] }));
    expect(res.status).toBe(400);
    expect(res.json.message).toMatch(/Failed to predict data/);
  });
});
