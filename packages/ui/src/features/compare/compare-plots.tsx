/**
 * The compare page's run-level plots: parallel coordinates over chosen params/metrics and a
 * scatter plot of any two of them. Which dimensions are shown lives in the URL (`pc`, `sx`, `sy`).
 */
import { useMemo } from 'react';
import type { RunJson } from '@loom/protocol';
import { ParallelCoordinates } from '../../charts/parallel-coordinates';
import { dimensionId, parseDimension, prepareDimension, type Dimension } from '../../charts/run-values';
import { ScatterPlot } from '../../charts/scatter-plot';
import { Empty } from '../../components/states';
import { navigate, useLocation, withParams } from '../../lib/router';

/** Axes shown by default: the params, then the metrics, at most this many. */
const DEFAULT_AXES = 8;

export interface ComparePlotsProps {
  runs: RunJson[];
  keys: { params: string[]; metrics: string[] };
  pathFor: (query: URLSearchParams) => string;
}

export function ComparePlots({ runs, keys, pathFor }: ComparePlotsProps) {
  const { query } = useLocation();
  const all: Dimension[] = useMemo(
    () => [
      ...keys.params.map((key) => ({ kind: 'param' as const, key })),
      ...keys.metrics.map((key) => ({ kind: 'metric' as const, key })),
    ],
    [keys],
  );
  const ids = all.map(dimensionId);
  const chosen = (query.get('pc') ?? '').split(',').filter((id) => ids.includes(id));
  const axes = chosen.length > 0 ? chosen : ids.slice(0, DEFAULT_AXES);
  const sx = ids.includes(query.get('sx') ?? '') ? query.get('sx')! : ids[0];
  const sy = ids.includes(query.get('sy') ?? '')
    ? query.get('sy')!
    : (ids.find((id) => id.startsWith('metric:')) ?? ids[1]);
  const labels = useMemo(() => runs.map((r) => r.info.run_name || r.info.run_id), [runs]);
  const axesKey = axes.join(',');
  const prepared = useMemo(
    () => (axesKey ? axesKey.split(',') : []).map((id) => prepareDimension(runs, parseDimension(id)!)),
    [runs, axesKey],
  );
  const set = (changes: Record<string, string | undefined>) =>
    navigate(pathFor(withParams(query, changes)), { replace: true });
  const toggleAxis = (id: string) => {
    const next = axes.includes(id)
      ? axes.filter((a) => a !== id)
      : ids.filter((i) => axes.includes(i) || i === id);
    if (next.length > 0) set({ pc: next.join(',') });
  };

  if (all.length === 0) return <Empty title="These runs have no params or metrics to plot" />;
  const dimSelect = (label: string, value: string | undefined, param: 'sx' | 'sy') => (
    <label className="check">
      {label}
      <select
        className="input input-sm"
        aria-label={`Scatter ${label}`}
        value={value}
        onChange={(e) => set({ [param]: e.target.value })}
      >
        {ids.map((id) => (
          <option key={id} value={id}>
            {id}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <div className="compare-plots">
      <h3 className="plot-title">Parallel coordinates</h3>
      <div className="plot-controls metric-picker" role="group" aria-label="Parallel coordinates axes">
        {ids.map((id) => (
          <button
            key={id}
            type="button"
            className={`chip mono${axes.includes(id) ? ' active' : ''}`}
            aria-pressed={axes.includes(id)}
            onClick={() => toggleAxis(id)}
          >
            {id}
          </button>
        ))}
      </div>
      <ParallelCoordinates dims={prepared} labels={labels} />
      <h3 className="plot-title">Scatter</h3>
      <div className="plot-controls">
        {dimSelect('x', sx, 'sx')}
        {dimSelect('y', sy, 'sy')}
      </div>
      {sx && sy && (
        <ScatterPlot
          x={prepareDimension(runs, parseDimension(sx)!)}
          y={prepareDimension(runs, parseDimension(sy)!)}
          labels={labels}
        />
      )}
    </div>
  );
}
