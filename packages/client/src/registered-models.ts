/** Registered-model endpoints (model_registry.proto): models, their tags and aliases. */
import type { KeyValue, ModelVersionJson, RegisteredModelJson } from '@loom/protocol';
import type { CallOptions, Http } from './http';

const BASE = '/api/2.0/mlflow/registered-models';

export interface SearchRegisteredModelsArgs {
  /** MLflow's registered-model grammar, e.g. `name LIKE '%churn%'` or `tags.team = 'a'`. */
  filter?: string | undefined;
  /** e.g. `['name ASC']`, `['last_updated_timestamp DESC']`. */
  orderBy?: string[] | undefined;
  maxResults?: number | undefined;
  pageToken?: string | undefined;
}

export interface RegisteredModelsPage {
  registeredModels: RegisteredModelJson[];
  /** Absent on the last page. */
  nextPageToken: string | undefined;
}

/** One page of registered models matching `filter`. */
export async function searchRegisteredModels(
  http: Http,
  args: SearchRegisteredModelsArgs = {},
  options?: CallOptions,
): Promise<RegisteredModelsPage> {
  const res = await http.get<{ registered_models?: RegisteredModelJson[]; next_page_token?: string }>(
    `${BASE}/search`,
    {
      filter: args.filter || undefined,
      order_by: args.orderBy,
      max_results: args.maxResults,
      page_token: args.pageToken || undefined,
    },
    options,
  );
  return { registeredModels: res.registered_models ?? [], nextPageToken: res.next_page_token || undefined };
}

/** One registered model with its latest version per stage, tags and aliases. */
export async function getRegisteredModel(
  http: Http,
  name: string,
  options?: CallOptions,
): Promise<RegisteredModelJson> {
  const res = await http.get<{ registered_model: RegisteredModelJson }>(`${BASE}/get`, { name }, options);
  return res.registered_model;
}

export interface CreateRegisteredModelArgs {
  name: string;
  tags?: KeyValue[] | undefined;
  description?: string | undefined;
}

/** Creates a registered model; RESOURCE_ALREADY_EXISTS when the name is taken. */
export async function createRegisteredModel(
  http: Http,
  args: CreateRegisteredModelArgs,
  options?: CallOptions,
): Promise<RegisteredModelJson> {
  const res = await http.post<{ registered_model: RegisteredModelJson }>(
    `${BASE}/create`,
    { name: args.name, tags: args.tags, description: args.description },
    options,
  );
  return res.registered_model;
}

/** Renames a registered model (its versions follow). */
export async function renameRegisteredModel(
  http: Http,
  name: string,
  newName: string,
  options?: CallOptions,
): Promise<RegisteredModelJson> {
  const res = await http.post<{ registered_model: RegisteredModelJson }>(
    `${BASE}/rename`,
    { name, new_name: newName },
    options,
  );
  return res.registered_model;
}

/** Replaces a registered model's description. */
export async function updateRegisteredModel(
  http: Http,
  name: string,
  description: string,
  options?: CallOptions,
): Promise<RegisteredModelJson> {
  const res = await http.patch<{ registered_model: RegisteredModelJson }>(
    `${BASE}/update`,
    { name, description },
    options,
  );
  return res.registered_model;
}

/** Deletes a registered model and all of its versions. */
export async function deleteRegisteredModel(http: Http, name: string, options?: CallOptions): Promise<void> {
  await http.delete(`${BASE}/delete`, { name }, options);
}

/** The newest version in each of `stages` (every stage when absent). */
export async function getLatestVersions(
  http: Http,
  name: string,
  stages?: string[],
  options?: CallOptions,
): Promise<ModelVersionJson[]> {
  const res = await http.post<{ model_versions?: ModelVersionJson[] }>(
    `${BASE}/get-latest-versions`,
    { name, stages },
    options,
  );
  return res.model_versions ?? [];
}

/** Sets (or overwrites) a tag of a registered model. */
export async function setRegisteredModelTag(
  http: Http,
  name: string,
  key: string,
  value: string,
  options?: CallOptions,
): Promise<void> {
  await http.post(`${BASE}/set-tag`, { name, key, value }, options);
}

/** Removes a tag of a registered model. */
export async function deleteRegisteredModelTag(
  http: Http,
  name: string,
  key: string,
  options?: CallOptions,
): Promise<void> {
  await http.delete(`${BASE}/delete-tag`, { name, key }, options);
}

/** Points `alias` at `version`, moving it off any other version of the model. */
export async function setRegisteredModelAlias(
  http: Http,
  name: string,
  alias: string,
  version: string,
  options?: CallOptions,
): Promise<void> {
  await http.post(`${BASE}/alias`, { name, alias, version }, options);
}

/** Removes an alias of a registered model. */
export async function deleteRegisteredModelAlias(
  http: Http,
  name: string,
  alias: string,
  options?: CallOptions,
): Promise<void> {
  await http.delete(`${BASE}/alias`, { name, alias }, options);
}

/** The version `alias` points at (`latest`: the newest); INVALID_PARAMETER_VALUE for an unknown alias, as MLflow. */
export async function getModelVersionByAlias(
  http: Http,
  name: string,
  alias: string,
  options?: CallOptions,
): Promise<ModelVersionJson> {
  const res = await http.get<{ model_version: ModelVersionJson }>(`${BASE}/alias`, { name, alias }, options);
  return res.model_version;
}
