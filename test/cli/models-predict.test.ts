/**
 * `loom models predict` as a user runs it: a real CLI process scoring files with the ONNX fixtures,
 * JSON and CSV in and out, inputs larger than one chunk, and the scoring server's error for a bad
 * column.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  linearReference,
  mlpReference,
  saveLinearModel,
  saveTfjsLayersMlp,
  tfjsMlpReference,
  writePythonOnnxModel,
} from '@loom/models/testing';
import { runCli } from '../support/cli-server';

let dir: string;
/** 25 rows, so `--batch-size 7` scores them in four chunks. */
const ROWS = Array.from({ length: 25 }, (_, i) => [i, i / 2 - 3, (i % 5) * 1.5]);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loom-predict-cli-'));
  await saveLinearModel(join(dir, 'linear'));
  await writePythonOnnxModel(join(dir, 'mlp'));
  await saveTfjsLayersMlp(join(dir, 'tfjs'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loom models predict', () => {
  it('scores a CSV file in chunks and writes {"predictions": …} JSON to stdout', async () => {
    const input = join(dir, 'rows.csv');
    writeFileSync(input, ['a,b,c', ...ROWS.map((r) => r.join(','))].join('\n') + '\n');
    const r = await runCli([
      'models',
      'predict',
      '-m',
      join(dir, 'linear'),
      '-i',
      input,
      '--batch-size',
      '7',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const { predictions } = JSON.parse(r.stdout) as { predictions: { y: number }[] };
    expect(predictions).toHaveLength(ROWS.length);
    ROWS.forEach((row, i) => expect(predictions[i]!.y).toBeCloseTo(linearReference(row), 4));
    expect(r.stderr).toMatch(/predict: 25 rows in/);
  });

  it('reads dataframe_records JSON and writes a CSV table, one column per output', async () => {
    const input = join(dir, 'records.json');
    const output = join(dir, 'out.csv');
    const records = ROWS.map(([a, b, c]) => ({ a, b, c }));
    writeFileSync(input, JSON.stringify({ dataframe_records: records }));
    const r = await runCli(['models', 'predict', '-m', join(dir, 'linear'), '-i', input, '-o', output]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const [header, ...lines] = readFileSync(output, 'utf8').trimEnd().split('\n');
    expect(header).toBe('y');
    expect(lines).toHaveLength(ROWS.length);
    ROWS.forEach((row, i) => expect(Number(lines[i])).toBeCloseTo(linearReference(row), 4));
  });

  it('scores a tensor model from an `inputs` payload in chunks, CSV forced with -t and --output-format', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => [i / 3, -i, 2, i % 4]);
    const input = join(dir, 'tensor.txt');
    writeFileSync(input, JSON.stringify({ inputs: rows }));
    const json = await runCli([
      'models',
      'predict',
      '-m',
      join(dir, 'mlp'),
      '-i',
      input,
      '-t',
      'json',
      '--batch-size',
      '3',
    ]);
    expect(json.code, json.stderr).toBe(0);
    const y = (JSON.parse(json.stdout) as { predictions: { y: number[][] } }).predictions.y;
    expect(y).toHaveLength(rows.length);
    rows.forEach((row, i) => mlpReference(row).forEach((v, k) => expect(y[i]![k]).toBeCloseTo(v, 4)));

    const csv = await runCli([
      'models',
      'predict',
      '-m',
      join(dir, 'mlp'),
      '-i',
      input,
      '--output-format',
      'csv',
    ]);
    expect(csv.code, csv.stderr).toBe(0);
    const [header, first] = csv.stdout.split('\n');
    expect(header).toBe('y');
    const cell = JSON.parse(JSON.parse(first!) as string) as number[];
    mlpReference(rows[0]!).forEach((v, k) => expect(cell[k]).toBeCloseTo(v, 4));
  });

  it('scores a TF.js model from CSV in chunks', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => [i / 3, -i, 2, i % 4]);
    const input = join(dir, 'tfjs.csv');
    writeFileSync(input, ['a,b,c,d', ...rows.map((r) => r.join(','))].join('\n') + '\n');
    const r = await runCli(['models', 'predict', '-m', join(dir, 'tfjs'), '-i', input, '--batch-size', '4']);
    expect(r.code, r.stderr).toBe(0);
    const { predictions } = JSON.parse(r.stdout) as { predictions: number[][] };
    expect(predictions).toHaveLength(rows.length);
    rows.forEach((row, i) =>
      tfjsMlpReference(row).forEach((v, k) => expect(predictions[i]![k]).toBeCloseTo(v, 5)),
    );
  });

  it('fails with exit 1 and the scoring server message when a column is wrong, writing nothing', async () => {
    const input = join(dir, 'bad.csv');
    const output = join(dir, 'bad-out.json');
    writeFileSync(input, 'a,b,x\n1,2,3\n');
    const r = await runCli(['models', 'predict', '-m', join(dir, 'linear'), '-i', input, '-o', output]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("loom: Failed to predict data. Error: Model is missing inputs ['c']");
    expect(r.stderr).toContain("['x']");
    expect(existsSync(output)).toBe(false);

    const malformed = await runCli([
      'models',
      'predict',
      '-m',
      join(dir, 'linear'),
      '-i',
      input,
      '-t',
      'json',
    ]);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toContain('Invalid input. Ensure that input is a valid JSON formatted string');
  });
});
