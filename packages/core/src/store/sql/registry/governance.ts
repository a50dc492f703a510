/** Registry governance in SQL: protections, transition requests, comments and the activity log. */
import { alreadyExists, invalidParameter, notFound } from '@loom/protocol';
import type { ModelVersionStage } from '../../../registry/entities';
import {
  NO_PROTECTIONS,
  type Activity,
  type ActivityType,
  type Actor,
  type Protections,
  type TransitionTarget,
} from '../../../registry/governance-entities';
import type { RequestResolution, ResolvedRequest } from '../../../registry/governance-store';
import type { Announce } from '../../../registry/registry-store';
import type { Queryable, SqlDriver } from '../driver';
import { isUniqueViolation, num } from '../sql-util';
import { insertActivity, loadActivities, loadActivity } from './activity-rows';
import { recordAudit } from './audit-log';
import { applyStageTransition } from './model-versions';
import { pointAlias } from './registered-models';
import { modelRow, versionKey } from './rows';

async function protectionsOf(q: Queryable, modelPk: number | string): Promise<Protections> {
  const row = await q.get<{ stages: string; aliases: string; require_distinct_approver: number | string }>(
    'SELECT stages, aliases, require_distinct_approver FROM registered_model_protections WHERE model_pk = ?',
    [modelPk],
  );
  if (!row) return { ...NO_PROTECTIONS, stages: [], aliases: [] };
  return {
    stages: JSON.parse(row.stages) as ModelVersionStage[],
    aliases: JSON.parse(row.aliases) as string[],
    requireDistinctApprover: num(row.require_distinct_approver) !== 0,
  };
}

const protectionsJson = (p: Protections) => ({
  stages: p.stages,
  aliases: p.aliases,
  require_distinct_approver: p.requireDistinctApprover,
});

/** A model's protected targets (none set: nothing protected). */
export async function getProtections(q: Queryable, name: string): Promise<Protections> {
  return protectionsOf(q, (await modelRow(q, name)).model_pk);
}

/** Replaces a model's protected targets. */
export async function setProtections(
  db: SqlDriver,
  name: string,
  p: Protections,
  actor: Actor,
): Promise<Protections> {
  return db.transaction(async (tx) => {
    const model = await modelRow(tx, name);
    const before = await protectionsOf(tx, model.model_pk);
    await tx.run(
      `INSERT INTO registered_model_protections (model_pk, stages, aliases, require_distinct_approver,
         last_updated_timestamp) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (model_pk) DO UPDATE SET stages = excluded.stages, aliases = excluded.aliases,
         require_distinct_approver = excluded.require_distinct_approver,
         last_updated_timestamp = excluded.last_updated_timestamp`,
      [
        model.model_pk,
        JSON.stringify(p.stages),
        JSON.stringify(p.aliases),
        p.requireDistinctApprover ? 1 : 0,
        actor.time,
      ],
    );
    await recordAudit(tx, actor, {
      action: 'setRegisteredModelProtections',
      modelName: name,
      before: protectionsJson(before),
      after: protectionsJson(p),
    });
    return protectionsOf(tx, model.model_pk);
  });
}

/** SQL matching the target of a request over `a`, with its parameters. */
function targetClause(target: TransitionTarget): { sql: string; params: string[] } {
  return 'stage' in target
    ? { sql: 'a.to_stage = ? AND a.to_alias IS NULL', params: [target.stage] }
    : { sql: 'a.to_alias = ? AND a.to_stage IS NULL', params: [target.alias] };
}

/** How a target reads in messages: `stage Production` or `alias @champion`. */
export function describeTarget(target: TransitionTarget): string {
  return 'stage' in target ? `stage ${target.stage}` : `alias @${target.alias}`;
}

/** Opens a transition request; one open request per version and target. */
export async function createTransitionRequest(
  db: SqlDriver,
  name: string,
  version: number,
  target: TransitionTarget,
  comment: string | undefined,
  actor: Actor,
  announce?: Announce<Activity>,
): Promise<Activity> {
  try {
    return await db.transaction(async (tx) => {
      const key = await versionKey(tx, name, version);
      const current = await tx.get<{ current_stage: string }>(
        'SELECT current_stage FROM model_versions WHERE model_pk = ? AND version = ?',
        [key.modelPk, version],
      );
      const fromStage = current!.current_stage;
      if ('stage' in target && target.stage === fromStage)
        throw invalidParameter(
          `Model Version (name=${name}, version=${version}) is already in ${fromStage}.`,
        );
      const request = await insertActivity(tx, {
        modelPk: key.modelPk,
        version,
        type: 'REQUESTED_TRANSITION',
        user: actor.user,
        time: actor.time,
        fromStage,
        toStage: 'stage' in target ? target.stage : undefined,
        toAlias: 'alias' in target ? target.alias : undefined,
        comment,
        requestStatus: 'OPEN',
      });
      await recordAudit(tx, actor, {
        action: 'createTransitionRequest',
        modelName: name,
        version,
        after: { id: String(request.id), ...targetJson(target), comment, status: 'OPEN' },
      });
      await announce?.(tx, request);
      return request;
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw alreadyExists(
        `An open transition request to ${describeTarget(target)} already exists for Model Version ` +
          `(name=${name}, version=${version}).`,
      );
    }
    throw err;
  }
}

const targetJson = (t: TransitionTarget) => ('stage' in t ? { to_stage: t.stage } : { alias: t.alias });

/** The open requests of a live version, oldest first. */
export async function listTransitionRequests(
  q: Queryable,
  name: string,
  version: number,
): Promise<Activity[]> {
  const key = await versionKey(q, name, version);
  return loadActivities(q, `a.model_pk = ? AND a.version = ? AND a.request_status = 'OPEN'`, [
    key.modelPk,
    version,
  ]);
}

/** The open request of a live version to `target`, if any. */
export async function findOpenTransitionRequest(
  q: Queryable,
  name: string,
  version: number,
  target: TransitionTarget,
): Promise<Activity | undefined> {
  const key = await versionKey(q, name, version);
  const t = targetClause(target);
  const [found] = await loadActivities(
    q,
    `a.model_pk = ? AND a.version = ? AND a.request_status = 'OPEN' AND ${t.sql}`,
    [key.modelPk, version, ...t.params],
  );
  return found;
}

const OUTCOME: Record<RequestResolution['status'], { type: ActivityType; action: string }> = {
  APPROVED: { type: 'APPROVED_REQUEST', action: 'approveTransitionRequest' },
  REJECTED: { type: 'REJECTED_REQUEST', action: 'rejectTransitionRequest' },
  CANCELLED: { type: 'CANCELLED_REQUEST', action: 'deleteTransitionRequest' },
};

/**
 * Closes an open request. The guarded UPDATE is the decision: of two concurrent resolutions, the
 * second finds the row no longer OPEN (PostgreSQL re-checks the WHERE after the first commits; SQLite
 * runs write transactions one at a time) and fails before touching anything.
 */
export async function resolveTransitionRequest(
  db: SqlDriver,
  requestId: number,
  resolution: RequestResolution,
  actor: Actor,
  announce?: Announce<ResolvedRequest>,
): Promise<ResolvedRequest> {
  return db.transaction(async (tx) => {
    const result = await closeTransitionRequest(tx, requestId, resolution, actor);
    await announce?.(tx, result);
    return result;
  });
}

/** The body of `resolveTransitionRequest`, inside its transaction. */
async function closeTransitionRequest(
  tx: Queryable,
  requestId: number,
  resolution: RequestResolution,
  actor: Actor,
): Promise<ResolvedRequest> {
  const closed = await tx.run(
    `UPDATE model_version_activities SET request_status = ?, last_updated_timestamp = ?
       WHERE activity_id = ? AND request_status = 'OPEN'`,
    [resolution.status, actor.time, requestId],
  );
  if (closed === 0) throw notFound(`Transition request id=${requestId} is not open.`);
  const request = await loadActivity(tx, requestId);
  const key = await versionKey(tx, request.modelName, request.version);
  const outcome = OUTCOME[resolution.status];
  const current = await tx.get<{ current_stage: string }>(
    'SELECT current_stage FROM model_versions WHERE model_pk = ? AND version = ?',
    [key.modelPk, request.version],
  );
  const activity = await insertActivity(tx, {
    modelPk: key.modelPk,
    version: request.version,
    type: outcome.type,
    user: actor.user,
    time: actor.time,
    fromStage: current!.current_stage,
    toStage: request.toStage,
    toAlias: request.toAlias,
    comment: resolution.comment,
    systemComment: `Request ${requestId} by ${request.userId}.`,
  });
  await recordAudit(tx, actor, {
    action: outcome.action,
    modelName: request.modelName,
    version: request.version,
    before: { id: String(requestId), status: 'OPEN' },
    after: { id: String(requestId), status: resolution.status, comment: resolution.comment },
  });
  const result: ResolvedRequest = { activity, request: await loadActivity(tx, requestId) };
  if (resolution.status !== 'APPROVED') return result;
  const note = { systemComment: `Applied by approving request ${requestId}.` };
  if (request.toStage) {
    result.transition = await applyStageTransition(
      tx,
      request.modelName,
      request.version,
      request.toStage as ModelVersionStage,
      resolution.archiveExisting,
      actor,
      note,
    );
  } else if (request.toAlias) {
    const pointed = await pointAlias(tx, request.modelName, request.toAlias, request.version, actor);
    await insertActivity(tx, {
      modelPk: key.modelPk,
      version: request.version,
      type: 'APPLIED_TRANSITION',
      user: actor.user,
      time: actor.time,
      fromStage: current!.current_stage,
      toAlias: request.toAlias,
      ...note,
    });
    result.alias = { alias: request.toAlias, ...pointed };
  }
  return result;
}

/** Adds a comment to a live version. */
export async function createComment(
  db: SqlDriver,
  name: string,
  version: number,
  comment: string,
  actor: Actor,
  announce?: Announce<Activity>,
): Promise<Activity> {
  return db.transaction(async (tx) => {
    const key = await versionKey(tx, name, version);
    const created = await insertActivity(tx, {
      modelPk: key.modelPk,
      version,
      type: 'NEW_COMMENT',
      user: actor.user,
      time: actor.time,
      comment,
    });
    await recordAudit(tx, actor, {
      action: 'createComment',
      modelName: name,
      version,
      after: { id: String(created.id), comment },
    });
    await announce?.(tx, created);
    return created;
  });
}

/** A comment by id; RESOURCE_DOES_NOT_EXIST for an unknown id or an activity that is no comment. */
export async function commentById(q: Queryable, id: number): Promise<Activity> {
  const found = await loadActivity(q, id).catch(() => undefined);
  if (!found || found.type !== 'NEW_COMMENT') throw notFound(`Comment with id=${id} not found`);
  return found;
}

/** Replaces a comment's text. */
export async function updateComment(
  db: SqlDriver,
  id: number,
  comment: string,
  actor: Actor,
): Promise<Activity> {
  return db.transaction(async (tx) => {
    const before = await commentById(tx, id);
    await tx.run(
      'UPDATE model_version_activities SET comment = ?, last_updated_timestamp = ? WHERE activity_id = ?',
      [comment, actor.time, id],
    );
    await recordAudit(tx, actor, {
      action: 'updateComment',
      modelName: before.modelName,
      version: before.version,
      before: { id: String(id), comment: before.comment },
      after: { id: String(id), comment },
    });
    return loadActivity(tx, id);
  });
}

/** Removes a comment. */
export async function deleteComment(db: SqlDriver, id: number, actor: Actor): Promise<void> {
  await db.transaction(async (tx) => {
    const before = await commentById(tx, id);
    await tx.run('DELETE FROM model_version_activities WHERE activity_id = ?', [id]);
    await recordAudit(tx, actor, {
      action: 'deleteComment',
      modelName: before.modelName,
      version: before.version,
      before: { id: String(id), comment: before.comment },
    });
  });
}

/** Every activity of a live version, oldest first. */
export async function listActivities(q: Queryable, name: string, version: number): Promise<Activity[]> {
  const key = await versionKey(q, name, version);
  return loadActivities(q, 'a.model_pk = ? AND a.version = ?', [key.modelPk, version]);
}
