/**
 * Draws prepared metric series with uPlot. Render-only: it takes aligned columns (already
 * downsampled, smoothed and put on their x-axis) and decides nothing about the data; it sizes
 * itself to its container and reports the x range the user drags across.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatDuration, formatMetric } from '../lib/format';
import type { AlignedSeries } from './align-series';
import { seriesColor } from './palette';
import type { XAxis } from './x-axis';

export interface MetricChartProps {
  series: AlignedSeries;
  /** One label per column of `series.ys`. */
  labels: string[];
  metricKey: string;
  xAxis?: XAxis;
  height?: number;
  logScale?: boolean;
  /** Called with the x range (in axis units) the user selected by dragging. */
  onSelectX?: (lo: number, hi: number) => void;
}

const STEP_INCREMENTS = [1, 2, 5]
  .flatMap((m) => Array.from({ length: 12 }, (_, e) => m * 10 ** e))
  .sort((a, b) => a - b);

const X_LABELS: Record<XAxis, string> = { step: 'step', time: 'wall time', relative: 'time since start' };

/** The largest finite value drawn, for tests and the toolbar (a spike must survive preparation). */
function maxDrawn(series: AlignedSeries): number | undefined {
  let max: number | undefined;
  for (const col of series.ys) for (const v of col) if (v !== null && (max === undefined || v > max)) max = v;
  return max;
}

/** A line chart of one metric for one or more runs. */
export function MetricChart({
  series,
  labels,
  metricKey,
  xAxis = 'step',
  height = 300,
  logScale = false,
  onSelectX,
}: MetricChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const onSelect = useRef(onSelectX);
  onSelect.current = onSelectX;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const axisStyle = { stroke: '#5b6474', grid: { stroke: '#eef0f4' }, ticks: { stroke: '#e2e5ea' } };
    const xAxisOptions: uPlot.Axis =
      xAxis === 'step'
        ? { ...axisStyle, label: X_LABELS.step, incrs: STEP_INCREMENTS }
        : xAxis === 'relative'
          ? {
              ...axisStyle,
              label: X_LABELS.relative,
              values: (_u, splits) => splits.map((s) => formatDuration(s * 1000)),
            }
          : { ...axisStyle, label: X_LABELS.time };
    const options: uPlot.Options = {
      width: Math.max(el.clientWidth, 200),
      height,
      scales: { x: { time: xAxis === 'time' }, y: logScale ? { distr: 3 } : {} },
      axes: [
        xAxisOptions,
        {
          ...axisStyle,
          label: metricKey,
          // Log axes hand over placeholder splits (null, or ≤ 0) between decades; label only real ones.
          values: (_u, splits) =>
            splits.map((v) => (Number.isFinite(v) && (!logScale || v > 0) ? formatMetric(v) : '')),
          size: 64,
        },
      ],
      legend: { live: true },
      // The panel answers a drag by fetching the range at a finer resolution, so uPlot only
      // reports the selection instead of zooming into the coarse points it already has.
      cursor: { drag: { x: true, y: false, setScale: false } },
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 3) return;
            const lo = u.posToVal(u.select.left, 'x');
            const hi = u.posToVal(u.select.left + u.select.width, 'x');
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            onSelect.current?.(lo, hi);
          },
        ],
      },
      series: [
        { label: X_LABELS[xAxis] },
        ...labels.map((label, i) => ({
          label,
          stroke: seriesColor(i),
          width: 1.5,
          spanGaps: true,
          points: { show: series.x.length < 60 },
          value: (_u: uPlot, v: number | null) => (v === null ? '—' : formatMetric(v)),
        })),
      ],
    };
    const chart = new uPlot(options, [series.x, ...series.ys] as uPlot.AlignedData, el);
    el.dataset.drawn = String(Date.now());
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(el.clientWidth, 200), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [series, labels, metricKey, height, logScale, xAxis]);

  const max = maxDrawn(series);
  return (
    <div
      ref={box}
      className="metric-chart"
      data-testid="metric-chart"
      data-metric={metricKey}
      data-points={series.pointCount}
      data-series={series.ys.length}
      data-max={max ?? ''}
      data-x-min={series.x[0] ?? ''}
      data-x-max={series.x[series.x.length - 1] ?? ''}
      data-x-axis={xAxis}
      data-log={logScale ? '1' : '0'}
    />
  );
}
