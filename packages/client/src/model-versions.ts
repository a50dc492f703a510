/** Model-version endpoints (model_registry.proto): versions, stages, tags and their files. */
import type { KeyValue, ModelVersionJson, ModelVersionStage } from '@loom/protocol';
import type { CallOptions, Http } from './http';

const BASE = '/api/2.0/mlflow/model-versions';

export interface CreateModelVersionArgs {
  name: string;
  /** Where the model's files are, e.g. `runs:/<run>/model`; the registry copies them. */
  source: string;
  runId?: string | undefined;
  tags?: KeyValue[] | undefined;
  runLink?: string | undefined;
  description?: string | undefined;
  modelId?: string | undefined;
}

/** Registers a new version; it may answer PENDING_REGISTRATION while its files are copied. */
export async function createModelVersion(
  http: Http,
  args: CreateModelVersionArgs,
  options?: CallOptions,
): Promise<ModelVersionJson> {
  const res = await http.post<{ model_version: ModelVersionJson }>(
    `${BASE}/create`,
    {
      name: args.name,
      source: args.source,
      run_id: args.runId,
      tags: args.tags,
      run_link: args.runLink,
      description: args.description,
      model_id: args.modelId,
    },
    options,
  );
  return res.model_version;
}

/** One version of a registered model. */
export async function getModelVersion(
  http: Http,
  name: string,
  version: string,
  options?: CallOptions,
): Promise<ModelVersionJson> {
  const res = await http.get<{ model_version: ModelVersionJson }>(`${BASE}/get`, { name, version }, options);
  return res.model_version;
}

/** Replaces a version's description. */
export async function updateModelVersion(
  http: Http,
  name: string,
  version: string,
  description: string,
  options?: CallOptions,
): Promise<ModelVersionJson> {
  const res = await http.patch<{ model_version: ModelVersionJson }>(
    `${BASE}/update`,
    { name, version, description },
    options,
  );
  return res.model_version;
}

/** Deletes one version. */
export async function deleteModelVersion(
  http: Http,
  name: string,
  version: string,
  options?: CallOptions,
): Promise<void> {
  await http.delete(`${BASE}/delete`, { name, version }, options);
}

export interface SearchModelVersionsArgs {
  /** MLflow's model-version grammar, e.g. `name = 'churn'` or `run_id = '…'`. */
  filter?: string | undefined;
  orderBy?: string[] | undefined;
  maxResults?: number | undefined;
  pageToken?: string | undefined;
}

export interface ModelVersionsPage {
  modelVersions: ModelVersionJson[];
  /** Absent on the last page. */
  nextPageToken: string | undefined;
}

/** One page of model versions matching `filter`. */
export async function searchModelVersions(
  http: Http,
  args: SearchModelVersionsArgs = {},
  options?: CallOptions,
): Promise<ModelVersionsPage> {
  const res = await http.get<{ model_versions?: ModelVersionJson[]; next_page_token?: string }>(
    `${BASE}/search`,
    {
      filter: args.filter || undefined,
      order_by: args.orderBy,
      max_results: args.maxResults,
      page_token: args.pageToken || undefined,
    },
    options,
  );
  return { modelVersions: res.model_versions ?? [], nextPageToken: res.next_page_token || undefined };
}

export interface TransitionModelVersionStageArgs {
  name: string;
  version: string;
  stage: ModelVersionStage;
  /** Moves the model's other versions in `stage` to Archived (Staging and Production only). */
  archiveExistingVersions?: boolean | undefined;
}

/** Moves a version to another stage and answers it. */
export async function transitionModelVersionStage(
  http: Http,
  args: TransitionModelVersionStageArgs,
  options?: CallOptions,
): Promise<ModelVersionJson> {
  const res = await http.post<{ model_version: ModelVersionJson }>(
    `${BASE}/transition-stage`,
    {
      name: args.name,
      version: args.version,
      stage: args.stage,
      archive_existing_versions: args.archiveExistingVersions ?? false,
    },
    options,
  );
  return res.model_version;
}

/** Sets (or overwrites) a tag of a version. */
export async function setModelVersionTag(
  http: Http,
  name: string,
  version: string,
  key: string,
  value: string,
  options?: CallOptions,
): Promise<void> {
  await http.post(`${BASE}/set-tag`, { name, version, key, value }, options);
}

/** Removes a tag of a version. */
export async function deleteModelVersionTag(
  http: Http,
  name: string,
  version: string,
  key: string,
  options?: CallOptions,
): Promise<void> {
  await http.delete(`${BASE}/delete-tag`, { name, version, key }, options);
}

/** Where the version's files live, e.g. `mlflow-artifacts:/_registry/<id>`. */
export async function getModelVersionDownloadUri(
  http: Http,
  name: string,
  version: string,
  options?: CallOptions,
): Promise<string> {
  const res = await http.get<{ artifact_uri: string }>(
    `${BASE}/get-download-uri`,
    { name, version },
    options,
  );
  return res.artifact_uri;
}

// MLflow serves version files under its ajax prefix only; there is no /api/2.0 form of this path.
const ARTIFACT_PATH = '/ajax-api/2.0/mlflow/model-versions/get-artifact';

/** The URL that downloads the file `path` of a version. */
export function modelVersionArtifactUrl(http: Http, name: string, version: string, path: string): string {
  return http.url(ARTIFACT_PATH, { name, version, path });
}

/** The text of the file `path` of a version (e.g. `MLmodel`); RESOURCE_DOES_NOT_EXIST when absent. */
export function getModelVersionArtifact(
  http: Http,
  name: string,
  version: string,
  path: string,
  options?: CallOptions,
): Promise<string> {
  return http.getText(ARTIFACT_PATH, { name, version, path }, options);
}
