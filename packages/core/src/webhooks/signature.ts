/** MLflow's webhook signature: `v1,<base64 HMAC-SHA256(secret, "<delivery id>.<timestamp>.<body>")>`. */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The `X-MLflow-Signature` value for one delivery attempt. */
export function signWebhook(secret: string, deliveryId: string, timestamp: string, body: string): string {
  const mac = createHmac('sha256', secret)
    .update(`${deliveryId}.${timestamp}.${body}`, 'utf8')
    .digest('base64');
  return `v1,${mac}`;
}

/** Whether `signature` is the one `signWebhook` makes (compared in constant time). */
export function verifyWebhookSignature(
  secret: string,
  deliveryId: string,
  timestamp: string,
  body: string,
  signature: string,
): boolean {
  const expected = Buffer.from(signWebhook(secret, deliveryId, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
