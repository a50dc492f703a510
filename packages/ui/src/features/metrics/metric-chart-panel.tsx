/**
 * One metric of up to 100 runs: fetches the server's per-bucket min/max/first/last for the visible
 * step range, prepares it (bucket points → x-axis → alignment → smoothing) and hands it to the
 * render-only `MetricChart`. A drag asks for the selected range again, at finer resolution.
 */
import { useMemo } from 'react';
import { loom } from '../../api';
import { alignSeries, type AlignedSeries } from '../../charts/align-series';
import { bucketPoints } from '../../charts/bucket-points';
import { emaSmooth } from '../../charts/ema';
import { MetricChart } from '../../charts/metric-chart';
import { firstTimestamps, stepRangeOf, xAccessor } from '../../charts/x-axis';
import { Empty, ErrorBox, Loading } from '../../components/states';
import { useAsync } from '../../lib/use-async';
import type { ChartSettings } from './chart-settings';

/** Buckets asked of the server: about one per pixel column of a wide chart. */
export const CHART_BUCKETS = 1000;
/** Fewer per run when many runs share a chart, to keep the answer small. */
const MANY_RUNS_BUCKETS = 300;

export interface ChartRun {
  runId: string;
  name: string;
  /** Run start (ms), the origin of relative time. */
  startTime?: number | undefined;
}

export interface MetricChartPanelProps {
  runs: ChartRun[];
  metricKey: string;
  settings: ChartSettings;
  /** Changes whenever live runs should be fetched again. */
  refresh?: number;
  onZoom: (steps: [number, number]) => void;
  height?: number;
}

export function MetricChartPanel({
  runs,
  metricKey,
  settings,
  refresh = 0,
  onZoom,
  height,
}: MetricChartPanelProps) {
  const idsKey = runs.map((r) => r.runId).join(',');
  const [from, to] = settings.zoom ?? [undefined, undefined];
  const buckets = runs.length > 10 ? MANY_RUNS_BUCKETS : CHART_BUCKETS;
  const data = useAsync(
    (signal) =>
      loom.getMetricHistoryBuckets(
        { runIds: idsKey.split(','), metricKey, startStep: from, endStep: to, buckets },
        { signal },
      ),
    [idsKey, metricKey, from, to, buckets, refresh],
    // A refresh or a zoom keeps the current chart up until the new points arrive.
    { keepDataOnChange: true },
  );

  const prepared = useMemo(() => {
    if (!data.data) return undefined;
    const { points, nonFinite, represented } = bucketPoints(data.data.buckets ?? []);
    const starts = firstTimestamps(points);
    for (const r of runs) if (r.startTime) starts.set(r.runId, r.startTime);
    const xOf = xAccessor(settings.x, starts);
    const aligned = alignSeries(points, idsKey.split(','), xOf);
    const series: AlignedSeries =
      settings.smooth > 0
        ? { ...aligned, ys: aligned.ys.map((col) => emaSmooth(col, settings.smooth)) }
        : aligned;
    return { points, xOf, series, nonFinite, represented, bucketWidth: data.data.bucket_width };
  }, [data.data, idsKey, runs, settings.x, settings.smooth]);
  const labels = useMemo(() => runs.map((r) => r.name), [runs]);

  if (data.status === 'loading') return <Loading label={`Loading ${metricKey}…`} />;
  if (data.status === 'error') return <ErrorBox error={data.error} onRetry={data.reload} />;
  if (!prepared || prepared.series.pointCount === 0)
    return (
      <Empty title={`No finite values of ${metricKey} to draw`}>
        {settings.zoom ? 'Nothing was logged in the zoomed range.' : undefined}
      </Empty>
    );

  const { series, points, xOf } = prepared;
  const canLog = series.ys.every((col) => col.every((v) => v === null || v > 0));
  const resolution =
    prepared.bucketWidth <= 1
      ? 'every point'
      : `min/max of every ${prepared.bucketWidth.toLocaleString()} steps`;
  return (
    <div className="chart-panel" data-testid="chart-panel" data-metric={metricKey}>
      <div
        className="chart-caption muted"
        data-testid="chart-caption"
        data-bucket-width={prepared.bucketWidth}
      >
        <span className="mono">{metricKey}</span> · {prepared.represented.toLocaleString()} points (
        {resolution})
        {prepared.nonFinite > 0 && ` · ${prepared.nonFinite} bucket(s) hold NaN/±Infinity (not drawn)`}
        {settings.log && !canLog && ' · log scale needs positive values'}
      </div>
      <MetricChart
        series={series}
        labels={labels}
        metricKey={metricKey}
        xAxis={settings.x}
        logScale={settings.log && canLog}
        onSelectX={(lo, hi) => {
          const steps = stepRangeOf(points, xOf, lo, hi);
          if (steps) onZoom(steps);
        }}
        {...(height ? { height } : {})}
      />
    </div>
  );
}
