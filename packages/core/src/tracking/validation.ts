/** MLflow's validation rules for tracking data, with MLflow-compatible messages. One place, used by the service. */
import { invalidParameter } from '@loom/protocol';
import type { KeyValue, Metric } from './entities';

export const LIMITS = {
  entityKey: 250,
  paramValue: 6000,
  tagValue: 8000,
  experimentName: 500,
  experimentTagValue: 5000,
  artifactLocation: 2048,
  batchMetrics: 1000,
  batchParams: 100,
  batchTags: 100,
  batchTotal: 1000,
  searchRunsMaxResults: 50_000,
  searchExperimentsMaxResults: 50_000,
  datasetName: 500,
  datasetDigest: 36,
  datasetSource: 65_535,
  datasetSchema: 1_048_575,
  datasetProfile: 16_777_215,
  inputTagKey: 255,
  inputTagValue: 500,
} as const;

// Python's `\w` is Unicode-aware (letters and numbers of any script), JavaScript's is ASCII-only.
const KEY_CHARS = /^[\p{L}\p{N}_/.\- :]*$/u;
const BAD_CHARS =
  'Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).';
const RUN_ID = /^[a-zA-Z0-9][\w-]{0,255}$/;

/** posixpath.normpath, enough to tell whether a key would resolve to another name. */
function normpath(p: string): string {
  if (p === '') return '.';
  const absolute = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (part === '..' && absolute) continue;
    else out.push(part);
  }
  const joined = out.join('/');
  const lead = absolute ? (p.startsWith('//') && !p.startsWith('///') ? '//' : '/') : '';
  return lead + joined || '.';
}

/** Checks a metric / param / tag key: charset, path rule and length. `kind` is e.g. "metric". */
export function validateKey(kind: string, key: string | undefined): void {
  if (key === undefined || key === null) throw invalidParameter('A key name must be provided.');
  if (!KEY_CHARS.test(key)) throw invalidParameter(`Invalid ${kind} name: '${key}'. ${BAD_CHARS}`);
  if (normpath(key) !== key || key === '.' || key.startsWith('..') || key.startsWith('/')) {
    throw invalidParameter(
      `Invalid ${kind} name: '${key}'. Names may be treated as files in certain cases, and must not resolve ` +
        `to other names when treated as such. This name would resolve to '${normpath(key)}'`,
    );
  }
  validateLength(`${capitalize(kind)} name`, key, LIMITS.entityKey);
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Rejects a value longer than `limit` characters. */
export function validateLength(what: string, value: string, limit: number): void {
  if (value.length > limit) {
    const shown = value.length > 250 ? `${value.slice(0, 250)}...` : value;
    throw invalidParameter(
      `${what} '${shown}' had length ${value.length}, which exceeded length limit of ${limit}`,
    );
  }
}

/** MLflow truncates long param and tag values (MLFLOW_TRUNCATE_LONG_VALUES, on by default). */
export function truncate(value: string, limit: number): string {
  return value.length > limit ? value.slice(0, limit) : value;
}

/** Checks one metric point; `checkedKeys` skips keys already validated in the same batch. */
export function validateMetric(m: Metric, checkedKeys?: Set<string>): void {
  if (!checkedKeys?.has(m.key)) {
    validateKey('metric', m.key);
    checkedKeys?.add(m.key);
  }
  if (typeof m.value !== 'number') {
    throw invalidParameter(
      `Got invalid value ${String(m.value)} for metric '${m.key}' (timestamp=${m.timestamp}). ` +
        'Please specify value as a valid double (64-bit floating point)',
    );
  }
  if (!Number.isInteger(m.timestamp) || m.timestamp < 0) {
    throw invalidParameter(
      `Got invalid timestamp ${m.timestamp} for metric '${m.key}' (value=${m.value}). ` +
        'Timestamp must be a nonnegative long (64-bit integer) ',
    );
  }
  if (!Number.isInteger(m.step)) {
    throw invalidParameter(
      `Got invalid step ${m.step} for metric '${m.key}' (value=${m.value}). Step must be a valid long (64-bit integer).`,
    );
  }
}

/** Validates a param and returns it with its value truncated as MLflow does. */
export function normalizeParam(p: { key: string; value?: string | undefined }): KeyValue {
  validateKey('param', p.key);
  return { key: p.key, value: truncate(p.value ?? '', LIMITS.paramValue) };
}

/** Validates a run tag and returns it with its value truncated as MLflow does. */
export function normalizeRunTag(t: { key: string; value?: string | undefined }): KeyValue {
  validateKey('tag', t.key);
  return { key: t.key, value: truncate(t.value ?? '', LIMITS.tagValue) };
}

/** Validates an experiment tag (no truncation: too long is an error). */
export function validateExperimentTag(t: { key: string; value?: string | undefined }): KeyValue {
  validateKey('tag', t.key);
  const value = t.value ?? '';
  validateLength('Tag value', value, LIMITS.experimentTagValue);
  return { key: t.key, value };
}

/** MLflow's log-batch limits, checked before anything is written. */
export function validateBatchLimits(metrics: number, params: number, tags: number): void {
  const over = (n: number, limit: number, what: string) => {
    if (n > limit) {
      throw invalidParameter(
        `A batch logging request can contain at most ${limit} ${what}. Got ${n} ${what}. ` +
          `Please split up ${what} across multiple requests and try again.`,
      );
    }
  };
  over(metrics, LIMITS.batchMetrics, 'metrics');
  over(params, LIMITS.batchParams, 'params');
  over(tags, LIMITS.batchTags, 'tags');
  const total = metrics + params + tags;
  if (total > LIMITS.batchTotal) {
    throw invalidParameter(
      `A batch logging request can contain at most ${LIMITS.batchTotal} total entities (metrics, params, and tags). ` +
        `Got ${total} total entities. Please split up entities across multiple requests and try again.`,
    );
  }
}

/** Rejects a batch that logs the same param key twice. */
export function validateNoDuplicateParams(params: readonly KeyValue[]): void {
  const seen = new Set<string>();
  const dupes = new Set<string>();
  for (const p of params) (seen.has(p.key) ? dupes : seen).add(p.key);
  if (dupes.size > 0) {
    throw invalidParameter(
      `Duplicate parameter keys have been submitted: [${[...dupes].map((k) => `'${k}'`).join(', ')}]. ` +
        'Please ensure the request contains only one param value per param key.',
    );
  }
}

/** Checks a run id's form (MLflow's log-batch rule). */
export function validateRunId(runId: string): void {
  if (!RUN_ID.test(runId)) throw invalidParameter(`Invalid run ID: '${runId}'`);
}

/** Checks an experiment name. */
export function validateExperimentName(name: string | undefined): string {
  if (typeof name !== 'string' || name.trim() === '') {
    throw invalidParameter(`Invalid experiment name: '${name ?? ''}'`);
  }
  validateLength('Experiment name', name, LIMITS.experimentName);
  return name;
}

/** Checks an artifact location given at experiment creation. */
export function validateArtifactLocation(location: string): void {
  validateLength('Artifact location', location, LIMITS.artifactLocation);
  if (location.startsWith('runs:')) {
    throw invalidParameter(`Artifact location cannot be a runs:/ URI. Given: '${location}'`);
  }
  const schemeMatch = /^[a-zA-Z][\w+.-]*:/.exec(location);
  if (schemeMatch && (location.includes('#') || /;/.test(location.split('?')[0] ?? ''))) {
    throw invalidParameter(
      `Invalid artifact location '${location}': URL fragments and params are not allowed`,
    );
  }
  const query = location.includes('?') ? location.slice(location.indexOf('?')) : '';
  if (query.includes('..')) throw invalidParameter(`Invalid artifact location '${location}': '..' in query`);
}

/** Checks `max_results` of a search against MLflow's cap. */
export function validateMaxResults(value: number, max: number, min = 1): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalidParameter(
      `Invalid value ${value} for parameter 'max_results' supplied. It must be at most ${max}` +
        (min > 0 ? ` and at least ${min}` : '') +
        '.',
    );
  }
}

/** Rejects an interval query whose bounds are half given or reversed. */
export function validateInterval(startStep?: number, endStep?: number): void {
  if ((startStep === undefined) !== (endStep === undefined)) {
    throw invalidParameter('If either start step or end step are specified, both must be specified.');
  }
  if (startStep !== undefined && endStep !== undefined && startStep > endStep) {
    throw invalidParameter('end_step must be greater than start_step. ');
  }
}
