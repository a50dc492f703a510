/**
 * Request schemas of registry governance: Databricks' transition requests, comments and direct
 * transition (paths under /mlflow), and Loom's activities, protections and audit log (under /loom).
 * `alias` on transition requests is a Loom extension: a request targets a stage or an alias.
 */
import { f } from './schema';

const versionRef = { name: f.string().required(), version: f.string().required() };
const requestRef = { ...versionRef, stage: f.string(), alias: f.string() };

export const createTransitionRequest = { ...requestRef, comment: f.string() };
export const listTransitionRequests = versionRef;
export const approveTransitionRequest = {
  ...requestRef,
  archive_existing_versions: f.bool(),
  comment: f.string(),
};
export const rejectTransitionRequest = { ...requestRef, comment: f.string() };
export const deleteTransitionRequest = { ...requestRef, creator: f.string(), comment: f.string() };
export const transitionModelVersionStageDatabricks = {
  ...versionRef,
  stage: f.string().required(),
  archive_existing_versions: f.bool(),
  comment: f.string(),
};
export const createComment = { ...versionRef, comment: f.string() };
export const updateComment = { id: f.string().required(), comment: f.string() };
export const deleteComment = { id: f.string().required() };

export const listModelVersionActivities = versionRef;
export const getRegisteredModelProtections = { name: f.string().required() };
export const setRegisteredModelProtections = {
  name: f.string().required(),
  stages: f.string().list(),
  aliases: f.string().list(),
  require_distinct_approver: f.bool(),
};
export const getRegistryAuditLog = { name: f.string(), max_results: f.int64(), page_token: f.string() };
