/**
 * Event names between their two spellings: `entity.action` (lowercase, as delivered and stored) and
 * the REST form `{entity: "MODEL_VERSION", action: "CREATED"}` (proto enum names).
 */
import { invalidParameter } from '@loom/protocol';
import { REGISTRY_EVENTS, isRegistryEventName, type RegistryEventName } from '../registry/registry-events';

export interface WireWebhookEvent {
  entity: string;
  action: string;
}

/** An `{entity, action}` pair as a request gives it (either may be missing). */
export interface WireWebhookEventIn {
  entity?: string | undefined;
  action?: string | undefined;
}

/** `model_version.created` → `{entity: 'MODEL_VERSION', action: 'CREATED'}`. */
export function toWireEvent(name: RegistryEventName): WireWebhookEvent {
  const [entity = '', action = ''] = name.split('.');
  return { entity: entity.toUpperCase(), action: action.toUpperCase() };
}

/** The event an `{entity, action}` pair names; either case is accepted. */
export function fromWireEvent(event: WireWebhookEventIn): RegistryEventName {
  const name = `${(event.entity ?? '').toLowerCase()}.${(event.action ?? '').toLowerCase()}`;
  if (!isRegistryEventName(name)) {
    throw invalidParameter(
      `Invalid webhook event (entity=${event.entity ?? ''}, action=${event.action ?? ''}). ` +
        `Valid events are: ${REGISTRY_EVENTS.join(', ')}`,
    );
  }
  return name;
}
