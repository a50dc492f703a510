/**
 * Registry events are decided and stored inside the change's transaction: the event costs exactly
 * one statement there (the outbox INSERT, which also finds the subscribers), and a prompt's changes
 * raise the prompt_* events without reading the model again.
 */
import { openTestTrackingStore, type TestTrackingStore } from '../../../testing/test-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryEventSink } from '../../../registry/registry-events';
import { RegistryService } from '../../../registry/registry-service';
import type { KeyValue } from '../../../tracking/entities';
import { WebhookService } from '../../../webhooks/webhook-service';
import { DEFAULT_WEBHOOK_SETTINGS } from '../../../webhooks/webhook-settings';
import type { SqlTrackingStore } from '../tracking/sql-tracking-store';
import type { Queryable, SqlDriver } from '../driver';
import { SqlRegistryStore } from './sql-registry-store';

/** `db` with a log of every statement it runs, and whether it ran inside a transaction. */
function counting(db: SqlDriver): { driver: SqlDriver; log: { inTx: boolean; sql: string }[] } {
  const log: { inTx: boolean; sql: string }[] = [];
  const wrap = (q: Queryable, inTx: boolean): Queryable => ({
    all: (sql, params) => (log.push({ inTx, sql }), q.all(sql, params)),
    values: (sql, params) => (log.push({ inTx, sql }), q.values(sql, params)),
    get: (sql, params) => (log.push({ inTx, sql }), q.get(sql, params)),
    run: (sql, params) => (log.push({ inTx, sql }), q.run(sql, params)),
  });
  const driver: SqlDriver = {
    ...wrap(db, false),
    dialect: db.dialect,
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx, true))),
    exec: (sql) => db.exec(sql),
    close: () => db.close(),
  };
  return { driver, log };
}

const PROMPT: KeyValue = { key: 'mlflow.prompt.is_prompt', value: 'true' };

let store: SqlTrackingStore;
let opened: TestTrackingStore;
let log: { inTx: boolean; sql: string }[];
/** Registry services over the counting driver: one writing to the webhooks' outbox, one to nothing. */
let withOutbox: RegistryService;
let withoutEvents: RegistryService;

beforeAll(async () => {
  opened = await openTestTrackingStore('loom-registry-events-');
  ({ store } = opened);
  const counted = counting(store.db);
  log = counted.log;
  const webhooks = new WebhookService(store.db, DEFAULT_WEBHOOK_SETTINGS, undefined);
  const registryStore = new SqlRegistryStore(counted.driver);
  withOutbox = new RegistryService(registryStore, store, { events: webhooks });
  const none: RegistryEventSink = { write: () => Promise.resolve(false), committed() {} };
  withoutEvents = new RegistryService(registryStore, store, { events: none });
  await webhooks.createWebhook({
    name: 'all',
    url: 'https://example.com/hook',
    events: [
      { entity: 'MODEL_VERSION_TAG', action: 'SET' },
      { entity: 'PROMPT_VERSION_TAG', action: 'SET' },
      { entity: 'PROMPT_ALIAS', action: 'CREATED' },
      { entity: 'PROMPT_TAG', action: 'SET' },
      { entity: 'PROMPT_TAG', action: 'DELETED' },
    ],
  });
  for (const [name, tags] of [
    ['p', [PROMPT]],
    ['m', []],
  ] as const) {
    await withOutbox.createRegisteredModel({ name, tags: [...tags] });
    await withOutbox.createModelVersion({ name, source: 's3://b/x', tags: [...tags] });
  }
});

afterAll(async () => {
  await opened.close();
});

/** The statements `change` runs. */
async function statements(change: () => Promise<unknown>) {
  log.length = 0;
  await change();
  return [...log];
}

const outboxEvents = async () =>
  (await store.db.all<{ event: string }>('SELECT event FROM webhook_deliveries')).map((r) => r.event);

describe('registry events in the change’s transaction', () => {
  it('cost one statement, inside the transaction, and name a prompt’s changes prompt_*', async () => {
    await store.db.run('DELETE FROM webhook_deliveries');
    const changes: [string, (r: RegistryService) => Promise<unknown>][] = [
      ['prompt version tag', (r) => r.setModelVersionTag('p', '1', 'k', 'v')],
      ['model version tag', (r) => r.setModelVersionTag('m', '1', 'k', 'v')],
      ['prompt alias', (r) => r.setRegisteredModelAlias('p', 'prod', '1')],
      ['prompt tag', (r) => r.setRegisteredModelTag('p', 'owner', 'me')],
      ['model tag (no event)', (r) => r.setRegisteredModelTag('m', 'owner', 'me')],
    ];
    for (const [what, change] of changes) {
      const bare = await statements(() => change(withoutEvents));
      const full = await statements(() => change(withOutbox));
      const event = what.endsWith('(no event)') ? 0 : 1;
      // Exactly one more statement than without events: the outbox INSERT, inside the transaction.
      expect(full.length, what).toBe(bare.length + event);
      const outbox = full.filter((s) => s.sql.includes('webhook_deliveries'));
      expect(
        outbox.map((s) => s.inTx),
        what,
      ).toEqual(new Array(event).fill(true));
      // Nothing read outside the transaction beyond the checks made before it (protections).
      expect(full.filter((s) => !s.inTx).length, what).toBe(bare.filter((s) => !s.inTx).length);
    }
    expect((await outboxEvents()).sort()).toEqual([
      'model_version_tag.set',
      'prompt_alias.created',
      'prompt_tag.set',
      'prompt_version_tag.set',
    ]);
  });

  it('decide prompt-ness as the change leaves the model', async () => {
    await store.db.run('DELETE FROM webhook_deliveries');
    // Tagging a model as a prompt makes it one: MLflow announces prompt_tag.set.
    await withOutbox.createRegisteredModel({ name: 'becomes-prompt' });
    await withOutbox.setRegisteredModelTag('becomes-prompt', PROMPT.key, 'true');
    // Removing the flag makes it a plain model again: no event.
    await withOutbox.deleteRegisteredModelTag('becomes-prompt', PROMPT.key);
    await withOutbox.deleteRegisteredModelTag('p', 'owner');
    expect((await outboxEvents()).sort()).toEqual(['prompt_tag.deleted', 'prompt_tag.set']);
  });
});
