/** Registry governance entities on the wire: Databricks' Activity and CommentObject, Loom's audit entries. */

/** Databricks' Activity (also its TransitionRequest), plus Loom's `alias` and `request_status`. */
export interface ActivityJson {
  id: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id: string;
  activity_type: string;
  from_stage?: string;
  to_stage?: string;
  /** Loom: the alias a request targets. */
  alias?: string;
  comment?: string;
  system_comment?: string;
  /** Loom: OPEN, APPROVED, REJECTED or CANCELLED, on REQUESTED_TRANSITION activities. */
  request_status?: string;
  available_actions?: string[];
}

/** Databricks' CommentObject. */
export interface CommentJson {
  id: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id: string;
  comment: string;
  available_actions?: string[];
}

export interface ProtectionsJson {
  name: string;
  stages: string[];
  aliases: string[];
  require_distinct_approver: boolean;
}

/** One row of the registry audit log. */
export interface AuditEntryJson {
  id: string;
  timestamp: number;
  user_id: string;
  action: string;
  name: string;
  version?: string;
  before?: unknown;
  after?: unknown;
}
