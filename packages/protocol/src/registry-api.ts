/** Request schemas of MLflow's Model Registry service (model_registry.proto), one per endpoint. */
import { f, type Infer } from './schema';

const keyValue = f.message({ key: f.string(), value: f.string() });
const modelName = { name: f.string().required() };
const versionRef = { name: f.string().required(), version: f.string().required() };

export const createRegisteredModel = {
  ...modelName,
  tags: keyValue.list(),
  description: f.string(),
};
export const renameRegisteredModel = { ...modelName, new_name: f.string().required() };
export const updateRegisteredModel = { ...modelName, description: f.string() };
export const deleteRegisteredModel = modelName;
export const getRegisteredModel = modelName;
export const searchRegisteredModels = {
  filter: f.string(),
  max_results: f.int64(),
  order_by: f.string().list(),
  page_token: f.string(),
};
/** MLflow 1.x `registered-models/list`. */
export const listRegisteredModels = { max_results: f.int64(), page_token: f.string() };
export const getLatestVersions = { ...modelName, stages: f.string().list() };
export const setRegisteredModelTag = { ...modelName, key: f.string().required(), value: f.string() };
export const deleteRegisteredModelTag = { ...modelName, key: f.string().required() };
export const setRegisteredModelAlias = {
  ...modelName,
  alias: f.string().required(),
  version: f.string().required(),
};
export const deleteRegisteredModelAlias = { ...modelName, alias: f.string().required() };
export const getModelVersionByAlias = { ...modelName, alias: f.string().required() };

export const createModelVersion = {
  ...modelName,
  source: f.string().required(),
  run_id: f.string(),
  tags: keyValue.list(),
  run_link: f.string(),
  description: f.string(),
  model_id: f.string(),
};
export const updateModelVersion = { ...versionRef, description: f.string() };
export const deleteModelVersion = versionRef;
export const getModelVersion = versionRef;
export const searchModelVersions = {
  filter: f.string(),
  max_results: f.int64(),
  order_by: f.string().list(),
  page_token: f.string(),
};
export const getModelVersionDownloadUri = versionRef;
export const transitionModelVersionStage = {
  ...versionRef,
  stage: f.string().required(),
  archive_existing_versions: f.bool(),
};
export const setModelVersionTag = { ...versionRef, key: f.string().required(), value: f.string() };
export const deleteModelVersionTag = { ...versionRef, key: f.string().required() };
/** GET `/model-versions/get-artifact`: a file under the version's source. */
export const getModelVersionArtifact = { ...versionRef, path: f.string().required() };

export type CreateModelVersionRequest = Infer<typeof createModelVersion>;
export type SearchModelVersionsRequest = Infer<typeof searchModelVersions>;
