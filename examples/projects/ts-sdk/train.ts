/**
 * Logistic regression by gradient descent on two synthetic Gaussian blobs, logged with the Loom SDK.
 * Run it with `loom run examples/projects/ts-sdk`: `startRun()` resumes the run `loom run` created
 * (MLFLOW_RUN_ID), so the epochs' metrics and the weights land in that run. package.json needs no
 * `@loom/client`: Loom's node environment lends its own SDK to projects that do not install one.
 */
import { parseArgs } from 'node:util';
import * as loom from '@loom/client/tracking';

const { values } = parseArgs({
  options: { epochs: { type: 'string', default: '30' }, 'learning-rate': { type: 'string', default: '0.5' } },
});
const epochs = Number(values.epochs);
const lr = Number(values['learning-rate']);

/** A small seeded generator (mulberry32) so every run sees the same data. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = random(7);
const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const data = Array.from({ length: 200 }, (_, i) => {
  const label = i % 2;
  const centre = label ? 1.5 : -1.5;
  return { x: [centre + gauss(), centre + gauss()] as const, y: label };
});

const run = await loom.startRun();
let w = [0, 0];
let b = 0;
let accuracy = 0;
for (let epoch = 0; epoch < epochs; epoch++) {
  let loss = 0;
  let correct = 0;
  const grad = [0, 0];
  let gradB = 0;
  for (const { x, y } of data) {
    const p = 1 / (1 + Math.exp(-(w[0]! * x[0] + w[1]! * x[1] + b)));
    loss -= y * Math.log(p + 1e-12) + (1 - y) * Math.log(1 - p + 1e-12);
    if ((p >= 0.5 ? 1 : 0) === y) correct++;
    grad[0]! += (p - y) * x[0];
    grad[1]! += (p - y) * x[1];
    gradB += p - y;
  }
  w = w.map((wj, j) => wj - (lr * grad[j]!) / data.length);
  b -= (lr * gradB) / data.length;
  accuracy = correct / data.length;
  run.logMetrics({ loss: loss / data.length, accuracy }, { step: epoch });
}
await run.logDict({ weights: w, bias: b }, 'model/weights.json');
await loom.endRun();
console.log(`trained ${epochs} epochs in run ${run.runId}: accuracy ${accuracy.toFixed(3)}`);
