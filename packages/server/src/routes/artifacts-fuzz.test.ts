/**
 * Fuzzing of artifact paths: random and hostile paths through every route that takes one (the
 * proxy's PUT, GET, DELETE, listing and multipart create; get-artifact; run and logged-model
 * listings and downloads; the UI's upload; a model version's files). The artifact root sits four
 * folders deep in a sandbox, so any escape through `..` would land inside the sandbox, where the
 * test looks after every request: no file may appear outside the root, no secret beside it may be
 * read or removed, and no answer may be a 500.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isErrorCode } from '@loom/protocol';
import { assertProperty, fuzzSummary } from '@loom/core/testing';
import { createTestApp, type TestApp } from '../testing/test-app';

const SECRET = 'LOOM-FUZZ-SECRET-7f3a';
const UPLOAD = 'LOOM-FUZZ-UPLOAD';

let t: TestApp;
let sandbox: string;
let root: string;
let runId: string;
let loggedModelId: string;
/** Files that must stay where they are, with SECRET in them: one beside each level of the root. */
let secrets: string[];

/** Every file and folder under `dir` except the artifact root's contents. */
function entriesOutsideRoot(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (full === root) continue;
    found.push(relative(sandbox, full));
    if (entry.isDirectory()) found.push(...entriesOutsideRoot(full));
  }
  return found;
}

const SEGMENTS = [
  '..',
  '.',
  '',
  '%2e%2e',
  '%2E%2E',
  '%252e%252e',
  '..%2f..',
  '..%5c..',
  '..\\..',
  '%00',
  'a%00b',
  '\u0000',
  'C:',
  '~',
  'secret.txt',
  'l4',
  'mlartifacts',
  '%2f',
  '//',
  'file:',
  '#frag',
  '?q=1',
  '\r\nX-Injected: 1',
  'ü',
  '💥',
  ' ',
  'a',
  'b.txt',
];

const segment = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SEGMENTS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 6, unit: 'binary' }) },
);

/** A path as a hostile client would write it: segments, separators and an optional absolute start. */
const hostilePath = fc
  .tuple(
    fc.array(segment, { minLength: 1, maxLength: 6 }),
    fc.constantFrom('/', '/', '/', '\\', '%2f', '%5c'),
    fc.constantFrom('', '', '', '/', '//', 'file://', 'ABSOLUTE', 'C:\\'),
  )
  .map(([parts, sep, start]) => {
    const body = parts.join(sep);
    // An absolute path into the sandbox: were it honoured, the test would see the file.
    if (start === 'ABSOLUTE') return `${sandbox}/escaped/${body}`;
    return `${start}${body}`;
  });

/** How the path travels: raw in the URL (as long as the URL stays valid), or percent-encoded. */
const inUrl = (p: string, raw: boolean) => (raw ? p.replace(/[?#\s%]/g, encodeURIComponent) : encodeURI(p));
const q = encodeURIComponent;

interface ArtifactRequest {
  method: string;
  url: string;
  body?: string;
  headers?: Record<string, string>;
}

const ROUTES: ((p: string, raw: boolean) => ArtifactRequest)[] = [
  (p, raw) => ({ method: 'PUT', url: `/api/2.0/mlflow-artifacts/artifacts/${inUrl(p, raw)}`, body: UPLOAD }),
  (p, raw) => ({ method: 'GET', url: `/api/2.0/mlflow-artifacts/artifacts/${inUrl(p, raw)}` }),
  (p, raw) => ({ method: 'DELETE', url: `/api/2.0/mlflow-artifacts/artifacts/${inUrl(p, raw)}` }),
  (p) => ({ method: 'GET', url: `/api/2.0/mlflow-artifacts/artifacts?path=${q(p)}` }),
  (p, raw) => ({
    method: 'POST',
    url: `/api/2.0/mlflow-artifacts/mpu/create/${inUrl(p, raw)}`,
    body: JSON.stringify({ path: p, num_parts: 1 }),
    headers: { 'content-type': 'application/json' },
  }),
  (p) => ({ method: 'GET', url: `/get-artifact?run_id=${runId}&path=${q(p)}` }),
  (p) => ({ method: 'GET', url: `/api/2.0/mlflow/artifacts/list?run_id=${runId}&path=${q(p)}` }),
  (p) => ({
    method: 'POST',
    url: `/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${runId}&path=${q(p)}`,
    body: UPLOAD,
  }),
  (p) => ({
    method: 'GET',
    url: `/ajax-api/2.0/mlflow/logged-models/${loggedModelId}/artifacts/files?artifact_file_path=${q(p)}`,
  }),
  (p) => ({
    method: 'GET',
    url: `/api/2.0/mlflow/logged-models/${loggedModelId}/artifacts/directories?artifact_directory_path=${q(p)}`,
  }),
  (p) => ({ method: 'GET', url: `/model-versions/get-artifact?name=fuzz&version=1&path=${q(p)}` }),
];

const artifactRequest = fc
  .tuple(fc.nat({ max: ROUTES.length - 1 }), hostilePath, fc.boolean())
  .map(([i, p, raw]) => (ROUTES[i] as (typeof ROUTES)[number])(p, raw));

const statuses = new Map<number, number>();

async function check(req: ArtifactRequest): Promise<void> {
  let url: string;
  try {
    url = new URL(`http://localhost${req.url}`).href;
  } catch {
    return; // no client could send it
  }
  const res = await t.app.request(url, {
    method: req.method,
    headers: req.headers ?? {},
    ...(req.body !== undefined ? { body: req.body } : {}),
  });
  const text = await res.text();
  statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  const where = `${req.method} ${url.slice(0, 300)} → ${res.status} ${text.slice(0, 200)}`;
  expect(text, where).not.toContain(SECRET);
  if (res.status >= 500) {
    // Multipart on a store without it is a declared 501 (MLflow's client then PUTs the file whole).
    expect(JSON.parse(text).error_code, where).toBe('NOT_IMPLEMENTED');
  }
  if (res.status >= 400 && res.headers.get('content-type')?.includes('application/json')) {
    expect(isErrorCode(JSON.parse(text).error_code), where).toBe(true);
  }
  expect(res.headers.get('x-injected'), where).toBeNull();
  expect(entriesOutsideRoot(sandbox).sort(), where).toEqual(EXPECTED_OUTSIDE);
  for (const s of secrets) expect(existsSync(s), `${where}: ${s} removed`).toBe(true);
}

const LEVELS = ['l1', 'l2', 'l3', 'l4'];
let EXPECTED_OUTSIDE: string[] = [];

beforeAll(async () => {
  sandbox = mkdtempSync(join(tmpdir(), 'loom-artifact-fuzz-'));
  root = join(sandbox, ...LEVELS, 'mlartifacts');
  mkdirSync(root, { recursive: true });
  secrets = [sandbox, ...LEVELS.map((_, i) => join(sandbox, ...LEVELS.slice(0, i + 1)))].map((dir) => {
    const file = join(dir, 'secret.txt');
    writeFileSync(file, SECRET);
    return file;
  });
  t = await createTestApp({ artifactsDestination: root });
  const run = await t.post('/runs/create', { experiment_id: '0' });
  runId = run.body.run.info.run_id;
  const logged = await t.call('POST', '/api/2.0/mlflow/logged-models', {
    experiment_id: '0',
    source_run_id: runId,
  });
  loggedModelId = logged.body.model.info.model_id;
  await t.post('/registered-models/create', { name: 'fuzz' });
  await t.post('/model-versions/create', {
    name: 'fuzz',
    source: `${run.body.run.info.artifact_uri}/model`,
    run_id: runId,
  });
  // Some real files for the reads and listings to find.
  for (const p of ['a/b.txt', 'b.txt', `${runId}/artifacts/a/b.txt`]) {
    await t.call('PUT', `/api/2.0/mlflow-artifacts/artifacts/${p}`, 'seed', { 'content-type': 'text/plain' });
  }
  EXPECTED_OUTSIDE = entriesOutsideRoot(sandbox).sort();
});

afterAll(async () => {
  console.log(fuzzSummary());
  console.log(
    `artifact statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
  );
  await t?.close();
  rmSync(sandbox, { recursive: true, force: true });
});

describe('artifact paths under random and hostile input', () => {
  it('never leave the artifact root, never read or remove what is beside it, never answer 500', async () => {
    await assertProperty('artifact paths', artifactRequest, check, 1000);
    // The generator must also produce paths that are accepted, or it tests only the refusal.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(20);
  });
});
