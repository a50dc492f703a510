/**
 * Registry governance: Databricks' transition requests and comments (under /mlflow), and Loom's
 * activity history and protected targets (under /loom). The caller is whoever the client's
 * `Authorization` header names; `available_actions` on answers are computed for that caller.
 */
import type { ActivityJson, CommentJson, ProtectionsJson } from '@loom/protocol';
import type { CallOptions, Http } from './http';

const MLFLOW = '/api/2.0/mlflow';
const LOOM = '/api/2.0/loom';

/** Where a request moves a version: a stage (Databricks) or, a Loom extension, an alias. */
export type TransitionTarget = { stage: string; alias?: undefined } | { alias: string; stage?: undefined };

/** A version and the target of its open request. */
export type TransitionRequestRef = { name: string; version: string } & TransitionTarget;

export type CreateTransitionRequestArgs = TransitionRequestRef & { comment?: string | undefined };

export type ApproveTransitionRequestArgs = TransitionRequestRef & {
  /** Required by the server when the target is a stage: archive the versions already in it. */
  archiveExistingVersions?: boolean | undefined;
  comment?: string | undefined;
};

export type RejectTransitionRequestArgs = TransitionRequestRef & { comment?: string | undefined };

export type DeleteTransitionRequestArgs = TransitionRequestRef & {
  /** The requester; when given it must match (Databricks' field). */
  creator?: string | undefined;
  comment?: string | undefined;
};

const targetBody = (ref: TransitionRequestRef) => ({
  name: ref.name,
  version: ref.version,
  stage: ref.stage,
  alias: ref.alias,
});

/** Opens a request to move a version to a stage or alias; answers the REQUESTED_TRANSITION activity. */
export async function createTransitionRequest(
  http: Http,
  args: CreateTransitionRequestArgs,
  options?: CallOptions,
): Promise<ActivityJson> {
  const res = await http.post<{ request: ActivityJson }>(
    `${MLFLOW}/transition-requests/create`,
    { ...targetBody(args), comment: args.comment },
    options,
  );
  return res.request;
}

/** The open transition requests of a version. */
export async function listTransitionRequests(
  http: Http,
  name: string,
  version: string,
  options?: CallOptions,
): Promise<ActivityJson[]> {
  const res = await http.get<{ requests?: ActivityJson[] }>(
    `${MLFLOW}/transition-requests/list`,
    { name, version },
    options,
  );
  return res.requests ?? [];
}

/** Approves the open request to the target and performs the move; answers the APPROVED_REQUEST activity. */
export async function approveTransitionRequest(
  http: Http,
  args: ApproveTransitionRequestArgs,
  options?: CallOptions,
): Promise<ActivityJson> {
  const res = await http.post<{ activity: ActivityJson }>(
    `${MLFLOW}/transition-requests/approve`,
    { ...targetBody(args), archive_existing_versions: args.archiveExistingVersions, comment: args.comment },
    options,
  );
  return res.activity;
}

/** Rejects the open request to the target; answers the REJECTED_REQUEST activity. */
export async function rejectTransitionRequest(
  http: Http,
  args: RejectTransitionRequestArgs,
  options?: CallOptions,
): Promise<ActivityJson> {
  const res = await http.post<{ activity: ActivityJson }>(
    `${MLFLOW}/transition-requests/reject`,
    { ...targetBody(args), comment: args.comment },
    options,
  );
  return res.activity;
}

/** Cancels the open request to the target (its creator or a manager); answers CANCELLED_REQUEST. */
export async function deleteTransitionRequest(
  http: Http,
  args: DeleteTransitionRequestArgs,
  options?: CallOptions,
): Promise<ActivityJson> {
  const res = await http.delete<{ activity: ActivityJson }>(
    `${MLFLOW}/transition-requests/delete`,
    { ...targetBody(args), creator: args.creator, comment: args.comment },
    options,
  );
  return res.activity;
}

/** Adds a comment to a version. */
export async function createComment(
  http: Http,
  name: string,
  version: string,
  comment: string,
  options?: CallOptions,
): Promise<CommentJson> {
  const res = await http.post<{ comment: CommentJson }>(
    `${MLFLOW}/comments/create`,
    { name, version, comment },
    options,
  );
  return res.comment;
}

/** Replaces the text of a comment (its author only). */
export async function updateComment(
  http: Http,
  id: string,
  comment: string,
  options?: CallOptions,
): Promise<CommentJson> {
  const res = await http.patch<{ comment: CommentJson }>(
    `${MLFLOW}/comments/update`,
    { id, comment },
    options,
  );
  return res.comment;
}

/** Deletes a comment (its author or a manager). */
export async function deleteComment(http: Http, id: string, options?: CallOptions): Promise<void> {
  await http.delete(`${MLFLOW}/comments/delete`, { id }, options);
}

/** The whole history of a version (moves, requests and their outcomes, comments), oldest first. */
export async function listModelVersionActivities(
  http: Http,
  name: string,
  version: string,
  options?: CallOptions,
): Promise<ActivityJson[]> {
  const res = await http.get<{ activities?: ActivityJson[] }>(
    `${LOOM}/model-versions/activities`,
    { name, version },
    options,
  );
  return res.activities ?? [];
}

/** The protected targets of a registered model. */
export async function getRegisteredModelProtections(
  http: Http,
  name: string,
  options?: CallOptions,
): Promise<ProtectionsJson> {
  const res = await http.get<{ protections: ProtectionsJson }>(
    `${LOOM}/registered-models/protections`,
    { name },
    options,
  );
  return res.protections;
}

export interface SetRegisteredModelProtectionsArgs {
  name: string;
  stages: readonly string[];
  aliases: readonly string[];
  /** Default true: the requester may not approve their own request. */
  requireDistinctApprover?: boolean | undefined;
}

/** Replaces the protected targets of a registered model (manage permission); answers the stored set. */
export async function setRegisteredModelProtections(
  http: Http,
  args: SetRegisteredModelProtectionsArgs,
  options?: CallOptions,
): Promise<ProtectionsJson> {
  const res = await http.post<{ protections: ProtectionsJson }>(
    `${LOOM}/registered-models/protections`,
    {
      name: args.name,
      stages: args.stages,
      aliases: args.aliases,
      require_distinct_approver: args.requireDistinctApprover,
    },
    options,
  );
  return res.protections;
}
