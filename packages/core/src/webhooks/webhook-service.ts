/**
 * Webhooks: CRUD with MLflow's validation, the `test` call, the delivery log, and the registry event
 * sink that turns each event into one outbox row per subscribed ACTIVE webhook, in the transaction of
 * the change the event describes.
 */
import { randomUUID } from 'node:crypto';
import { invalidParameter } from '@loom/protocol';
import type { RegistryEvent, RegistryEventName, RegistryEventSink } from '../registry/registry-events';
import type { Queryable, SqlDriver } from '../store/sql/driver';
import { enqueueDeliveries, listWebhookDeliveries } from '../store/sql/webhooks/deliveries';
import * as store from '../store/sql/webhooks/webhooks';
import type { Page } from '../tracking/entities';
import { decodePageToken, encodePageToken } from '../tracking/search/page-token';
import { validateMaxResults } from '../tracking/validation';
import { examplePayload } from './example-payloads';
import type { SecretBox } from './secret-box';
import type { Webhook, WebhookDelivery, WebhookTestResult } from './webhook-entities';
import { fromWireEvent, type WireWebhookEventIn } from './webhook-events';
import { sendWebhook } from './webhook-sender';
import type { WebhookSettings } from './webhook-settings';
import {
  validateWebhookEvents,
  validateWebhookName,
  validateWebhookStatus,
  validateWebhookUrl,
} from './webhook-validation';

export interface CreateWebhookArgs {
  name?: string | undefined;
  url?: string | undefined;
  events?: readonly WireWebhookEventIn[] | undefined;
  description?: string | undefined;
  secret?: string | undefined;
  status?: string | undefined;
}

export type UpdateWebhookArgs = CreateWebhookArgs;

export interface PageArgs {
  maxResults?: number | undefined;
  pageToken?: string | undefined;
}

const LIST_DEFAULT = 100;
const LIST_MAX = 1000;

/** The JSON body MLflow POSTs: `{entity, action, timestamp, data}`. */
export function webhookBody(
  event: RegistryEventName,
  timestamp: number,
  data: Record<string, unknown>,
): string {
  const [entity, action] = event.split('.');
  return JSON.stringify({ entity, action, timestamp: new Date(timestamp).toISOString(), data });
}

async function page<T>(
  args: PageArgs,
  read: (offset: number, limit: number) => Promise<T[]>,
): Promise<Page<T>> {
  const maxResults = args.maxResults ?? LIST_DEFAULT;
  validateMaxResults(maxResults, LIST_MAX);
  const offset = decodePageToken(args.pageToken);
  // One extra row tells whether another page exists.
  const rows = await read(offset, maxResults + 1);
  const items = rows.slice(0, maxResults);
  return {
    items,
    nextPageToken: rows.length > maxResults ? encodePageToken(offset + maxResults) : undefined,
  };
}

/** Webhook operations; also the registry's event sink. */
export class WebhookService implements RegistryEventSink {
  /** Called after deliveries were committed, so this server's dispatcher sends them at once. */
  onEnqueued: (() => void) | undefined;
  /** Events nobody subscribed to when last written, until when this server may skip them (`cacheTtlMs`). */
  private readonly unsubscribed = new Map<RegistryEventName, number>();

  constructor(
    private readonly db: SqlDriver,
    private readonly settings: WebhookSettings,
    private readonly secrets: SecretBox | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  async createWebhook(args: CreateWebhookArgs): Promise<Webhook> {
    const webhookId = randomUUID().replace(/-/g, '');
    const webhook = await store.createWebhook(this.db, {
      webhookId,
      name: validateWebhookName(args.name),
      url: validateWebhookUrl(args.url, this.settings.allowedSchemes),
      events: validateWebhookEvents(args.events),
      description: args.description || undefined,
      status: args.status ? validateWebhookStatus(args.status) : 'ACTIVE',
      secret: args.secret ? this.seal(args.secret, webhookId) : undefined,
      time: this.now(),
    });
    this.unsubscribed.clear();
    return webhook;
  }

  getWebhook(webhookId: string): Promise<Webhook> {
    return store.getWebhook(this.db, webhookId);
  }

  /** Webhooks newest first; max_results 1..1000 (default 100). */
  listWebhooks(args: PageArgs): Promise<Page<Webhook>> {
    return page(args, (offset, limit) => store.listWebhooks(this.db, offset, limit));
  }

  /** Changes the fields given; an empty `secret` removes the secret. */
  async updateWebhook(webhookId: string, args: UpdateWebhookArgs): Promise<Webhook> {
    const webhook = await store.updateWebhook(this.db, webhookId, {
      name: args.name === undefined ? undefined : validateWebhookName(args.name),
      url: args.url === undefined ? undefined : validateWebhookUrl(args.url, this.settings.allowedSchemes),
      events: args.events === undefined ? undefined : validateWebhookEvents(args.events),
      description: args.description,
      status: args.status === undefined ? undefined : validateWebhookStatus(args.status),
      secret:
        args.secret === undefined ? undefined : args.secret === '' ? '' : this.seal(args.secret, webhookId),
      time: this.now(),
    });
    this.unsubscribed.clear();
    return webhook;
  }

  async deleteWebhook(webhookId: string): Promise<void> {
    await store.deleteWebhook(this.db, webhookId);
    this.unsubscribed.clear();
  }

  /**
   * Sends an example payload for `event` (default: the webhook's first event) once, now, and reports
   * the receiver's answer; nothing is written to the outbox.
   */
  async testWebhook(webhookId: string, event?: WireWebhookEventIn): Promise<WebhookTestResult> {
    const row = await store.getWebhookRow(this.db, webhookId);
    const webhook = await store.getWebhook(this.db, webhookId);
    const name = event ? fromWireEvent(event) : webhook.events[0];
    if (!row || !name) throw invalidParameter(`Webhook ${webhookId} has no events to test.`);
    let secret: string | undefined;
    try {
      secret = row.secret ? this.open(row.secret, webhookId) : undefined;
    } catch (err) {
      return { success: false, errorMessage: `Failed to test webhook: ${(err as Error).message}` };
    }
    const result = await sendWebhook({
      url: webhook.url,
      body: webhookBody(name, this.now(), examplePayload(name)),
      deliveryId: randomUUID(),
      secret,
      timeoutMs: this.settings.requestTimeoutMs,
    });
    if (result.status === undefined) {
      return { success: false, errorMessage: `Failed to test webhook: ${result.error ?? 'no response'}` };
    }
    return { success: result.status < 400, responseStatus: result.status, responseBody: result.body };
  }

  /** A webhook's deliveries, newest first, with every attempt (Loom's delivery log). */
  async listWebhookDeliveries(webhookId: string, args: PageArgs): Promise<Page<WebhookDelivery>> {
    await store.getWebhook(this.db, webhookId);
    return page(args, (offset, limit) => listWebhookDeliveries(this.db, webhookId, offset, limit));
  }

  /**
   * Writes one outbox row per ACTIVE webhook subscribed to each event, with `tx`, the transaction of
   * the change the events describe: they commit or roll back with it. A failure here fails the change.
   */
  async write(tx: Queryable, events: readonly RegistryEvent[]): Promise<boolean> {
    const now = this.now();
    const wanted = events.filter((e) => (this.unsubscribed.get(e.name) ?? 0) <= now);
    const stored = await enqueueDeliveries(
      tx,
      this.db.dialect,
      wanted.map((e) => ({ event: e.name, body: webhookBody(e.name, e.timestamp, e.data) })),
      now,
    );
    if (this.settings.cacheTtlMs > 0) {
      for (const e of wanted)
        if (!stored.has(e.name)) this.unsubscribed.set(e.name, now + this.settings.cacheTtlMs);
    }
    return stored.size > 0;
  }

  /** Wakes this server's dispatcher once deliveries written by `write` have committed. */
  committed(): void {
    this.onEnqueued?.();
  }

  private seal(secret: string, webhookId: string): string {
    if (!this.secrets) {
      throw invalidParameter(
        'Webhook secrets need MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY on this store (every server must ' +
          'share the key); set it, or create the webhook without a secret.',
      );
    }
    return this.secrets.seal(secret, webhookId);
  }

  private open(sealed: string, webhookId: string): string {
    if (!this.secrets) throw new Error('no encryption key is configured');
    return this.secrets.open(sealed, webhookId);
  }
}
