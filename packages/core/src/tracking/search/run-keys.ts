/** What a search_runs identifier (`metrics.rmse`, `params.lr`, `status`, `dataset.name`, …) refers to. */
import { invalidParameter } from '@loom/protocol';
import type { Identifier } from './filter-ast';
import { pyList } from './value-checks';

export type RunEntity = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset';

interface AttributeInfo {
  /** The column of `runs r` holding it. */
  column: string;
  numeric: boolean;
  nullable: boolean;
}

/** The searchable and orderable run attributes (MLflow's RunInfo searchable attributes). */
export const RUN_ATTRIBUTES: Readonly<Record<string, AttributeInfo>> = {
  run_id: { column: 'r.run_id', numeric: false, nullable: false },
  // Kept equal to the mlflow.runName tag, which is what MLflow's SQL store compares.
  run_name: { column: 'r.name', numeric: false, nullable: false },
  user_id: { column: 'r.user_id', numeric: false, nullable: false },
  status: { column: 'r.status', numeric: false, nullable: false },
  artifact_uri: { column: 'r.artifact_uri', numeric: false, nullable: false },
  start_time: { column: 'r.start_time', numeric: true, nullable: false },
  end_time: { column: 'r.end_time', numeric: true, nullable: true },
};

const ATTRIBUTE_ALIASES: Readonly<Record<string, string>> = {
  'run name': 'run_name',
  'Run name': 'run_name',
  'Run Name': 'run_name',
  created: 'start_time',
  Created: 'start_time',
};

const ENTITY_PREFIXES: Readonly<Record<string, RunEntity>> = {
  metric: 'metric',
  metrics: 'metric',
  parameter: 'param',
  parameters: 'param',
  param: 'param',
  params: 'param',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
  dataset: 'dataset',
  datasets: 'dataset',
};

export const DATASET_KEYS = ['name', 'digest', 'context'] as const;
export type DatasetKey = (typeof DATASET_KEYS)[number];

/** A resolved identifier: attribute keys are canonical (`created` → `start_time`). */
export type RunKey =
  | { entity: 'metric' | 'param' | 'tag'; key: string }
  | { entity: 'attribute'; key: string; attribute: AttributeInfo }
  | { entity: 'dataset'; key: DatasetKey };

/** Resolves an identifier of a runs filter or order_by, rejecting unknown prefixes and keys as MLflow does. */
export function resolveRunKey(id: Identifier): RunKey {
  const entity = id.entity === undefined ? 'attribute' : ENTITY_PREFIXES[id.entity];
  if (!entity) {
    throw invalidParameter(
      `Invalid entity type '${id.entity}'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']`,
    );
  }
  if (entity === 'attribute') {
    const key = ATTRIBUTE_ALIASES[id.key] ?? id.key;
    const attribute = Object.hasOwn(RUN_ATTRIBUTES, key) ? RUN_ATTRIBUTES[key] : undefined;
    if (!attribute) {
      const valid = [...Object.keys(RUN_ATTRIBUTES), ...Object.keys(ATTRIBUTE_ALIASES)].sort();
      throw invalidParameter(`Invalid attribute key '${id.key}' specified. Valid keys are ${pyList(valid)}`);
    }
    return { entity, key, attribute };
  }
  if (entity === 'dataset') {
    const key = DATASET_KEYS.find((k) => k === id.key);
    if (!key) {
      throw invalidParameter(
        `Invalid dataset key '${id.key}' specified. Valid keys are ${pyList(DATASET_KEYS)}`,
      );
    }
    return { entity, key };
  }
  return { entity, key: id.key };
}
