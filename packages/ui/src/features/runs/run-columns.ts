/** The runs table's columns: the fixed run attributes, and params/metrics/tags the user picks. */
import type { KeyValue, MetricJson, RunJson } from '@loom/protocol';

export type ColumnKind = 'attribute' | 'metric' | 'param' | 'tag';

export interface RunColumn {
  /** `attributes.run_name`, `metrics.loss`, … (also the sort key when sortable). */
  id: string;
  label: string;
  kind: ColumnKind;
  width: number;
  sortable: boolean;
  numeric: boolean;
}

/** Always shown, in this order. Duration cannot be ordered by on the server, so it is not sortable. */
export const ATTRIBUTE_COLUMNS: readonly RunColumn[] = [
  {
    id: 'attributes.run_name',
    label: 'Run name',
    kind: 'attribute',
    width: 240,
    sortable: true,
    numeric: false,
  },
  { id: 'attributes.status', label: 'Status', kind: 'attribute', width: 112, sortable: true, numeric: false },
  {
    id: 'attributes.start_time',
    label: 'Started',
    kind: 'attribute',
    width: 150,
    sortable: true,
    numeric: false,
  },
  { id: 'duration', label: 'Duration', kind: 'attribute', width: 100, sortable: false, numeric: true },
  { id: 'attributes.user_id', label: 'User', kind: 'attribute', width: 120, sortable: true, numeric: false },
];

const KINDS: Record<string, ColumnKind> = { metrics: 'metric', params: 'param', tags: 'tag' };

/** The column of a chosen `metrics.x` / `params.x` / `tags.x` id; undefined for anything else. */
export function dataColumn(id: string): RunColumn | undefined {
  const dot = id.indexOf('.');
  const kind = KINDS[id.slice(0, dot)];
  const key = id.slice(dot + 1);
  if (!kind || key === '') return undefined;
  return { id, label: key, kind, width: 128, sortable: true, numeric: kind === 'metric' };
}

interface RunIndex {
  metrics: Map<string, MetricJson>;
  params: Map<string, string>;
  tags: Map<string, string>;
}

const indexes = new WeakMap<RunJson, RunIndex>();
const byKey = (list: KeyValue[] | undefined) => new Map((list ?? []).map((kv) => [kv.key, kv.value]));

/** Key lookups of one run, built once per run object (the table asks for many cells per row). */
function indexOf(run: RunJson): RunIndex {
  let index = indexes.get(run);
  if (!index) {
    index = {
      metrics: new Map((run.data.metrics ?? []).map((m) => [m.key, m])),
      params: byKey(run.data.params),
      tags: byKey(run.data.tags),
    };
    indexes.set(run, index);
  }
  return index;
}

/** A run's value in a param, metric or tag column (a metric's latest value), if it has one. */
export function cellValue(run: RunJson, column: RunColumn): string | number | undefined {
  const index = indexOf(run);
  const key = column.label;
  if (column.kind === 'metric') return index.metrics.get(key)?.value;
  if (column.kind === 'param') return index.params.get(key);
  if (column.kind === 'tag') return index.tags.get(key);
  return undefined;
}

export interface RunKeys {
  metrics: string[];
  params: string[];
  tags: string[];
}

/** Every metric, param and (non-system) tag key the runs have, each list sorted. */
export function collectKeys(runs: readonly RunJson[]): RunKeys {
  const metrics = new Set<string>();
  const params = new Set<string>();
  const tags = new Set<string>();
  for (const run of runs) {
    for (const m of run.data.metrics ?? []) metrics.add(m.key);
    for (const p of run.data.params ?? []) params.add(p.key);
    for (const t of run.data.tags ?? []) if (!t.key.startsWith('mlflow.')) tags.add(t.key);
  }
  const sorted = (s: Set<string>) => [...s].sort((a, b) => a.localeCompare(b));
  return { metrics: sorted(metrics), params: sorted(params), tags: sorted(tags) };
}

/** The columns shown before the user picks: a few metrics, then a few params. */
export function defaultColumns(keys: RunKeys, metrics = 4, params = 3): string[] {
  return [
    ...keys.metrics.slice(0, metrics).map((k) => `metrics.${k}`),
    ...keys.params.slice(0, params).map((k) => `params.${k}`),
  ];
}

/** The union of two key sets, each list sorted. */
export function mergeKeys(a: RunKeys, b: RunKeys): RunKeys {
  const merge = (x: string[], y: string[]) => [...new Set([...x, ...y])].sort((p, q) => p.localeCompare(q));
  return {
    metrics: merge(a.metrics, b.metrics),
    params: merge(a.params, b.params),
    tags: merge(a.tags, b.tags),
  };
}
