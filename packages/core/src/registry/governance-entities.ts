/** Domain types of registry governance: activities, transition requests, protections, audit entries. */
import type { ModelVersion, ModelVersionStage } from './entities';

/** Databricks' activity types. SYSTEM_TRANSITION is a side effect, e.g. a version auto-archived. */
export const ACTIVITY_TYPES = [
  'APPLIED_TRANSITION',
  'REQUESTED_TRANSITION',
  'CANCELLED_REQUEST',
  'APPROVED_REQUEST',
  'REJECTED_REQUEST',
  'NEW_COMMENT',
  'SYSTEM_TRANSITION',
] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

/** The life of a transition request; it leaves OPEN exactly once. */
export type RequestStatus = 'OPEN' | 'APPROVED' | 'REJECTED' | 'CANCELLED';

/** Where a request moves a version: a stage, or (Loom extension) an alias. */
export type TransitionTarget = { stage: ModelVersionStage } | { alias: string };

/** One entry of a version's activity log; transition requests and comments are activities too. */
export interface Activity {
  id: number;
  modelName: string;
  version: number;
  type: ActivityType;
  userId: string;
  fromStage?: string | undefined;
  toStage?: string | undefined;
  /** The alias a request targets (Loom extension). */
  toAlias?: string | undefined;
  comment?: string | undefined;
  systemComment?: string | undefined;
  /** Set on REQUESTED_TRANSITION activities only. */
  requestStatus?: RequestStatus | undefined;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
}

/** Targets of a registered model that only an approved transition request may move a version to. */
export interface Protections {
  stages: ModelVersionStage[];
  aliases: string[];
  /** The requester may not approve their own request (default true). */
  requireDistinctApprover: boolean;
}

/** Unprotected: every target may be reached directly. */
export const NO_PROTECTIONS: Protections = Object.freeze({
  stages: [],
  aliases: [],
  requireDistinctApprover: true,
}) as Protections;

/** Who makes a change and when; the store writes both into the audit log with the change. */
export interface Actor {
  user: string;
  time: number;
}

/** One row of the registry's audit log. */
export interface AuditEntry {
  id: number;
  time: number;
  user: string;
  /** The operation's name, e.g. `transitionModelVersionStage`. */
  action: string;
  modelName: string;
  version?: number | undefined;
  before?: unknown;
  after?: unknown;
}

/** What a stage transition did: the moved version and the versions it archived. */
export interface StageTransition {
  modelVersion: ModelVersion;
  fromStage: string;
  /** Versions moved to Archived by `archive_existing_versions`, with the stage they left. */
  archived: { version: number; fromStage: string }[];
}
