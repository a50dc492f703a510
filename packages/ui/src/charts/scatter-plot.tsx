/** A scatter plot of runs over two prepared dimensions (SVG, render-only); hover names the run. */
import { formatMetric } from '../lib/format';
import { seriesColor } from './palette';
import { dimensionLabel, normalize, type PreparedDimension } from './run-values';

const WIDTH = 640;
const HEIGHT = 380;
const PAD = { left: 70, right: 20, top: 16, bottom: 44 };

function tickValues(d: PreparedDimension): number[] {
  if (d.categories) return d.categories.map((_, i) => i);
  return d.min === d.max ? [d.min] : Array.from({ length: 5 }, (_, i) => d.min + ((d.max - d.min) * i) / 4);
}

const label = (d: PreparedDimension, v: number) => (d.categories ? dimensionLabel(d, v) : formatMetric(v));

export function ScatterPlot({
  x,
  y,
  labels,
}: {
  x: PreparedDimension;
  y: PreparedDimension;
  labels: string[];
}) {
  // A margin inside the axes keeps the extreme runs off the axis lines.
  const inset = (t: number) => 0.04 + 0.92 * t;
  const px = (v: number) => PAD.left + inset(normalize(x, v)) * (WIDTH - PAD.left - PAD.right);
  const py = (v: number) => HEIGHT - PAD.bottom - inset(normalize(y, v)) * (HEIGHT - PAD.top - PAD.bottom);
  const drawn = labels.filter((_, i) => x.values[i] !== undefined && y.values[i] !== undefined).length;
  return (
    <svg
      className="plot-svg plot-scatter"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={`${y.key} against ${x.key}`}
      data-testid="scatter-plot"
      data-points={drawn}
    >
      <line
        className="axis-line"
        x1={PAD.left}
        x2={WIDTH - PAD.right}
        y1={HEIGHT - PAD.bottom}
        y2={HEIGHT - PAD.bottom}
      />
      <line className="axis-line" x1={PAD.left} x2={PAD.left} y1={PAD.top} y2={HEIGHT - PAD.bottom} />
      {tickValues(x).map((t) => (
        <text key={`x${t}`} className="axis-label" x={px(t)} y={HEIGHT - PAD.bottom + 16} textAnchor="middle">
          {label(x, t)}
        </text>
      ))}
      {tickValues(y).map((t) => (
        <text key={`y${t}`} className="axis-label" x={PAD.left - 6} y={py(t) + 4} textAnchor="end">
          {label(y, t)}
        </text>
      ))}
      <text className="axis-title" x={(WIDTH + PAD.left) / 2} y={HEIGHT - 6} textAnchor="middle">
        {x.key}
      </text>
      <text
        className="axis-title"
        x={14}
        y={HEIGHT / 2}
        textAnchor="middle"
        transform={`rotate(-90 14 ${HEIGHT / 2})`}
      >
        {y.key}
      </text>
      {labels.map((name, i) => {
        const vx = x.values[i];
        const vy = y.values[i];
        if (vx === undefined || vy === undefined) return null;
        return (
          <circle key={i} cx={px(vx)} cy={py(vy)} r={5} fill={seriesColor(i)} opacity={0.9}>
            <title>{`${name}: ${x.key} = ${label(x, vx)}, ${y.key} = ${label(y, vy)}`}</title>
          </circle>
        );
      })}
    </svg>
  );
}
