/**
 * Sends the outbox. Each server runs one dispatcher; it claims due deliveries (a lease, so servers
 * never send the same row at once and a crashed server's rows go to the others), POSTs them, and
 * records every attempt. Retryable failures (429/500/502/503/504, network errors, timeouts) go back
 * to the outbox with an exponential backoff or the receiver's Retry-After, up to `maxRetries` retries.
 */
import { randomUUID } from 'node:crypto';
import type { SqlDriver } from '../store/sql/driver';
import {
  claimDueDeliveries,
  hasDueDeliveries,
  recordAttempt,
  releaseDelivery,
  type AttemptOutcome,
  type ClaimedDelivery,
} from '../store/sql/webhooks/deliveries';
import type { SecretBox } from './secret-box';
import type { WebhookSendResult } from './webhook-entities';
import { sendWebhook } from './webhook-sender';
import type { WebhookSettings } from './webhook-settings';

const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
/** A lease outlives the request timeout by this much, so only a dead server loses one. */
const LEASE_MARGIN_MS = 30_000;

/** The delay before retry number `retry` (1-based): base·2^(retry-1), capped, or what the receiver asked. */
export function retryDelayMs(settings: WebhookSettings, retry: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  return Math.min(settings.backoffMaxMs, settings.backoffBaseMs * 2 ** (retry - 1));
}

function httpError(r: WebhookSendResult): string {
  const body = (r.body ?? '').slice(0, 200);
  return body ? `HTTP ${r.status}: ${body}` : `HTTP ${r.status}`;
}

/** Claims and sends due deliveries until stopped. */
export class WebhookDispatcher {
  /** This server's name on the leases it takes. */
  readonly owner = randomUUID();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly shutdown = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private filling: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly db: SqlDriver,
    private readonly settings: WebhookSettings,
    private readonly secrets: SecretBox | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts polling for due deliveries. */
  start(): void {
    this.timer = setInterval(() => this.wake(), this.settings.pollIntervalMs);
    this.timer.unref();
    this.wake();
  }

  /** Looks for due deliveries now (called after this server enqueued some). */
  wake(): void {
    if (this.stopped) return;
    if (this.filling) {
      this.again = true;
      return;
    }
    this.filling = this.fill()
      .catch((err: unknown) => console.error('loom: webhook dispatcher:', (err as Error).message))
      .finally(() => {
        this.filling = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Stops claiming, aborts sends in flight (their rows go back to the outbox) and waits for them. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.shutdown.abort();
    await this.filling;
    await Promise.all([...this.inFlight]);
  }

  /** Claims as many due deliveries as there are free workers, until none are left. */
  private async fill(): Promise<void> {
    while (!this.stopped) {
      const free = this.settings.maxWorkers - this.inFlight.size;
      if (free <= 0) return;
      const now = this.now();
      if (!(await hasDueDeliveries(this.db, now))) return;
      const lease = now + this.settings.requestTimeoutMs + LEASE_MARGIN_MS;
      const claimed = await claimDueDeliveries(this.db, this.owner, now, lease, free);
      for (const delivery of claimed) {
        const sending: Promise<void> = this.deliver(delivery)
          .catch((err: unknown) => console.error('loom: webhook delivery:', (err as Error).message))
          .finally(() => {
            this.inFlight.delete(sending);
            this.wake();
          });
        this.inFlight.add(sending);
      }
      if (claimed.length < free) return;
    }
  }

  private async deliver(d: ClaimedDelivery): Promise<void> {
    const startedAt = this.now();
    const result = await this.attempt(d);
    if (this.stopped && result.error === 'request aborted') {
      await releaseDelivery(this.db, d.deliveryId, this.owner);
      return;
    }
    await recordAttempt(this.db, this.outcome(d, result, startedAt));
  }

  /** Sends one attempt, or explains why it could not be sent. */
  private async attempt(d: ClaimedDelivery): Promise<WebhookSendResult & { final?: boolean }> {
    const hook = d.webhook;
    if (!hook || hook.status !== 'ACTIVE') return { error: 'webhook is disabled', final: true };
    const scheme = new URL(hook.url).protocol.replace(/:$/, '');
    if (!this.settings.allowedSchemes.includes(scheme)) {
      return { error: `URL scheme '${scheme}' is not allowed`, final: true };
    }
    let secret: string | undefined;
    if (hook.secret) {
      try {
        if (!this.secrets) throw new Error('no encryption key is configured');
        secret = this.secrets.open(hook.secret, d.webhookId);
      } catch (err) {
        // Never send unsigned what the receiver expects signed.
        return { error: `cannot decrypt the webhook secret: ${(err as Error).message}`, final: true };
      }
    }
    return sendWebhook({
      url: hook.url,
      body: d.body,
      deliveryId: d.deliveryId,
      secret,
      timeoutMs: this.settings.requestTimeoutMs,
      signal: this.shutdown.signal,
    });
  }

  private outcome(
    d: ClaimedDelivery,
    r: WebhookSendResult & { final?: boolean },
    startedAt: number,
  ): AttemptOutcome {
    const now = this.now();
    const attempt = d.attempts + 1;
    const base = {
      deliveryId: d.deliveryId,
      owner: this.owner,
      attempt,
      startedAt,
      durationMs: now - startedAt,
      responseStatus: r.status,
      errorMessage: r.error ?? (r.status !== undefined && r.status >= 400 ? httpError(r) : undefined),
    };
    if (r.status !== undefined && r.status < 400) {
      return { ...base, status: 'DELIVERED', nextAttemptAt: now, finishedAt: now };
    }
    const retryable = !r.final && (r.status === undefined || RETRY_STATUSES.has(r.status));
    if (retryable && attempt <= this.settings.maxRetries) {
      const delay = retryDelayMs(this.settings, attempt, r.retryAfterMs);
      return { ...base, status: 'PENDING', nextAttemptAt: now + delay };
    }
    return { ...base, status: 'FAILED', nextAttemptAt: now, finishedAt: now };
  }
}
