/**
 * One run: overview, description, a chart of any of its metrics, latest metrics, params, tags,
 * datasets and artifacts.
 */
import { useMemo, useState } from 'react';
import type { KeyValue, RunJson } from '@loom/protocol';
import { metricValue } from '@loom/client';
import { errorText, loom } from '../../api';
import { Link } from '../../components/link';
import { PageHeader } from '../../components/page-header';
import { Empty, ErrorBox, PendingPage } from '../../components/states';
import { StatusBadge } from '../../components/status-badge';
import { formatDuration, formatMetric, formatTime, runDuration } from '../../lib/format';
import { navigate, paths, useLocation, withParams } from '../../lib/router';
import { useAsync } from '../../lib/use-async';
import { MetricCharts } from '../metrics/metric-charts';
import { ArtifactBrowser } from './artifact-browser';
import './run-page.css';
import { DatasetTable } from './dataset-table';
import { NOTE_TAG, RunNote } from './run-note';
import { TagEditor } from '../../components/tag-editor';
import { Card, Fact } from '../../components/card';

const tagOf = (run: RunJson, key: string): string | undefined =>
  run.data.tags?.find((t) => t.key === key)?.value;

export function RunPage({ runId }: { runId: string }) {
  const run = useAsync((signal) => loom.getRun(runId, { signal }), [runId]);
  const experimentId = run.data?.info.experiment_id;
  const experiment = useAsync(
    (signal) => (experimentId ? loom.getExperiment(experimentId, { signal }) : Promise.resolve(undefined)),
    [experimentId],
  );

  if (run.status !== 'ok') {
    const header = (
      <PageHeader crumbs={[{ label: 'Experiments', href: paths.experiments() }]} title={`Run ${runId}`} />
    );
    return (
      <PendingPage
        header={header}
        state={run}
        loadingLabel="Loading run…"
        errorTitle="Could not open this run"
      />
    );
  }
  return <RunView run={run.data} experimentName={experiment.data?.name} onChanged={run.reload} />;
}

function RunView({
  run,
  experimentName,
  onChanged,
}: {
  run: RunJson;
  experimentName: string | undefined;
  onChanged: () => void;
}) {
  const { query } = useLocation();
  const info = run.info;
  const [actionError, setActionError] = useState<string | undefined>();
  const metrics = useMemo(
    () => [...(run.data.metrics ?? [])].sort((a, b) => a.key.localeCompare(b.key)),
    [run],
  );
  const params = useMemo(
    () => [...(run.data.params ?? [])].sort((a, b) => a.key.localeCompare(b.key)),
    [run],
  );
  const tags = run.data.tags ?? [];
  const datasets = run.inputs?.dataset_inputs ?? [];
  const chartMetric = query.get('metric') ?? metrics[0]?.key;
  const chartRuns = useMemo(
    () => [
      {
        runId: info.run_id,
        name: info.run_name || info.run_id,
        status: info.status,
        startTime: info.start_time,
      },
    ],
    [info.run_id, info.run_name, info.status, info.start_time],
  );
  const deleted = info.lifecycle_stage === 'deleted';
  const parent = tagOf(run, 'mlflow.parentRunId');
  const commit = tagOf(run, 'mlflow.source.git.commit');
  const sourceType = tagOf(run, 'mlflow.source.type');

  const lifecycle = async () => {
    setActionError(undefined);
    try {
      await (deleted ? loom.restoreRun(info.run_id) : loom.deleteRun(info.run_id));
      onChanged();
    } catch (err) {
      setActionError(errorText(err));
    }
  };

  return (
    <div className="page">
      <PageHeader
        crumbs={[
          { label: 'Experiments', href: paths.experiments() },
          {
            label: experimentName ?? `Experiment ${info.experiment_id}`,
            href: paths.runs(info.experiment_id),
          },
        ]}
        title={
          <>
            {info.run_name || info.run_id} <StatusBadge status={info.status} />
            {deleted && <span className="badge badge-killed">Deleted</span>}
          </>
        }
        subtitle={<span className="mono">{info.run_id}</span>}
        actions={
          <button type="button" className={`btn${deleted ? '' : ' danger'}`} onClick={() => void lifecycle()}>
            {deleted ? 'Restore run' : 'Delete run'}
          </button>
        }
      />
      {actionError && <ErrorBox title="That did not work" error={new Error(actionError)} />}

      <div className="grid-2">
        <Card title="Overview">
          <dl className="facts">
            <Fact label="Status">
              <StatusBadge status={info.status} />
            </Fact>
            <Fact label="Started">{formatTime(info.start_time)}</Fact>
            <Fact label="Ended">{formatTime(info.end_time)}</Fact>
            <Fact label="Duration">{formatDuration(runDuration(info, Date.now()))}</Fact>
            <Fact label="User">{info.user_id || '—'}</Fact>
            <Fact label="Source">
              <span className="mono break">{tagOf(run, 'mlflow.source.name') ?? '—'}</span>
              {sourceType && <span className="muted"> ({sourceType.toLowerCase()})</span>}
            </Fact>
            {commit && (
              <Fact label="Git commit">
                <span className="mono" title={commit}>
                  {commit.slice(0, 12)}
                </span>
              </Fact>
            )}
            {parent && (
              <Fact label="Parent run">
                <Link href={paths.run(parent)} className="mono">
                  {parent.slice(0, 12)}
                </Link>
              </Fact>
            )}
            <Fact label="Artifacts">
              <span className="mono break">{info.artifact_uri}</span>
            </Fact>
          </dl>
        </Card>

        <Card title="Metrics" count={metrics.length}>
          {metrics.length === 0 ? (
            <Empty title="No metrics logged" />
          ) : (
            <table className="table table-compact" aria-label="Metrics">
              <thead>
                <tr>
                  <th>Key</th>
                  <th className="num">Latest</th>
                  <th className="num">Step</th>
                </tr>
              </thead>
              <tbody>
                {metrics.map((m) => (
                  <tr key={m.key} className={m.key === chartMetric ? 'row-active' : ''}>
                    <td>
                      <button
                        type="button"
                        className="link-button mono"
                        onClick={() =>
                          navigate(paths.run(info.run_id, withParams(query, { metric: m.key })), {
                            replace: true,
                          })
                        }
                      >
                        {m.key}
                      </button>
                    </td>
                    <td className="num mono">{formatMetric(metricValue(m.value))}</td>
                    <td className="num mono muted">{m.step}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
      </div>

      <Card title="Description">
        <RunNote runId={info.run_id} note={tagOf(run, NOTE_TAG)} onChanged={onChanged} />
      </Card>

      {metrics.length > 0 && (
        <Card title="Charts">
          <MetricCharts
            runs={chartRuns}
            metricKeys={metrics.map((m) => m.key)}
            pathFor={(q) => paths.run(info.run_id, q)}
          />
        </Card>
      )}

      <div className="grid-2">
        <Card title="Parameters" count={params.length}>
          <KeyValueTable rows={params} empty="No parameters logged" label="Parameters" />
        </Card>
        <Card title="Tags" count={tags.filter((t) => !t.key.startsWith('mlflow.')).length}>
          <TagEditor
            tags={tags}
            onSet={(key, value) => loom.setTag(info.run_id, key, value)}
            onDelete={(key) => loom.deleteTag(info.run_id, key)}
            onChanged={onChanged}
          />
        </Card>
      </div>

      <Card title="Datasets" count={datasets.length}>
        <DatasetTable inputs={datasets} />
      </Card>

      <Card title="Artifacts">
        <ArtifactBrowser runId={info.run_id} />
      </Card>
    </div>
  );
}

function KeyValueTable({ rows, empty, label }: { rows: KeyValue[]; empty: string; label: string }) {
  if (rows.length === 0) return <Empty title={empty} />;
  return (
    <table className="table table-compact" aria-label={label}>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <td className="mono key-cell">{r.key}</td>
            <td className="mono break">{r.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
