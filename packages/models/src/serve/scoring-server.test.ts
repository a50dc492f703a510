import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelDir, type Model } from '../load-model';
import { saveJsFunctionModel } from '../flavors/js-function';
import { column } from '../signature';
import {
  MLP_EXAMPLE,
  linearReference,
  mlpReference,
  saveLinearModel,
  writePythonOnnxModel,
  writeSklearnModel,
} from '../testing';
import { startScoringServer, type RunningScoringServer } from './scoring-server';

let dir: string;
const models: Model[] = [];
const servers: RunningScoringServer[] = [];
let mlp: RunningScoringServer;
let linear: RunningScoringServer;

async function serve(modelDir: string, options = {}, batching = true): Promise<RunningScoringServer> {
  const model = await loadModelDir(modelDir, { batching });
  models.push(model);
  const server = await startScoringServer(model, { host: '127.0.0.1', port: 0 }, options);
  servers.push(server);
  return server;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loom-scoring-'));
  mlp = await serve(await writePythonOnnxModel(join(dir, 'mlp')));
  linear = await serve(await saveLinearModel(join(dir, 'linear')));
});

afterAll(async () => {
  for (const s of servers) await s.close();
  for (const m of models) await m.close();
  rmSync(dir, { recursive: true, force: true });
});

async function invoke(server: RunningScoringServer, body: unknown, type = 'application/json') {
  const res = await fetch(`${server.url}/invocations`, {
    method: 'POST',
    headers: { 'content-type': type },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    text,
    json: json as Record<string, unknown>,
  };
}

/** Every value of `got` within float32 rounding of `want`. */
function expectClose(got: unknown, want: unknown): void {
  if (Array.isArray(want)) {
    expect(Array.isArray(got)).toBe(true);
    expect((got as unknown[]).length).toBe(want.length);
    want.forEach((w, i) => expectClose((got as unknown[])[i], w));
  } else expect(got as number).toBeCloseTo(want as number, 4);
}

const ROWS = [
  [5.1, 3.5, 1.4, 0.2],
  [-1, 2, 0.5, 7],
  [0, 0, 0, 0],
];

describe('an ONNX model as Python MLflow writes it (tensor signature)', () => {
  const want = { y: ROWS.map(mlpReference) };
  const cols = ['a', 'b', 'c', 'd'];

  it('answers /ping, /health and /version', async () => {
    for (const path of ['/ping', '/health']) {
      const res = await fetch(`${mlp.url}${path}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('\n');
    }
    expect(await (await fetch(`${mlp.url}/version`)).text()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each([
    ['inputs', { inputs: ROWS }],
    ['instances', { instances: ROWS }],
    ['dataframe_split', { dataframe_split: { columns: cols, data: ROWS } }],
    ['dataframe_split without columns', { dataframe_split: { data: ROWS } }],
    [
      'dataframe_records',
      { dataframe_records: ROWS.map((r) => Object.fromEntries(cols.map((c, i) => [c, r[i]]))) },
    ],
    ['params beside inputs', { inputs: ROWS, params: { unused: 1 } }],
  ])('scores %s', async (_name, body) => {
    const res = await invoke(mlp, body);
    expect(res.status, res.text).toBe(200);
    expect(Object.keys(res.json.predictions as object)).toEqual(['y']);
    expectClose((res.json.predictions as { y: unknown }).y, want.y);
  });

  it('scores CSV with a header row', async () => {
    const csv = `${cols.join(',')}\r\n${ROWS.map((r) => r.join(',')).join('\r\n')}\r\n`;
    const res = await invoke(mlp, csv, 'text/csv; charset=utf-8');
    expect(res.status, res.text).toBe(200);
    expectClose((res.json.predictions as { y: unknown }).y, want.y);
  });

  it('serves its own serving_input_example.json', async () => {
    const res = await invoke(mlp, { inputs: MLP_EXAMPLE });
    expectClose((res.json.predictions as { y: unknown }).y, MLP_EXAMPLE.map(mlpReference));
  });

  it('rejects a tensor of the wrong shape or type with INVALID_PARAMETER_VALUE', async () => {
    const narrow = await invoke(mlp, { inputs: [[1, 2, 3]] });
    expect(narrow.status).toBe(400);
    expect(narrow.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(narrow.json.message).toMatch(/Failed to predict data.*\[1,3\].*\[-1,4\]/);
    const text = await invoke(mlp, { inputs: [[1, 2, 3, 'four']] });
    expect(text.status).toBe(400);
    expect(text.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(text.json.message).toContain("Can not convert 'four' to float32");
  });

  it('answers concurrent requests each with its own rows (micro-batched)', async () => {
    const rows = Array.from({ length: 64 }, (_, i) => [i, -i / 2, i % 3, 1]);
    const answers = await Promise.all(rows.map((r) => invoke(mlp, { inputs: [r] })));
    answers.forEach((a, i) =>
      expectClose((a.json.predictions as { y: unknown }).y, [mlpReference(rows[i]!)]),
    );
  });
});

describe('an ONNX model saved by Loom (column signature)', () => {
  const rows = [
    [1, 0, 0],
    [0.5, -2, 4],
  ];
  const want = rows.map((r) => ({ y: linearReference(r) }));

  it.each([
    ['dataframe_split', { dataframe_split: { columns: ['a', 'b', 'c'], data: rows } }],
    [
      'dataframe_split with columns out of order',
      { dataframe_split: { columns: ['c', 'a', 'b'], data: rows.map((r) => [r[2], r[0], r[1]]) } },
    ],
    ['dataframe_records', { dataframe_records: rows.map(([a, b, c]) => ({ a, b, c })) }],
    ['instances of objects', { instances: rows.map(([a, b, c]) => ({ a, b, c })) }],
    [
      'inputs by column',
      { inputs: { a: rows.map((r) => r[0]), b: rows.map((r) => r[1]), c: rows.map((r) => r[2]) } },
    ],
    ['inputs as a matrix', { inputs: rows }],
  ])('scores %s into records', async (_name, body) => {
    const res = await invoke(linear, body);
    expect(res.status, res.text).toBe(200);
    const got = res.json.predictions as { y: number }[];
    expect(got).toHaveLength(want.length);
    got.forEach((g, i) => expect(g.y).toBeCloseTo(want[i]!.y, 5));
  });

  it('scores CSV, typed by the signature', async () => {
    const res = await invoke(linear, 'a,b,c\n1,0,0\n0.5,-2,4\n', 'text/csv');
    expect(res.status, res.text).toBe(200);
    expect((res.json.predictions as { y: number }[]).map((p) => p.y)).toEqual(want.map((w) => w.y));
  });

  it('names a missing column', async () => {
    const res = await invoke(linear, { dataframe_records: [{ a: 1, c: 2 }] });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: "Failed to predict data. Error: Model is missing inputs ['b'].",
    });
  });

  it('names a wrong column and the extra one', async () => {
    const res = await invoke(linear, { dataframe_split: { columns: ['a', 'b', 'z'], data: [[1, 2, 3]] } });
    expect(res.status).toBe(400);
    expect(res.json.message).toContain(
      "Model is missing inputs ['c']. Note that there were extra inputs: ['z']",
    );
  });

  it('names a column of the wrong type', async () => {
    const res = await invoke(linear, { dataframe_records: [{ a: 1, b: 'two', c: 3 }] });
    expect(res.status).toBe(400);
    expect(res.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(res.json.message).toContain("column 'b'. Can not safely convert 'two' to float64");
  });
});

describe('the protocol around /invocations', () => {
  it('answers malformed JSON, a list body and a missing field with BAD_REQUEST', async () => {
    const bad = await invoke(linear, '{"inputs": [1, ');
    expect(bad.status).toBe(400);
    expect(bad.json.error_code).toBe('BAD_REQUEST');
    expect(bad.json.message).toMatch(/^Invalid input. Ensure that input is a valid JSON/);
    const list = await invoke(linear, [[1, 2, 3]]);
    expect(list.status).toBe(400);
    expect(list.json.error_code).toBe('BAD_REQUEST');
    const none = await invoke(linear, { data: [[1, 2, 3]] });
    expect(none.status).toBe(400);
    expect(none.json.error_code).toBe('BAD_REQUEST');
    expect(none.json.message).toContain(
      "exactly one of the input fields {'dataframe_split', 'dataframe_records', 'instances', 'inputs'}",
    );
    const two = await invoke(linear, { inputs: [[1, 2, 3]], instances: [[1, 2, 3]] });
    expect(two.status).toBe(400);
    const ragged = await invoke(mlp, {
      inputs: [
        [1, 2, 3, 4],
        [1, 2],
      ],
    });
    expect(ragged.status).toBe(400);
    expect(ragged.json.error_code).toBe('BAD_REQUEST');
  });

  it('answers unsupported content types with 415 text/plain', async () => {
    for (const type of [
      'text/plain',
      'application/json; format=pandas-split',
      'application/json; charset=latin-1',
    ]) {
      const res = await invoke(linear, { inputs: [[1, 2, 3]] }, type);
      expect(res.status, type).toBe(415);
      expect(res.type).toBe('text/plain');
      expect(res.text).toContain('This predictor only supports the following content types');
    }
  });

  it('answers a malformed CSV with BAD_REQUEST', async () => {
    const res = await invoke(linear, 'a,b,c\n1,2\n', 'text/csv');
    expect(res.status).toBe(400);
    expect(res.json.error_code).toBe('BAD_REQUEST');
  });

  it('refuses bodies over the size limit with 413', async () => {
    const small = await serve(join(dir, 'linear'), { maxBodyBytes: 64 });
    const res = await invoke(small, { inputs: Array.from({ length: 50 }, () => [1, 2, 3]) });
    expect(res.status).toBe(413);
    expect(res.json.message).toContain('larger than the limit of 64 bytes');
    expect((await invoke(small, { inputs: [[1, 2, 3]] })).status).toBe(200);
  });

  it('answers 404 for unknown routes', async () => {
    const res = await fetch(`${linear.url}/nope`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error_code: string }).error_code).toBe('ENDPOINT_NOT_FOUND');
  });
});

describe('js_function models', () => {
  let slow: RunningScoringServer;
  let echo: RunningScoringServer;

  beforeAll(async () => {
    const code = join(dir, 'slow.mjs');
    writeFileSync(
      code,
      'export async function predict(input) { await new Promise((r) => setTimeout(r, 400)); return input; }\n',
    );
    await saveJsFunctionModel(join(dir, 'slow'), code);
    slow = await serve(join(dir, 'slow'), { timeoutMs: 100 });
    const echoCode = join(dir, 'echo.mjs');
    writeFileSync(
      echoCode,
      "export function predict(input, params) { if (params?.fail) throw new Error('asked to fail'); return { input, params }; }\n",
    );
    await saveJsFunctionModel(join(dir, 'echo'), echoCode, {
      signature: {
        inputs: { kind: 'columns', specs: [column('n', 'long'), column('s', 'string', false)] },
        params: [
          { name: 'fail', type: 'boolean', default: false, shape: null },
          { name: 'k', type: 'long', default: 3, shape: null },
        ],
      },
    });
    echo = await serve(join(dir, 'echo'));
  });

  it('answers 504 when predict outlasts the timeout', async () => {
    const res = await invoke(slow, { inputs: [1] });
    expect(res.status).toBe(504);
    expect(res.json).toEqual({
      error_code: 'DEADLINE_EXCEEDED',
      message: 'Request processing time exceeded limit',
    });
  });

  it('passes records and params (defaults filled) to predict', async () => {
    const res = await invoke(echo, { dataframe_records: [{ n: 1, s: 'x' }, { n: 2 }], params: { k: 5 } });
    expect(res.status, res.text).toBe(200);
    expect(res.json.predictions).toEqual({
      input: [
        { n: 1, s: 'x' },
        { n: 2, s: null },
      ],
      params: { fail: false, k: 5 },
    });
  });

  it('rejects a param of the wrong type and a non-integer long', async () => {
    const param = await invoke(echo, { dataframe_records: [{ n: 1 }], params: { k: 'many' } });
    expect(param.status).toBe(400);
    expect(param.json.message).toContain("Param 'k' must be of type long");
    const cell = await invoke(echo, { dataframe_records: [{ n: 1.5 }] });
    expect(cell.status).toBe(400);
    expect(cell.json.message).toContain("column 'n'. Can not safely convert 1.5 to int64");
  });

  it('answers an exception inside predict with BAD_REQUEST and its stack trace', async () => {
    const res = await invoke(echo, { dataframe_records: [{ n: 1 }], params: { fail: true } });
    expect(res.status).toBe(400);
    expect(res.json.error_code).toBe('BAD_REQUEST');
    expect(res.json.message).toContain('Encountered an unexpected error while evaluating the model');
    expect(res.json.message).toContain('asked to fail');
    expect(res.json.stack_trace).toContain('echo.mjs');
  });
});

describe('models that need Python', () => {
  it('fail to load with an error naming their flavors and pointing to ONNX', async () => {
    const sk = await writeSklearnModel(join(dir, 'sklearn'));
    await expect(loadModelDir(sk)).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringMatching(/flavors \(python_function, sklearn\) need Python.*ONNX/),
    });
  });
});
