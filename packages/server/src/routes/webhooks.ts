/** Webhook endpoints (webhooks.proto) and Loom's per-webhook delivery log. */
import { LoomError, webhooks as api } from '@loom/protocol';
import type { WebhookService } from '@loom/core';
import type { AppDeps } from '../deps';
import { presentWebhook, presentWebhookDelivery, presentWebhookTestResult } from '../presenters/webhooks';
import { rpc, type RpcRoute } from '../rpc';

function webhooksOf(deps: AppDeps): WebhookService {
  if (!deps.webhooks) throw new LoomError('ENDPOINT_NOT_FOUND', 'This server has no webhooks');
  return deps.webhooks;
}

const nextPage = (token: string | undefined) => (token ? { next_page_token: token } : {});

export const webhookRoutes = [
  rpc({
    name: 'createWebhook',
    methods: ['POST'],
    path: '/webhooks',
    request: api.createWebhook,
    handle: async (req, deps) => ({ webhook: presentWebhook(await webhooksOf(deps).createWebhook(req)) }),
  }),
  rpc({
    name: 'listWebhooks',
    methods: ['GET'],
    path: '/webhooks',
    request: api.listWebhooks,
    handle: async (req, deps) => {
      const page = await webhooksOf(deps).listWebhooks({
        maxResults: req.max_results,
        pageToken: req.page_token,
      });
      // MLflow always answers the list, even when empty.
      return { webhooks: page.items.map(presentWebhook), ...nextPage(page.nextPageToken) };
    },
  }),
  rpc({
    name: 'getWebhook',
    methods: ['GET'],
    path: '/webhooks/:webhook_id',
    request: api.getWebhook,
    handle: async (req, deps) => ({
      webhook: presentWebhook(await webhooksOf(deps).getWebhook(req.webhook_id)),
    }),
  }),
  rpc({
    name: 'updateWebhook',
    methods: ['PATCH'],
    path: '/webhooks/:webhook_id',
    request: api.updateWebhook,
    handle: async (req, deps) => {
      const { webhook_id, events, ...fields } = req;
      // A repeated field cannot say "absent": an empty list leaves the events as they are.
      const patch = { ...fields, events: events.length > 0 ? events : undefined };
      return { webhook: presentWebhook(await webhooksOf(deps).updateWebhook(webhook_id, patch)) };
    },
  }),
  rpc({
    name: 'deleteWebhook',
    methods: ['DELETE'],
    path: '/webhooks/:webhook_id',
    request: api.deleteWebhook,
    handle: async (req, deps) => {
      await webhooksOf(deps).deleteWebhook(req.webhook_id);
      return {};
    },
  }),
  rpc({
    name: 'testWebhook',
    methods: ['POST'],
    path: '/webhooks/:webhook_id/test',
    request: api.testWebhook,
    handle: async (req, deps) => ({
      result: presentWebhookTestResult(await webhooksOf(deps).testWebhook(req.webhook_id, req.event)),
    }),
  }),
  rpc({
    name: 'listWebhookDeliveries',
    methods: ['GET'],
    path: '/webhooks/:webhook_id/deliveries',
    request: api.listWebhookDeliveries,
    handle: async (req, deps) => {
      const page = await webhooksOf(deps).listWebhookDeliveries(req.webhook_id, {
        maxResults: req.max_results,
        pageToken: req.page_token,
      });
      return { deliveries: page.items.map(presentWebhookDelivery), ...nextPage(page.nextPageToken) };
    },
  }),
] as unknown as readonly RpcRoute[];
