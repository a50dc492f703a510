/**
 * One experiment's runs: filter (search grammar), server-side sort by any column, chosen
 * param/metric columns, and selection for comparison. Everything but the selection is in the URL.
 */
import { useCallback, useMemo, useState } from 'react';
import { LoomError } from '@loom/protocol';
import { loom } from '../../api';
import { PageHeader } from '../../components/page-header';
import { Empty, ErrorBox, Loading } from '../../components/states';
import { formatTime } from '../../lib/format';
import { navigate, paths, useLocation, withParams } from '../../lib/router';
import { useAsync } from '../../lib/use-async';
import { ColumnPicker } from './column-picker';
import { FilterBox } from './filter-box';
import { ATTRIBUTE_COLUMNS, collectKeys, dataColumn, defaultColumns, type RunColumn } from './run-columns';
import { nextSort, orderByClause, parseRunsQuery, runsQueryParams, type RunsQuery } from './run-query';
import { RunTable } from './run-table';
import { useRunPages } from './use-run-pages';

const PAGE_SIZE = 300;

export function RunsPage({ experimentId }: { experimentId: string }) {
  const { query } = useLocation();
  const state = parseRunsQuery(query);
  const experiment = useAsync((signal) => loom.getExperiment(experimentId, { signal }), [experimentId]);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());

  const orderBy = state.sort ? [orderByClause(state.sort)] : [];
  const pages = useRunPages({
    experimentIds: [experimentId],
    filter: state.filter,
    orderBy,
    pageSize: PAGE_SIZE,
  });

  const { loadMore } = pages;
  const keys = useMemo(() => collectKeys(pages.runs), [pages.runs]);
  const chosen = state.columns ?? defaultColumns(keys);
  const columns: RunColumn[] = [
    ...ATTRIBUTE_COLUMNS,
    ...chosen.map(dataColumn).filter((c): c is RunColumn => c !== undefined),
  ];

  const update = (changes: Partial<RunsQuery>, replace = false) =>
    navigate(paths.runs(experimentId, withParams(query, runsQueryParams({ ...state, ...changes }))), {
      replace,
    });

  const toggle = useCallback((runId: string) => {
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(runId)) next.delete(runId);
      else next.add(runId);
      return next;
    });
  }, []);

  // A filter the server cannot parse is the user's to fix: shown under the box, not as a page error.
  const filterError =
    pages.status === 'error' &&
    state.filter &&
    pages.error instanceof LoomError &&
    pages.error.code === 'INVALID_PARAMETER_VALUE'
      ? pages.error.message
      : undefined;

  const compare = () => {
    const runIds = [...selected].slice(0, 100);
    const metric = state.sort?.column.startsWith('metrics.')
      ? state.sort.column.slice('metrics.'.length)
      : keys.metrics[0];
    navigate(
      paths.compare(
        experimentId,
        new URLSearchParams({ runs: runIds.join(','), ...(metric ? { metric } : {}) }),
      ),
    );
  };

  if (experiment.status === 'error') {
    return (
      <div className="page">
        <PageHeader
          crumbs={[{ label: 'Experiments', href: paths.experiments() }]}
          title={`Experiment ${experimentId}`}
        />
        <ErrorBox
          title="Could not open this experiment"
          error={experiment.error}
          onRetry={experiment.reload}
        />
      </div>
    );
  }

  const exp = experiment.data;
  return (
    <div className="page page-wide">
      <PageHeader
        crumbs={[{ label: 'Experiments', href: paths.experiments() }]}
        title={exp ? exp.name : <span className="muted">Loading…</span>}
        subtitle={
          exp && (
            <>
              <span className="mono">ID {exp.experiment_id}</span>
              <span className="dot">·</span>
              created {formatTime(exp.creation_time)}
              {exp.lifecycle_stage === 'deleted' && <span className="badge badge-killed">Deleted</span>}
              <span className="dot">·</span>
              <span className="mono muted" title="Artifact location">
                {exp.artifact_location}
              </span>
            </>
          )
        }
        actions={
          <button type="button" className="btn btn-primary" disabled={selected.size === 0} onClick={compare}>
            Compare{selected.size > 0 ? ` (${selected.size})` : ''}
          </button>
        }
      />

      <div className="toolbar">
        <FilterBox value={state.filter} error={filterError} onApply={(filter) => update({ filter })} />
        <ColumnPicker keys={keys} chosen={chosen} onChange={(cols) => update({ columns: cols }, true)} />
      </div>

      <div className="table-status" aria-live="polite">
        {pages.status === 'ok' && (
          <>
            <strong data-testid="run-count">
              {pages.runs.length.toLocaleString()}
              {pages.hasMore ? '+' : ''}
            </strong>{' '}
            {pages.runs.length === 1 && !pages.hasMore ? 'run' : 'runs'}
            {state.filter && <span className="muted"> matching the filter</span>}
            {state.sort && (
              <span className="muted">
                {' '}
                · sorted by <span className="mono">{state.sort.column}</span> {state.sort.dir}
                <button type="button" className="link-button" onClick={() => update({ sort: undefined })}>
                  reset
                </button>
              </span>
            )}
            {selected.size > 0 && (
              <span className="muted">
                {' '}
                · {selected.size} selected
                <button type="button" className="link-button" onClick={() => setSelected(new Set())}>
                  clear
                </button>
              </span>
            )}
          </>
        )}
      </div>

      {pages.status === 'loading' && <Loading label="Loading runs…" />}
      {pages.status === 'error' && !filterError && <ErrorBox error={pages.error} onRetry={pages.reload} />}
      {pages.status === 'error' && filterError && (
        <Empty title="Fix the filter to see runs">The server could not read it; see the message above.</Empty>
      )}
      {pages.status === 'ok' && pages.runs.length === 0 && (
        <Empty title={state.filter ? 'No run matches this filter' : 'No runs yet'}>
          {!state.filter && 'Runs logged to this experiment with any MLflow client show up here.'}
        </Empty>
      )}
      {pages.status === 'ok' && pages.runs.length > 0 && (
        <RunTable
          runs={pages.runs}
          columns={columns}
          sort={state.sort}
          onSort={(column) => update({ sort: nextSort(state.sort, column) })}
          selected={selected}
          onToggle={toggle}
          hasMore={pages.hasMore}
          loadingMore={pages.loadingMore}
          onNearEnd={loadMore}
        />
      )}
      {pages.status === 'ok' && pages.error && (
        <ErrorBox title="Could not load more runs" error={pages.error} onRetry={() => pages.loadMore(true)} />
      )}
    </div>
  );
}
