/** Webhooks as the engine sees them (camelCase); the wire shapes live in the server's presenter. */
import type { RegistryEventName } from '../registry/registry-events';

export const WEBHOOK_STATUSES = ['ACTIVE', 'DISABLED'] as const;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];

export interface Webhook {
  webhookId: string;
  name: string;
  description?: string | undefined;
  url: string;
  /** Subscribed events, `entity.action` (lowercase), in the order they were given. */
  events: RegistryEventName[];
  status: WebhookStatus;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
}

/** The outcome of one POST to a receiver. */
export interface WebhookSendResult {
  /** The HTTP status, absent when no response arrived (connection refused, timeout). */
  status?: number | undefined;
  /** The response body (truncated), when a response arrived. */
  body?: string | undefined;
  /** Why no usable response arrived. */
  error?: string | undefined;
  /** Seconds the receiver asked us to wait (`Retry-After`), if it said. */
  retryAfterMs?: number | undefined;
}

/** What `test` answers (MLflow's WebhookTestResult). */
export interface WebhookTestResult {
  success: boolean;
  responseStatus?: number | undefined;
  responseBody?: string | undefined;
  errorMessage?: string | undefined;
}

export const DELIVERY_STATUSES = ['PENDING', 'DELIVERED', 'FAILED'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface DeliveryAttempt {
  attempt: number;
  startedAt: number;
  durationMs: number;
  responseStatus?: number | undefined;
  errorMessage?: string | undefined;
}

/** One event sent (or being sent) to one webhook, with every attempt made so far. */
export interface WebhookDelivery {
  deliveryId: string;
  webhookId: string;
  event: RegistryEventName;
  status: DeliveryStatus;
  attempts: DeliveryAttempt[];
  createdAt: number;
  nextAttemptAt?: number | undefined;
  finishedAt?: number | undefined;
  /** The exact JSON body sent (signed bytes). */
  body: string;
}
