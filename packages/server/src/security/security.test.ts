import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SqlTrackingStore, TrackingService, type ServerConfig } from '@loom/core';
import { createApp } from '../app';
import { startServer } from '../main';
import { createTestApp, type TestApp } from '../testing/test-app';
import { CROSS_ORIGIN_MESSAGE } from './cors';
import { INVALID_HOST_MESSAGE } from './host-check';

const API = '/api/2.0/mlflow';

/** Sends one request to `app` with the given headers; JSON bodies get their content type. */
async function send(
  app: Hono,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string | ReadableStream<Uint8Array>,
): Promise<Response> {
  const init: RequestInit & { duplex?: 'half' } = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = body;
    init.duplex = 'half';
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  return app.request(`http://localhost${path}`, init);
}

const createExperiment = (app: Hono, name: string, headers: Record<string, string> = {}) =>
  send(app, 'POST', `${API}/experiments/create`, headers, JSON.stringify({ name }));

async function experimentExists(t: TestApp, name: string): Promise<boolean> {
  const res = await t.get('/experiments/get-by-name', { experiment_name: name });
  return res.status === 200;
}

describe('the security middleware with its defaults', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  describe('Host check', () => {
    it('refuses a Host that is not loopback, private or the bind address', async () => {
      for (const host of ['evil.example', 'evil.example:5000', '203.0.113.7', 'localhost.evil.example']) {
        const res = await send(t.app, 'GET', `${API}/experiments/search?max_results=1`, { host });
        expect(res.status, host).toBe(403);
        expect(await res.json()).toEqual({ error_code: 'PERMISSION_DENIED', message: INVALID_HOST_MESSAGE });
      }
    });

    it('serves loopback and private-network names on any port', async () => {
      for (const host of [
        'localhost',
        'localhost:5000',
        '127.0.0.1:80',
        '[::1]:5000',
        '10.1.2.3',
        '192.168.0.9:5000',
      ]) {
        const res = await send(t.app, 'GET', `${API}/experiments/search?max_results=1`, { host });
        expect(res.status, host).toBe(200);
      }
    });

    it('lets health probes through whatever their Host', async () => {
      const res = await send(t.app, 'GET', '/health', { host: 'evil.example' });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('OK');
    });
  });

  describe('CORS', () => {
    it('answers a preflight from a localhost origin', async () => {
      const res = await send(t.app, 'OPTIONS', `${API}/experiments/create`, {
        origin: 'http://localhost:3000',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, authorization',
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
      expect(res.headers.get('access-control-allow-methods')).toContain('POST');
      expect(res.headers.get('access-control-allow-headers')).toBe('content-type, authorization');
      expect(res.headers.get('vary')).toBe('Origin');
    });

    it('refuses a preflight from another site', async () => {
      const res = await send(t.app, 'OPTIONS', `${API}/experiments/create`, {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
      });
      expect(res.status).toBe(403);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(((await res.json()) as { message: string }).message).toBe(CROSS_ORIGIN_MESSAGE);
    });

    it('labels reads for allowed origins only', async () => {
      const path = `${API}/experiments/search?max_results=1`;
      const allowed = await send(t.app, 'GET', path, { origin: 'http://127.0.0.1:8080' });
      expect(allowed.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8080');
      const other = await send(t.app, 'GET', path, { origin: 'https://evil.example' });
      expect(other.status).toBe(200);
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe('cross-site writes (CSRF)', () => {
    it('refuses a POST whose Origin is another site, before it runs', async () => {
      const res = await createExperiment(t.app, 'csrf-origin', { origin: 'https://evil.example' });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ error_code: 'PERMISSION_DENIED', message: CROSS_ORIGIN_MESSAGE });
      expect(await experimentExists(t, 'csrf-origin')).toBe(false);
    });

    it('refuses Origin: null and a cross-site Sec-Fetch-Site without Origin', async () => {
      expect((await createExperiment(t.app, 'csrf-null', { origin: 'null' })).status).toBe(403);
      const fetchSite = await createExperiment(t.app, 'csrf-site', { 'sec-fetch-site': 'cross-site' });
      expect(fetchSite.status).toBe(403);
      const del = await send(t.app, 'DELETE', '/api/2.0/mlflow-artifacts/artifacts/a.txt', {
        origin: 'https://evil.example',
      });
      expect(del.status).toBe(403);
      expect(await experimentExists(t, 'csrf-null')).toBe(false);
      expect(await experimentExists(t, 'csrf-site')).toBe(false);
    });

    it('accepts the UI itself, localhost pages and clients outside a browser', async () => {
      const same = await createExperiment(t.app, 'same-origin', {
        origin: 'http://localhost',
        'sec-fetch-site': 'same-origin',
      });
      expect(same.status).toBe(200);
      const dev = await createExperiment(t.app, 'vite-dev', { origin: 'http://localhost:5173' });
      expect(dev.status).toBe(200);
      expect(dev.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      expect((await createExperiment(t.app, 'python-client')).status).toBe(200);
      expect(await experimentExists(t, 'python-client')).toBe(true);
    });
  });

  describe('security headers', () => {
    it('are on answers, errors, refusals and 404s, with a locked-down CSP outside the UI', async () => {
      const answers = [
        await send(t.app, 'GET', `${API}/experiments/search?max_results=1`),
        await send(t.app, 'GET', `${API}/experiments/get?experiment_id=424242`),
        await send(t.app, 'GET', `${API}/experiments/search`, { host: 'evil.example' }),
        await send(t.app, 'GET', '/no/such/page'),
        await send(t.app, 'GET', '/health'),
      ];
      expect(answers.map((r) => r.status)).toEqual([200, 404, 403, 404, 200]);
      for (const res of answers) {
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
        expect(res.headers.get('referrer-policy')).toBe('same-origin');
        expect(res.headers.get('content-security-policy')).toBe(
          "default-src 'none'; frame-ancestors 'none'; sandbox",
        );
      }
    });
  });

  describe('body limit', () => {
    it('answers 413 with an MLflow error body for an oversize JSON body', async () => {
      const big = JSON.stringify({ name: 'x'.repeat(33 * 1024 * 1024) });
      const res = await send(t.app, 'POST', `${API}/experiments/create`, {}, big);
      expect(res.status).toBe(413);
      expect(await res.json()).toEqual({
        error_code: 'RESOURCE_EXHAUSTED',
        message: 'Request body exceeds the limit of 33554432 bytes.',
      });
    });
  });
});

describe('the security middleware configured', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      host: 'mlflow.corp.example',
      security: {
        allowedHosts: ['*.corp.example', 'tracking.example.org:8443'],
        corsAllowedOrigins: ['https://*.notebooks.example', 'https://app.example.org'],
        xFrameOptions: 'DENY',
        maxBodyBytes: 4096,
      },
    });
  });
  afterAll(() => t.close());

  it('serves only the listed hosts, a port-less pattern on any port', async () => {
    const status = async (host: string) =>
      (await send(t.app, 'GET', `${API}/experiments/search?max_results=1`, { host })).status;
    expect(await status('mlflow.corp.example')).toBe(200);
    expect(await status('a.b.corp.example:5000')).toBe(200);
    expect(await status('tracking.example.org:8443')).toBe(200);
    expect(await status('tracking.example.org:8444')).toBe(403);
    expect(await status('tracking.example.org')).toBe(403);
    // The list replaces the defaults, as in MLflow.
    expect(await status('localhost')).toBe(403);
    expect(await status('corp.example.evil.example')).toBe(403);
  });

  it('allows writes from listed origins and refuses others', async () => {
    const host = { host: 'mlflow.corp.example' };
    const listed = await createExperiment(t.app, 'from-notebook', {
      ...host,
      origin: 'https://team.notebooks.example',
    });
    expect(listed.status).toBe(200);
    expect(listed.headers.get('access-control-allow-origin')).toBe('https://team.notebooks.example');
    const exact = await send(t.app, 'OPTIONS', `${API}/runs/create`, {
      ...host,
      origin: 'https://app.example.org',
      'access-control-request-method': 'POST',
    });
    expect(exact.status).toBe(204);
    for (const origin of ['http://team.notebooks.example', 'https://app.example.org.evil.example']) {
      expect((await createExperiment(t.app, 'refused', { ...host, origin })).status, origin).toBe(403);
    }
    // The UI's own origin, over whatever scheme a TLS proxy put in front.
    const ui = await createExperiment(t.app, 'from-ui', { ...host, origin: 'https://mlflow.corp.example' });
    expect(ui.status).toBe(200);
  });

  it('takes X-Frame-Options and the body limit from the settings', async () => {
    const host = { host: 'mlflow.corp.example' };
    const res = await createExperiment(t.app, 'y'.repeat(5000), host);
    expect(res.status).toBe(413);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(((await res.json()) as { error_code: string }).error_code).toBe('RESOURCE_EXHAUSTED');
  });

  it('caps chunked bodies, which carry no Content-Length, as they arrive', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await send(
      t.app,
      'POST',
      `${API}/experiments/create`,
      { host: 'mlflow.corp.example', 'transfer-encoding': 'chunked' },
      stream,
    );
    expect(res.status).toBe(413);
  });

  it('streams artifact uploads past the cap', async () => {
    const body = 'z'.repeat(64 * 1024);
    const put = await send(
      t.app,
      'PUT',
      '/api/2.0/mlflow-artifacts/artifacts/big/file.txt',
      { host: 'mlflow.corp.example', 'content-type': 'application/octet-stream' },
      body,
    );
    expect(put.status).toBe(200);
    const get = await send(t.app, 'GET', '/api/2.0/mlflow-artifacts/artifacts/big/file.txt', {
      host: 'mlflow.corp.example',
    });
    expect((await get.text()).length).toBe(body.length);
  });
});

describe('the UI page', () => {
  let t: TestApp;
  let uiDir: string;
  let app: Hono;
  beforeAll(async () => {
    t = await createTestApp();
    uiDir = mkdtempSync(join(tmpdir(), 'loom-ui-csp-'));
    writeFileSync(join(uiDir, 'index.html'), '<!doctype html><div id="root"></div>');
    app = createApp({
      tracking: new TrackingService(t.store),
      artifacts: undefined,
      config: t.config,
      uiDir,
    });
  });
  afterAll(async () => {
    await t.close();
    rmSync(uiDir, { recursive: true, force: true });
  });

  it("gets the UI's Content-Security-Policy: own scripts only, framed by its own origin only", async () => {
    const res = await send(app, 'GET', '/experiments/1');
    expect(res.headers.get('content-type')).toContain('text/html');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });
});

describe('--disable-security-middleware', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ security: { disabled: true, maxBodyBytes: 2048 } });
  });
  afterAll(() => t.close());

  it('drops the Host check, CORS and headers but keeps the body cap', async () => {
    const res = await createExperiment(t.app, 'anywhere', {
      host: 'evil.example',
      origin: 'https://evil.example',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-frame-options')).toBeNull();
    expect(res.headers.get('content-security-policy')).toBeNull();
    expect((await createExperiment(t.app, 'q'.repeat(4096))).status).toBe(413);
  });
});

describe('internal errors', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('answer a generic message: no stack, no SQL, no driver text', async () => {
    const created = await t.post('/experiments/create', { name: 'doomed' });
    expect(created.status).toBe(200);
    // Break the real database under the running app: the driver's error names the table and SQL.
    await (t.store as SqlTrackingStore).db.run('DROP TABLE experiment_tags');
    const res = await t.get('/experiments/get', { experiment_id: created.body.experiment_id });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error_code: 'INTERNAL_ERROR', message: 'Internal server error' });
    for (const leak of ['experiment_tags', 'SELECT', 'relation', 'no such table', ' at ', '.ts:', '.js:'])
      expect(res.text).not.toContain(leak);
  });
});

describe('a listening server', () => {
  let dir: string;
  let close: () => Promise<void>;
  let port: number;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loom-security-'));
    const config: ServerConfig = {
      backendStoreUri: `sqlite:///${join(dir, 'mlflow.db')}`,
      defaultArtifactRoot: 'mlflow-artifacts:/',
      artifactsDestination: join(dir, 'mlartifacts'),
      serveArtifacts: true,
      artifactsOnly: false,
      host: '127.0.0.1',
      port: 0,
      workers: 1,
    };
    const server = await startServer(config, { uiDir: join(dir, 'no-ui') });
    port = server.port;
    close = () => server.close();
  });
  afterAll(async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A GET over a real socket with the Host header a browser on `host` would send. */
  const getWithHost = (host: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, path: `${API}/experiments/search?max_results=1`, headers: { host } },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });

  /** A POST over a real socket, its body declared by Content-Length or sent chunked in pieces. */
  const post = (path: string, body: string, chunked: boolean) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const headers: Record<string, string | number> = { 'content-type': 'application/json' };
      if (!chunked) headers['content-length'] = Buffer.byteLength(body);
      const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      if (chunked) {
        const piece = 1 << 20;
        for (let i = 0; i < body.length; i += piece) req.write(body.slice(i, i + piece));
        req.end();
      } else req.end(body);
    });

  it('reads JSON bodies off the socket, declared or chunked, and caps both', async () => {
    for (const chunked of [false, true]) {
      // Over 2 MB, so it arrives in many socket reads; the padding is a field the API ignores.
      const name = `é-${chunked ? 'chunked' : 'declared'}`;
      const body = JSON.stringify({ name, padding: 'ü'.repeat(1_200_000) });
      const created = await post(`${API}/experiments/create`, body, chunked);
      expect(created.status, created.body).toBe(200);
      const id = (JSON.parse(created.body) as { experiment_id: string }).experiment_id;
      const got = await fetch(`http://127.0.0.1:${port}${API}/experiments/get?experiment_id=${id}`);
      expect(((await got.json()) as { experiment: { name: string } }).experiment.name).toBe(name);

      const big = JSON.stringify({ name: 'x'.repeat(33 * 1024 * 1024) });
      const refused = await post(`${API}/experiments/create`, big, chunked);
      expect(refused.status).toBe(413);
      expect(JSON.parse(refused.body)).toEqual({
        error_code: 'RESOURCE_EXHAUSTED',
        message: 'Request body exceeds the limit of 33554432 bytes.',
      });
    }
  });

  it('checks the Host header the socket received (DNS rebinding)', async () => {
    expect((await getWithHost(`127.0.0.1:${port}`)).status).toBe(200);
    const rebound = await getWithHost(`attacker.example:${port}`);
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body).message).toBe(INVALID_HOST_MESSAGE);
  });
});
