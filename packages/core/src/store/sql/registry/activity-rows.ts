/** Rows of `model_version_activities` ↔ `Activity`, and the one insert every activity goes through. */
import { notFound } from '@loom/protocol';
import type { Activity, ActivityType, RequestStatus } from '../../../registry/governance-entities';
import type { Queryable } from '../driver';
import { num } from '../sql-util';

interface ActivityRow {
  activity_id: number | string;
  name: string;
  version: number | string;
  activity_type: string;
  user_id: string;
  from_stage: string | null;
  to_stage: string | null;
  to_alias: string | null;
  comment: string | null;
  system_comment: string | null;
  request_status: string | null;
  creation_timestamp: number | string;
  last_updated_timestamp: number | string;
}

/** Columns of an activity joined with its model's name (`a` and `rm`). */
export const ACTIVITY_SELECT = `SELECT a.activity_id, rm.name, a.version, a.activity_type, a.user_id, a.from_stage,
  a.to_stage, a.to_alias, a.comment, a.system_comment, a.request_status, a.creation_timestamp,
  a.last_updated_timestamp
  FROM model_version_activities a JOIN registered_models rm ON rm.model_pk = a.model_pk`;

const opt = (v: string | null): string | undefined => (v === null ? undefined : v);

/** A row as a domain activity. */
export function toActivity(r: ActivityRow): Activity {
  return {
    id: num(r.activity_id),
    modelName: r.name,
    version: num(r.version),
    type: r.activity_type as ActivityType,
    userId: r.user_id,
    fromStage: opt(r.from_stage),
    toStage: opt(r.to_stage),
    toAlias: opt(r.to_alias),
    comment: opt(r.comment),
    systemComment: opt(r.system_comment),
    requestStatus: opt(r.request_status) as RequestStatus | undefined,
    creationTimestamp: num(r.creation_timestamp),
    lastUpdatedTimestamp: num(r.last_updated_timestamp),
  };
}

/** A new activity of version `version` of the model `modelPk`. */
export interface NewActivity {
  modelPk: number;
  version: number;
  type: ActivityType;
  user: string;
  time: number;
  fromStage?: string | undefined;
  toStage?: string | undefined;
  toAlias?: string | undefined;
  comment?: string | undefined;
  systemComment?: string | undefined;
  requestStatus?: RequestStatus | undefined;
}

/** Inserts an activity and returns it as stored. */
export async function insertActivity(q: Queryable, a: NewActivity): Promise<Activity> {
  const row = await q.get<{ activity_id: number | string }>(
    `INSERT INTO model_version_activities (model_pk, version, activity_type, user_id, from_stage, to_stage,
       to_alias, comment, system_comment, request_status, creation_timestamp, last_updated_timestamp)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING activity_id`,
    [
      a.modelPk,
      a.version,
      a.type,
      a.user,
      a.fromStage ?? null,
      a.toStage ?? null,
      a.toAlias ?? null,
      a.comment ?? null,
      a.systemComment ?? null,
      a.requestStatus ?? null,
      a.time,
      a.time,
    ],
  );
  return loadActivity(q, num(row!.activity_id));
}

/** One activity by id; RESOURCE_DOES_NOT_EXIST when there is none. */
export async function loadActivity(q: Queryable, id: number): Promise<Activity> {
  const row = Number.isSafeInteger(id)
    ? await q.get<ActivityRow>(`${ACTIVITY_SELECT} WHERE a.activity_id = ?`, [id])
    : undefined;
  if (!row) throw notFound(`Activity with id=${id} not found`);
  return toActivity(row);
}

/** Activities matching `where` (over `a`), oldest first. */
export async function loadActivities(
  q: Queryable,
  where: string,
  params: (string | number)[],
): Promise<Activity[]> {
  const rows = await q.all<ActivityRow>(`${ACTIVITY_SELECT} WHERE ${where} ORDER BY a.activity_id`, params);
  return rows.map(toActivity);
}
