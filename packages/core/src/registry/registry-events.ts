/**
 * Registry changes announced to subscribers (webhooks), stored in the change's own transaction. The
 * names are MLflow 3's webhook events (`entity.action`, lowercase as in delivered payloads) plus
 * Loom's governance events, which open-source MLflow lacks.
 */
import type { Queryable } from '../store/sql/driver';

/** MLflow 3's webhook events (webhooks.proto). */
export const MLFLOW_REGISTRY_EVENTS = [
  'registered_model.created',
  'model_version.created',
  'model_version_tag.set',
  'model_version_tag.deleted',
  'model_version_alias.created',
  'model_version_alias.deleted',
  'prompt.created',
  'prompt_version.created',
  'prompt_tag.set',
  'prompt_tag.deleted',
  'prompt_version_tag.set',
  'prompt_version_tag.deleted',
  'prompt_alias.created',
  'prompt_alias.deleted',
] as const;

/** Loom's additions: stage moves and the approval workflow. */
export const LOOM_REGISTRY_EVENTS = [
  'model_version.stage_transitioned',
  'transition_request.created',
  'transition_request.approved',
  'transition_request.rejected',
  'transition_request.cancelled',
  'comment.created',
] as const;

export const REGISTRY_EVENTS = [...MLFLOW_REGISTRY_EVENTS, ...LOOM_REGISTRY_EVENTS] as const;

/** `entity.action`, e.g. `model_version.created`. */
export type RegistryEventName = (typeof REGISTRY_EVENTS)[number];

export interface RegistryEvent {
  name: RegistryEventName;
  /** The event's payload as MLflow delivers it in `data` (e.g. `{name, version, source, ...}`). */
  data: Record<string, unknown>;
  /** When the change was stored, in epoch milliseconds. */
  timestamp: number;
  /** Who made the change, when known. */
  user?: string | undefined;
}

/** An event as a change describes it; the author and time come from the change's `Actor`. */
export type RegistryEventDraft = Pick<RegistryEvent, 'name' | 'data'>;

/**
 * Where registry events are stored: inside the transaction of the change they describe, so that an
 * acknowledged change always has its events (the webhooks' outbox) and a rolled-back one has none.
 */
export interface RegistryEventSink {
  /**
   * Stores `events` with `tx`, the change's own transaction. Resolves to whether anything was stored
   * (an event nobody subscribes to stores nothing); a throw rolls the change back.
   */
  write(tx: Queryable, events: readonly RegistryEvent[]): Promise<boolean>;
  /** Told after a change whose events were stored has committed (this server's dispatcher wakes). */
  committed(): void;
}

/** The sink of a registry with no subscribers. */
export const NO_REGISTRY_EVENTS: RegistryEventSink = {
  write: () => Promise.resolve(false),
  committed() {},
};

export function isRegistryEventName(s: string): s is RegistryEventName {
  return (REGISTRY_EVENTS as readonly string[]).includes(s);
}
