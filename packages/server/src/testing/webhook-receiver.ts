/**
 * A real HTTP webhook receiver on loopback for tests. It checks each request as a careful receiver
 * would (MLflow's headers, a fresh timestamp, the HMAC signature when it knows the secret), records
 * what arrived, and answers whatever the test scripts.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '@loom/core';

export interface ReceivedWebhook {
  deliveryId: string;
  timestamp: string;
  signature: string | undefined;
  /** The raw body, exactly as signed. */
  body: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests inspect arbitrary JSON
  json: any;
  headers: IncomingHttpHeaders;
  /** Whether headers, timestamp (±5 min) and signature (when a secret is known) all check out. */
  verified: boolean;
  receivedAt: number;
}

export interface ScriptedAnswer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** Answer only after this many milliseconds. */
  delayMs?: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Resolves once `count` requests arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

const MAX_SKEW_SECONDS = 300;

function verify(secret: string | undefined, r: Omit<ReceivedWebhook, 'verified'>): boolean {
  if (!r.deliveryId || !/^\d+$/.test(r.timestamp)) return false;
  if (Math.abs(Date.now() / 1000 - Number(r.timestamp)) > MAX_SKEW_SECONDS) return false;
  if (r.headers['content-type'] !== 'application/json') return false;
  if (secret === undefined) return r.signature === undefined;
  return (
    r.signature !== undefined &&
    verifyWebhookSignature(secret, r.deliveryId, r.timestamp, r.body, r.signature)
  );
}

/** Starts a receiver; `answer` decides the response to the n-th request (0-based), 200 by default. */
export async function startWebhookReceiver(
  options: { secret?: string; answer?: (n: number, r: ReceivedWebhook) => ScriptedAnswer } = {},
): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const waiters: (() => void)[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = (name: string) => {
        const v = req.headers[name];
        return Array.isArray(v) ? v[0] : v;
      };
      const base = {
        deliveryId: header('x-mlflow-delivery-id') ?? '',
        timestamp: header('x-mlflow-timestamp') ?? '',
        signature: header('x-mlflow-signature'),
        body,
        json: JSON.parse(body) as unknown,
        headers: req.headers,
        receivedAt: Date.now(),
      };
      const r: ReceivedWebhook = { ...base, verified: verify(options.secret, base) };
      const n = received.length;
      received.push(r);
      waiters.splice(0).forEach((w) => w());
      const a = r.verified ? (options.answer?.(n, r) ?? { status: 200, body: 'ok' }) : { status: 401 };
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(a.status, { 'content-type': 'text/plain', ...a.headers });
        res.end(a.body ?? '');
      };
      if (a.delayMs) setTimeout(send, a.delayMs).unref();
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${count} webhook requests, got ${received.length}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return received;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
