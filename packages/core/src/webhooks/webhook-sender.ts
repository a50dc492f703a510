/** One POST of a webhook body with MLflow's headers; never throws, always answers what happened. */
import { signWebhook } from './signature';
import type { WebhookSendResult } from './webhook-entities';

export const DELIVERY_ID_HEADER = 'X-MLflow-Delivery-Id';
export const TIMESTAMP_HEADER = 'X-MLflow-Timestamp';
export const SIGNATURE_HEADER = 'X-MLflow-Signature';

/** Receivers' answers are kept to this many characters in results and logs. */
const MAX_BODY_CHARS = 1000;
const MAX_RETRY_AFTER_MS = 3_600_000;

export interface WebhookRequest {
  url: string;
  body: string;
  deliveryId: string;
  secret?: string | undefined;
  timeoutMs: number;
  /** Aborts the attempt when the server shuts down. */
  signal?: AbortSignal | undefined;
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const ms = /^\s*\d+\s*$/.test(value) ? Number(value) * 1000 : Date.parse(value) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS) : undefined;
}

function describe(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'request timed out';
  if (e.name === 'AbortError') return 'request aborted';
  const cause = e.cause?.code ?? e.cause?.message;
  return cause ? `${e.message} (${cause})` : e.message;
}

/** Sends `req` once. Redirects are not followed: the receiver is the URL that was registered. */
export async function sendWebhook(req: WebhookRequest): Promise<WebhookSendResult> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    [DELIVERY_ID_HEADER]: req.deliveryId,
    [TIMESTAMP_HEADER]: timestamp,
  };
  if (req.secret) headers[SIGNATURE_HEADER] = signWebhook(req.secret, req.deliveryId, timestamp, req.body);
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([timeout, req.signal]) : timeout;
  try {
    const res = await fetch(req.url, { method: 'POST', headers, body: req.body, redirect: 'manual', signal });
    const text = await res.text();
    return {
      status: res.status,
      body: text.length > MAX_BODY_CHARS ? text.slice(0, MAX_BODY_CHARS) : text,
      retryAfterMs: parseRetryAfter(res.headers.get('retry-after')),
    };
  } catch (err) {
    return { error: describe(err) };
  }
}
