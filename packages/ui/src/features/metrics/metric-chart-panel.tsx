/**
 * Fetches one metric of up to 100 runs over the bulk-interval route, prepares it with
 * `alignSeries` and hands it to the render-only `MetricChart`.
 */
import { useMemo, useState } from 'react';
import { metricValue } from '@loom/client';
import { loom } from '../../api';
import { alignSeries } from '../../charts/align-series';
import { MetricChart } from '../../charts/metric-chart';
import { Empty, ErrorBox, Loading } from '../../components/states';
import { useAsync } from '../../lib/use-async';

/** Points per run asked of the server: the route's maximum; it samples evenly over the steps beyond it. */
const POINTS_PER_RUN = 2500;

export interface ChartRun {
  runId: string;
  name: string;
}

export function MetricChartPanel({
  runs,
  metricKey,
  height,
}: {
  runs: ChartRun[];
  metricKey: string;
  height?: number;
}) {
  const [logScale, setLogScale] = useState(false);
  const runIds = runs.map((r) => r.runId);
  const idsKey = runIds.join(',');
  const points = useAsync(
    (signal) =>
      loom.getMetricHistoryBulkInterval({ runIds, metricKey, maxResults: POINTS_PER_RUN }, { signal }),
    [idsKey, metricKey],
  );
  const series = useMemo(
    () =>
      points.data &&
      alignSeries(
        points.data.map((m) => ({
          runId: m.run_id ?? '',
          step: m.step,
          value: metricValue(m.value),
          timestamp: m.timestamp,
        })),
        idsKey.split(','),
      ),
    [points.data, idsKey],
  );
  const labels = useMemo(() => runs.map((r) => r.name), [runs]);

  if (points.status === 'loading') return <Loading label={`Loading ${metricKey}…`} />;
  if (points.status === 'error') return <ErrorBox error={points.error} onRetry={points.reload} />;
  if (!series || series.pointCount === 0) return <Empty title={`No finite values of ${metricKey} to draw`} />;

  const canLog = series.ys.every((col) => col.every((v) => v === null || v > 0));
  return (
    <div className="chart-panel">
      <div className="chart-toolbar">
        <span className="muted">
          {series.pointCount.toLocaleString()} points · x = step · drag to zoom, double-click to reset
        </span>
        <label className="check">
          <input
            type="checkbox"
            checked={logScale && canLog}
            disabled={!canLog}
            onChange={(e) => setLogScale(e.target.checked)}
          />
          log scale
        </label>
      </div>
      <MetricChart
        series={series}
        labels={labels}
        metricKey={metricKey}
        logScale={logScale && canLog}
        {...(height ? { height } : {})}
      />
    </div>
  );
}
