/**
 * Draws prepared metric series with uPlot. Render-only: it takes aligned columns from
 * `alignSeries` and decides nothing about the data; it only sizes itself to its container.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatMetric } from '../lib/format';
import type { AlignedSeries } from './align-series';
import { seriesColor } from './palette';

export interface MetricChartProps {
  series: AlignedSeries;
  /** One label per column of `series.ys`. */
  labels: string[];
  metricKey: string;
  height?: number;
  logScale?: boolean;
}

const STEP_INCREMENTS = [1, 2, 5]
  .flatMap((m) => Array.from({ length: 12 }, (_, e) => m * 10 ** e))
  .sort((a, b) => a - b);

/** A line chart of one metric for one or more runs, x = step. */
export function MetricChart({ series, labels, metricKey, height = 320, logScale = false }: MetricChartProps) {
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const options: uPlot.Options = {
      width: Math.max(el.clientWidth, 200),
      height,
      scales: { x: { time: false }, y: logScale ? { distr: 3 } : {} },
      axes: [
        {
          label: 'step',
          stroke: '#5b6474',
          grid: { stroke: '#eef0f4' },
          ticks: { stroke: '#e2e5ea' },
          // Steps are integers: no 2.5 ticks.
          incrs: STEP_INCREMENTS,
        },
        {
          label: metricKey,
          stroke: '#5b6474',
          grid: { stroke: '#eef0f4' },
          ticks: { stroke: '#e2e5ea' },
          values: (_u, splits) => splits.map((v) => formatMetric(v)),
          size: 64,
        },
      ],
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
      series: [
        { label: 'step' },
        ...labels.map((label, i) => ({
          label,
          stroke: seriesColor(i),
          width: 1.75,
          spanGaps: true,
          points: { show: series.x.length < 60 },
          value: (_u: uPlot, v: number | null) => (v === null ? '—' : formatMetric(v)),
        })),
      ],
    };
    const chart = new uPlot(options, [series.x, ...series.ys] as uPlot.AlignedData, el);
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(el.clientWidth, 200), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [series, labels, metricKey, height, logScale]);

  return (
    <div
      ref={box}
      className="metric-chart"
      data-testid="metric-chart"
      data-metric={metricKey}
      data-points={series.pointCount}
      data-series={series.ys.length}
    />
  );
}
