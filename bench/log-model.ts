/**
 * logModel benchmark (`npm run bench:log-model`; not part of the tests): what logging a model costs
 * beyond uploading its files. Against the real `loom server` CLI in its own process, the MLP laid out
 * as Python MLflow writes it (plus `--pad-mb` of extra weights), interleaved, ROUNDS × N each:
 *   - baseline: every file PUT through the artifact proxy under a run, nothing else;
 *   - MLflow 2 mode: `logModel({dir, artifactPath})` (uploads + runs/log-model);
 *   - MLflow 3 mode: `logModel({dir})` (logged model created, linked, uploaded, finalized).
 * Reports medians per call and the ratio to the baseline.
 *
 * Flags: --n N (20)  --rounds N (3)  --pad-mb N (0)  --backend-store-uri postgresql://user@host:5432
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { createClient, type LoomClient } from '@loom/client';
import { logModel } from '@loom/models';
import { writePythonOnnxModel } from '@loom/models/testing';
import { benchBackend } from './backend';
import { ServerProcess } from './server-process';
import { ms, summarize, table } from './stats';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({
  options: {
    n: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '3' },
    'pad-mb': { type: 'string', default: '0' },
    'backend-store-uri': { type: 'string' },
  },
});
const N = Number(flags.n);
const ROUNDS = Number(flags.rounds);
const PAD_MB = Number(flags['pad-mb']);
const say = (line: string) => console.log(line);

type Path = (loom: LoomClient, runId: string, dir: string) => Promise<unknown>;

const baseline: Path = async (loom, runId, dir) => {
  const root = (await loom.getRun(runId)).info.artifact_uri;
  for (const file of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!file.isFile()) continue;
    const rel = join(file.parentPath, file.name).slice(dir.length + 1);
    await loom.uploadArtifact(root, `raw/${rel}`, readFileSync(join(dir, rel)));
  }
};
const mlflow2: Path = (loom, runId, dir) => logModel(loom, { runId, dir, artifactPath: 'model' });
const mlflow3: Path = (loom, runId, dir) => logModel(loom, { runId, dir });

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'loom-bench-log-model-'));
  const backend = benchBackend(flags['backend-store-uri'], tmp, false);
  await backend.create();
  const server = await ServerProcess.start({
    repoRoot,
    backendStoreUri: backend.uri,
    artifactDir: join(tmp, 'artifacts'),
    defaultArtifactRoot: 'mlflow-artifacts:/',
  });
  const dir = await writePythonOnnxModel(join(tmp, 'mlp'));
  if (PAD_MB > 0) writeFileSync(join(dir, 'padding.bin'), Buffer.alloc(PAD_MB * 1024 * 1024, 7));
  const loom = createClient({ baseUrl: server.url });
  say(`Loom logModel benchmark — ${new Date().toISOString()}; ${backend.label}; ${N} × ${ROUNDS} rounds`);
  const paths: [string, Path][] = [
    ['baseline: PUT each file', baseline],
    ['logModel, MLflow 2 (run artifacts)', mlflow2],
    ['logModel, MLflow 3 (logged model)', mlflow3],
  ];
  const samples = paths.map((): number[] => []);
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < N; i++) {
        // Interleaved, each on a fresh run, so drift on a shared machine hits all three alike.
        for (const [k, [, path]] of paths.entries()) {
          const runId = (await loom.createRun({ experimentId: '0' })).info.run_id;
          const started = performance.now();
          await path(loom, runId, dir);
          samples[k]!.push(performance.now() - started);
        }
      }
      say(`  round ${round + 1} done`);
    }
    const base = summarize(samples[0]!).median;
    say('');
    say(
      table(
        ['path', 'median', 'p90', 'vs baseline'],
        paths.map(([name], k) => {
          const s = summarize(samples[k]!);
          return [name, ms(s.median), ms(s.p90), `${(s.median / base).toFixed(2)}×`];
        }),
      ),
    );
  } finally {
    await server.stop();
    await backend.drop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
