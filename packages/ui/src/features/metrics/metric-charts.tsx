/**
 * Charts of one or many metrics for one or many runs, with the settings every chart shares
 * (metrics shown, x-axis, log scale, smoothing, zoom) kept in the URL, and live refresh while
 * any of the runs is RUNNING.
 */
import { useMemo } from 'react';
import { X_AXES, type XAxis } from '../../charts/x-axis';
import { Empty } from '../../components/states';
import { navigate, useLocation, withParams } from '../../lib/router';
import { chartSettingsParams, readChartSettings, type ChartSettings } from './chart-settings';
import { MetricChartPanel, type ChartRun } from './metric-chart-panel';
import { LIVE_POLL_MS, useLiveRuns } from './use-live-runs';

export interface LiveChartRun extends ChartRun {
  status: string;
}

const AXIS_NAMES: Record<XAxis, string> = { step: 'Step', time: 'Wall time', relative: 'Relative time' };

export interface MetricChartsProps {
  runs: LiveChartRun[];
  /** Every metric key the runs logged, in display order. */
  metricKeys: string[];
  /** The path of this page for a query (settings are written to the current page's URL). */
  pathFor: (query: URLSearchParams) => string;
}

export function MetricCharts({ runs, metricKeys, pathFor }: MetricChartsProps) {
  const { query } = useLocation();
  const settings = readChartSettings(query);
  const shown = settings.metrics.filter((k) => metricKeys.includes(k));
  const selected = shown.length > 0 ? shown : metricKeys.slice(0, 1);
  const running = useMemo(() => runs.filter((r) => r.status === 'RUNNING').map((r) => r.runId), [runs]);
  const live = useLiveRuns(running);
  const chartRuns = useMemo(
    () => runs.map((r) => ({ runId: r.runId, name: r.name, startTime: r.startTime })),
    [runs],
  );

  const update = (changes: Partial<ChartSettings>) =>
    navigate(pathFor(withParams(query, chartSettingsParams(changes))), { replace: true });
  const toggleMetric = (key: string) => {
    const next = selected.includes(key) ? selected.filter((k) => k !== key) : [...selected, key];
    if (next.length > 0) update({ metrics: next });
  };

  if (metricKeys.length === 0) return <Empty title="No metrics logged" />;
  return (
    <div className="metric-charts" data-testid="metric-charts">
      <div className="chart-controls">
        <div className="metric-picker" role="group" aria-label="Metrics to chart">
          {metricKeys.map((k) => (
            <button
              key={k}
              type="button"
              className={`chip mono${selected.includes(k) ? ' active' : ''}`}
              aria-pressed={selected.includes(k)}
              onClick={() => toggleMetric(k)}
            >
              {k}
            </button>
          ))}
        </div>
        <div className="chart-options">
          <div className="segmented" role="group" aria-label="X axis">
            {X_AXES.map((x) => (
              <button
                key={x}
                type="button"
                className={settings.x === x ? 'active' : ''}
                aria-pressed={settings.x === x}
                onClick={() => update({ x })}
              >
                {AXIS_NAMES[x]}
              </button>
            ))}
          </div>
          <label className="check">
            <input
              type="checkbox"
              checked={settings.log}
              onChange={(e) => update({ log: e.target.checked })}
            />
            log scale
          </label>
          <label className="check">
            smoothing
            <input
              type="range"
              aria-label="Smoothing"
              min={0}
              max={0.99}
              step={0.01}
              value={settings.smooth}
              onChange={(e) => update({ smooth: Number(e.target.value) })}
            />
            <span className="mono smooth-value">{settings.smooth.toFixed(2)}</span>
          </label>
          {settings.zoom ? (
            <button type="button" className="btn btn-sm" onClick={() => update({ zoom: undefined })}>
              Reset zoom (steps {settings.zoom[0].toLocaleString()}–{settings.zoom[1].toLocaleString()})
            </button>
          ) : (
            <span className="muted chart-hint">drag across a chart to zoom</span>
          )}
          {live.running.length > 0 && (
            <span
              className="live-badge"
              data-testid="live-badge"
              title={`Refreshes every ${LIVE_POLL_MS / 1000} s`}
            >
              live
            </span>
          )}
        </div>
      </div>
      <div className={selected.length > 1 ? 'chart-grid' : ''}>
        {selected.map((key) => (
          <MetricChartPanel
            key={key}
            runs={chartRuns}
            metricKey={key}
            settings={settings}
            refresh={live.tick}
            onZoom={(zoom) => update({ zoom })}
          />
        ))}
      </div>
    </div>
  );
}
