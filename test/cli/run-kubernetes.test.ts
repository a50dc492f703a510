/**
 * `loom run --backend kubernetes` end to end: the real CLI against a real `loom server`, submitting
 * to a local HTTP server that answers like the Kubernetes API server. The Job it receives carries
 * the run's id, and the run ends FINISHED or FAILED with the Job. Bad config leaves no run behind.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type LoomClient } from '@loom/client';
import { startFakeKubeApi } from '../../packages/core/src/projects/backends/fake-kube-api';
import { CLI_BIN, runCli, startCliServer, type CliOutcome, type CliServer } from '../support/cli-server';

let server: CliServer;
let client: LoomClient;
let work: string;
let projectDir: string;

const TEMPLATE = `apiVersion: batch/v1
kind: Job
metadata: {name: x}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers: [{name: x, image: x}]
`;

beforeAll(async () => {
  server = await startCliServer();
  client = createClient({ baseUrl: server.url });
  work = mkdtempSync(join(tmpdir(), 'loom-run-kube-'));
  projectDir = join(work, 'proj');
  mkdirSync(projectDir);
  writeFileSync(
    join(projectDir, 'MLproject'),
    `name: kube-demo
docker_env:
  image: registry.example/ml/kube-demo:1.0
entry_points:
  main:
    parameters: {alpha: {type: float, default: 0.5}}
    command: "python train.py --alpha {alpha}"
`,
  );
  writeFileSync(join(work, 'job.yaml'), TEMPLATE);
});
afterAll(async () => {
  await server?.dispose();
  rmSync(work, { recursive: true, force: true });
});

const CONFIG = JSON.stringify({
  'kube-context': 'fake',
  'repository-uri': 'registry.example/ml/kube-demo',
  'kube-job-template-path': 'job.yaml',
});

async function allRunCount(): Promise<number> {
  const { experiments } = await client.searchExperiments({});
  const { runs } = await client.searchRuns({ experimentIds: experiments.map((e) => e.experiment_id) });
  return runs.length;
}

function loomRun(args: string[], kubeconfig: string): Promise<CliOutcome> {
  return runCli(['run', projectDir, '--backend', 'kubernetes', ...args], {
    cwd: work,
    env: { MLFLOW_TRACKING_URI: server.url, KUBECONFIG: kubeconfig, LOOM_KUBE_POLL_MS: '50' },
    timeoutMs: 120_000,
  });
}

describe('loom run --backend kubernetes', () => {
  for (const [outcome, status, code] of [
    ['Complete', 'FINISHED', 0],
    ['Failed', 'FAILED', 1],
  ] as const) {
    it(`a Job that ends ${outcome} ends the run ${status}`, async () => {
      const api = await startFakeKubeApi({ outcome, pollsBeforeDone: 2 });
      try {
        const out = await loomRun(['-c', CONFIG, '-P', 'alpha=0.7'], api.writeKubeconfig(work));
        expect(out.code, out.stderr).toBe(code);
        const runId = /in run (\w+) \(Kubernetes Job ml\/kube-demo-\d{17}\)/.exec(out.stderr)?.[1];
        expect(runId, out.stderr).toBeDefined();

        const create = api.requests.find((r) => r.method === 'POST')!;
        expect(create.url).toBe('/apis/batch/v1/namespaces/ml/jobs');
        const container = (
          create.body as {
            spec: {
              template: { spec: { containers: Array<{ image: string; command: string[]; env: unknown[] }> } };
            };
          }
        ).spec.template.spec.containers[0]!;
        expect(container.image).toBe('registry.example/ml/kube-demo:1.0');
        expect(container.command).toEqual(['bash', '-c', 'python train.py --alpha 0.7']);
        expect(container.env).toEqual([
          { name: 'MLFLOW_RUN_ID', value: runId },
          { name: 'MLFLOW_TRACKING_URI', value: server.url },
          { name: 'MLFLOW_EXPERIMENT_ID', value: '0' },
        ]);
        expect(api.requests.filter((r) => r.method === 'GET').length).toBe(3);

        const run = await client.getRun(runId!);
        expect(run.info.status).toBe(status);
        expect(run.info.end_time).toBeGreaterThan(0);
        const tags = Object.fromEntries((run.data.tags ?? []).map((t) => [t.key, t.value]));
        expect(tags['mlflow.project.backend']).toBe('kubernetes');
        expect(tags['mlflow.docker.image.uri']).toBe('registry.example/ml/kube-demo:1.0');
        expect(run.data.params).toEqual([{ key: 'alpha', value: '0.7' }]);
      } finally {
        await api.close();
      }
    });
  }

  it('bad or missing config, --build-image and an unknown context fail before any run exists', async () => {
    const api = await startFakeKubeApi({ outcome: 'Complete' });
    const kubeconfig = api.writeKubeconfig(work);
    try {
      const before = await allRunCount();
      const cases: Array<[string[], RegExp]> = [
        [[], /needs --backend-config/],
        [['-c', '{"kube-job-template-path":"job.yaml"}'], /'repository-uri'/],
        [['-c', CONFIG, '--build-image'], /does not build or push images/],
        [['-c', CONFIG.replace('"fake"', '"nope"')], /no context 'nope'/],
      ];
      for (const [args, message] of cases) {
        const out = await loomRun(args, kubeconfig);
        expect(out.code, out.stderr).not.toBe(0);
        expect(out.stderr).toMatch(message);
      }
      expect(await allRunCount()).toBe(before);
      expect(api.requests).toEqual([]);
    } finally {
      await api.close();
    }
  });

  it('SIGTERM while the Job runs deletes it and ends the run KILLED', async () => {
    const api = await startFakeKubeApi({ outcome: 'Complete', pollsBeforeDone: 1_000_000 });
    try {
      const child = spawn(
        process.execPath,
        [CLI_BIN, 'run', projectDir, '--backend', 'kubernetes', '-c', CONFIG],
        {
          cwd: work,
          env: {
            ...process.env,
            MLFLOW_TRACKING_URI: server.url,
            KUBECONFIG: api.writeKubeconfig(work),
            LOOM_KUBE_POLL_MS: '50',
          },
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      let stderr = '';
      const started = new Promise<string>((resolve) =>
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          const id = /in run (\w+) \(Kubernetes Job/.exec(stderr)?.[1];
          if (id) resolve(id);
        }),
      );
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const runId = await started;
      child.kill('SIGTERM');
      expect(await exited, stderr).toBe(130);
      expect((await client.getRun(runId)).info.status).toBe('KILLED');
      expect(api.requests.some((r) => r.method === 'DELETE' && r.url.includes('/jobs/kube-demo-'))).toBe(
        true,
      );
    } finally {
      await api.close();
    }
  });
});
