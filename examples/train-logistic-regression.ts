/**
 * A pure-TypeScript training script tracked with Loom: logistic regression by batch gradient descent
 * on a small bundled data set (examples/data/two-blobs.csv: 200 synthetic points in two overlapping
 * Gaussian blobs, labels 0/1). Logs its parameters, the loss and accuracy of every epoch, the data
 * set as a run input, and the trained weights as an artifact.
 *
 *   npx loom server &                                   # or any MLflow-compatible server
 *   MLFLOW_TRACKING_URI=http://127.0.0.1:5000 npx tsx examples/train-logistic-regression.ts
 *
 * Settings: MLFLOW_EXPERIMENT_NAME (default `examples`), LR (0.5), EPOCHS (100), L2 (0.001).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Tracking } from '@loom/client/tracking';

const DATA = fileURLToPath(new URL('./data/two-blobs.csv', import.meta.url));
const lr = Number(process.env.LR ?? 0.5);
const epochs = Number(process.env.EPOCHS ?? 100);
const l2 = Number(process.env.L2 ?? 0.001);

const csv = readFileSync(DATA, 'utf8');
const rows = csv
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(',').map(Number));
const xs = rows.map((r) => [r[0]!, r[1]!]);
const ys = rows.map((r) => r[2]!);

// Standardise each feature so one learning rate suits both.
const mean = [0, 1].map((j) => xs.reduce((s, x) => s + x[j]!, 0) / xs.length);
const std = [0, 1].map((j) => Math.sqrt(xs.reduce((s, x) => s + (x[j]! - mean[j]!) ** 2, 0) / xs.length));
const features = xs.map((x) => x.map((v, j) => (v - mean[j]!) / std[j]!));

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

const tracking = new Tracking({ env: { experimentName: process.env.MLFLOW_EXPERIMENT_NAME ?? 'examples' } });
const { runId, offlineDir } = await tracking.withRun({ runName: `logreg-lr${lr}` }, async (run) => {
  run.logParams({ lr, epochs, l2, model: 'logistic-regression', features: 2 });
  await run.logInput(
    {
      name: 'two-blobs',
      digest: createHash('sha256').update(csv).digest('hex').slice(0, 16),
      sourceType: 'local',
      source: JSON.stringify({ uri: 'examples/data/two-blobs.csv' }),
      profile: JSON.stringify({ num_rows: rows.length }),
    },
    'training',
  );
  let w = [0, 0];
  let b = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    let loss = 0;
    let correct = 0;
    const grad = [0, 0];
    let gradB = 0;
    features.forEach((x, i) => {
      const p = sigmoid(w[0]! * x[0]! + w[1]! * x[1]! + b);
      const y = ys[i]!;
      loss -= y * Math.log(p + 1e-12) + (1 - y) * Math.log(1 - p + 1e-12);
      if ((p >= 0.5 ? 1 : 0) === y) correct++;
      grad[0]! += (p - y) * x[0]!;
      grad[1]! += (p - y) * x[1]!;
      gradB += p - y;
    });
    const n = features.length;
    w = w.map((wj, j) => wj - lr * (grad[j]! / n + l2 * wj));
    b -= (lr * gradB) / n;
    run.logMetrics({ loss: loss / n, accuracy: correct / n }, { step: epoch });
  }
  await run.logDict({ weights: w, bias: b, mean, std }, 'model/weights.json');
  return { runId: run.runId, offlineDir: run.offlineDir };
});
console.log(
  offlineDir
    ? `run ${runId} finished offline in ${offlineDir}; upload it with \`loom sync\``
    : `run ${runId} finished; see it at ${tracking.client.http.baseUrl}/runs/${runId}`,
);
