/** Registry webhooks: CRUD, the delivery outbox and its dispatcher. */
export * from './webhook-entities';
export * from './webhook-events';
export * from './webhook-settings';
export * from './webhook-service';
export * from './webhook-dispatcher';
export * from './secret-box';
export * from './secret-key';
export * from './signature';
export * from './example-payloads';
export { parseRetryAfter, DELIVERY_ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER } from './webhook-sender';
export * from './webhook-runtime';
