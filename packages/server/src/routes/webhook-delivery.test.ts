/**
 * Webhook delivery through the outbox: retries with backoff and Retry-After, giving up, the delivery
 * log, deliveries that outlive a server, and several servers on one store sending each event once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerConfig, SqlTrackingStore, WebhookSettings } from '@loom/core';
import { createTestBackend, type TestBackend } from '@loom/core/testing';
import { startServer, type RunningServer } from '../main';
import { createTestApp, TEST_WEBHOOK_SETTINGS, type TestApp } from '../testing/test-app';
import { startWebhookReceiver, type ScriptedAnswer, type WebhookReceiver } from '../testing/webhook-receiver';

const HOOKS = '/api/2.0/mlflow/webhooks';
const MV_CREATED = { entity: 'MODEL_VERSION', action: 'CREATED' };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function receiver(answer?: (n: number) => ScriptedAnswer, secret = 'sig'): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver({ secret, ...(answer ? { answer } : {}) });
  cleanups.push(() => r.close());
  return r;
}

async function app(settings: Partial<WebhookSettings> = {}): Promise<TestApp> {
  const a = await createTestApp({ webhooks: { ...TEST_WEBHOOK_SETTINGS, ...settings } });
  cleanups.push(() => a.close());
  return a;
}

async function subscribe(a: TestApp, url: string): Promise<string> {
  const res = await a.call('POST', HOOKS, { name: 'h', url, events: [MV_CREATED], secret: 'sig' });
  expect(res.status, res.text).toBe(200);
  return res.body.webhook.webhook_id as string;
}

async function newVersion(a: TestApp): Promise<void> {
  await a.call('POST', '/api/2.0/mlflow/registered-models/create', { name: 'm' });
  const res = await a.call('POST', '/api/2.0/mlflow/model-versions/create', {
    name: 'm',
    source: 's3://b/m',
  });
  expect(res.status, res.text).toBe(200);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests inspect wire JSON
type Json = any;

/** Polls the delivery log until `done` holds. */
async function logUntil(a: TestApp, id: string, done: (deliveries: Json[]) => boolean): Promise<Json[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const res = await a.call('GET', `${HOOKS}/${id}/deliveries`);
    expect(res.status, res.text).toBe(200);
    if (done(res.body.deliveries)) return res.body.deliveries;
    if (Date.now() > deadline) throw new Error(`delivery log never settled: ${res.text}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('retries', () => {
  it('retries a 503 after the Retry-After the receiver asked for, then logs the success', async () => {
    const a = await app();
    const r = await receiver((n) =>
      n === 0 ? { status: 503, headers: { 'Retry-After': '1' }, body: 'busy' } : { status: 200 },
    );
    const id = await subscribe(a, r.url);
    await newVersion(a);
    const [first, second] = await r.waitFor(2);
    expect(first?.verified && second?.verified).toBe(true);
    // One delivery, retried: same id and body, a fresh timestamp and signature per attempt.
    expect(second?.deliveryId).toBe(first?.deliveryId);
    expect(second?.body).toBe(first?.body);
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(950);

    const [delivery] = await logUntil(a, id, (d) => d[0]?.status === 'DELIVERED');
    expect(delivery).toMatchObject({
      delivery_id: first?.deliveryId,
      webhook_id: id,
      event: MV_CREATED,
      status: 'DELIVERED',
      payload: first?.body,
      attempts: [
        { attempt: 1, response_status: 503, error_message: 'HTTP 503: busy' },
        { attempt: 2, response_status: 200 },
      ],
    });
    expect(delivery.attempts[1].error_message).toBeUndefined();
    expect(delivery.finished_timestamp).toBeGreaterThanOrEqual(delivery.creation_timestamp);
  });

  it('gives up after MLFLOW_WEBHOOK_REQUEST_MAX_RETRIES and records every attempt', async () => {
    const a = await app({ maxRetries: 2 });
    const r = await receiver(() => ({ status: 500, body: 'boom' }));
    const id = await subscribe(a, r.url);
    await newVersion(a);
    const [delivery] = await logUntil(a, id, (d) => d[0]?.status === 'FAILED');
    expect(delivery.attempts.map((x: { response_status: number }) => x.response_status)).toEqual([
      500, 500, 500,
    ]);
    expect(delivery.attempts[2].error_message).toBe('HTTP 500: boom');
    // Exponential backoff between attempts: base 20 ms, then 40 ms.
    const gaps = [1, 2].map((i) => delivery.attempts[i].timestamp - delivery.attempts[i - 1].timestamp);
    expect(gaps[0]).toBeGreaterThanOrEqual(20);
    expect(gaps[1]).toBeGreaterThanOrEqual(40);
    await new Promise((res) => setTimeout(res, 150));
    expect(r.received).toHaveLength(3);
  });

  it('does not retry a client error such as 400', async () => {
    const a = await app();
    const r = await receiver(() => ({ status: 400, body: 'bad' }));
    const id = await subscribe(a, r.url);
    await newVersion(a);
    const [delivery] = await logUntil(a, id, (d) => d[0]?.status === 'FAILED');
    expect(delivery.attempts).toHaveLength(1);
    expect(r.received).toHaveLength(1);
    // Deleting the webhook takes its delivery log along.
    expect((await a.call('DELETE', `${HOOKS}/${id}`)).status).toBe(200);
    const db = (a.store as SqlTrackingStore).db;
    expect(await db.get('SELECT delivery_id FROM webhook_deliveries')).toBeUndefined();
    expect(await db.get('SELECT delivery_id FROM webhook_delivery_attempts')).toBeUndefined();
  });

  it('drops a pending retry once its webhook is disabled', async () => {
    const a = await app({ backoffBaseMs: 300 });
    const r = await receiver(() => ({ status: 503 }));
    const id = await subscribe(a, r.url);
    await newVersion(a);
    await logUntil(a, id, (d) => d[0]?.attempts.length === 1);
    expect((await a.call('PATCH', `${HOOKS}/${id}`, { status: 'DISABLED' })).status).toBe(200);
    const [delivery] = await logUntil(a, id, (d) => d[0]?.status === 'FAILED');
    expect(delivery.attempts[1]).toMatchObject({ attempt: 2, error_message: 'webhook is disabled' });
    expect(delivery.attempts[1].response_status).toBeUndefined();
    expect(r.received).toHaveLength(1);
  });

  it('retries when nothing answers (connection refused)', async () => {
    const a = await app({ maxRetries: 1 });
    const closed = await startWebhookReceiver();
    await closed.close();
    const id = await subscribe(a, closed.url);
    await newVersion(a);
    const [delivery] = await logUntil(a, id, (d) => d[0]?.status === 'FAILED');
    expect(delivery.attempts).toHaveLength(2);
    expect(delivery.attempts[0].response_status).toBeUndefined();
    expect(delivery.attempts[0].error_message).toMatch(/fetch failed|ECONNREFUSED/);
  });
});

/** Real servers on one store (the test backend), as `loom server` processes would share it. */
async function servers(settings: Partial<WebhookSettings>) {
  const dir = mkdtempSync(join(tmpdir(), 'loom-webhooks-'));
  const backend: TestBackend = await createTestBackend(dir);
  const config: ServerConfig = {
    backendStoreUri: backend.uri,
    defaultArtifactRoot: 'mlflow-artifacts:/',
    artifactsDestination: join(dir, 'mlartifacts'),
    serveArtifacts: true,
    artifactsOnly: false,
    host: '127.0.0.1',
    port: 0,
    workers: 1,
    webhooks: { ...TEST_WEBHOOK_SETTINGS, ...settings },
  };
  const running = new Set<RunningServer>();
  cleanups.push(async () => {
    for (const s of running) await s.close();
    await backend.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    async start(): Promise<RunningServer> {
      const s = await startServer(config, { uiDir: undefined });
      running.add(s);
      return s;
    },
    async stop(s: RunningServer): Promise<void> {
      await s.close();
      running.delete(s);
    },
  };
}

async function api(s: RunningServer, method: string, path: string, body?: unknown) {
  const res = await fetch(`${s.url}/api/2.0/mlflow${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json: Json = await res.json();
  expect(res.status, JSON.stringify(json)).toBe(200);
  return json;
}

describe('the outbox across servers', () => {
  it('a delivery left pending by a stopped server is sent by the next one', async () => {
    const cluster = await servers({ backoffBaseMs: 300 });
    const r = await receiver((n) => (n === 0 ? { status: 503 } : { status: 200 }));
    const first = await cluster.start();
    const { webhook } = await api(first, 'POST', '/webhooks', {
      name: 'h',
      url: r.url,
      events: [MV_CREATED],
      secret: 'sig',
    });
    await api(first, 'POST', '/registered-models/create', { name: 'm' });
    await api(first, 'POST', '/model-versions/create', { name: 'm', source: 's3://b/m' });
    await r.waitFor(1);
    const logged = Date.now() + 5_000;
    while (
      (await api(first, 'GET', `/webhooks/${webhook.webhook_id}/deliveries`)).deliveries[0]?.attempts
        .length !== 1
    ) {
      if (Date.now() > logged) throw new Error('the first attempt was never logged');
      await new Promise((res) => setTimeout(res, 10));
    }
    // The retry is due in 300 ms; this server is gone by then.
    await cluster.stop(first);
    await new Promise((res) => setTimeout(res, 400));
    expect(r.received).toHaveLength(1);

    const second = await cluster.start();
    const [a, b] = await r.waitFor(2);
    expect(b?.deliveryId).toBe(a?.deliveryId);
    expect(b?.verified).toBe(true);
    const deadline = Date.now() + 5_000;
    let log = await api(second, 'GET', `/webhooks/${webhook.webhook_id}/deliveries`);
    while (log.deliveries[0].status !== 'DELIVERED' && Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, 20));
      log = await api(second, 'GET', `/webhooks/${webhook.webhook_id}/deliveries`);
    }
    expect(log.deliveries).toHaveLength(1);
    expect(log.deliveries[0].status).toBe('DELIVERED');
    expect(log.deliveries[0].attempts.map((x: { response_status: number }) => x.response_status)).toEqual([
      503, 200,
    ]);
  });

  it('a send cut short by shutdown goes back to the outbox and is sent again', async () => {
    const cluster = await servers({});
    const r = await receiver((n) => (n === 0 ? { status: 200, delayMs: 5_000 } : { status: 200 }));
    const first = await cluster.start();
    await api(first, 'POST', '/webhooks', { name: 'h', url: r.url, events: [MV_CREATED], secret: 'sig' });
    await api(first, 'POST', '/registered-models/create', { name: 'm' });
    await api(first, 'POST', '/model-versions/create', { name: 'm', source: 's3://b/m' });
    await r.waitFor(1);
    const stopping = Date.now();
    await cluster.stop(first);
    // Closing does not wait for the slow receiver.
    expect(Date.now() - stopping).toBeLessThan(2_000);
    await cluster.start();
    const [a, b] = await r.waitFor(2);
    expect(b?.deliveryId).toBe(a?.deliveryId);
  });

  it('two servers on one store deliver each event exactly once', async () => {
    const cluster = await servers({});
    const r = await receiver();
    const [one, two] = [await cluster.start(), await cluster.start()];
    const { webhook } = await api(one, 'POST', '/webhooks', {
      name: 'h',
      url: r.url,
      events: [MV_CREATED],
      secret: 'sig',
    });
    await api(two, 'POST', '/registered-models/create', { name: 'm' });
    const count = 16;
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        api(i % 2 ? one : two, 'POST', '/model-versions/create', { name: 'm', source: 's3://b/m' }),
      ),
    );
    await r.waitFor(count);
    // Several poll intervals more: a second copy would arrive now.
    await new Promise((res) => setTimeout(res, 300));
    expect(r.received).toHaveLength(count);
    expect(r.received.every((x) => x.verified)).toBe(true);
    expect(new Set(r.received.map((x) => x.deliveryId)).size).toBe(count);
    const versions = r.received.map((x) => Number(x.json.data.version)).sort((x, y) => x - y);
    expect(versions).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    const log = await api(two, 'GET', `/webhooks/${webhook.webhook_id}/deliveries`);
    expect(log.deliveries).toHaveLength(count);
    for (const d of log.deliveries) expect(d.attempts).toHaveLength(1);
  });
});
