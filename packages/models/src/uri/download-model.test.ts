/**
 * downloadModel against a hostile tracking server (node:http on loopback) whose listings and answers
 * try to climb out of the cache folder: nothing may be written outside it, and the error must say
 * which path was refused.
 */
import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadModel } from './download-model';

/** What each run lists under `model`; every file read answers the same bytes. */
const LISTINGS: Record<string, { path: string; is_dir: boolean }[]> = {
  climb: [
    { path: 'model/MLmodel', is_dir: false },
    { path: '../../evil', is_dir: false },
  ],
  absolute: [{ path: '/etc/x', is_dir: false }],
  dotdot: [{ path: 'model/a/../../b', is_dir: false }],
  sibling: [{ path: 'model-other/MLmodel', is_dir: false }],
  backslash: [{ path: 'model/..\\..\\evil', is_dir: false }],
  fine: [{ path: 'model/MLmodel', is_dir: false }],
};

let server: Server;
let trackingUri: string;
let root: string;
let cacheDir: string;
const reads: string[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'loom-hostile-'));
  cacheDir = join(root, 'outer', 'inner', 'cache');
  mkdirSync(cacheDir, { recursive: true });
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const json = (body: unknown) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    };
    const q = (k: string) => url.searchParams.get(k) ?? '';
    if (url.pathname === '/api/2.0/mlflow/artifacts/list') {
      const files = q('path') === 'model' ? LISTINGS[q('run_id')] : [];
      return json({ root_uri: 'mlflow-artifacts:/0/run/artifacts', files });
    }
    if (url.pathname === '/get-artifact' || url.pathname.startsWith('/api/2.0/mlflow-artifacts/artifacts/')) {
      reads.push(q('path') || url.pathname);
      return res.end('flavors: {}\n');
    }
    if (url.pathname === '/api/2.0/mlflow/model-versions/get')
      return json({ model_version: { name: q('name'), version: '../../../../evil' } });
    if (url.pathname === '/api/2.0/mlflow/model-versions/get-download-uri')
      return json({ artifact_uri: 'mlflow-artifacts:/models/m' });
    if (url.pathname === '/api/2.0/mlflow-artifacts/artifacts')
      return json({ files: [{ path: 'MLmodel', is_dir: false }] });
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  trackingUri = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

/** Every file and folder under the temp root that is not inside the cache folder. */
function outsideCache(): string[] {
  return readdirSync(root, { recursive: true })
    .map((p) => String(p))
    .filter((p) => !join(root, p).startsWith(cacheDir) && !cacheDir.startsWith(join(root, p)))
    .map((p) => relative(root, join(root, p)));
}

describe('downloadModel from a hostile tracking server', () => {
  it.each([
    ['climb', '../../evil'],
    ['absolute', '/etc/x'],
    ['dotdot', 'model/a/../../b'],
    ['sibling', 'model-other/MLmodel'],
    ['backslash', 'model/..\\..\\evil'],
  ])('refuses a listing (%s) with a path outside the model folder, writing nothing', async (run, bad) => {
    await expect(downloadModel(`runs:/${run}/model`, { trackingUri, cacheDir })).rejects.toThrow(
      `Refusing to download '${bad}': the path leaves the model folder`,
    );
    expect(outsideCache()).toEqual([]);
    // The half-done download is gone too: the cache keeps only the run's (empty) parent folders.
    expect(readdirSync(join(cacheDir, 'runs', run))).toEqual([]);
  });

  it('refuses a registry version that is not a number, before it names a folder', async () => {
    await expect(downloadModel('models:/m/1', { trackingUri, cacheDir })).rejects.toThrow(
      "The tracking server answered version '../../../../evil' for 'm'; versions are numbers",
    );
    expect(outsideCache()).toEqual([]);
    expect(reads.filter((r) => r.includes('/models/m'))).toEqual([]);
  });

  it('still downloads a listing that stays inside', async () => {
    const dir = await downloadModel('runs:/fine/model', { trackingUri, cacheDir });
    expect(relative(cacheDir, dir)).toBe(join('runs', 'fine', 'model'));
    expect(readdirSync(dir)).toEqual(['MLmodel']);
    expect(outsideCache()).toEqual([]);
  });
});
