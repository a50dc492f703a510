import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  LocalArtifactRepository,
  TrackingService,
  defaultServerConfig,
  openTrackingStore,
  type ArtifactRepository,
} from '@loom/core';
import { createTestBackend } from '@loom/core/testing';
import { createApp } from '../app';
import { generated } from '../testing/generated-stream';

const MiB = 1024 * 1024;

interface Fixture {
  dir: string;
  proxyRoot: string;
  tracking: TrackingService;
  close(): Promise<void>;
  app: Hono;
  /** A run under experiment 0 (`mlflow-artifacts:/0/<run>/artifacts`). */
  runId: string;
  /** A run whose experiment stores artifacts in a local folder (`file://…`). */
  localRunId: string;
  localRunRoot: string;
  modelId: string;
}

async function setUp(artifacts: (proxyRoot: string) => ArtifactRepository | undefined): Promise<Fixture> {
  const dir = await mkdtemp(path.join(tmpdir(), 'loom-artifact-routes-'));
  const proxyRoot = path.join(dir, 'mlartifacts');
  const backend = await createTestBackend(dir);
  const config = {
    ...defaultServerConfig(dir),
    backendStoreUri: backend.uri,
    artifactsDestination: proxyRoot,
  };
  const store = await openTrackingStore(config.backendStoreUri, {
    defaultArtifactRoot: config.defaultArtifactRoot,
  });
  const tracking = new TrackingService(store);
  const run = await tracking.createRun({ experimentId: '0' });
  const localExp = await tracking.createExperiment({
    name: 'local',
    artifactLocation: `file://${dir}/local`,
  });
  const localRun = await tracking.createRun({ experimentId: String(localExp) });
  const model = await tracking.createLoggedModel({ experimentId: '0' });
  const app = createApp({ tracking, artifacts: artifacts(proxyRoot), config });
  return {
    dir,
    proxyRoot,
    tracking,
    async close() {
      await store.close();
      await backend.drop();
      await rm(dir, { recursive: true, force: true });
    },
    app,
    runId: run.info.runId,
    localRunId: localRun.info.runId,
    localRunRoot: path.join(dir, 'local', localRun.info.runId, 'artifacts'),
    modelId: model.modelId,
  };
}

const put = (app: Hono, url: string, body: string | Uint8Array) => app.request(url, { method: 'PUT', body });

describe('artifact routes', () => {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await setUp((root) => new LocalArtifactRepository(root));
  });
  afterEach(() => fx.close());

  describe('mlflow-artifacts proxy', () => {
    it('PUTs, GETs, lists and DELETEs a file', async () => {
      const base = '/api/2.0/mlflow-artifacts/artifacts';
      const res = await app().request(`${base}/0/r/artifacts/model/MLmodel`, {
        method: 'PUT',
        body: 'flavors: {}\n',
        headers: { 'content-type': 'application/octet-stream' },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({});
      expect(await readFile(path.join(fx.proxyRoot, '0/r/artifacts/model/MLmodel'), 'utf8')).toBe(
        'flavors: {}\n',
      );

      const got = await app().request(`${base}/0/r/artifacts/model/MLmodel`);
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe('text/plain');
      expect(got.headers.get('content-disposition')).toBe('attachment; filename=MLmodel');
      expect(got.headers.get('content-length')).toBe('12');
      expect(got.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await got.text()).toBe('flavors: {}\n');

      const listed = await app().request(`${base}?path=0/r/artifacts/model`);
      expect(await listed.json()).toEqual({ files: [{ path: 'MLmodel', is_dir: false, file_size: 12 }] });
      const top = await app().request(`${base}?path=0/r/artifacts`);
      expect(await top.json()).toEqual({ files: [{ path: 'model', is_dir: true }] });

      const deleted = await app().request(`${base}/0/r/artifacts/model`, { method: 'DELETE' });
      expect(await deleted.json()).toEqual({});
      expect(await (await app().request(`${base}?path=0/r/artifacts`)).json()).toEqual({});
    });

    it('serves the same routes under /ajax-api, and decodes encoded names', async () => {
      await put(app(), '/ajax-api/2.0/mlflow-artifacts/artifacts/x/a%20b.png', 'png');
      const got = await app().request('/api/2.0/mlflow-artifacts/artifacts/x/a%20b.png');
      expect(got.headers.get('content-type')).toBe('image/png');
      expect(got.headers.get('content-disposition')).toBe('attachment; filename=a b.png');
      expect(await (await app().request('/ajax-api/2.0/mlflow-artifacts/artifacts?path=x')).json()).toEqual({
        files: [{ path: 'a b.png', is_dir: false, file_size: 3 }],
      });
    });

    it('answers a missing file with 404 RESOURCE_DOES_NOT_EXIST and a missing folder with {}', async () => {
      const res = await app().request('/api/2.0/mlflow-artifacts/artifacts/nope/file.txt');
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
      expect(await (await app().request('/api/2.0/mlflow-artifacts/artifacts?path=nope')).json()).toEqual({});
      expect(await (await app().request('/api/2.0/mlflow-artifacts/artifacts')).json()).toEqual({});
    });

    it('answers HEAD with the headers only', async () => {
      await put(app(), '/api/2.0/mlflow-artifacts/artifacts/h.json', '{"a":1}');
      const res = await app().request('/api/2.0/mlflow-artifacts/artifacts/h.json', { method: 'HEAD' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-length')).toBe('7');
      expect(await res.text()).toBe('');
    });

    it('runs a multipart upload through the part URLs it hands out', async () => {
      const base = '/api/2.0/mlflow-artifacts/mpu';
      const post = (url: string, body: unknown) =>
        app().request(url, {
          method: 'POST',
          body: JSON.stringify(body),
          headers: { 'content-type': 'application/json' },
        });
      const created = await post(`${base}/create/0/r/artifacts/model`, {
        path: '/home/me/tmp/weights.bin',
        num_parts: 2,
      });
      expect(created.status).toBe(200);
      const { upload_id, credentials } = (await created.json()) as {
        upload_id: string;
        credentials: { url: string; part_number: number; headers: Record<string, string> }[];
      };
      expect(credentials.map((c) => c.part_number)).toEqual([1, 2]);
      expect(credentials[0]?.url).toBe(`http://localhost${base}/part/${upload_id}/1`);
      const parts = [];
      for (const [i, cred] of credentials.entries()) {
        const res = await put(app(), cred.url, i === 0 ? 'first-' : 'second');
        expect(res.status).toBe(200);
        parts.push({ part_number: cred.part_number, etag: res.headers.get('etag'), url: cred.url });
      }
      const done = await post(`${base}/complete/0/r/artifacts/model`, {
        path: '/home/me/tmp/weights.bin',
        upload_id,
        parts,
      });
      expect(done.status).toBe(200);
      const got = await app().request('/api/2.0/mlflow-artifacts/artifacts/0/r/artifacts/model/weights.bin');
      expect(await got.text()).toBe('first-second');

      const again = (await (
        await post(`${base}/create/x`, { path: 'C:\\data\\w.bin', num_parts: 1 })
      ).json()) as {
        upload_id: string;
      };
      expect(
        await (await post(`${base}/abort/x`, { path: 'w.bin', upload_id: again.upload_id })).json(),
      ).toEqual({});
      expect(await readdir(path.join(fx.proxyRoot, '.mpu'))).toEqual([]);
    });
  });

  describe('run and logged-model artifacts', () => {
    it('lists run artifacts with paths that include the requested folder', async () => {
      const root = `/api/2.0/mlflow-artifacts/artifacts/0/${fx.runId}/artifacts`;
      await put(app(), `${root}/model/MLmodel`, 'm');
      await put(app(), `${root}/model/data/w.bin`, 'ww');
      await put(app(), `${root}/metrics.json`, '{}');
      const list = async (query: string) =>
        (await app().request(`/api/2.0/mlflow/artifacts/list?${query}`)).json();
      const rootUri = `mlflow-artifacts:/0/${fx.runId}/artifacts`;
      expect(await list(`run_id=${fx.runId}`)).toEqual({
        root_uri: rootUri,
        files: [
          { path: 'metrics.json', is_dir: false, file_size: 2 },
          { path: 'model', is_dir: true },
        ],
      });
      expect(await list(`run_uuid=${fx.runId}&path=model`)).toEqual({
        root_uri: rootUri,
        files: [
          { path: 'model/MLmodel', is_dir: false, file_size: 1 },
          { path: 'model/data', is_dir: true },
        ],
      });
      expect(await list(`run_id=${fx.runId}&path=empty`)).toEqual({ root_uri: rootUri });
      const ajax = await app().request(
        `/ajax-api/2.0/mlflow/artifacts/list?run_id=${fx.runId}&path=model/data`,
      );
      expect(await ajax.json()).toEqual({
        root_uri: rootUri,
        files: [{ path: 'model/data/w.bin', is_dir: false, file_size: 2 }],
      });
    });

    it('reports unknown runs and a missing run_id', async () => {
      const unknown = await app().request(
        '/api/2.0/mlflow/artifacts/list?run_id=0123456789abcdef0123456789abcdef',
      );
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
      const missing = await app().request('/api/2.0/mlflow/artifacts/list?path=x');
      expect(missing.status).toBe(400);
      expect(await missing.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    });

    it('downloads through /get-artifact and its ajax twin', async () => {
      await put(app(), `/api/2.0/mlflow-artifacts/artifacts/0/${fx.runId}/artifacts/plots/loss.png`, 'PNG');
      for (const url of [
        `/get-artifact?run_id=${fx.runId}&path=plots/loss.png`,
        `/ajax-api/2.0/mlflow/get-artifact?run_uuid=${fx.runId}&path=plots%2Floss.png`,
      ]) {
        const res = await app().request(url);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('image/png');
        expect(res.headers.get('content-disposition')).toBe('attachment; filename=loss.png');
        expect(await res.text()).toBe('PNG');
      }
      const missing = await app().request(`/get-artifact?run_id=${fx.runId}&path=nope.txt`);
      expect(missing.status).toBe(404);
    });

    it('uploads from the UI into the run, and refuses more than 10 MB', async () => {
      const url = (p: string) => `/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${fx.runId}&path=${p}`;
      const ok = await app().request(url('notes/readme.md'), { method: 'POST', body: '# hi' });
      expect(ok.status).toBe(200);
      expect(
        await readFile(path.join(fx.proxyRoot, '0', fx.runId, 'artifacts/notes/readme.md'), 'utf8'),
      ).toBe('# hi');

      const big = await app().request(url('big.bin'), { method: 'POST', body: new Uint8Array(10 * MiB + 1) });
      expect(big.status).toBe(400);
      expect(await big.json()).toMatchObject({ message: 'Artifact size is too large. Max size is 10MB.' });
      // Without Content-Length the limit is enforced on the streamed bytes, and nothing is kept.
      const chunked = await app().request(url('big2.bin'), {
        method: 'POST',
        body: generated(11 * MiB),
        duplex: 'half',
      } as RequestInit);
      expect(chunked.status).toBe(400);
      expect(await readdir(path.join(fx.proxyRoot, '0', fx.runId, 'artifacts'))).toEqual(['notes']);

      const noPath = await app().request(`/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${fx.runId}`, {
        method: 'POST',
        body: 'x',
      });
      expect(await noPath.json()).toMatchObject({ message: 'Request must specify path.' });
    });

    it('serves runs whose artifact root is a local folder', async () => {
      await app().request(`/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${fx.localRunId}&path=a/b.txt`, {
        method: 'POST',
        body: 'local',
      });
      expect(await readFile(path.join(fx.localRunRoot, 'a/b.txt'), 'utf8')).toBe('local');
      const list = await app().request(`/api/2.0/mlflow/artifacts/list?run_id=${fx.localRunId}&path=a`);
      expect(await list.json()).toMatchObject({ files: [{ path: 'a/b.txt', is_dir: false, file_size: 5 }] });
      expect(await (await app().request(`/get-artifact?run_id=${fx.localRunId}&path=a/b.txt`)).text()).toBe(
        'local',
      );
    });

    it('lists and downloads logged-model artifacts', async () => {
      const root = `/api/2.0/mlflow-artifacts/artifacts/0/models/${fx.modelId}/artifacts`;
      await put(app(), `${root}/MLmodel`, 'flavors: {}');
      await put(app(), `${root}/data/model.onnx`, 'onnx');
      const dirs = await app().request(
        `/api/2.0/mlflow/logged-models/${fx.modelId}/artifacts/directories?artifact_directory_path=data`,
      );
      expect(await dirs.json()).toEqual({
        root_uri: `mlflow-artifacts:/0/models/${fx.modelId}/artifacts`,
        files: [{ path: 'data/model.onnx', is_dir: false, file_size: 4 }],
      });
      const top = await app().request(
        `/ajax-api/2.0/mlflow/logged-models/${fx.modelId}/artifacts/directories`,
      );
      expect(((await top.json()) as { files: unknown[] }).files).toHaveLength(2);

      const file = await app().request(
        `/ajax-api/2.0/mlflow/logged-models/${fx.modelId}/artifacts/files?artifact_file_path=MLmodel`,
      );
      expect(file.headers.get('content-type')).toBe('text/plain');
      expect(await file.text()).toBe('flavors: {}');
      const noParam = await app().request(`/ajax-api/2.0/mlflow/logged-models/${fx.modelId}/artifacts/files`);
      expect(noParam.status).toBe(400);
      expect(await noParam.json()).toMatchObject({ error_code: 'BAD_REQUEST' });
    });
  });

  describe('hostile paths', () => {
    const sentinel = () => readdir(fx.dir);

    it.each([
      '..%2fescape.txt',
      '%2e%2e%2fescape.txt',
      '%252e%252e%252fescape.txt',
      'a/..%2f..%2fescape.txt',
      '..%5cescape.txt',
      'a%23b',
      '%2fetc%2fpasswd',
      'x%00y',
      'C:%5Cx',
      'c:/x',
    ])('refuses PUT/GET/DELETE of %s with 400 and writes nothing', async (p) => {
      const before = await sentinel();
      for (const method of ['PUT', 'GET', 'DELETE']) {
        const res = await app().request(`/api/2.0/mlflow-artifacts/artifacts/${p}`, {
          method,
          ...(method === 'PUT' ? { body: 'pwned' } : {}),
        });
        expect(res.status).toBe(400);
        expect(await res.json()).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: 'Invalid path' });
      }
      expect(await sentinel()).toEqual(before);
      await expect(stat(path.join(fx.proxyRoot, 'escape.txt'))).rejects.toThrow();
    });

    it.each(['.', '%2e', './', '.%2f.', ''])(
      'never deletes, writes or reads the whole destination via %j',
      async (p) => {
        await put(app(), '/api/2.0/mlflow-artifacts/artifacts/keep/me.txt', 'kept');
        for (const method of ['DELETE', 'PUT', 'GET']) {
          const res = await app().request(`/api/2.0/mlflow-artifacts/artifacts/${p}`, {
            method,
            ...(method === 'PUT' ? { body: 'x' } : {}),
          });
          expect(res.status, method).toBe(400);
        }
        expect(await readFile(path.join(fx.proxyRoot, 'keep/me.txt'), 'utf8')).toBe('kept');
      },
    );

    it('lets the URL parser collapse raw dot segments, which then match no route', async () => {
      const before = await sentinel();
      for (const p of ['../escape.txt', '%2e%2e/escape.txt', 'a/%2e%2e/%2e%2e/%2e%2e/escape.txt']) {
        const res = await app().request(`/api/2.0/mlflow-artifacts/artifacts/${p}`, {
          method: 'PUT',
          body: 'x',
        });
        expect(res.status).toBe(404);
      }
      expect(await sentinel()).toEqual(before);
    });

    it.each(['../x', '%2e%2e/x', '%252e%252e/x', '/etc', 'a#b'])(
      'refuses list/download query paths like %s',
      async (p) => {
        const q = encodeURIComponent(p);
        for (const url of [
          `/api/2.0/mlflow-artifacts/artifacts?path=${q}`,
          `/api/2.0/mlflow/artifacts/list?run_id=${fx.runId}&path=${q}`,
          `/get-artifact?run_id=${fx.runId}&path=${q}`,
          `/ajax-api/2.0/mlflow/logged-models/${fx.modelId}/artifacts/files?artifact_file_path=${q}`,
          `/api/2.0/mlflow/logged-models/${fx.modelId}/artifacts/directories?artifact_directory_path=${q}`,
        ]) {
          const res = await app().request(url);
          expect(res.status, url).toBe(400);
        }
        const upload = await app().request(
          `/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${fx.runId}&path=${q}`,
          {
            method: 'POST',
            body: 'x',
          },
        );
        expect(upload.status).toBe(400);
      },
    );

    it('refuses a multipart upload whose local file name is hostile', async () => {
      const res = await app().request('/api/2.0/mlflow-artifacts/mpu/create/%2e%2e%2fx', {
        method: 'POST',
        body: JSON.stringify({ path: 'w.bin', num_parts: 1 }),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status).toBe(400);
      const bad = await app().request('/api/2.0/mlflow-artifacts/mpu/create/x', {
        method: 'POST',
        body: JSON.stringify({ path: '/tmp/..', num_parts: 1 }),
        headers: { 'content-type': 'application/json' },
      });
      expect(bad.status).toBe(400);
    });
  });

  it('streams a 256 MiB body through PUT and GET without holding it in memory', async () => {
    const size = 256 * MiB;
    const url = '/api/2.0/mlflow-artifacts/artifacts/big/blob.bin';
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    try {
      const expected = createHash('sha256');
      const putRes = await app().request(url, {
        method: 'PUT',
        body: generated(size, (chunk) => expected.update(chunk)),
        duplex: 'half',
      } as RequestInit);
      expect(putRes.status).toBe(200);
      expect((await stat(path.join(fx.proxyRoot, 'big/blob.bin'))).size).toBe(size);

      const getRes = await app().request(url);
      expect(getRes.headers.get('content-length')).toBe(String(size));
      const actual = createHash('sha256');
      let received = 0;
      for await (const chunk of Readable.fromWeb(getRes.body as never)) {
        actual.update(chunk as Buffer);
        received += (chunk as Buffer).length;
      }
      expect(received).toBe(size);
      expect(actual.digest('hex')).toBe(expected.digest('hex'));
    } finally {
      clearInterval(sampler);
    }
    expect(peak - baseline).toBeLessThan(100 * MiB);
  }, 120_000);

  const app = () => fx.app;
});

describe('artifact routes without --serve-artifacts', () => {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await setUp(() => undefined);
  });
  afterEach(() => fx.close());

  it('answers the proxy routes with 503 text', async () => {
    for (const [method, url] of [
      ['PUT', '/api/2.0/mlflow-artifacts/artifacts/a.txt'],
      ['GET', '/api/2.0/mlflow-artifacts/artifacts/a.txt'],
      ['GET', '/ajax-api/2.0/mlflow-artifacts/artifacts?path=x'],
      ['POST', '/api/2.0/mlflow-artifacts/mpu/create/x'],
    ] as const) {
      const res = await fx.app.request(url, { method, ...(method === 'GET' ? {} : { body: 'x' }) });
      expect(res.status).toBe(503);
      expect(await res.text()).toMatch(
        /disabled due to the mlflow server running with `--no-serve-artifacts`/,
      );
    }
  });

  it('still serves runs with a local artifact root', async () => {
    const res = await fx.app.request(
      `/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${fx.localRunId}&path=f.txt`,
      {
        method: 'POST',
        body: 'x',
      },
    );
    expect(res.status).toBe(200);
    expect(await (await fx.app.request(`/get-artifact?run_id=${fx.localRunId}&path=f.txt`)).text()).toBe('x');
  });
});

describe('artifact routes on a store without multipart', () => {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await setUp((root) => {
      const local = new LocalArtifactRepository(root);
      return {
        listArtifacts: (p) => local.listArtifacts(p),
        readArtifact: (p) => local.readArtifact(p),
        writeArtifact: (p, b) => local.writeArtifact(p, b),
        deleteArtifacts: (p) => local.deleteArtifacts(p),
      };
    });
  });
  afterEach(() => fx.close());

  it('answers 501 with the message that makes MLflow clients fall back to one PUT', async () => {
    const res = await fx.app.request('/api/2.0/mlflow-artifacts/mpu/create/x', {
      method: 'POST',
      body: JSON.stringify({ path: 'w.bin', num_parts: 2 }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(501);
    const body = (await res.json()) as { error_code: string; message: string };
    expect(body.error_code).toBe('NOT_IMPLEMENTED');
    expect(
      body.message.startsWith('Multipart upload is not supported for the current artifact repository'),
    ).toBe(true);
  });
});
