/** Webhook and delivery rows as the databases return them, and their conversion to entities. */
import type { RegistryEventName } from '../../../registry/registry-events';
import type {
  DeliveryAttempt,
  DeliveryStatus,
  Webhook,
  WebhookDelivery,
  WebhookStatus,
} from '../../../webhooks/webhook-entities';

export interface WebhookRow {
  webhook_id: string;
  name: string;
  description: string | null;
  url: string;
  status: string;
  secret: string | null;
  creation_timestamp: number | string;
  last_updated_timestamp: number | string;
}

export interface DeliveryRow {
  delivery_id: string;
  webhook_id: string;
  event: string;
  body: string;
  status: string;
  attempts: number | string;
  next_attempt_at: number | string;
  created_at: number | string;
  finished_at: number | string | null;
}

export interface AttemptRow {
  delivery_id: string;
  attempt: number | string;
  started_at: number | string;
  duration_ms: number | string;
  response_status: number | string | null;
  error_message: string | null;
}

const optionalNumber = (v: number | string | null) => (v === null ? undefined : Number(v));

/** A webhook row with its subscribed events. */
export function toWebhook(row: WebhookRow, events: readonly string[]): Webhook {
  return {
    webhookId: row.webhook_id,
    name: row.name,
    description: row.description ?? undefined,
    url: row.url,
    events: events as RegistryEventName[],
    status: row.status as WebhookStatus,
    creationTimestamp: Number(row.creation_timestamp),
    lastUpdatedTimestamp: Number(row.last_updated_timestamp),
  };
}

export function toAttempt(row: AttemptRow): DeliveryAttempt {
  return {
    attempt: Number(row.attempt),
    startedAt: Number(row.started_at),
    durationMs: Number(row.duration_ms),
    responseStatus: optionalNumber(row.response_status),
    errorMessage: row.error_message ?? undefined,
  };
}

export function toDelivery(row: DeliveryRow, attempts: DeliveryAttempt[]): WebhookDelivery {
  const status = row.status as DeliveryStatus;
  return {
    deliveryId: row.delivery_id,
    webhookId: row.webhook_id,
    event: row.event as RegistryEventName,
    status,
    attempts,
    createdAt: Number(row.created_at),
    nextAttemptAt: status === 'PENDING' ? Number(row.next_attempt_at) : undefined,
    finishedAt: optionalNumber(row.finished_at),
    body: row.body,
  };
}
