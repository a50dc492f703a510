/** Migration 5: registry webhooks, their subscriptions, and the delivery outbox with its attempt log. */
import type { Dialect } from '../driver';

function types(d: Dialect) {
  const pg = d === 'postgres';
  return {
    big: pg ? 'BIGINT' : 'INTEGER',
    text: pg ? 'TEXT COLLATE "C"' : 'TEXT',
    keyed: pg ? '' : ' WITHOUT ROWID',
  };
}

export function up(d: Dialect): string {
  const t = types(d);
  return `
-- secret holds the AES-256-GCM ciphertext of the signing secret, never the secret itself.
CREATE TABLE webhooks (
  webhook_id ${t.text} PRIMARY KEY,
  name ${t.text} NOT NULL,
  description ${t.text},
  url ${t.text} NOT NULL,
  status ${t.text} NOT NULL,
  secret ${t.text},
  creation_timestamp ${t.big} NOT NULL,
  last_updated_timestamp ${t.big} NOT NULL
);
CREATE INDEX webhooks_by_creation ON webhooks (creation_timestamp, webhook_id);

-- One row per subscribed event (entity.action, lowercase), so "who listens to X" is an index lookup.
CREATE TABLE webhook_events (
  webhook_id ${t.text} NOT NULL REFERENCES webhooks (webhook_id) ON DELETE CASCADE,
  event ${t.text} NOT NULL,
  PRIMARY KEY (webhook_id, event)
)${t.keyed};
CREATE INDEX webhook_events_by_event ON webhook_events (event, webhook_id);

-- The outbox: one row per (event, webhook), sent by whichever server claims it first. A claim is a
-- lease (lease_owner until lease_until), so a server that dies mid-send leaves the row to others.
CREATE TABLE webhook_deliveries (
  delivery_id ${t.text} PRIMARY KEY,
  webhook_id ${t.text} NOT NULL REFERENCES webhooks (webhook_id) ON DELETE CASCADE,
  event ${t.text} NOT NULL,
  body ${t.text} NOT NULL,
  status ${t.text} NOT NULL,
  attempts ${t.big} NOT NULL,
  next_attempt_at ${t.big} NOT NULL,
  lease_owner ${t.text},
  lease_until ${t.big},
  created_at ${t.big} NOT NULL,
  finished_at ${t.big}
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, created_at);

CREATE TABLE webhook_delivery_attempts (
  delivery_id ${t.text} NOT NULL REFERENCES webhook_deliveries (delivery_id) ON DELETE CASCADE,
  attempt ${t.big} NOT NULL,
  started_at ${t.big} NOT NULL,
  duration_ms ${t.big} NOT NULL,
  response_status ${t.big},
  error_message ${t.text},
  PRIMARY KEY (delivery_id, attempt)
)${t.keyed};
`;
}
