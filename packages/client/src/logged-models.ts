/** MLflow 3 logged-model endpoints: a model as its own entity, with an artifact folder of its own. */
import type { FileInfoJson, KeyValue, LoggedModelJson, LoggedModelStatus } from '@loom/protocol';
import type { CallOptions, Http } from './http';

const BASE = '/api/2.0/mlflow/logged-models';
const byId = (modelId: string) => `${BASE}/${encodeURIComponent(modelId)}`;

export interface CreateLoggedModelArgs {
  experimentId: string;
  /** No `/ : . % " '`; the server picks a random name when absent. */
  name?: string | undefined;
  modelType?: string | undefined;
  sourceRunId?: string | undefined;
  params?: KeyValue[] | undefined;
  tags?: KeyValue[] | undefined;
}

/** Creates a PENDING logged model; its files go under the answered `artifact_uri`. */
export async function createLoggedModel(
  http: Http,
  args: CreateLoggedModelArgs,
  options?: CallOptions,
): Promise<LoggedModelJson> {
  const res = await http.post<{ model: LoggedModelJson }>(
    BASE,
    {
      experiment_id: args.experimentId,
      name: args.name,
      model_type: args.modelType,
      source_run_id: args.sourceRunId,
      params: args.params,
      tags: args.tags,
    },
    options,
  );
  return res.model;
}

/** One logged model (`m-<32 hex>`); RESOURCE_DOES_NOT_EXIST when unknown. */
export async function getLoggedModel(
  http: Http,
  modelId: string,
  options?: CallOptions,
): Promise<LoggedModelJson> {
  return (await http.get<{ model: LoggedModelJson }>(byId(modelId), {}, options)).model;
}

/** Sets the final status: LOGGED_MODEL_READY once every file is uploaded, else LOGGED_MODEL_UPLOAD_FAILED. */
export async function finalizeLoggedModel(
  http: Http,
  modelId: string,
  status: LoggedModelStatus,
  options?: CallOptions,
): Promise<LoggedModelJson> {
  const res = await http.patch<{ model: LoggedModelJson }>(
    byId(modelId),
    { model_id: modelId, status },
    options,
  );
  return res.model;
}

/** Marks a logged model deleted. */
export async function deleteLoggedModel(http: Http, modelId: string, options?: CallOptions): Promise<void> {
  await http.delete(byId(modelId), undefined, options);
}

export interface SearchLoggedModelsArgs {
  experimentIds: string[];
  /** e.g. `name = 'model' AND metrics.rmse < 1`. */
  filter?: string | undefined;
  maxResults?: number | undefined;
  orderBy?: { fieldName: string; ascending?: boolean | undefined }[] | undefined;
  pageToken?: string | undefined;
}

export interface LoggedModelsPage {
  models: LoggedModelJson[];
  /** Absent on the last page. */
  nextPageToken: string | undefined;
}

/** One page of the logged models of `experimentIds` matching `filter`. */
export async function searchLoggedModels(
  http: Http,
  args: SearchLoggedModelsArgs,
  options?: CallOptions,
): Promise<LoggedModelsPage> {
  const res = await http.post<{ models?: LoggedModelJson[]; next_page_token?: string }>(
    `${BASE}/search`,
    {
      experiment_ids: args.experimentIds,
      filter: args.filter || undefined,
      max_results: args.maxResults,
      order_by: args.orderBy?.map((o) => ({ field_name: o.fieldName, ascending: o.ascending })),
      page_token: args.pageToken || undefined,
    },
    options,
  );
  return { models: res.models ?? [], nextPageToken: res.next_page_token || undefined };
}

/** The files and folders directly under `path` (the root when absent) of a logged model's artifacts. */
export async function listLoggedModelArtifacts(
  http: Http,
  modelId: string,
  path?: string,
  options?: CallOptions,
): Promise<FileInfoJson[]> {
  const res = await http.get<{ files?: FileInfoJson[] }>(
    `${byId(modelId)}/artifacts/directories`,
    { artifact_directory_path: path || undefined },
    options,
  );
  return res.files ?? [];
}
