/** What a metric chart puts on its x-axis, and the conversions between that and steps. */
import type { MetricPoint } from './align-series';

export type XAxis = 'step' | 'time' | 'relative';
export const X_AXES: readonly XAxis[] = ['step', 'time', 'relative'];

/**
 * The x of a point: its step; its wall time in seconds (uPlot's time scale unit); or seconds since
 * its run started (`startTimes`, ms; a run without one starts at its first point).
 */
export function xAccessor(
  axis: XAxis,
  startTimes: ReadonlyMap<string, number> = new Map(),
): (p: MetricPoint) => number {
  if (axis === 'step') return (p) => p.step;
  if (axis === 'time') return (p) => p.timestamp / 1000;
  return (p) => (p.timestamp - (startTimes.get(p.runId) ?? 0)) / 1000;
}

/** Each run's earliest timestamp among `points`, the origin of relative time when no start is known. */
export function firstTimestamps(points: readonly MetricPoint[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of points) {
    const t = out.get(p.runId);
    if (t === undefined || p.timestamp < t) out.set(p.runId, p.timestamp);
  }
  return out;
}

/**
 * The step range behind an x range the user selected: the lowest and highest step of the points
 * whose x lies in [lo, hi]; undefined when the selection holds no point.
 */
export function stepRangeOf(
  points: readonly MetricPoint[],
  xOf: (p: MetricPoint) => number,
  lo: number,
  hi: number,
): [number, number] | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (const p of points) {
    const x = xOf(p);
    if (x < lo || x > hi) continue;
    if (p.step < min) min = p.step;
    if (p.step > max) max = p.step;
  }
  return min <= max ? [min, max] : undefined;
}
