/**
 * The `kubernetes` backend of `loom run`, as MLflow's: the project's command runs as a `batch/v1`
 * Job rendered from the user's template, submitted through @kubernetes/client-node, and watched until
 * it completes or fails. Loom does not build or push images (there may be no Docker engine where
 * `loom run` runs): the Job uses `docker_env.image`, which must already be pullable by the cluster.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BatchV1Api, KubeConfig, V1Job } from '@kubernetes/client-node';
import { load } from 'js-yaml';
import { invalidParameter, LoomError } from '@loom/protocol';

/** MLflow's backend-config keys, plus Loom's optional `timeout-seconds`. */
export interface KubernetesBackendConfig {
  kubeContext: string | undefined;
  repositoryUri: string;
  jobTemplatePath: string;
  /** Give up watching (and fail the run) after this long; unset waits as long as the Job runs. */
  timeoutSeconds: number | undefined;
}

/** Reads `--backend-config` (a JSON file or inline JSON) and checks it before any run exists. */
export function parseKubernetesBackendConfig(text: string | undefined, cwd: string): KubernetesBackendConfig {
  if (text === undefined) {
    throw invalidParameter(
      'The kubernetes backend needs --backend-config with "repository-uri" and "kube-job-template-path"',
    );
  }
  const file = resolve(cwd, text);
  const json = !text.trim().startsWith('{') && existsSync(file) ? readFileSync(file, 'utf8') : text;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw invalidParameter(`--backend-config is neither a JSON file nor a JSON object: ${text}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw invalidParameter('--backend-config must be a JSON object');
  }
  const config = raw as Record<string, unknown>;
  const text_ = (key: string, required: boolean): string | undefined => {
    const value = config[key];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || value === '') {
      throw invalidParameter(`The kubernetes backend config needs a non-empty string '${key}'`);
    }
    return value;
  };
  const timeout = config['timeout-seconds'];
  if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout > 0))) {
    throw invalidParameter("'timeout-seconds' in the kubernetes backend config must be a positive number");
  }
  const jobTemplatePath = resolve(cwd, text_('kube-job-template-path', true)!);
  if (!existsSync(jobTemplatePath)) {
    throw invalidParameter(`The kubernetes job template ${jobTemplatePath} does not exist`);
  }
  return {
    kubeContext: text_('kube-context', false),
    repositoryUri: text_('repository-uri', true)!,
    jobTemplatePath,
    timeoutSeconds: timeout,
  };
}

/** Loads the Job template YAML and checks it has what rendering fills in. */
export function loadJobTemplate(path: string): V1Job {
  let doc: unknown;
  try {
    doc = load(readFileSync(path, 'utf8'));
  } catch (err) {
    throw invalidParameter(
      `The kubernetes job template ${path} is not valid YAML: ${(err as Error).message}`,
    );
  }
  const job = doc as V1Job | null;
  if (job?.kind !== 'Job' || !job.spec?.template?.spec?.containers?.length) {
    throw invalidParameter(
      `The kubernetes job template ${path} must be a Job with spec.template.spec.containers[0]`,
    );
  }
  return job;
}

export interface JobValues {
  projectName: string;
  image: string;
  /** The entry point's command line, run by `bash -c` as on the local backend. */
  command: string;
  runId: string;
  experimentId: string;
  trackingUri: string;
  /** Reads KUBE_MLFLOW_TRACKING_URI, which overrides the tracking URI the Job sees. */
  env: NodeJS.ProcessEnv;
  now?: Date;
}

/** A DNS-1123 label (≤63 chars) `<project>-<timestamp>`, the name MLflow gives the Job. */
export function jobName(projectName: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:TZ.]/g, '')
    .slice(0, 17); // yyyymmddhhmmssSSS
  const base =
    projectName
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 63 - stamp.length - 1)
      .replace(/-+$/, '') || 'project';
  return `${base}-${stamp}`;
}

/** Fills the template (pure): name, container[0] name/image/command, and the run's MLFLOW_* env. */
export function renderJob(template: V1Job, values: JobValues): V1Job {
  const job = structuredClone(template);
  const name = jobName(values.projectName, values.now ?? new Date());
  job.apiVersion = 'batch/v1';
  job.metadata = { ...job.metadata, name };
  const container = job.spec!.template.spec!.containers[0]!;
  container.name = name;
  container.image = values.image;
  container.command = ['bash', '-c', values.command];
  const runEnv = {
    MLFLOW_RUN_ID: values.runId,
    MLFLOW_TRACKING_URI: values.env.KUBE_MLFLOW_TRACKING_URI || values.trackingUri,
    MLFLOW_EXPERIMENT_ID: values.experimentId,
  };
  container.env = [
    ...(container.env ?? []).filter((e) => !(e.name in runEnv)),
    ...Object.entries(runEnv).map(([envName, value]) => ({ name: envName, value })),
  ];
  return job;
}

/** The client library, loaded on first use: it adds ~0.5 s to start-up, which other commands skip. */
const kubeClient = () => import('@kubernetes/client-node');

async function batchApi(kc: KubeConfig): Promise<BatchV1Api> {
  return kc.makeApiClient((await kubeClient()).BatchV1Api);
}

/** The kubeconfig from KUBECONFIG (or ~/.kube/config, or in-cluster), switched to `context`. */
export async function loadKubeConfig(context: string | undefined): Promise<KubeConfig> {
  const kc = new (await kubeClient()).KubeConfig();
  kc.loadFromDefault();
  if (context !== undefined) {
    if (!kc.getContexts().some((c) => c.name === context)) {
      throw invalidParameter(`The kubeconfig has no context '${context}'`);
    }
    kc.setCurrentContext(context);
  }
  if (!kc.getCurrentCluster()) throw invalidParameter('No Kubernetes cluster is configured (set KUBECONFIG)');
  return kc;
}

export interface SubmittedJob {
  name: string;
  namespace: string;
}

/** Creates the Job in the template's namespace, else the context's, else `default`. */
export async function submitJob(kc: KubeConfig, job: V1Job): Promise<SubmittedJob> {
  const namespace =
    job.metadata?.namespace ?? kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
  const api = await batchApi(kc);
  try {
    const created = await api.createNamespacedJob({ namespace, body: job });
    return { name: created.metadata?.name ?? job.metadata!.name!, namespace };
  } catch (err) {
    throw new LoomError('INTERNAL_ERROR', `Kubernetes refused the Job: ${describe(err)}`);
  }
}

export type JobOutcome = 'FINISHED' | 'FAILED' | 'KILLED';

/**
 * Polls the Job's status until a Complete or Failed condition (or the timeout: FAILED). When
 * `signal` aborts (Ctrl-C), the Job and its pods are deleted, as MLflow's cancel does: KILLED.
 */
export async function waitForJob(
  kc: KubeConfig,
  job: SubmittedJob,
  options: {
    pollMs: number;
    timeoutMs?: number | undefined;
    signal?: AbortSignal | undefined;
    progress?: (line: string) => void;
  },
): Promise<JobOutcome> {
  const api = await batchApi(kc);
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  for (;;) {
    if (options.signal?.aborted) {
      options.progress?.(`Deleting Job ${job.namespace}/${job.name}`);
      try {
        await api.deleteNamespacedJob({ ...job, propagationPolicy: 'Background' });
      } catch (err) {
        options.progress?.(`could not delete Job ${job.name}: ${describe(err)}`);
      }
      return 'KILLED';
    }
    let status;
    try {
      status = (await api.readNamespacedJobStatus(job)).status;
    } catch (err) {
      throw new LoomError('INTERNAL_ERROR', `Could not read the status of Job ${job.name}: ${describe(err)}`);
    }
    const holds = (type: string) => status?.conditions?.some((c) => c.type === type && c.status === 'True');
    if (holds('Complete') || (status?.succeeded ?? 0) > 0) return 'FINISHED';
    if (holds('Failed')) return 'FAILED';
    if (Date.now() >= deadline) {
      options.progress?.(`Job ${job.name} did not finish in time; marking the run failed`);
      return 'FAILED';
    }
    await pause(options.pollMs, options.signal);
  }
}

/** Sleeps `ms`, waking early when `signal` aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

function describe(err: unknown): string {
  const e = err as { code?: number; body?: unknown; message?: string };
  if (typeof e.code === 'number')
    return `HTTP ${e.code} ${typeof e.body === 'string' ? e.body : JSON.stringify(e.body)}`;
  return e.message ?? String(err);
}
