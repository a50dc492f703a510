/** Webhook entities → wire JSON (webhooks.proto); the secret is never part of any answer. */
import { toWireEvent, type Webhook, type WebhookDelivery, type WebhookTestResult } from '@loom/core';

/** MLflow's `Webhook` message. */
export function presentWebhook(w: Webhook): Record<string, unknown> {
  return {
    webhook_id: w.webhookId,
    name: w.name,
    ...(w.description !== undefined ? { description: w.description } : {}),
    url: w.url,
    events: w.events.map(toWireEvent),
    status: w.status,
    creation_timestamp: w.creationTimestamp,
    last_updated_timestamp: w.lastUpdatedTimestamp,
  };
}

/** MLflow's `WebhookTestResult`. */
export function presentWebhookTestResult(r: WebhookTestResult): Record<string, unknown> {
  return {
    success: r.success,
    ...(r.responseStatus !== undefined ? { response_status: r.responseStatus } : {}),
    ...(r.responseBody !== undefined ? { response_body: r.responseBody } : {}),
    ...(r.errorMessage !== undefined ? { error_message: r.errorMessage } : {}),
  };
}

/** Loom's delivery-log entry: one event sent to one webhook, with each attempt. */
export function presentWebhookDelivery(d: WebhookDelivery): Record<string, unknown> {
  return {
    delivery_id: d.deliveryId,
    webhook_id: d.webhookId,
    event: toWireEvent(d.event),
    status: d.status,
    creation_timestamp: d.createdAt,
    ...(d.nextAttemptAt !== undefined ? { next_attempt_timestamp: d.nextAttemptAt } : {}),
    ...(d.finishedAt !== undefined ? { finished_timestamp: d.finishedAt } : {}),
    attempts: d.attempts.map((a) => ({
      attempt: a.attempt,
      timestamp: a.startedAt,
      duration_ms: a.durationMs,
      ...(a.responseStatus !== undefined ? { response_status: a.responseStatus } : {}),
      ...(a.errorMessage !== undefined ? { error_message: a.errorMessage } : {}),
    })),
    payload: d.body,
  };
}
