/** The registry's audit log in SQL: one row per change, written inside the change's transaction. */
import { invalidParameter } from '@loom/protocol';
import type { Actor, AuditEntry } from '../../../registry/governance-entities';
import type { AuditLogQuery } from '../../../registry/governance-store';
import type { Page } from '../../../tracking/entities';
import type { Queryable, SqlValue } from '../driver';
import { num } from '../sql-util';

/** What one change did, for its audit row. */
export interface AuditChange {
  action: string;
  modelName: string;
  version?: number | undefined;
  before?: unknown;
  after?: unknown;
}

const toJson = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));

/** Writes the audit row of a change; call it with the transaction that makes the change. */
export async function recordAudit(tx: Queryable, actor: Actor, change: AuditChange): Promise<void> {
  await tx.run(
    `INSERT INTO registry_audit_log (time, user_id, action, model_name, version, before_json, after_json)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
    [
      actor.time,
      actor.user,
      change.action,
      change.modelName,
      change.version ?? null,
      toJson(change.before),
      toJson(change.after),
    ],
  );
}

interface AuditRow {
  audit_id: number | string;
  time: number | string;
  user_id: string;
  action: string;
  model_name: string;
  version: number | string | null;
  before_json: string | null;
  after_json: string | null;
}

// Keyset paging on the id (newest first): a token names the last id served, so rows written while a
// reader pages through never shift its pages.
function encodeToken(lastId: number): string {
  return Buffer.from(JSON.stringify({ before_id: lastId })).toString('base64');
}

function decodeToken(token: string | undefined): number | undefined {
  if (!token) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { before_id?: unknown };
    if (typeof parsed.before_id === 'number' && Number.isSafeInteger(parsed.before_id))
      return parsed.before_id;
  } catch {
    // fall through to the error below
  }
  throw invalidParameter(`Invalid page token '${token}'.`);
}

/** A page of audit rows, newest first. */
export async function listAuditLog(q: Queryable, query: AuditLogQuery): Promise<Page<AuditEntry>> {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (query.name !== undefined) {
    where.push('model_name = ?');
    params.push(query.name);
  }
  const beforeId = decodeToken(query.pageToken);
  if (beforeId !== undefined) {
    where.push('audit_id < ?');
    params.push(beforeId);
  }
  const rows = await q.all<AuditRow>(
    `SELECT audit_id, time, user_id, action, model_name, version, before_json, after_json
     FROM registry_audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY audit_id DESC LIMIT ?`,
    [...params, query.maxResults + 1],
  );
  const more = rows.length > query.maxResults;
  const page = more ? rows.slice(0, query.maxResults) : rows;
  return {
    items: page.map(toAuditEntry),
    nextPageToken: more ? encodeToken(num(page[page.length - 1]!.audit_id)) : undefined,
  };
}

function toAuditEntry(r: AuditRow): AuditEntry {
  return {
    id: num(r.audit_id),
    time: num(r.time),
    user: r.user_id,
    action: r.action,
    modelName: r.model_name,
    version: r.version === null ? undefined : num(r.version),
    before: r.before_json === null ? undefined : (JSON.parse(r.before_json) as unknown),
    after: r.after_json === null ? undefined : (JSON.parse(r.after_json) as unknown),
  };
}
