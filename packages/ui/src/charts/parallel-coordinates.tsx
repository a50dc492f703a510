/**
 * A parallel-coordinates plot of runs over prepared dimensions (SVG, render-only): one vertical
 * axis per dimension, one polyline per run, broken where the run has no value.
 */
import { formatMetric } from '../lib/format';
import { seriesColor } from './palette';
import { dimensionLabel, normalize, type PreparedDimension } from './run-values';

const WIDTH = 960;
const HEIGHT = 320;
const PAD = { top: 36, bottom: 28, side: 70 };

function tickText(d: PreparedDimension, v: number): string {
  return d.categories ? dimensionLabel(d, v) : formatMetric(v);
}

/** Ticks of an axis: every category, or min / middle / max. */
function ticks(d: PreparedDimension): number[] {
  if (d.categories) return d.categories.map((_, i) => i);
  return d.min === d.max ? [d.min] : [d.min, (d.min + d.max) / 2, d.max];
}

export function ParallelCoordinates({ dims, labels }: { dims: PreparedDimension[]; labels: string[] }) {
  const x = (i: number) =>
    PAD.side + (dims.length === 1 ? 0 : (i * (WIDTH - 2 * PAD.side)) / (dims.length - 1));
  const y = (d: PreparedDimension, v: number) =>
    HEIGHT - PAD.bottom - normalize(d, v) * (HEIGHT - PAD.top - PAD.bottom);
  return (
    <svg
      className="plot-svg"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label="Parallel coordinates"
      data-testid="parallel-coordinates"
      data-axes={dims.length}
    >
      {labels.map((label, r) => {
        // Consecutive axes where the run has values become one polyline each.
        const segments: string[][] = [[]];
        dims.forEach((d, i) => {
          const v = d.values[r];
          if (v === undefined) segments.push([]);
          else segments[segments.length - 1]!.push(`${x(i).toFixed(1)},${y(d, v).toFixed(1)}`);
        });
        return (
          <g key={r} className="pc-run" data-run={label}>
            <title>{label}</title>
            {segments
              .filter((s) => s.length > 0)
              .map((s, j) =>
                s.length === 1 ? (
                  <circle
                    key={j}
                    cx={s[0]!.split(',')[0]}
                    cy={s[0]!.split(',')[1]}
                    r={3}
                    fill={seriesColor(r)}
                  />
                ) : (
                  <polyline
                    key={j}
                    points={s.join(' ')}
                    fill="none"
                    stroke={seriesColor(r)}
                    strokeWidth={1.6}
                    opacity={0.85}
                  />
                ),
              )}
          </g>
        );
      })}
      {dims.map((d, i) => (
        <g key={`${d.kind}:${d.key}`}>
          <line className="axis-line" x1={x(i)} x2={x(i)} y1={PAD.top} y2={HEIGHT - PAD.bottom} />
          <text className="axis-title" x={x(i)} y={PAD.top - 16} textAnchor="middle">
            {d.key}
          </text>
          {ticks(d).map((t) => (
            <text key={t} className="axis-label" x={x(i) + 5} y={y(d, t) + 4}>
              {tickText(d, t)}
            </text>
          ))}
        </g>
      ))}
    </svg>
  );
}
