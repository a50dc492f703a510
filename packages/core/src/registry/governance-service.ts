/**
 * Registry governance on top of the registry service: Databricks' transition requests (create, list,
 * approve, reject, cancel), comments, direct transitions by managers, protected targets, the activity
 * log and the audit log. Permissions are asked of `RegistryPermissions`; callers name a `Principal`.
 */
import { LoomError, invalidParameter, notFound } from '@loom/protocol';
import type { Page } from '../tracking/entities';
import { validateMaxResults } from '../tracking/validation';
import type { ModelVersion } from './entities';
import type { Activity, AuditEntry, Protections, TransitionTarget } from './governance-entities';
import type { ResolvedRequest } from './governance-store';
import type { Principal } from './principal';
import { validateProtections } from './protections';
import { ALLOW_ALL_REGISTRY_PERMISSIONS, type RegistryPermissions } from './registry-permissions';
import { aliasSetEvent, transitionEvents } from './registry-event-drafts';
import type { RegistryService } from './registry-service';
import {
  canonicalStage,
  parseModelVersion,
  validateAlias,
  validateComment,
  validateModelName,
} from './validation';

/** Databricks' `available_actions` of activities and comments. */
export type ActivityAction =
  | 'APPROVE_TRANSITION_REQUEST'
  | 'REJECT_TRANSITION_REQUEST'
  | 'CANCEL_TRANSITION_REQUEST'
  | 'EDIT_COMMENT'
  | 'DELETE_COMMENT';

/** An activity with what the caller may do with it. */
export interface ActivityView extends Activity {
  availableActions: ActivityAction[];
}

/** A request's address as Databricks gives it: version plus a stage (or, Loom, an alias). */
export interface RequestRef {
  name: string;
  version: string;
  stage?: string | undefined;
  alias?: string | undefined;
}

export const AUDIT_LOG_LIMITS = { default: 100, max: 1000 } as const;

type Ability = 'canRead' | 'canEdit' | 'canManage';
const ABILITY_TEXT: Record<Ability, string> = {
  canRead: 'read',
  canEdit: 'edit',
  canManage: 'manage',
};

/** Approval workflow, comments, protections, activity and audit logs. */
export class RegistryGovernanceService {
  constructor(
    readonly registry: RegistryService,
    readonly permissions: RegistryPermissions = ALLOW_ALL_REGISTRY_PERMISSIONS,
  ) {}

  private get store() {
    return this.registry.store;
  }

  /** PERMISSION_DENIED unless `principal` has `ability` on the model. */
  private async require(ability: Ability, principal: Principal, name: string, doing: string): Promise<void> {
    if (await this.permissions[ability](principal, name)) return;
    throw new LoomError(
      'PERMISSION_DENIED',
      `User '${principal.user}' may not ${doing} on registered model '${name}' (needs ${ABILITY_TEXT[ability]} permission).`,
    );
  }

  /** Databricks' `stage`, or Loom's `alias`: exactly one. */
  private target(ref: RequestRef): TransitionTarget {
    const hasStage = ref.stage !== undefined && ref.stage !== '';
    const hasAlias = ref.alias !== undefined && ref.alias !== '';
    if (hasStage === hasAlias) throw invalidParameter("Give exactly one of 'stage' and 'alias'.");
    return hasStage ? { stage: canonicalStage(ref.stage!) } : { alias: validateAlias(ref.alias, true) };
  }

  /** Opens a request to move a version; anyone who may read the model may ask. */
  async createTransitionRequest(
    ref: RequestRef & { comment?: string | undefined },
    principal: Principal,
  ): Promise<ActivityView> {
    const name = validateModelName(ref.name);
    const version = parseModelVersion(ref.version);
    const target = this.target(ref);
    const comment = validateComment(ref.comment, false);
    await this.require('canRead', principal, name, 'request a transition');
    const actor = this.registry.actor(principal);
    const request = await this.registry.announcing(
      actor,
      (r: Activity) => [{ name: 'transition_request.created', data: requestEventData(r) }],
      (announce) => this.store.createTransitionRequest(name, version, target, comment, actor, announce),
    );
    return (await this.withActions([request], principal))[0]!;
  }

  /** The open requests of a version. */
  async listTransitionRequests(name: string, version: string, principal: Principal): Promise<ActivityView[]> {
    validateModelName(name);
    await this.require('canRead', principal, name, 'list transition requests');
    return this.withActions(
      await this.store.listTransitionRequests(name, parseModelVersion(version)),
      principal,
    );
  }

  /** The open request a ref names; RESOURCE_DOES_NOT_EXIST when there is none. */
  private async openRequest(ref: RequestRef, target: TransitionTarget): Promise<Activity> {
    const version = parseModelVersion(ref.version);
    const found = await this.store.findOpenTransitionRequest(ref.name, version, target);
    if (!found) {
      const to = 'stage' in target ? `stage ${target.stage}` : `alias @${target.alias}`;
      throw notFound(
        `No open transition request to ${to} for Model Version (name=${ref.name}, version=${version}).`,
      );
    }
    return found;
  }

  /**
   * Approves the open request to the ref's target and performs it in the same transaction (with
   * `archive_existing_versions`, required for stages as in Databricks). Needs manage permission; with
   * `require_distinct_approver` (the default) the requester cannot approve their own request.
   */
  async approveTransitionRequest(
    ref: RequestRef & { archiveExistingVersions?: boolean | undefined; comment?: string | undefined },
    principal: Principal,
  ): Promise<{ activity: ActivityView; resolved: ResolvedRequest }> {
    const name = validateModelName(ref.name);
    const target = this.target(ref);
    const comment = validateComment(ref.comment, false);
    if ('stage' in target && ref.archiveExistingVersions === undefined)
      throw invalidParameter("Missing value for required parameter 'archive_existing_versions'.");
    await this.require('canManage', principal, name, 'approve transition requests');
    const request = await this.openRequest(ref, target);
    const protections = await this.store.getProtections(name);
    if (protections.requireDistinctApprover && request.userId === principal.user) {
      throw new LoomError(
        'PERMISSION_DENIED',
        `User '${principal.user}' requested this transition and may not approve it: registered model ` +
          `'${name}' requires a different approver.`,
      );
    }
    const actor = this.registry.actor(principal);
    const resolution = {
      status: 'APPROVED' as const,
      archiveExisting: ref.archiveExistingVersions ?? false,
      comment,
    };
    const resolved = await this.registry.announcing(
      actor,
      (r: ResolvedRequest) => [
        {
          name: 'transition_request.approved',
          data: { ...requestEventData(r.request), approver_comment: comment },
        },
        ...(r.transition ? transitionEvents(r.transition) : []),
        ...(r.alias ? [aliasSetEvent(name, r.alias.alias, r.request.version, r.alias.isPrompt)] : []),
      ],
      (announce) => this.store.resolveTransitionRequest(request.id, resolution, actor, announce),
    );
    return { activity: (await this.withActions([resolved.activity], principal))[0]!, resolved };
  }

  /** Rejects the open request to the ref's target; needs manage permission. */
  async rejectTransitionRequest(
    ref: RequestRef & { comment?: string | undefined },
    principal: Principal,
  ): Promise<ActivityView> {
    const name = validateModelName(ref.name);
    const target = this.target(ref);
    const comment = validateComment(ref.comment, false);
    await this.require('canManage', principal, name, 'reject transition requests');
    const request = await this.openRequest(ref, target);
    const actor = this.registry.actor(principal);
    const resolved = await this.registry.announcing(
      actor,
      (r: ResolvedRequest) => [
        {
          name: 'transition_request.rejected',
          data: { ...requestEventData(r.request), approver_comment: comment },
        },
      ],
      (announce) =>
        this.store.resolveTransitionRequest(request.id, { status: 'REJECTED', comment }, actor, announce),
    );
    return (await this.withActions([resolved.activity], principal))[0]!;
  }

  /**
   * Cancels the open request to the ref's target. `creator` (Databricks' field) must match the
   * requester when given; the requester or a manager may cancel.
   */
  async deleteTransitionRequest(
    ref: RequestRef & { creator?: string | undefined; comment?: string | undefined },
    principal: Principal,
  ): Promise<ActivityView> {
    const name = validateModelName(ref.name);
    const target = this.target(ref);
    const comment = validateComment(ref.comment, false);
    await this.require('canRead', principal, name, 'cancel transition requests');
    const request = await this.openRequest(ref, target);
    if (ref.creator && ref.creator !== request.userId) {
      throw notFound(
        `No open transition request by ${ref.creator} for Model Version (name=${name}, version=${ref.version}).`,
      );
    }
    if (request.userId !== principal.user)
      await this.require('canManage', principal, name, "cancel another user's transition request");
    const actor = this.registry.actor(principal);
    const resolved = await this.registry.announcing(
      actor,
      (r: ResolvedRequest) => [{ name: 'transition_request.cancelled', data: requestEventData(r.request) }],
      (announce) =>
        this.store.resolveTransitionRequest(request.id, { status: 'CANCELLED', comment }, actor, announce),
    );
    return (await this.withActions([resolved.activity], principal))[0]!;
  }

  /** Databricks' direct transition: for managers, recorded as an activity; protected stages refused. */
  async transitionStageDirect(
    args: {
      name: string;
      version: string;
      stage: string;
      archiveExistingVersions: boolean;
      comment?: string | undefined;
    },
    principal: Principal,
  ): Promise<ModelVersion> {
    const name = validateModelName(args.name);
    const comment = validateComment(args.comment, false);
    await this.require('canManage', principal, name, 'transition model versions');
    const moved = await this.registry.applyTransition(
      name,
      args.version,
      args.stage,
      args.archiveExistingVersions,
      principal,
      comment,
    );
    return moved.modelVersion;
  }

  /** Adds a comment to a version; anyone who may read the model may comment. */
  async createComment(
    args: { name: string; version: string; comment: string | undefined },
    principal: Principal,
  ): Promise<ActivityView> {
    const name = validateModelName(args.name);
    const version = parseModelVersion(args.version);
    const comment = validateComment(args.comment, true)!;
    await this.require('canRead', principal, name, 'comment');
    const actor = this.registry.actor(principal);
    const created = await this.registry.announcing(
      actor,
      (c: Activity) => [
        {
          name: 'comment.created',
          data: { name, version: String(version), comment_id: String(c.id), comment },
        },
      ],
      (announce) => this.store.createComment(name, version, comment, actor, announce),
    );
    return (await this.withActions([created], principal))[0]!;
  }

  /** A comment by id; RESOURCE_DOES_NOT_EXIST for other activities. */
  private async comment(id: string): Promise<Activity> {
    const number = parseId(id);
    const found = await this.store.getActivity(number).catch(() => undefined);
    if (!found || found.type !== 'NEW_COMMENT') throw notFound(`Comment with id=${id} not found`);
    return found;
  }

  /** Edits a comment; only its author may. */
  async updateComment(
    args: { id: string; comment: string | undefined },
    principal: Principal,
  ): Promise<ActivityView> {
    const text = validateComment(args.comment, true)!;
    const existing = await this.comment(args.id);
    if (existing.userId !== principal.user) {
      throw new LoomError(
        'PERMISSION_DENIED',
        `Only ${existing.userId}, who wrote comment ${args.id}, may edit it.`,
      );
    }
    const updated = await this.store.updateComment(existing.id, text, this.registry.actor(principal));
    return (await this.withActions([updated], principal))[0]!;
  }

  /** Deletes a comment; its author or a manager may. */
  async deleteComment(id: string, principal: Principal): Promise<void> {
    const existing = await this.comment(id);
    if (existing.userId !== principal.user)
      await this.require('canManage', principal, existing.modelName, "delete another user's comment");
    await this.store.deleteComment(existing.id, this.registry.actor(principal));
  }

  /** Every activity of a version, oldest first, with the caller's available actions. */
  async listActivities(name: string, version: string, principal: Principal): Promise<ActivityView[]> {
    validateModelName(name);
    await this.require('canRead', principal, name, 'read activities');
    return this.withActions(await this.store.listActivities(name, parseModelVersion(version)), principal);
  }

  async getProtections(name: string, principal: Principal): Promise<Protections> {
    validateModelName(name);
    await this.require('canRead', principal, name, 'read protections');
    return this.store.getProtections(name);
  }

  /** Replaces the model's protected targets; needs manage permission. */
  async setProtections(
    args: {
      name: string;
      stages: readonly string[];
      aliases: readonly string[];
      requireDistinctApprover?: boolean | undefined;
    },
    principal: Principal,
  ): Promise<Protections> {
    const name = validateModelName(args.name);
    const protections = validateProtections(args);
    await this.require('canManage', principal, name, 'set protections');
    return this.store.setProtections(name, protections, this.registry.actor(principal));
  }

  /** Audit rows, newest first; with `name`, that model's only (needs read permission on it). */
  async getAuditLog(
    args: { name?: string | undefined; maxResults?: number | undefined; pageToken?: string | undefined },
    principal: Principal,
  ): Promise<Page<AuditEntry>> {
    const maxResults = args.maxResults ?? AUDIT_LOG_LIMITS.default;
    validateMaxResults(maxResults, AUDIT_LOG_LIMITS.max);
    if (args.name !== undefined && args.name !== '')
      await this.require('canRead', principal, validateModelName(args.name), 'read the audit log');
    return this.store.listAuditLog({ name: args.name || undefined, maxResults, pageToken: args.pageToken });
  }

  /** Databricks' `permission_level` of the caller on a model. */
  async permissionLevel(
    principal: Principal,
    name: string,
  ): Promise<'CAN_MANAGE' | 'CAN_EDIT' | 'CAN_READ' | 'NO_PERMISSIONS'> {
    if (await this.permissions.canManage(principal, name)) return 'CAN_MANAGE';
    if (await this.permissions.canEdit(principal, name)) return 'CAN_EDIT';
    if (await this.permissions.canRead(principal, name)) return 'CAN_READ';
    return 'NO_PERMISSIONS';
  }

  /** Adds Databricks' `available_actions` for `principal` to each activity. */
  async withActions(activities: readonly Activity[], principal: Principal): Promise<ActivityView[]> {
    const managers = new Map<string, boolean>();
    const distinct = new Map<string, boolean>();
    const out: ActivityView[] = [];
    for (const a of activities) {
      if (!managers.has(a.modelName))
        managers.set(a.modelName, await this.permissions.canManage(principal, a.modelName));
      const manager = managers.get(a.modelName)!;
      const mine = a.userId === principal.user;
      const actions: ActivityAction[] = [];
      if (a.type === 'REQUESTED_TRANSITION' && a.requestStatus === 'OPEN') {
        if (!distinct.has(a.modelName))
          distinct.set(a.modelName, (await this.store.getProtections(a.modelName)).requireDistinctApprover);
        if (manager && !(mine && distinct.get(a.modelName)))
          actions.push('APPROVE_TRANSITION_REQUEST', 'REJECT_TRANSITION_REQUEST');
        if (mine || manager) actions.push('CANCEL_TRANSITION_REQUEST');
      } else if (a.type === 'NEW_COMMENT') {
        if (mine) actions.push('EDIT_COMMENT');
        if (mine || manager) actions.push('DELETE_COMMENT');
      }
      out.push({ ...a, availableActions: actions });
    }
    return out;
  }
}

function parseId(id: string): number {
  if (!/^\d+$/.test(id.trim())) throw invalidParameter(`Parameter 'id' must be an integer, got '${id}'.`);
  return Number(id.trim());
}

/** The payload of transition-request events. */
function requestEventData(r: Activity): Record<string, unknown> {
  return {
    name: r.modelName,
    version: String(r.version),
    request_id: String(r.id),
    requester: r.userId,
    from_stage: r.fromStage,
    ...(r.toStage ? { to_stage: r.toStage } : {}),
    ...(r.toAlias ? { alias: r.toAlias } : {}),
    ...(r.comment ? { comment: r.comment } : {}),
  };
}
