/** Experiment endpoints (service.proto), named after MLflow's operations. */
import type { ExperimentJson, KeyValue, ViewType } from '@loom/protocol';
import type { CallOptions, Http } from './http';

const BASE = '/api/2.0/mlflow/experiments';

export interface SearchExperimentsArgs {
  filter?: string | undefined;
  orderBy?: string[] | undefined;
  viewType?: ViewType | undefined;
  maxResults?: number | undefined;
  pageToken?: string | undefined;
}

export interface ExperimentsPage {
  experiments: ExperimentJson[];
  /** Absent on the last page. */
  nextPageToken: string | undefined;
}

/** One page of experiments matching `filter` (MLflow's experiment search grammar). */
export async function searchExperiments(
  http: Http,
  args: SearchExperimentsArgs = {},
  options?: CallOptions,
): Promise<ExperimentsPage> {
  const res = await http.post<{ experiments?: ExperimentJson[]; next_page_token?: string }>(
    `${BASE}/search`,
    {
      filter: args.filter || undefined,
      order_by: args.orderBy,
      view_type: args.viewType,
      max_results: args.maxResults,
      page_token: args.pageToken || undefined,
    },
    options,
  );
  return { experiments: res.experiments ?? [], nextPageToken: res.next_page_token || undefined };
}

/** One experiment by id; RESOURCE_DOES_NOT_EXIST when there is none. */
export async function getExperiment(
  http: Http,
  experimentId: string,
  options?: CallOptions,
): Promise<ExperimentJson> {
  const res = await http.get<{ experiment: ExperimentJson }>(
    `${BASE}/get`,
    { experiment_id: experimentId },
    options,
  );
  return res.experiment;
}

/** One experiment by name; RESOURCE_DOES_NOT_EXIST when there is none. */
export async function getExperimentByName(
  http: Http,
  name: string,
  options?: CallOptions,
): Promise<ExperimentJson> {
  const res = await http.get<{ experiment: ExperimentJson }>(
    `${BASE}/get-by-name`,
    { experiment_name: name },
    options,
  );
  return res.experiment;
}

export interface CreateExperimentArgs {
  name: string;
  artifactLocation?: string | undefined;
  tags?: KeyValue[] | undefined;
}

/** Creates an experiment and answers its id; RESOURCE_ALREADY_EXISTS when the name is taken. */
export async function createExperiment(
  http: Http,
  args: CreateExperimentArgs,
  options?: CallOptions,
): Promise<string> {
  const res = await http.post<{ experiment_id: string }>(
    `${BASE}/create`,
    { name: args.name, artifact_location: args.artifactLocation, tags: args.tags },
    options,
  );
  return res.experiment_id;
}

/** Renames an experiment. */
export async function updateExperiment(
  http: Http,
  experimentId: string,
  newName: string,
  options?: CallOptions,
): Promise<void> {
  await http.post(`${BASE}/update`, { experiment_id: experimentId, new_name: newName }, options);
}

/** Marks an experiment (and its runs) deleted; restorable until garbage-collected. */
export async function deleteExperiment(
  http: Http,
  experimentId: string,
  options?: CallOptions,
): Promise<void> {
  await http.post(`${BASE}/delete`, { experiment_id: experimentId }, options);
}

/** Brings a deleted experiment back. */
export async function restoreExperiment(
  http: Http,
  experimentId: string,
  options?: CallOptions,
): Promise<void> {
  await http.post(`${BASE}/restore`, { experiment_id: experimentId }, options);
}
