/** Several runs of an experiment side by side: one metric overlaid, and their params and metrics. */
import { useMemo } from 'react';
import type { RunJson } from '@loom/protocol';
import { metricValue } from '@loom/client';
import { loom } from '../../api';
import { Link } from '../../components/link';
import { PageHeader } from '../../components/page-header';
import { Empty, ErrorBox, Loading } from '../../components/states';
import { seriesColor } from '../../charts/palette';
import { formatMetric } from '../../lib/format';
import { paths, useLocation } from '../../lib/router';
import { useAsync } from '../../lib/use-async';
import { MetricCharts } from '../metrics/metric-charts';
import { ComparePlots } from './compare-plots';
import { collectKeys } from '../runs/run-columns';

/** `attributes.run_id IN ('a', 'b')`, the one search that fetches exactly these runs. */
export function runIdsFilter(runIds: readonly string[]): string {
  return `attributes.run_id IN (${runIds.map((id) => `'${id.replace(/'/g, "''")}'`).join(', ')})`;
}

export function ComparePage({ experimentId }: { experimentId: string }) {
  const { query } = useLocation();
  const runIds = (query.get('runs') ?? '').split(',').filter(Boolean).slice(0, 100);
  const idsKey = runIds.join(',');
  const experiment = useAsync((signal) => loom.getExperiment(experimentId, { signal }), [experimentId]);
  const runs = useAsync(
    async (signal) => {
      if (runIds.length === 0) return [];
      const page = await loom.searchRuns(
        { experimentIds: [experimentId], filter: runIdsFilter(runIds), maxResults: runIds.length },
        { signal },
      );
      // Keep the order the user picked them in.
      const byId = new Map(page.runs.map((r) => [r.info.run_id, r]));
      return runIds.map((id) => byId.get(id)).filter((r): r is RunJson => r !== undefined);
    },
    [experimentId, idsKey],
  );
  const keys = useMemo(() => collectKeys(runs.data ?? []), [runs.data]);
  const chartRuns = useMemo(
    () =>
      (runs.data ?? []).map((r) => ({
        runId: r.info.run_id,
        name: r.info.run_name || r.info.run_id,
        status: r.info.status,
        startTime: r.info.start_time,
      })),
    [runs.data],
  );

  const header = (
    <PageHeader
      crumbs={[
        { label: 'Experiments', href: paths.experiments() },
        { label: experiment.data?.name ?? `Experiment ${experimentId}`, href: paths.runs(experimentId) },
      ]}
      title={`Compare ${runIds.length} run${runIds.length === 1 ? '' : 's'}`}
    />
  );
  if (runs.status === 'loading')
    return (
      <div className="page">
        {header}
        <Loading label="Loading runs…" />
      </div>
    );
  if (runs.status === 'error')
    return (
      <div className="page">
        {header}
        <ErrorBox error={runs.error} onRetry={runs.reload} />
      </div>
    );
  if (runs.data.length === 0)
    return (
      <div className="page">
        {header}
        <Empty title="No runs to compare">Select runs in the runs table, then press Compare.</Empty>
      </div>
    );

  return (
    <div className="page">
      {header}
      <section className="card">
        <header className="card-header">
          <h2>Charts</h2>
        </header>
        <div className="card-body">
          <MetricCharts
            runs={chartRuns}
            metricKeys={keys.metrics}
            pathFor={(q) => paths.compare(experimentId, q)}
          />
        </div>
      </section>
      <section className="card">
        <header className="card-header">
          <h2>Params and metrics across runs</h2>
        </header>
        <div className="card-body">
          <ComparePlots runs={runs.data} keys={keys} pathFor={(q) => paths.compare(experimentId, q)} />
        </div>
      </section>
      <section className="card">
        <header className="card-header">
          <h2>Values</h2>
        </header>
        <div className="card-body table-scroll">
          <table className="table table-compact" aria-label="Comparison">
            <thead>
              <tr>
                <th />
                {runs.data.map((r, i) => (
                  <th key={r.info.run_id}>
                    <span className="swatch" style={{ background: seriesColor(i) }} />
                    <Link href={paths.run(r.info.run_id)}>{r.info.run_name || r.info.run_id}</Link>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {keys.metrics.map((k) => (
                <tr key={`m-${k}`}>
                  <td className="mono key-cell">
                    <span className="kind kind-metric">m</span>
                    {k}
                  </td>
                  {runs.data.map((r) => {
                    const m = r.data.metrics?.find((x) => x.key === k);
                    return (
                      <td key={r.info.run_id} className="num mono">
                        {m ? formatMetric(metricValue(m.value)) : '—'}
                      </td>
                    );
                  })}
                </tr>
              ))}
              {keys.params.map((k) => (
                <tr key={`p-${k}`}>
                  <td className="mono key-cell">
                    <span className="kind kind-param">p</span>
                    {k}
                  </td>
                  {runs.data.map((r) => (
                    <td key={r.info.run_id} className="mono">
                      {r.data.params?.find((x) => x.key === k)?.value ?? '—'}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
