/**
 * The outbox is written in the registry change's own transaction: a change that answered 200 already
 * has its delivery rows, and a change whose rows cannot be written is rolled back and refused.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SqlDriver, SqlTrackingStore, WebhookSettings } from '@loom/core';
import { createTestApp, TEST_WEBHOOK_SETTINGS, type TestApp } from '../testing/test-app';

const API = '/api/2.0/mlflow';
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An app whose dispatcher is stopped, so outbox rows stay as the change wrote them. */
async function app(settings: Partial<WebhookSettings> = {}): Promise<{ a: TestApp; db: SqlDriver }> {
  const a = await createTestApp({ webhooks: { ...TEST_WEBHOOK_SETTINGS, ...settings } });
  cleanups.push(() => a.close());
  await a.webhooks.dispatcher.stop();
  return { a, db: (a.store as SqlTrackingStore).db };
}

async function ok(a: TestApp, method: string, path: string, body: unknown) {
  const res = await a.call(method, `${API}${path}`, body);
  expect(res.status, res.text).toBe(200);
  return res;
}

async function subscribe(a: TestApp, name: string, events: { entity: string; action: string }[]) {
  // A port nothing listens on: the dispatcher is stopped, nothing is sent.
  await ok(a, 'POST', '/webhooks', { name, url: 'http://127.0.0.1:9/hook', events });
}

interface OutboxRow {
  delivery_id: string;
  event: string;
  body: string;
  status: string;
}

const outbox = (db: SqlDriver) =>
  db.all<OutboxRow>('SELECT delivery_id, event, body, status FROM webhook_deliveries ORDER BY event');

/** Makes every insert into the outbox fail inside the transaction that attempts it. */
async function breakOutbox(db: SqlDriver): Promise<() => Promise<void>> {
  if (db.dialect === 'sqlite') {
    await db.exec(`CREATE TRIGGER outbox_down BEFORE INSERT ON webhook_deliveries
      BEGIN SELECT RAISE(ABORT, 'outbox unavailable'); END`);
    return () => db.exec('DROP TRIGGER outbox_down');
  }
  await db.exec(`CREATE FUNCTION outbox_down() RETURNS trigger LANGUAGE plpgsql AS
      $$ BEGIN RAISE EXCEPTION 'outbox unavailable'; END $$;
    CREATE TRIGGER outbox_down BEFORE INSERT ON webhook_deliveries
      FOR EACH ROW EXECUTE FUNCTION outbox_down()`);
  return () => db.exec('DROP TRIGGER outbox_down ON webhook_deliveries; DROP FUNCTION outbox_down()');
}

describe('the webhook outbox', () => {
  it('holds a change’s delivery rows when the call returns, one per subscriber, and none unsubscribed', async () => {
    const { a, db } = await app();
    const tagSet = { entity: 'MODEL_VERSION_TAG', action: 'SET' };
    await subscribe(a, 'one', [tagSet]);
    await subscribe(a, 'two', [tagSet, { entity: 'MODEL_VERSION', action: 'CREATED' }]);
    await ok(a, 'POST', '/registered-models/create', { name: 'm' });
    expect(await outbox(db)).toEqual([]);

    await ok(a, 'POST', '/model-versions/create', { name: 'm', source: 's3://b/m' });
    expect((await outbox(db)).map((r) => r.event)).toEqual(['model_version.created']);

    await ok(a, 'POST', '/model-versions/set-tag', { name: 'm', version: '1', key: 'k', value: 'v' });
    const rows = (await outbox(db)).filter((r) => r.event === 'model_version_tag.set');
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r.status).toBe('PENDING');
      expect(r.delivery_id).toMatch(UUID_V4);
      expect(JSON.parse(r.body)).toMatchObject({
        entity: 'model_version_tag',
        action: 'set',
        data: { name: 'm', version: '1', key: 'k', value: 'v' },
      });
    }
    expect(rows[0]!.delivery_id).not.toBe(rows[1]!.delivery_id);
  });

  it('rolls the change back, and refuses it, when its outbox rows cannot be written', async () => {
    const { a, db } = await app();
    await subscribe(a, 'all', [
      { entity: 'MODEL_VERSION', action: 'CREATED' },
      { entity: 'MODEL_VERSION_TAG', action: 'SET' },
      { entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' },
      { entity: 'TRANSITION_REQUEST', action: 'CREATED' },
    ]);
    await ok(a, 'POST', '/registered-models/create', { name: 'm' });
    await ok(a, 'POST', '/model-versions/create', { name: 'm', source: 's3://b/m' });
    const repair = await breakOutbox(db);

    const refused = [
      await a.call('POST', `${API}/model-versions/set-tag`, {
        name: 'm',
        version: '1',
        key: 'k',
        value: 'v',
      }),
      await a.call('POST', `${API}/registered-models/alias`, { name: 'm', alias: 'champion', version: '1' }),
      await a.call('POST', `${API}/model-versions/create`, { name: 'm', source: 's3://b/m2' }),
      await a.call('POST', '/api/2.0/mlflow/transition-requests/create', {
        name: 'm',
        version: '1',
        stage: 'Staging',
      }),
    ];
    for (const res of refused) expect([res.status, res.body.error_code]).toEqual([500, 'INTERNAL_ERROR']);
    const version = (await ok(a, 'GET', '/model-versions/get', { name: 'm', version: '1' })).body
      .model_version;
    expect(version.tags ?? []).toEqual([]);
    expect(version.aliases ?? []).toEqual([]);
    const missing = await a.call('GET', `${API}/model-versions/get`, { name: 'm', version: '2' });
    expect(missing.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    const requests = await a.call('GET', '/api/2.0/mlflow/transition-requests/list', {
      name: 'm',
      version: '1',
    });
    expect(requests.body.requests ?? []).toEqual([]);
    // Nor did the audit log keep any of them.
    const audited = await db.all<{ action: string }>(
      'SELECT action FROM registry_audit_log ORDER BY audit_id',
    );
    expect(audited.map((r) => r.action)).toEqual(['createRegisteredModel', 'createModelVersion']);
    // A change with no subscriber writes no row, so it goes through.
    await ok(a, 'DELETE', '/model-versions/delete-tag', { name: 'm', version: '1', key: 'k' });

    await repair();
    await ok(a, 'POST', '/model-versions/set-tag', { name: 'm', version: '1', key: 'k', value: 'v' });
    const tags = (await ok(a, 'GET', '/model-versions/get', { name: 'm', version: '1' })).body.model_version
      .tags;
    expect(tags).toEqual([{ key: 'k', value: 'v' }]);
    expect((await outbox(db)).map((r) => r.event)).toEqual([
      'model_version.created',
      'model_version_tag.set',
    ]);
  });

  it('with MLFLOW_WEBHOOK_CACHE_TTL, skips an unsubscribed event until this server changes its webhooks', async () => {
    const { a, db } = await app({ cacheTtlMs: 60_000 });
    await ok(a, 'POST', '/registered-models/create', { name: 'm' });
    await ok(a, 'POST', '/model-versions/create', { name: 'm', source: 's3://b/m' });
    const setTag = () =>
      ok(a, 'POST', '/model-versions/set-tag', { name: 'm', version: '1', key: 'k', value: 'v' });
    await setTag();
    // A webhook written behind this server's back (as another server would) is not seen yet...
    await db.run(
      `INSERT INTO webhooks (webhook_id, name, url, status, creation_timestamp, last_updated_timestamp)
       VALUES ('other', 'other', 'http://127.0.0.1:9/hook', 'ACTIVE', 0, 0)`,
    );
    await db.run(`INSERT INTO webhook_events (webhook_id, event) VALUES ('other', 'model_version_tag.set')`);
    await setTag();
    expect(await outbox(db)).toEqual([]);
    // ...but one created through this server is, at once.
    await subscribe(a, 'mine', [{ entity: 'MODEL_VERSION_TAG', action: 'SET' }]);
    await setTag();
    expect((await outbox(db)).map((r) => r.event)).toEqual([
      'model_version_tag.set',
      'model_version_tag.set',
    ]);
  });
});
