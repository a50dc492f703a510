import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrackingService } from '@loom/core';
import { createApp } from '../app';
import { createTestApp, type TestApp } from '../testing/test-app';
import { resolveUiFile, uiContentType } from './ui';

let t: TestApp;
let outside: string;
let root: string;
let app: Hono;

const get = (path: string, init?: RequestInit) => app.request(`http://localhost${path}`, init);

beforeAll(async () => {
  t = await createTestApp();
  outside = mkdtempSync(join(tmpdir(), 'loom-ui-'));
  root = join(outside, 'dist');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets', 'index-abc123.css'), 'body{}');
  writeFileSync(join(root, 'favicon.svg'), '<svg/>');
  writeFileSync(join(outside, 'secret.txt'), 'top secret');
  app = createApp({
    tracking: new TrackingService(t.store),
    artifacts: undefined,
    config: t.config,
    uiDir: root,
  });
});

afterAll(async () => {
  await t.close();
  rmSync(outside, { recursive: true, force: true });
});

describe('the built UI', () => {
  it('serves index.html at / and its assets with their content types', async () => {
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toContain('id="root"');

    const js = await get('/assets/index-abc123.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect(await js.text()).toBe('console.log(1)');
    expect((await get('/assets/index-abc123.css')).headers.get('content-type')).toBe(
      'text/css; charset=utf-8',
    );
    expect((await get('/favicon.svg')).headers.get('content-type')).toBe('image/svg+xml');
  });

  it('answers deep links with index.html and missing files with 404', async () => {
    const deep = await get('/experiments/1?filter=metrics.loss%20%3C%201');
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('id="root"');
    expect((await get('/runs/abc')).status).toBe(200);
    expect((await get('/assets/gone-123.js')).status).toBe(404);
    expect((await get('/favicon.ico')).status).toBe(404);
  });

  it('answers HEAD without a body and leaves other methods alone', async () => {
    const head = await get('/', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await get('/', { method: 'POST' })).status).toBe(404);
  });

  it('keeps the API and /health first', async () => {
    expect(await (await get('/health')).text()).toBe('OK');
    const exp = await get('/api/2.0/mlflow/experiments/get?experiment_id=0');
    expect(((await exp.json()) as { experiment: { name: string } }).experiment.name).toBe('Default');
    const unknown = await get('/api/2.0/mlflow/nothing/here');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error_code: string }).error_code).toBe('ENDPOINT_NOT_FOUND');
    const ajax = await get('/ajax-api/2.0/mlflow/nothing');
    expect(ajax.headers.get('content-type')).toBe('application/json');
  });

  it('never serves a file outside the UI folder', async () => {
    for (const attempt of [
      '/..%2fsecret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets%5c..%5c..%5csecret.txt',
      '/%00',
      '/%E0%A4%A',
    ]) {
      const res = await get(attempt);
      expect(await res.text(), attempt).not.toContain('top secret');
      expect(res.status, attempt).toBe(404);
    }
  });

  it('falls through to the plain 404 while the UI is not built', async () => {
    const bare = createApp({
      tracking: new TrackingService(t.store),
      artifacts: undefined,
      config: t.config,
      uiDir: join(outside, 'not-built'),
    });
    const res = await bare.request('http://localhost/');
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('Not Found');
  });
});

describe('resolveUiFile', () => {
  it('stays inside the root', () => {
    expect(resolveUiFile('/srv/ui', '/assets/a.js')).toBe('/srv/ui/assets/a.js');
    expect(resolveUiFile('/srv/ui', '/')).toBe('/srv/ui');
    expect(resolveUiFile('/srv/ui', '/a/../../b')).toBeUndefined();
    expect(resolveUiFile('/srv/ui', '/a%2f..%2f..%2fb')).toBeUndefined();
    expect(resolveUiFile('/srv/ui', '/a%5cb')).toBeUndefined();
    expect(resolveUiFile('/srv/ui', '/%')).toBeUndefined();
  });

  it('knows the content types Vite emits', () => {
    expect(uiContentType('a.JS')).toBe('text/javascript; charset=utf-8');
    expect(uiContentType('a.woff2')).toBe('font/woff2');
    expect(uiContentType('a.unknown')).toBe('application/octet-stream');
  });
});
