import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { V1Job } from '@kubernetes/client-node';
import { startFakeKubeApi } from './fake-kube-api';
import {
  jobName,
  loadJobTemplate,
  loadKubeConfig,
  parseKubernetesBackendConfig,
  renderJob,
  submitJob,
  waitForJob,
} from './kubernetes';

let dir: string;
let templatePath: string;
const TEMPLATE = `apiVersion: batch/v1
kind: Job
metadata:
  name: "{replaced}"
  labels: {team: ml}
spec:
  ttlSecondsAfterFinished: 100
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: "{replaced}"
          image: "{replaced}"
          command: ["{replaced}"]
          env:
            - {name: EXTRA, value: kept}
            - {name: MLFLOW_RUN_ID, value: stale}
          resources: {limits: {memory: 512Mi}}
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'loom-kube-'));
  templatePath = join(dir, 'job.yaml');
  writeFileSync(templatePath, TEMPLATE);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const values = (env: NodeJS.ProcessEnv = {}) => ({
  projectName: 'My_Project',
  image: 'registry.example/ml/train:abc1234',
  command: "python train.py --alpha 0.5 'x y'",
  runId: 'r123',
  experimentId: '7',
  trackingUri: 'http://tracking:5000',
  env,
  now: new Date('2026-11-29T09:30:01.234Z'),
});
const envOf = (job: V1Job) =>
  Object.fromEntries(job.spec!.template.spec!.containers[0]!.env!.map((e) => [e.name, e.value]));

describe('backend config', () => {
  it('reads inline JSON and files, resolving the template path', () => {
    const inline = parseKubernetesBackendConfig(
      JSON.stringify({
        'repository-uri': 'reg/repo',
        'kube-job-template-path': 'job.yaml',
        'kube-context': 'c',
      }),
      dir,
    );
    expect(inline).toEqual({
      kubeContext: 'c',
      repositoryUri: 'reg/repo',
      jobTemplatePath: templatePath,
      timeoutSeconds: undefined,
    });
    writeFileSync(
      join(dir, 'cfg.json'),
      JSON.stringify({ 'repository-uri': 'r', 'kube-job-template-path': templatePath }),
    );
    expect(parseKubernetesBackendConfig('cfg.json', dir).repositoryUri).toBe('r');
  });

  it('rejects missing keys, bad JSON, a missing template and a bad timeout', () => {
    expect(() => parseKubernetesBackendConfig(undefined, dir)).toThrow(/needs --backend-config/);
    expect(() => parseKubernetesBackendConfig('{"kube-job-template-path":"job.yaml"}', dir)).toThrow(
      /'repository-uri'/,
    );
    expect(() => parseKubernetesBackendConfig('{"repository-uri":"r"}', dir)).toThrow(
      /'kube-job-template-path'/,
    );
    expect(() => parseKubernetesBackendConfig('nope', dir)).toThrow(/neither a JSON file/);
    expect(() =>
      parseKubernetesBackendConfig('{"repository-uri":"r","kube-job-template-path":"missing.yaml"}', dir),
    ).toThrow(/does not exist/);
    expect(() =>
      parseKubernetesBackendConfig(
        '{"repository-uri":"r","kube-job-template-path":"job.yaml","timeout-seconds":0}',
        dir,
      ),
    ).toThrow(/timeout-seconds/);
  });

  it('rejects a template that is not a Job with a container', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'kind: Pod\nspec: {}\n');
    expect(() => loadJobTemplate(bad)).toThrow(/must be a Job/);
  });
});

describe('renderJob', () => {
  it('sets name, image, command and the run env, keeping the rest of the template', () => {
    const template = loadJobTemplate(templatePath);
    const job = renderJob(template, values());
    const container = job.spec!.template.spec!.containers[0]!;
    expect(job.metadata!.name).toBe('my-project-20261129093001234');
    expect(job.metadata!.labels).toEqual({ team: 'ml' });
    expect(container.name).toBe(job.metadata!.name);
    expect(container.image).toBe('registry.example/ml/train:abc1234');
    expect(container.command).toEqual(['bash', '-c', "python train.py --alpha 0.5 'x y'"]);
    expect(container.resources).toEqual({ limits: { memory: '512Mi' } });
    expect(job.spec!.backoffLimit).toBe(0);
    expect(job.spec!.template.spec!.restartPolicy).toBe('Never');
    expect(envOf(job)).toEqual({
      EXTRA: 'kept',
      MLFLOW_RUN_ID: 'r123',
      MLFLOW_TRACKING_URI: 'http://tracking:5000',
      MLFLOW_EXPERIMENT_ID: '7',
    });
    // The template itself is untouched.
    expect(template.spec!.template.spec!.containers[0]!.image).toBe('{replaced}');
  });

  it('lets KUBE_MLFLOW_TRACKING_URI override the tracking URI the Job sees', () => {
    const job = renderJob(
      loadJobTemplate(templatePath),
      values({ KUBE_MLFLOW_TRACKING_URI: 'http://in-cluster:80' }),
    );
    expect(envOf(job).MLFLOW_TRACKING_URI).toBe('http://in-cluster:80');
  });

  it('keeps long names a valid 63-character label', () => {
    const name = jobName('x'.repeat(100) + '!!', new Date(0));
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
    expect(jobName('___', new Date(0))).toMatch(/^project-\d{17}$/);
  });
});

describe('submission against a local API server', () => {
  for (const outcome of ['Complete', 'Failed'] as const) {
    it(`creates the Job and polls its status until ${outcome}`, async () => {
      const api = await startFakeKubeApi({ outcome, pollsBeforeDone: 2 });
      const previous = process.env.KUBECONFIG;
      process.env.KUBECONFIG = api.writeKubeconfig(dir);
      try {
        const kc = await loadKubeConfig('fake');
        const job = renderJob(loadJobTemplate(templatePath), values());
        const submitted = await submitJob(kc, job);
        expect(submitted).toEqual({ name: job.metadata!.name, namespace: 'ml' });
        const result = await waitForJob(kc, submitted, { pollMs: 10 });
        expect(result).toBe(outcome === 'Complete' ? 'FINISHED' : 'FAILED');

        const [create, ...reads] = api.requests;
        expect(create!.method).toBe('POST');
        expect(create!.url).toBe('/apis/batch/v1/namespaces/ml/jobs');
        expect(create!.authorization).toBe(`Bearer ${api.token}`);
        expect(create!.body).toMatchObject({
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: { name: job.metadata!.name },
          spec: { template: { spec: { containers: [{ image: 'registry.example/ml/train:abc1234' }] } } },
        });
        expect(reads.map((r) => r.url)).toEqual(
          Array(3).fill(`/apis/batch/v1/namespaces/ml/jobs/${job.metadata!.name}/status`),
        );
      } finally {
        process.env.KUBECONFIG = previous;
        if (previous === undefined) delete process.env.KUBECONFIG;
        await api.close();
      }
    });
  }

  it('uses the template namespace, gives up after the timeout, and names a missing context', async () => {
    const api = await startFakeKubeApi({ outcome: 'Complete', pollsBeforeDone: 1_000 });
    const previous = process.env.KUBECONFIG;
    process.env.KUBECONFIG = api.writeKubeconfig(dir);
    try {
      await expect(loadKubeConfig('missing')).rejects.toThrow(/no context 'missing'/);
      const kc = await loadKubeConfig('fake');
      const template = loadJobTemplate(templatePath);
      template.metadata!.namespace = 'team-a';
      const submitted = await submitJob(kc, renderJob(template, values()));
      expect(submitted.namespace).toBe('team-a');
      expect(await waitForJob(kc, submitted, { pollMs: 10, timeoutMs: 50 })).toBe('FAILED');
    } finally {
      process.env.KUBECONFIG = previous;
      if (previous === undefined) delete process.env.KUBECONFIG;
      await api.close();
    }
  });

  it('deletes the Job and reports KILLED when cancelled', async () => {
    const api = await startFakeKubeApi({ outcome: 'Complete', pollsBeforeDone: 1_000 });
    const previous = process.env.KUBECONFIG;
    process.env.KUBECONFIG = api.writeKubeconfig(dir);
    try {
      const kc = await loadKubeConfig('fake');
      const submitted = await submitJob(kc, renderJob(loadJobTemplate(templatePath), values()));
      const cancel = new AbortController();
      setTimeout(() => cancel.abort(), 100);
      expect(await waitForJob(kc, submitted, { pollMs: 20, signal: cancel.signal })).toBe('KILLED');
      const del = api.requests.at(-1)!;
      expect(del.method).toBe('DELETE');
      expect(del.url).toMatch(
        `/apis/batch/v1/namespaces/ml/jobs/${submitted.name}?propagationPolicy=Background`,
      );
    } finally {
      process.env.KUBECONFIG = previous;
      if (previous === undefined) delete process.env.KUBECONFIG;
      await api.close();
    }
  });
});
