/**
 * The values of runs along one dimension (a param or a metric's latest value), made plottable:
 * numbers on a linear scale, or, when any value is not a number, categories in sorted order.
 */
import type { RunJson } from '@loom/protocol';

export type DimensionKind = 'param' | 'metric';

export interface Dimension {
  kind: DimensionKind;
  key: string;
}

export interface PreparedDimension extends Dimension {
  /** Categorical when some value is not a finite number. */
  categories?: string[];
  min: number;
  max: number;
  /** One number per run (a category's index for categorical dimensions), undefined when missing. */
  values: (number | undefined)[];
}

/** `param:lr` / `metric:loss`, the form dimensions take in the URL. */
export const dimensionId = (d: Dimension): string => `${d.kind}:${d.key}`;

/** The dimension an id names, or undefined for a malformed id. */
export function parseDimension(id: string): Dimension | undefined {
  const i = id.indexOf(':');
  const kind = id.slice(0, i);
  if (i < 0 || (kind !== 'param' && kind !== 'metric')) return undefined;
  return { kind, key: id.slice(i + 1) };
}

function rawValue(run: RunJson, d: Dimension): string | number | undefined {
  if (d.kind === 'param') return run.data.params?.find((p) => p.key === d.key)?.value;
  const m = run.data.metrics?.find((x) => x.key === d.key);
  if (!m) return undefined;
  return typeof m.value === 'number' ? m.value : undefined;
}

/** The runs' values along `d`, with the scale's extent. */
export function prepareDimension(runs: readonly RunJson[], d: Dimension): PreparedDimension {
  const raw = runs.map((r) => rawValue(r, d));
  const asNumbers = raw.map((v) => (v === undefined || v === '' ? undefined : Number(v)));
  const numeric = asNumbers.every((v, i) => raw[i] === undefined || (v !== undefined && Number.isFinite(v)));
  if (numeric) {
    const present = asNumbers.filter((v): v is number => v !== undefined);
    const min = present.length ? Math.min(...present) : 0;
    const max = present.length ? Math.max(...present) : 1;
    return { ...d, min, max, values: asNumbers };
  }
  const categories = [...new Set(raw.filter((v) => v !== undefined).map(String))].sort();
  const index = new Map(categories.map((c, i) => [c, i]));
  return {
    ...d,
    categories,
    min: 0,
    max: Math.max(categories.length - 1, 1),
    values: raw.map((v) => (v === undefined ? undefined : index.get(String(v)))),
  };
}

/** Where `value` sits on the dimension's scale, 0 (min) to 1 (max); 0.5 when every value is equal. */
export function normalize(d: PreparedDimension, value: number): number {
  return d.max === d.min ? 0.5 : (value - d.min) / (d.max - d.min);
}

/** The text of a dimension's value at position `v` (a category's name, or the number). */
export function dimensionLabel(d: PreparedDimension, v: number): string {
  return d.categories ? (d.categories[v] ?? '') : String(v);
}
