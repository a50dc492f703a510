/** Request schemas of MLflow 3's webhook service (webhooks.proto), plus Loom's delivery log. */
import { f } from './schema';

/** `{entity, action}`, proto enum names (`MODEL_VERSION`, `CREATED`). */
const webhookEvent = f.message({ entity: f.string(), action: f.string() });
const webhookRef = { webhook_id: f.string().required() };

export const createWebhook = {
  name: f.string(),
  url: f.string(),
  events: webhookEvent.list(),
  description: f.string(),
  secret: f.string(),
  status: f.string(),
};
export const listWebhooks = { max_results: f.int32(), page_token: f.string() };
export const getWebhook = webhookRef;
export const updateWebhook = { ...webhookRef, ...createWebhook };
export const deleteWebhook = webhookRef;
export const testWebhook = { ...webhookRef, event: webhookEvent };
/** Loom: GET `/webhooks/{webhook_id}/deliveries`. */
export const listWebhookDeliveries = { ...webhookRef, max_results: f.int32(), page_token: f.string() };
