/**
 * Turns metric points (every run's points in one list) into uPlot's aligned columns: one shared x
 * column (the union of the runs' x values — steps by default — ascending) and one y column per run,
 * `null` where a run has no value at that x or the value is NaN/±Infinity (uPlot leaves a gap).
 */
export interface MetricPoint {
  runId: string;
  step: number;
  value: number;
  timestamp: number;
}

export interface AlignedSeries {
  /** x values (steps unless another `xOf` was given), ascending, no duplicates. */
  x: number[];
  /** One column per requested run, in the order of `runIds`; each as long as `x`. */
  ys: (number | null)[][];
  /** Finite points drawn, over all runs. */
  pointCount: number;
}

/**
 * Aligns `points` of `runIds` on `xOf` (step by default). When a run has several values at one x,
 * the latest (by timestamp, then by order in the list) wins, as MLflow's charts do.
 */
export function alignSeries(
  points: readonly MetricPoint[],
  runIds: readonly string[],
  xOf: (p: MetricPoint) => number = (p) => p.step,
): AlignedSeries {
  const column = new Map<string, number>();
  runIds.forEach((id, i) => column.set(id, i));
  const perRun: Map<number, { value: number; timestamp: number }>[] = runIds.map(() => new Map());
  const steps = new Set<number>();
  for (const p of points) {
    const i = column.get(p.runId);
    if (i === undefined) continue;
    const byStep = perRun[i]!;
    const at = xOf(p);
    const seen = byStep.get(at);
    if (seen && seen.timestamp > p.timestamp) continue;
    byStep.set(at, { value: p.value, timestamp: p.timestamp });
    steps.add(at);
  }
  const x = [...steps].sort((a, b) => a - b);
  let pointCount = 0;
  const ys = perRun.map((byStep) =>
    x.map((step) => {
      const v = byStep.get(step)?.value;
      if (v === undefined || !Number.isFinite(v)) return null;
      pointCount++;
      return v;
    }),
  );
  return { x, ys, pointCount };
}

/** The last finite value of each column, for legends and summaries. */
export function lastValues(series: AlignedSeries): (number | undefined)[] {
  return series.ys.map((col) => {
    for (let i = col.length - 1; i >= 0; i--) {
      const v = col[i];
      if (v !== null && v !== undefined) return v;
    }
    return undefined;
  });
}
