/** Governance entities → wire JSON: Databricks' Activity and CommentObject, Loom's protections and audit rows. */
import type { ActivityJson, AuditEntryJson, CommentJson, ProtectionsJson } from '@loom/protocol';
import type { ActivityView, AuditEntry, Protections } from '@loom/core';

/** An activity (or transition request) as Databricks' `Activity`, with the caller's actions. */
export function presentActivity(a: ActivityView): ActivityJson {
  const out: ActivityJson = {
    id: String(a.id),
    creation_timestamp: a.creationTimestamp,
    last_updated_timestamp: a.lastUpdatedTimestamp,
    user_id: a.userId,
    activity_type: a.type,
  };
  if (a.fromStage !== undefined) out.from_stage = a.fromStage;
  if (a.toStage !== undefined) out.to_stage = a.toStage;
  if (a.toAlias !== undefined) out.alias = a.toAlias;
  if (a.comment !== undefined) out.comment = a.comment;
  if (a.systemComment !== undefined) out.system_comment = a.systemComment;
  if (a.requestStatus !== undefined) out.request_status = a.requestStatus;
  if (a.availableActions.length > 0) out.available_actions = [...a.availableActions];
  return out;
}

/** A NEW_COMMENT activity as Databricks' `CommentObject`. */
export function presentComment(a: ActivityView): CommentJson {
  const out: CommentJson = {
    id: String(a.id),
    creation_timestamp: a.creationTimestamp,
    last_updated_timestamp: a.lastUpdatedTimestamp,
    user_id: a.userId,
    comment: a.comment ?? '',
  };
  if (a.availableActions.length > 0) out.available_actions = [...a.availableActions];
  return out;
}

export function presentProtections(name: string, p: Protections): ProtectionsJson {
  return {
    name,
    stages: [...p.stages],
    aliases: [...p.aliases],
    require_distinct_approver: p.requireDistinctApprover,
  };
}

export function presentAuditEntry(e: AuditEntry): AuditEntryJson {
  const out: AuditEntryJson = {
    id: String(e.id),
    timestamp: e.time,
    user_id: e.user,
    action: e.action,
    name: e.modelName,
  };
  if (e.version !== undefined) out.version = String(e.version);
  if (e.before !== undefined) out.before = e.before;
  if (e.after !== undefined) out.after = e.after;
  return out;
}
