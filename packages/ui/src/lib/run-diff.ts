/** Runs side by side: each latest metric and param, and whether the runs disagree on it. */
import type { RunJson } from '@loom/protocol';
import { metricValue } from '@loom/client';

export interface DiffRow {
  kind: 'metric' | 'param';
  key: string;
  /** One per run, in the runs' order; undefined where that run has no such key (or there is no run). */
  values: (number | string | undefined)[];
  /** True unless every run has the same value (a missing value differs from any present one). */
  differs: boolean;
}

/** Rows of latest metrics then params, each sorted by key; `undefined` stands for a missing run. */
export function diffRuns(runs: readonly (RunJson | undefined)[]): DiffRow[] {
  const metricKeys = new Set<string>();
  const paramKeys = new Set<string>();
  for (const run of runs) {
    for (const m of run?.data.metrics ?? []) metricKeys.add(m.key);
    for (const p of run?.data.params ?? []) paramKeys.add(p.key);
  }
  const rows: DiffRow[] = [];
  for (const key of [...metricKeys].sort()) {
    const values = runs.map((run) => {
      const m = run?.data.metrics?.find((x) => x.key === key);
      return m ? metricValue(m.value) : undefined;
    });
    rows.push({ kind: 'metric', key, values, differs: !allSame(values) });
  }
  for (const key of [...paramKeys].sort()) {
    const values = runs.map((run) => run?.data.params?.find((x) => x.key === key)?.value);
    rows.push({ kind: 'param', key, values, differs: !allSame(values) });
  }
  return rows;
}

// Object.is: NaN equals NaN (two runs that both diverged agree), and undefined only equals undefined.
const allSame = (values: readonly unknown[]): boolean => values.every((v) => Object.is(v, values[0]));
