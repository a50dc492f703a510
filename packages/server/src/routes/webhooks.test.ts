/** Webhook CRUD, validation, the `test` endpoint and each event's payload, against a real receiver. */
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { SqlTrackingStore } from '@loom/core';
import { testBackendName } from '@loom/core/testing';
import { createTestApp, TEST_WEBHOOK_SETTINGS, type TestApp } from '../testing/test-app';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver';

const HOOKS = '/api/2.0/mlflow/webhooks';
const MV_CREATED = { entity: 'MODEL_VERSION', action: 'CREATED' };
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

let t: TestApp | undefined;
const receivers: WebhookReceiver[] = [];

afterEach(async () => {
  await t?.close();
  t = undefined;
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function app(overrides: Parameters<typeof createTestApp>[0] = {}): Promise<TestApp> {
  t = await createTestApp(overrides);
  return t;
}

async function receiver(options: Parameters<typeof startWebhookReceiver>[0] = {}): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver(options);
  receivers.push(r);
  return r;
}

async function createHook(a: TestApp, body: Record<string, unknown>) {
  const res = await a.call('POST', HOOKS, body);
  expect(res.status, res.text).toBe(200);
  return res.body.webhook as Record<string, unknown> & { webhook_id: string };
}

function expectInvalid(
  res: { status: number; body: { error_code?: string; message?: string } },
  message: RegExp,
) {
  expect(res.status).toBe(400);
  expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
  expect(res.body.message).toMatch(message);
}

describe('webhook CRUD', () => {
  it('creates, reads, lists, updates and deletes, never returning the secret', async () => {
    const a = await app();
    const hook = await createHook(a, {
      name: 'ci',
      url: 'https://example.com/hook',
      events: [MV_CREATED, { entity: 'registered_model', action: 'created' }],
      description: 'notify CI',
      secret: 'shh-very-secret',
    });
    expect(hook).toEqual({
      webhook_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      name: 'ci',
      description: 'notify CI',
      url: 'https://example.com/hook',
      events: [MV_CREATED, { entity: 'REGISTERED_MODEL', action: 'CREATED' }],
      status: 'ACTIVE',
      creation_timestamp: expect.any(Number),
      last_updated_timestamp: hook.creation_timestamp,
    });
    const got = await a.call('GET', `${HOOKS}/${hook.webhook_id}`);
    expect(got.body.webhook).toEqual(hook);
    expect(got.text).not.toContain('shh');
    const listed = await a.call('GET', HOOKS);
    expect(listed.body).toEqual({ webhooks: [hook] });

    // At rest the secret is ciphertext bound to this webhook.
    const row = await (a.store as SqlTrackingStore).db.get<{ secret: string }>(
      'SELECT secret FROM webhooks WHERE webhook_id = ?',
      [hook.webhook_id],
    );
    expect(row?.secret).toMatch(/^v1:/);
    expect(row?.secret).not.toContain('shh-very-secret');

    const updated = await a.call('PATCH', `${HOOKS}/${hook.webhook_id}`, {
      name: 'ci-2',
      status: 'DISABLED',
      events: [{ entity: 'MODEL_VERSION_TAG', action: 'SET' }],
      secret: 'rotated',
    });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.text).not.toContain('rotated');
    expect(updated.body.webhook).toMatchObject({
      name: 'ci-2',
      status: 'DISABLED',
      url: 'https://example.com/hook',
      description: 'notify CI',
      events: [{ entity: 'MODEL_VERSION_TAG', action: 'SET' }],
    });
    expect(updated.body.webhook.last_updated_timestamp).toBeGreaterThanOrEqual(
      hook.creation_timestamp as number,
    );

    expect((await a.call('DELETE', `${HOOKS}/${hook.webhook_id}`)).status).toBe(200);
    const gone = await a.call('GET', `${HOOKS}/${hook.webhook_id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect((await a.call('DELETE', `${HOOKS}/${hook.webhook_id}`)).status).toBe(404);
    expect((await a.call('PATCH', `${HOOKS}/nope`, { name: 'x' })).status).toBe(404);
    expect((await a.call('GET', HOOKS)).body).toEqual({ webhooks: [] });
  });

  it('pages the list newest first with max_results 1..1000', async () => {
    const a = await app();
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      ids.push((await createHook(a, { name, url: 'https://x.test/h', events: [MV_CREATED] })).webhook_id);
      await new Promise((r) => setTimeout(r, 3));
    }
    const first = await a.call('GET', HOOKS, { max_results: 2 });
    expect(first.body.webhooks.map((w: { name: string }) => w.name)).toEqual(['c', 'b']);
    const second = await a.call('GET', HOOKS, { max_results: 2, page_token: first.body.next_page_token });
    expect(second.body.webhooks.map((w: { name: string }) => w.name)).toEqual(['a']);
    expect(second.body.next_page_token).toBeUndefined();
    expectInvalid(await a.call('GET', HOOKS, { max_results: 0 }), /max_results/);
    expectInvalid(await a.call('GET', HOOKS, { max_results: 1001 }), /at most 1000/);
    expectInvalid(await a.call('GET', HOOKS, { page_token: 'not base64!' }), /page token/i);
  });

  it('validates name, url scheme, events and status as MLflow does', async () => {
    const a = await app({ webhooks: { ...TEST_WEBHOOK_SETTINGS, allowedSchemes: ['https'] } });
    const ok = { name: 'n', url: 'https://x.test/h', events: [MV_CREATED] };
    expectInvalid(await a.call('POST', HOOKS, { ...ok, name: '  ' }), /name cannot be empty/);
    expectInvalid(await a.call('POST', HOOKS, { ...ok, url: '' }), /URL cannot be empty/);
    expectInvalid(await a.call('POST', HOOKS, { ...ok, url: 'http://x.test/h' }), /scheme: 'http'.*https/);
    expectInvalid(await a.call('POST', HOOKS, { ...ok, url: 'not a url' }), /Invalid webhook URL/);
    expectInvalid(await a.call('POST', HOOKS, { ...ok, events: [] }), /events cannot be empty/);
    expectInvalid(
      await a.call('POST', HOOKS, { ...ok, events: [{ entity: 'MODEL_VERSION', action: 'EXPLODED' }] }),
      /Invalid webhook event/,
    );
    expectInvalid(await a.call('POST', HOOKS, { ...ok, status: 'PAUSED' }), /Invalid webhook status/);
    const hook = await createHook(a, ok);
    expectInvalid(await a.call('PATCH', `${HOOKS}/${hook.webhook_id}`, { url: 'ftp://x.test' }), /scheme/);
    // Loom's governance events are subscribable too.
    const governance = await createHook(a, {
      ...ok,
      events: [{ entity: 'TRANSITION_REQUEST', action: 'CREATED' }],
    });
    expect(governance.events).toEqual([{ entity: 'TRANSITION_REQUEST', action: 'CREATED' }]);
  });
});

describe('secrets without MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY', () => {
  it('keeps them under a key file on SQLite and refuses them on PostgreSQL', async () => {
    const a = await app({ webhooks: { ...TEST_WEBHOOK_SETTINGS, encryptionKey: undefined } });
    const body = { name: 'n', url: 'https://x.test/h', events: [MV_CREATED], secret: 's' };
    const res = await a.call('POST', HOOKS, body);
    if (testBackendName() === 'sqlite') {
      expect(res.status, res.text).toBe(200);
      expect(existsSync(`${a.config.backendStoreUri.slice('sqlite:///'.length)}.webhook-key`)).toBe(true);
    } else {
      expectInvalid(res, /MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY/);
      // Webhooks without a secret still work.
      await createHook(a, { ...body, secret: undefined });
    }
  });
});

describe('webhook test endpoint', () => {
  it('sends a signed example payload once and reports the answer', async () => {
    const a = await app();
    const r = await receiver({ secret: 's3cret', answer: () => ({ status: 202, body: 'thanks' }) });
    const hook = await createHook(a, { name: 'h', url: r.url, events: [MV_CREATED], secret: 's3cret' });
    const res = await a.call('POST', `${HOOKS}/${hook.webhook_id}/test`, {});
    expect(res.body).toEqual({ result: { success: true, response_status: 202, response_body: 'thanks' } });
    expect(r.received).toHaveLength(1);
    expect(r.received[0]?.verified).toBe(true);
    expect(r.received[0]?.json).toEqual({
      entity: 'model_version',
      action: 'created',
      timestamp: expect.stringMatching(ISO_UTC),
      data: {
        name: 'example_model',
        version: '1',
        source: 'runs:/abcd1234abcd5678/model',
        run_id: 'abcd1234abcd5678',
        tags: { example_key: 'example_value' },
        description: 'An example model version',
      },
    });

    const chosen = await a.call('POST', `${HOOKS}/${hook.webhook_id}/test`, {
      event: { entity: 'PROMPT_ALIAS', action: 'DELETED' },
    });
    expect(chosen.body.result.success).toBe(true);
    expect(r.received[1]?.json).toMatchObject({
      entity: 'prompt_alias',
      action: 'deleted',
      data: { name: 'example_prompt', alias: 'example_alias' },
    });
  });

  it('reports error statuses and unreachable receivers as failures', async () => {
    const a = await app();
    const r = await receiver({ answer: () => ({ status: 418, body: 'teapot' }) });
    const hook = await createHook(a, { name: 'h', url: r.url, events: [MV_CREATED] });
    const res = await a.call('POST', `${HOOKS}/${hook.webhook_id}/test`, {});
    expect(res.body).toEqual({ result: { success: false, response_status: 418, response_body: 'teapot' } });
    expect(r.received[0]?.signature).toBeUndefined();

    const closed = await receiver();
    await closed.close();
    const dead = await createHook(a, { name: 'dead', url: closed.url, events: [MV_CREATED] });
    const failed = await a.call('POST', `${HOOKS}/${dead.webhook_id}/test`, {});
    expect(failed.body.result.success).toBe(false);
    expect(failed.body.result.error_message).toMatch(/^Failed to test webhook: /);
    expect((await a.call('POST', `${HOOKS}/nope/test`, {})).status).toBe(404);
  });
});

const ALL_MLFLOW_EVENTS = [
  'registered_model.created',
  'model_version.created',
  'model_version_tag.set',
  'model_version_tag.deleted',
  'model_version_alias.created',
  'model_version_alias.deleted',
  'prompt.created',
  'prompt_version.created',
  'prompt_tag.set',
  'prompt_tag.deleted',
  'prompt_version_tag.set',
  'prompt_version_tag.deleted',
  'prompt_alias.created',
  'prompt_alias.deleted',
].map((e) => {
  const [entity = '', action = ''] = e.split('.');
  return { entity: entity.toUpperCase(), action: action.toUpperCase() };
});

describe('event deliveries', () => {
  it("delivers each MLflow event with MLflow's payload, signed", async () => {
    const a = await app();
    const r = await receiver({ secret: 'k' });
    await createHook(a, { name: 'all', url: r.url, events: ALL_MLFLOW_EVENTS, secret: 'k' });
    const ok = async (method: string, path: string, body: unknown) => {
      const res = await a.call(method, `/api/2.0/mlflow${path}`, body);
      expect(res.status, res.text).toBe(200);
    };
    await ok('POST', '/registered-models/create', {
      name: 'm',
      tags: [{ key: 'team', value: 'ml' }],
      description: 'a model',
    });
    await ok('POST', '/model-versions/create', { name: 'm', source: 's3://b/m', description: 'v1' });
    await ok('POST', '/model-versions/set-tag', { name: 'm', version: '1', key: 'k', value: 'v' });
    await ok('DELETE', '/model-versions/delete-tag', { name: 'm', version: '1', key: 'k' });
    await ok('POST', '/registered-models/alias', { name: 'm', alias: 'champion', version: '1' });
    await ok('DELETE', '/registered-models/alias', { name: 'm', alias: 'champion' });
    // Not an event in MLflow: a tag on a registered model that is no prompt.
    await ok('POST', '/registered-models/set-tag', { name: 'm', key: 'k', value: 'v' });

    const promptTag = { key: 'mlflow.prompt.is_prompt', value: 'true' };
    await ok('POST', '/registered-models/create', { name: 'p', tags: [promptTag] });
    await ok('POST', '/model-versions/create', {
      name: 'p',
      source: 'dummy-source',
      tags: [promptTag, { key: 'mlflow.prompt.text', value: 'Hi {{x}}' }],
    });
    await ok('POST', '/registered-models/set-tag', { name: 'p', key: 'owner', value: 'me' });
    await ok('DELETE', '/registered-models/delete-tag', { name: 'p', key: 'owner' });
    await ok('POST', '/model-versions/set-tag', { name: 'p', version: '1', key: 'k', value: 'v' });
    await ok('DELETE', '/model-versions/delete-tag', { name: 'p', version: '1', key: 'k' });
    await ok('POST', '/registered-models/alias', { name: 'p', alias: 'prod', version: '1' });
    await ok('DELETE', '/registered-models/alias', { name: 'p', alias: 'prod' });

    await r.waitFor(14);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(r.received).toHaveLength(14);
    expect(r.received.every((x) => x.verified)).toBe(true);
    const byEvent = new Map(r.received.map((x) => [`${x.json.entity}.${x.json.action}`, x.json]));
    for (const x of r.received) expect(x.json.timestamp).toMatch(ISO_UTC);
    const data = (event: string) => byEvent.get(event)?.data as unknown;
    const tags = { 'mlflow.prompt.is_prompt': 'true', 'mlflow.prompt.text': 'Hi {{x}}' };
    expect(data('registered_model.created')).toEqual({
      name: 'm',
      tags: { team: 'ml' },
      description: 'a model',
    });
    expect(data('model_version.created')).toEqual({
      name: 'm',
      version: '1',
      source: 's3://b/m',
      run_id: null,
      tags: {},
      description: 'v1',
    });
    expect(data('model_version_tag.set')).toEqual({ name: 'm', version: '1', key: 'k', value: 'v' });
    expect(data('model_version_tag.deleted')).toEqual({ name: 'm', version: '1', key: 'k' });
    expect(data('model_version_alias.created')).toEqual({ name: 'm', alias: 'champion', version: '1' });
    expect(data('model_version_alias.deleted')).toEqual({ name: 'm', alias: 'champion' });
    expect(data('prompt.created')).toEqual({
      name: 'p',
      tags: { 'mlflow.prompt.is_prompt': 'true' },
      description: null,
    });
    expect(data('prompt_version.created')).toEqual({
      name: 'p',
      version: '1',
      template: 'Hi {{x}}',
      tags,
      description: null,
    });
    expect(data('prompt_tag.set')).toEqual({ name: 'p', key: 'owner', value: 'me' });
    expect(data('prompt_tag.deleted')).toEqual({ name: 'p', key: 'owner' });
    expect(data('prompt_version_tag.set')).toEqual({ name: 'p', version: '1', key: 'k', value: 'v' });
    expect(data('prompt_version_tag.deleted')).toEqual({ name: 'p', version: '1', key: 'k' });
    expect(data('prompt_alias.created')).toEqual({ name: 'p', alias: 'prod', version: '1' });
    expect(data('prompt_alias.deleted')).toEqual({ name: 'p', alias: 'prod' });
  });

  it('sends nothing to DISABLED webhooks or for unsubscribed events', async () => {
    const a = await app();
    const live = await receiver();
    const off = await receiver();
    const liveHook = await createHook(a, { name: 'live', url: live.url, events: [MV_CREATED] });
    const offHook = await createHook(a, {
      name: 'off',
      url: off.url,
      events: [MV_CREATED],
      status: 'DISABLED',
    });
    await a.call('POST', '/api/2.0/mlflow/registered-models/create', { name: 'm' });
    await a.call('POST', '/api/2.0/mlflow/model-versions/create', { name: 'm', source: 's3://b/m' });
    await live.waitFor(1);
    // Disabling stops deliveries from then on.
    await a.call('PATCH', `${HOOKS}/${liveHook.webhook_id}`, { status: 'DISABLED' });
    await a.call('POST', '/api/2.0/mlflow/model-versions/create', { name: 'm', source: 's3://b/m' });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(live.received).toHaveLength(1);
    expect(live.received[0]?.json.data.version).toBe('1');
    expect(live.received[0]?.signature).toBeUndefined();
    expect(off.received).toHaveLength(0);
    const log = await a.call('GET', `${HOOKS}/${offHook.webhook_id}/deliveries`);
    expect(log.body).toEqual({ deliveries: [] });
  });
});
