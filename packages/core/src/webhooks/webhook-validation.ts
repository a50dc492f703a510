/** MLflow's rules for webhook fields, with messages in its style. */
import { invalidParameter } from '@loom/protocol';
import type { RegistryEventName } from '../registry/registry-events';
import { WEBHOOK_STATUSES, type WebhookStatus } from './webhook-entities';
import { fromWireEvent, type WireWebhookEventIn } from './webhook-events';

const MAX_NAME = 256;
const MAX_URL = 2048;

export function validateWebhookName(name: string | undefined): string {
  const trimmed = (name ?? '').trim();
  if (trimmed === '') throw invalidParameter('Webhook name cannot be empty.');
  if (trimmed.length > MAX_NAME) {
    throw invalidParameter(`Webhook name '${trimmed.slice(0, 32)}...' exceeds ${MAX_NAME} characters.`);
  }
  return trimmed;
}

/** An absolute URL whose scheme is in `allowedSchemes`. */
export function validateWebhookUrl(url: string | undefined, allowedSchemes: readonly string[]): string {
  const value = (url ?? '').trim();
  if (value === '') throw invalidParameter('Webhook URL cannot be empty.');
  if (value.length > MAX_URL) throw invalidParameter(`Webhook URL exceeds ${MAX_URL} characters.`);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw invalidParameter(`Invalid webhook URL: '${value}'.`);
  }
  const scheme = parsed.protocol.replace(/:$/, '').toLowerCase();
  if (!allowedSchemes.includes(scheme)) {
    throw invalidParameter(
      `Invalid webhook URL scheme: '${scheme}'. Allowed schemes are: ${allowedSchemes.join(', ')} ` +
        '(set MLFLOW_WEBHOOK_ALLOWED_SCHEMES to change them).',
    );
  }
  if (!parsed.hostname) throw invalidParameter(`Invalid webhook URL: '${value}' has no host.`);
  return value;
}

/** A non-empty list of known events, duplicates dropped, order kept. */
export function validateWebhookEvents(
  events: readonly WireWebhookEventIn[] | undefined,
): RegistryEventName[] {
  if (!events || events.length === 0) throw invalidParameter('Webhook events cannot be empty.');
  return [...new Set(events.map(fromWireEvent))];
}

export function validateWebhookStatus(status: string): WebhookStatus {
  const upper = status.toUpperCase();
  if (!(WEBHOOK_STATUSES as readonly string[]).includes(upper)) {
    throw invalidParameter(
      `Invalid webhook status: '${status}'. Valid statuses are: ${WEBHOOK_STATUSES.join(', ')}.`,
    );
  }
  return upper as WebhookStatus;
}
