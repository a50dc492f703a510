/** Several runs of an experiment side by side: charts, plots, and their params and metrics (differences marked). */
import { useMemo } from 'react';
import type { RunJson } from '@loom/protocol';
import { loom } from '../../api';
import { Link } from '../../components/link';
import { PageHeader } from '../../components/page-header';
import { Empty, PendingPage } from '../../components/states';
import { seriesColor } from '../../charts/palette';
import { paths, useLocation } from '../../lib/router';
import { diffRuns } from '../../lib/run-diff';
import { useAsync } from '../../lib/use-async';
import { MetricCharts } from '../metrics/metric-charts';
import { ComparePlots } from './compare-plots';
import { collectKeys } from '../runs/run-columns';
import { DiffRow, OnlyDifferencesToggle } from '../../components/diff-row';

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
  const onlyDiffs = query.get('diff') === 'only';
  const rows = useMemo(() => diffRuns(runs.data ?? []), [runs.data]);
  const shownRows = onlyDiffs ? rows.filter((r) => r.differs) : rows;
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
  if (runs.status !== 'ok') return <PendingPage header={header} state={runs} loadingLabel="Loading runs…" />;
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
          <OnlyDifferencesToggle pathWith={(q) => paths.compare(experimentId, q)} />
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
              {shownRows.map((row) => (
                <DiffRow key={`${row.kind}-${row.key}`} row={row} />
              ))}
            </tbody>
          </table>
          {shownRows.length === 0 && <Empty title={onlyDiffs ? 'No differences' : 'No params or metrics'} />}
        </div>
      </section>
    </div>
  );
}
