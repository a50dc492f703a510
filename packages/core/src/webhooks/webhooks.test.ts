/** The pure parts of webhooks: signatures, secrets at rest, settings, retry timing, event names. */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REGISTRY_EVENTS } from '../registry/registry-events';
import { examplePayload } from './example-payloads';
import { SecretBox } from './secret-box';
import { openSecretBox } from './secret-key';
import { signWebhook, verifyWebhookSignature } from './signature';
import { retryDelayMs } from './webhook-dispatcher';
import { fromWireEvent, toWireEvent } from './webhook-events';
import { parseRetryAfter } from './webhook-sender';
import { DEFAULT_WEBHOOK_SETTINGS, webhookSettingsFromEnv } from './webhook-settings';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('signature', () => {
  it("is MLflow's v1 HMAC-SHA256 over id.timestamp.body, base64", () => {
    const expected = createHmac('sha256', 'k').update('d1.1700000000.{"a":1}').digest('base64');
    expect(signWebhook('k', 'd1', '1700000000', '{"a":1}')).toBe(`v1,${expected}`);
    const sig = signWebhook('k', 'd1', '1', 'body');
    expect(verifyWebhookSignature('k', 'd1', '1', 'body', sig)).toBe(true);
    expect(verifyWebhookSignature('k', 'd1', '1', 'body ', sig)).toBe(false);
    expect(verifyWebhookSignature('other', 'd1', '1', 'body', sig)).toBe(false);
    expect(verifyWebhookSignature('k', 'd1', '1', 'body', 'v1,short')).toBe(false);
  });
});

describe('secrets at rest', () => {
  it('round-trips, and fails under another key or another webhook id', () => {
    const box = new SecretBox('material');
    const sealed = box.seal('hunter2', 'w1');
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain('hunter2');
    expect(box.seal('hunter2', 'w1')).not.toBe(sealed); // fresh IV each time
    expect(box.open(sealed, 'w1')).toBe('hunter2');
    expect(() => box.open(sealed, 'w2')).toThrow();
    expect(() => new SecretBox('other').open(sealed, 'w1')).toThrow();
  });

  it('keeps a key file beside a SQLite store and has none for PostgreSQL without the variable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-key-'));
    dirs.push(dir);
    const uri = `sqlite:///${join(dir, 'mlflow.db')}`;
    const sealed = openSecretBox(undefined, uri)!.seal('s', 'w');
    expect(statSync(join(dir, 'mlflow.db.webhook-key')).mode & 0o777).toBe(0o600);
    expect(openSecretBox(undefined, uri)!.open(sealed, 'w')).toBe('s'); // same key on restart
    expect(openSecretBox(undefined, 'postgresql://h/db')).toBeUndefined();
    expect(openSecretBox('k', 'postgresql://h/db')!.open(new SecretBox('k').seal('x', 'w'), 'w')).toBe('x');
  });
});

describe('settings', () => {
  it("reads MLflow's variables, defaulting to MLflow's values", () => {
    expect(webhookSettingsFromEnv({})).toEqual({ ...DEFAULT_WEBHOOK_SETTINGS, encryptionKey: undefined });
    const s = webhookSettingsFromEnv({
      MLFLOW_WEBHOOK_ALLOWED_SCHEMES: 'HTTP, https',
      MLFLOW_WEBHOOK_REQUEST_TIMEOUT: '2.5',
      MLFLOW_WEBHOOK_REQUEST_MAX_RETRIES: '0',
      MLFLOW_WEBHOOK_DELIVERY_MAX_WORKERS: '4',
      MLFLOW_WEBHOOK_CACHE_TTL: '60',
      MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY: 'key',
    });
    expect(s).toMatchObject({
      allowedSchemes: ['http', 'https'],
      requestTimeoutMs: 2500,
      maxRetries: 0,
      maxWorkers: 4,
      cacheTtlMs: 60_000,
      encryptionKey: 'key',
    });
    expect(() => webhookSettingsFromEnv({ MLFLOW_WEBHOOK_REQUEST_MAX_RETRIES: 'many' })).toThrow(
      /must be a number/,
    );
  });
});

describe('retry timing', () => {
  it('doubles from the base up to the cap, unless the receiver says otherwise', () => {
    const s = DEFAULT_WEBHOOK_SETTINGS;
    expect([1, 2, 3, 4].map((n) => retryDelayMs(s, n))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelayMs(s, 10)).toBe(60_000);
    expect(retryDelayMs(s, 1, 7000)).toBe(7000);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000 + 5000).toUTCString(), 10_000)).toBe(5000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe('event names', () => {
  it('map to REST enum pairs and back, each with an example payload', () => {
    for (const name of REGISTRY_EVENTS) {
      expect(fromWireEvent(toWireEvent(name))).toBe(name);
      expect(Object.keys(examplePayload(name)).length).toBeGreaterThan(0);
    }
    expect(toWireEvent('model_version_tag.set')).toEqual({ entity: 'MODEL_VERSION_TAG', action: 'SET' });
    expect(() => fromWireEvent({ entity: 'RUN', action: 'CREATED' })).toThrow(/Invalid webhook event/);
  });
});
