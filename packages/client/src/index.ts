export { createClient, type LoomClient } from './client';
export { basicAuthHeaders } from './basic-auth';
export {
  Http,
  errorFromResponse,
  toQueryString,
  type CallOptions,
  type ClientOptions,
  type FetchLike,
} from './http';
export type { SearchExperimentsArgs, ExperimentsPage, CreateExperimentArgs } from './experiments';
export { LOG_BATCH_LIMITS, type SearchRunsArgs, type RunsPage, type UpdateRunArgs } from './runs';
export {
  metricValue,
  type GetMetricHistoryArgs,
  type MetricHistoryPage,
  type GetMetricHistoryBulkIntervalArgs,
  type GetMetricHistoryBucketsArgs,
} from './metrics';
export type { CreateLoggedModelArgs, SearchLoggedModelsArgs, LoggedModelsPage } from './logged-models';
export { proxyPathOf, type ArtifactListing, type ArtifactHead } from './artifacts';
export type {
  SearchRegisteredModelsArgs,
  RegisteredModelsPage,
  CreateRegisteredModelArgs,
} from './registered-models';
export type {
  CreateModelVersionArgs,
  SearchModelVersionsArgs,
  ModelVersionsPage,
  TransitionModelVersionStageArgs,
} from './model-versions';
export type { GetRegistryAuditLogArgs, RegistryAuditLogPage } from './registry-audit';
export type {
  TransitionTarget,
  TransitionRequestRef,
  CreateTransitionRequestArgs,
  ApproveTransitionRequestArgs,
  RejectTransitionRequestArgs,
  DeleteTransitionRequestArgs,
  SetRegisteredModelProtectionsArgs,
} from './governance';
export {
  PERMISSION_LEVELS,
  type PermissionLevel,
  type UserJson,
  type CurrentUserJson,
  type ExperimentPermissionJson,
  type RegisteredModelPermissionJson,
  type AccessTokenJson,
  type CreatedAccessToken,
} from './auth';
