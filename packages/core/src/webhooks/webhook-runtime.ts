/** One server's webhooks: the service (CRUD and event sink) wired to a running dispatcher. */
import type { SqlDriver } from '../store/sql/driver';
import { openSecretBox } from './secret-key';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookService } from './webhook-service';
import { DEFAULT_WEBHOOK_SETTINGS, type WebhookSettings } from './webhook-settings';

export interface WebhookRuntime {
  service: WebhookService;
  dispatcher: WebhookDispatcher;
  /** Stops the dispatcher (before the store closes); events are already in the outbox with their changes. */
  close(): Promise<void>;
}

/** Starts delivering webhooks for the store `db` (named by `backendStoreUri`, for the key file). */
export function startWebhooks(
  db: SqlDriver,
  backendStoreUri: string,
  settings: WebhookSettings = DEFAULT_WEBHOOK_SETTINGS,
): WebhookRuntime {
  const secrets = openSecretBox(settings.encryptionKey, backendStoreUri);
  const service = new WebhookService(db, settings, secrets);
  const dispatcher = new WebhookDispatcher(db, settings, secrets);
  service.onEnqueued = () => dispatcher.wake();
  dispatcher.start();
  let closing: Promise<void> | undefined;
  return {
    service,
    dispatcher,
    close() {
      closing ??= dispatcher.stop();
      return closing;
    },
  };
}
