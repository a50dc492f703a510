import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './testing/test-app';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

describe('request decoding and the error edge', () => {
  it('answers malformed JSON with 400, never 500', async () => {
    const res = await t.call('POST', '/api/2.0/mlflow/runs/create', '{"experiment_id": ', {
      'content-type': 'application/json',
    });
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(res.body.message).toContain('Malformed JSON');
  });

  it('requires a JSON content type on POST', async () => {
    const none = await t.app.request('http://localhost/api/2.0/mlflow/experiments/create', {
      method: 'POST',
      // A byte body: a string body would get text/plain from the Request constructor.
      body: new TextEncoder().encode('{"name":"x"}'),
    });
    expect(none.status).toBe(400);
    expect(await none.json()).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: 'Bad Request. Content-Type header is missing.',
    });
    const text = await t.call('POST', '/api/2.0/mlflow/experiments/create', '{"name":"x"}', {
      'content-type': 'text/plain',
    });
    expect(text.status).toBe(400);
    const charset = await t.call('POST', '/api/2.0/mlflow/experiments/create', '{"name":"x"}', {
      'content-type': 'application/json; charset=utf-8',
    });
    expect(charset.status).toBe(200);
  });

  it('decodes double-encoded bodies and ignores unknown fields', async () => {
    const res = await t.call(
      'POST',
      '/api/2.0/mlflow/experiments/create',
      JSON.stringify(JSON.stringify({ name: 'dbl', extra: 1 })),
    );
    expect(res.status).toBe(200);
    expect(res.body.experiment_id).toBe('1');
  });

  it('reads GET parameters from the query string and falls back to a JSON body on a bare GET', async () => {
    const query = await t.call('GET', '/api/2.0/mlflow/experiments/get?experiment_id=0');
    expect(query.body.experiment.name).toBe('Default');
    const body = await t.app.request('http://localhost/api/2.0/mlflow/experiments/get', {
      method: 'GET',
    });
    expect(body.status).toBe(400);
  });

  it('rejects a non-boolean in the query string', async () => {
    const res = await t.call('GET', '/api/2.0/mlflow/experiments/search?view_type=NOPE');
    expect(res.status).toBe(400);
  });

  it('answers unknown API routes with ENDPOINT_NOT_FOUND JSON and other paths with text', async () => {
    const api = await t.call('GET', '/api/2.0/mlflow/nothing/here');
    expect(api.status).toBe(404);
    expect(api.body.error_code).toBe('ENDPOINT_NOT_FOUND');
    const other = await t.call('GET', '/nothing');
    expect(other.status).toBe(404);
  });

  it('serves /health, /version and security headers', async () => {
    const health = await t.call('GET', '/health');
    expect(health.text).toBe('OK');
    expect(health.headers.get('x-content-type-options')).toBe('nosniff');
    expect(health.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    const version = await t.call('GET', '/version');
    expect(version.text).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('answers a wrong method on a known path as an unknown endpoint', async () => {
    const res = await t.call('GET', '/api/2.0/mlflow/runs/log-batch?run_id=x');
    expect(res.status).toBe(404);
  });
});

describe('--artifacts-only', () => {
  it('disables tracking routes with 503 text', async () => {
    const only = await createTestApp({ artifactsOnly: true });
    try {
      const res = await only.call('GET', '/api/2.0/mlflow/experiments/get?experiment_id=0');
      expect(res.status).toBe(503);
    } finally {
      await only.close();
    }
  });
});
