/**
 * The delivery outbox. Rows are written in the transaction of the registry change they announce and
 * claimed by any server's dispatcher with a lease; PostgreSQL's `FOR UPDATE SKIP LOCKED` lets many servers claim at once
 * without waiting on or double-claiming each other's rows (SQLite's single writer does the same).
 */
import type { RegistryEventName } from '../../../registry/registry-events';
import type { DeliveryStatus, WebhookDelivery } from '../../../webhooks/webhook-entities';
import type { Dialect, Queryable, SqlDriver } from '../driver';
import { toAttempt, toDelivery, type AttemptRow, type DeliveryRow, type WebhookRow } from './webhook-rows';

/** An event to deliver to its subscribers, with the body they are sent. */
export interface OutboxEvent {
  event: RegistryEventName;
  body: string;
}

/** A claimed delivery with what is needed to send it. */
export interface ClaimedDelivery {
  deliveryId: string;
  webhookId: string;
  body: string;
  /** Attempts made before this one. */
  attempts: number;
  /** The webhook as it is now; absent if it was deleted meanwhile. */
  webhook?: Pick<WebhookRow, 'url' | 'status' | 'secret'> | undefined;
}

export interface AttemptOutcome {
  deliveryId: string;
  owner: string;
  attempt: number;
  startedAt: number;
  durationMs: number;
  responseStatus?: number | undefined;
  errorMessage?: string | undefined;
  /** PENDING (retry at `nextAttemptAt`), DELIVERED or FAILED. */
  status: DeliveryStatus;
  nextAttemptAt: number;
  finishedAt?: number | undefined;
}

const DELIVERY_COLUMNS =
  'delivery_id, webhook_id, event, body, status, attempts, next_attempt_at, created_at, finished_at';

/** A fresh random (version 4) UUID per row, as the delivery id receivers deduplicate on. */
const NEW_DELIVERY_ID: Record<Dialect, string> = {
  postgres: 'CAST(gen_random_uuid() AS TEXT)',
  sqlite: `lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' ||
    substr('89ab', 1 + abs(random()) % 4, 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))`,
};

/**
 * Writes one pending delivery, due now, per ACTIVE webhook subscribed to each event. The subscriber
 * lookup is part of the INSERT, so an event costs no extra round trip, whoever subscribes. Resolves
 * to the events that got at least one row.
 */
export async function enqueueDeliveries(
  tx: Queryable,
  dialect: Dialect,
  events: readonly OutboxEvent[],
  time: number,
): Promise<Set<RegistryEventName>> {
  if (events.length === 0) return new Set();
  // VALUES names its columns column1, column2 in both databases.
  const rows = await tx.all<{ event: RegistryEventName }>(
    `INSERT INTO webhook_deliveries (delivery_id, webhook_id, event, body, status, attempts, next_attempt_at,
       created_at)
     SELECT ${NEW_DELIVERY_ID[dialect]}, w.webhook_id, v.column1, v.column2, 'PENDING', 0, CAST(? AS BIGINT),
       CAST(? AS BIGINT)
     FROM (VALUES ${events.map(() => '(CAST(? AS TEXT), CAST(? AS TEXT))').join(', ')}) AS v
     JOIN webhook_events e ON e.event = v.column1
     JOIN webhooks w ON w.webhook_id = e.webhook_id AND w.status = 'ACTIVE'
     RETURNING event`,
    [time, time, ...events.flatMap((e) => [e.event, e.body])],
  );
  return new Set(rows.map((r) => r.event));
}

const DUE = `status = 'PENDING' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?)`;

/** Whether any delivery is due: a read, so idle polls never open a write transaction. */
export async function hasDueDeliveries(db: Queryable, now: number): Promise<boolean> {
  return (
    (await db.get(`SELECT 1 AS due FROM webhook_deliveries WHERE ${DUE} LIMIT 1`, [now, now])) !== undefined
  );
}

/** Leases up to `limit` due deliveries to `owner` until `leaseUntil`. */
export async function claimDueDeliveries(
  db: SqlDriver,
  owner: string,
  now: number,
  leaseUntil: number,
  limit: number,
): Promise<ClaimedDelivery[]> {
  const skipLocked = db.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
  return db.transaction(async (tx) => {
    const claimed = await tx.all<{ delivery_id: string; webhook_id: string; body: string; attempts: number }>(
      `UPDATE webhook_deliveries SET lease_owner = ?, lease_until = ?
       WHERE delivery_id IN (
         SELECT delivery_id FROM webhook_deliveries
         WHERE ${DUE}
         ORDER BY next_attempt_at LIMIT ?${skipLocked})
       RETURNING delivery_id, webhook_id, body, attempts`,
      [owner, leaseUntil, now, now, limit],
    );
    if (claimed.length === 0) return [];
    const ids = [...new Set(claimed.map((c) => c.webhook_id))];
    const hooks = await tx.all<WebhookRow>(
      `SELECT webhook_id, url, status, secret FROM webhooks WHERE webhook_id IN (${ids.map(() => '?').join(', ')})`,
      ids,
    );
    const byId = new Map(hooks.map((h) => [h.webhook_id, h]));
    return claimed.map((c) => ({
      deliveryId: c.delivery_id,
      webhookId: c.webhook_id,
      body: c.body,
      attempts: Number(c.attempts),
      webhook: byId.get(c.webhook_id),
    }));
  });
}

/** Logs an attempt and moves the delivery on, if `owner` still holds its lease. */
export async function recordAttempt(db: SqlDriver, o: AttemptOutcome): Promise<boolean> {
  return db.transaction(async (tx) => {
    const changed = await tx.run(
      `UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?, finished_at = ?,
         lease_owner = NULL, lease_until = NULL
       WHERE delivery_id = ? AND lease_owner = ?`,
      [o.status, o.attempt, o.nextAttemptAt, o.finishedAt ?? null, o.deliveryId, o.owner],
    );
    if (changed === 0) return false;
    await tx.run(
      `INSERT INTO webhook_delivery_attempts (delivery_id, attempt, started_at, duration_ms, response_status,
         error_message) VALUES (?, ?, ?, ?, ?, ?)`,
      [o.deliveryId, o.attempt, o.startedAt, o.durationMs, o.responseStatus ?? null, o.errorMessage ?? null],
    );
    return true;
  });
}

/** Gives a claimed delivery back untouched (the server is stopping mid-send). */
export async function releaseDelivery(db: SqlDriver, deliveryId: string, owner: string): Promise<void> {
  await db.transaction((tx) =>
    tx.run(
      'UPDATE webhook_deliveries SET lease_owner = NULL, lease_until = NULL WHERE delivery_id = ? AND lease_owner = ?',
      [deliveryId, owner],
    ),
  );
}

/** One page of a webhook's deliveries, newest first, with their attempts. */
export async function listWebhookDeliveries(
  db: Queryable,
  webhookId: string,
  offset: number,
  limit: number,
): Promise<WebhookDelivery[]> {
  const rows = await db.all<DeliveryRow>(
    `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE webhook_id = ?
     ORDER BY created_at DESC, delivery_id LIMIT ? OFFSET ?`,
    [webhookId, limit, offset],
  );
  if (rows.length === 0) return [];
  const attempts = await db.all<AttemptRow>(
    `SELECT delivery_id, attempt, started_at, duration_ms, response_status, error_message
     FROM webhook_delivery_attempts WHERE delivery_id IN (${rows.map(() => '?').join(', ')})
     ORDER BY delivery_id, attempt`,
    rows.map((r) => r.delivery_id),
  );
  return rows.map((r) =>
    toDelivery(r, attempts.filter((a) => a.delivery_id === r.delivery_id).map(toAttempt)),
  );
}
