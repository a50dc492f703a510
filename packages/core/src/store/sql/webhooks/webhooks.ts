/** Webhook rows and their subscriptions. */
import { notFound } from '@loom/protocol';
import type { RegistryEventName } from '../../../registry/registry-events';
import type { Webhook, WebhookStatus } from '../../../webhooks/webhook-entities';
import type { Queryable, SqlDriver } from '../driver';
import { toWebhook, type WebhookRow } from './webhook-rows';

export interface NewWebhook {
  webhookId: string;
  name: string;
  description?: string | undefined;
  url: string;
  events: readonly RegistryEventName[];
  status: WebhookStatus;
  /** Already sealed (encrypted). */
  secret?: string | undefined;
  time: number;
}

export interface WebhookPatch {
  name?: string | undefined;
  description?: string | undefined;
  url?: string | undefined;
  events?: readonly RegistryEventName[] | undefined;
  status?: WebhookStatus | undefined;
  /** Sealed; `''` removes the secret. */
  secret?: string | undefined;
  time: number;
}

const COLUMNS =
  'webhook_id, name, description, url, status, secret, creation_timestamp, last_updated_timestamp';

function missing(id: string) {
  return notFound(`Webhook with ID ${id} not found.`);
}

async function eventsOf(db: Queryable, ids: readonly string[]): Promise<Map<string, string[]>> {
  const byId = new Map<string, string[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return byId;
  const rows = await db.all<{ webhook_id: string; event: string }>(
    `SELECT webhook_id, event FROM webhook_events WHERE webhook_id IN (${ids.map(() => '?').join(', ')})
     ORDER BY webhook_id, event`,
    ids,
  );
  for (const r of rows) byId.get(r.webhook_id)?.push(r.event);
  return byId;
}

async function insertEvents(tx: Queryable, id: string, events: readonly string[]): Promise<void> {
  for (const event of new Set(events)) {
    await tx.run('INSERT INTO webhook_events (webhook_id, event) VALUES (?, ?)', [id, event]);
  }
}

/** A webhook row (with its sealed secret), or undefined. */
export async function getWebhookRow(db: Queryable, id: string): Promise<WebhookRow | undefined> {
  return db.get<WebhookRow>(`SELECT ${COLUMNS} FROM webhooks WHERE webhook_id = ?`, [id]);
}

export async function createWebhook(db: SqlDriver, w: NewWebhook): Promise<Webhook> {
  await db.transaction(async (tx) => {
    await tx.run(`INSERT INTO webhooks (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, [
      w.webhookId,
      w.name,
      w.description ?? null,
      w.url,
      w.status,
      w.secret ?? null,
      w.time,
      w.time,
    ]);
    await insertEvents(tx, w.webhookId, w.events);
  });
  return getWebhook(db, w.webhookId);
}

export async function getWebhook(db: Queryable, id: string): Promise<Webhook> {
  const row = await getWebhookRow(db, id);
  if (!row) throw missing(id);
  return toWebhook(row, (await eventsOf(db, [id])).get(id) ?? []);
}

/** One page of webhooks, newest first. */
export async function listWebhooks(db: Queryable, offset: number, limit: number): Promise<Webhook[]> {
  const rows = await db.all<WebhookRow>(
    `SELECT ${COLUMNS} FROM webhooks ORDER BY creation_timestamp DESC, webhook_id LIMIT ? OFFSET ?`,
    [limit, offset],
  );
  const events = await eventsOf(
    db,
    rows.map((r) => r.webhook_id),
  );
  return rows.map((r) => toWebhook(r, events.get(r.webhook_id) ?? []));
}

export async function updateWebhook(db: SqlDriver, id: string, p: WebhookPatch): Promise<Webhook> {
  await db.transaction(async (tx) => {
    const sets: string[] = ['last_updated_timestamp = ?'];
    const params: (string | number | null)[] = [p.time];
    const set = (column: string, value: string | null | undefined) => {
      if (value === undefined) return;
      sets.push(`${column} = ?`);
      params.push(value);
    };
    set('name', p.name);
    set('description', p.description);
    set('url', p.url);
    set('status', p.status);
    set('secret', p.secret === '' ? null : p.secret);
    const changed = await tx.run(`UPDATE webhooks SET ${sets.join(', ')} WHERE webhook_id = ?`, [
      ...params,
      id,
    ]);
    if (changed === 0) throw missing(id);
    if (p.events) {
      await tx.run('DELETE FROM webhook_events WHERE webhook_id = ?', [id]);
      await insertEvents(tx, id, p.events);
    }
  });
  return getWebhook(db, id);
}

/** Deletes a webhook with its subscriptions and delivery log. */
export async function deleteWebhook(db: SqlDriver, id: string): Promise<void> {
  const changed = await db.transaction((tx) => tx.run('DELETE FROM webhooks WHERE webhook_id = ?', [id]));
  if (changed === 0) throw missing(id);
}
