/** The storage contract of registry governance: activities, transition requests, protections, audit log. */
import type { Page } from '../tracking/entities';
import type {
  Activity,
  Actor,
  AuditEntry,
  Protections,
  RequestStatus,
  StageTransition,
  TransitionTarget,
} from './governance-entities';
import type { Announce } from './registry-store';

/** How a request is closed; approving also moves the version. */
export type RequestResolution =
  | { status: 'APPROVED'; archiveExisting: boolean; comment?: string | undefined }
  | { status: Exclude<RequestStatus, 'OPEN' | 'APPROVED'>; comment?: string | undefined };

/** The outcome of closing a request: the new activity, and the transition an approval made. */
export interface ResolvedRequest {
  activity: Activity;
  request: Activity;
  /** Set when an approved request moved the version to a stage. */
  transition?: StageTransition | undefined;
  /** Set when an approved request pointed an alias at the version (of a prompt or not). */
  alias?: { alias: string; previousVersion?: number | undefined; isPrompt: boolean } | undefined;
}

export interface AuditLogQuery {
  name?: string | undefined;
  maxResults: number;
  pageToken?: string | undefined;
}

/** Persistence of governance; each change writes its audit row (and events) in its own transaction. */
export interface RegistryGovernanceStore {
  /** The model's protections; NO_PROTECTIONS when none were set. 404 for an unknown model. */
  getProtections(name: string): Promise<Protections>;
  setProtections(name: string, protections: Protections, actor: Actor): Promise<Protections>;
  /** Opens a request; RESOURCE_ALREADY_EXISTS when one to the same target is already open. */
  createTransitionRequest(
    name: string,
    version: number,
    target: TransitionTarget,
    comment: string | undefined,
    actor: Actor,
    announce?: Announce<Activity>,
  ): Promise<Activity>;
  /** The open requests of a version, oldest first. */
  listTransitionRequests(name: string, version: number): Promise<Activity[]>;
  /** The open request of a version to `target`, if any. */
  findOpenTransitionRequest(
    name: string,
    version: number,
    target: TransitionTarget,
  ): Promise<Activity | undefined>;
  /**
   * Closes the open request `requestId` (RESOURCE_DOES_NOT_EXIST when it is no longer open, so of two
   * concurrent approvals one wins); an approval performs its transition in the same transaction.
   */
  resolveTransitionRequest(
    requestId: number,
    resolution: RequestResolution,
    actor: Actor,
    announce?: Announce<ResolvedRequest>,
  ): Promise<ResolvedRequest>;
  createComment(
    name: string,
    version: number,
    comment: string,
    actor: Actor,
    announce?: Announce<Activity>,
  ): Promise<Activity>;
  /** One activity by id; RESOURCE_DOES_NOT_EXIST when unknown. */
  getActivity(id: number): Promise<Activity>;
  updateComment(id: number, comment: string, actor: Actor): Promise<Activity>;
  deleteComment(id: number, actor: Actor): Promise<void>;
  /** Every activity of a version, oldest first. */
  listActivities(name: string, version: number): Promise<Activity[]>;
  /** Audit rows, newest first, optionally of one model name. */
  listAuditLog(q: AuditLogQuery): Promise<Page<AuditEntry>>;
}
