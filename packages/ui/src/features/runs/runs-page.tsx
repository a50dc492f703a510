/**
 * The runs of one or several experiments (`/experiments/1,2`): filter (search grammar, with key
 * autocomplete), server-side sort by any column, chosen param/metric/tag columns, nested runs under
 * their parent, active or deleted runs, and a selection to compare, delete or restore. Everything but
 * the selection and which parents are open is in the URL.
 */
import { useCallback, useMemo, useState } from 'react';
import type { ExperimentJson } from '@loom/protocol';
import { LoomError } from '@loom/protocol';
import { errorText, loom } from '../../api';
import { PageHeader } from '../../components/page-header';
import { Empty, ErrorBox, Loading } from '../../components/states';
import { formatTime } from '../../lib/format';
import { navigate, paths, useLocation, withParams } from '../../lib/router';
import { useAsync } from '../../lib/use-async';
import { ColumnPicker } from './column-picker';
import { FilterBox } from './filter-box';
import { ATTRIBUTE_COLUMNS, collectKeys, dataColumn, defaultColumns, type RunColumn } from './run-columns';
import {
  experimentIdsOf,
  nextSort,
  orderByClause,
  parseRunsQuery,
  runsQueryParams,
  type RunsQuery,
} from './run-query';
import { RunTable } from './run-table';
import { groupRuns } from './run-tree';
import './runs-page.css';
import { useKnownKeys } from './use-known-keys';
import { useRunPages } from './use-run-pages';

const PAGE_SIZE = 300;
/** Deletes and restores sent at once; more would queue behind each other on one SQLite writer anyway. */
const LIFECYCLE_CONCURRENCY = 8;

const EXPERIMENT_COLUMN: RunColumn = {
  id: 'experiment',
  label: 'Experiment',
  kind: 'attribute',
  width: 160,
  sortable: false,
  numeric: false,
};

export function RunsPage({ experimentId }: { experimentId: string }) {
  const { query } = useLocation();
  const state = parseRunsQuery(query);
  const deletedView = query.get('view') === 'deleted';
  const experimentIds = useMemo(() => experimentIdsOf(experimentId), [experimentId]);
  const multi = experimentIds.length > 1;
  const experiments = useAsync(
    (signal) => Promise.all(experimentIds.map((id) => loom.getExperiment(id, { signal }))),
    [experimentIds],
  );
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [actionError, setActionError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const orderBy = state.sort ? [orderByClause(state.sort)] : [];
  const pages = useRunPages({
    experimentIds,
    filter: state.filter,
    orderBy,
    pageSize: PAGE_SIZE,
    runViewType: deletedView ? 'DELETED_ONLY' : undefined,
  });

  const { loadMore } = pages;
  const keys = useMemo(() => collectKeys(pages.runs), [pages.runs]);
  const knownKeys = useKnownKeys(experimentIds, pages.runs);
  const rows = useMemo(() => groupRuns(pages.runs, expanded), [pages.runs, expanded]);
  const experimentNames = useMemo(
    () => new Map((experiments.data ?? []).map((e) => [e.experiment_id, e.name])),
    [experiments.data],
  );
  const chosen = state.columns ?? defaultColumns(keys);
  const [nameColumn, ...otherAttributes] = ATTRIBUTE_COLUMNS;
  const columns: RunColumn[] = [
    nameColumn!,
    ...(multi ? [EXPERIMENT_COLUMN] : []),
    ...otherAttributes,
    ...chosen.map(dataColumn).filter((c): c is RunColumn => c !== undefined),
  ];

  const go = (changes: Record<string, string | undefined>, replace = false) =>
    navigate(paths.runs(experimentId, withParams(query, changes)), { replace });
  const update = (changes: Partial<RunsQuery>, replace = false) =>
    go(runsQueryParams({ ...state, ...changes }), replace);

  const toggle = useCallback((runId: string) => {
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(runId)) next.delete(runId);
      else next.add(runId);
      return next;
    });
  }, []);
  const toggleExpanded = useCallback((runId: string) => {
    setExpanded((s) => {
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
        experimentIds[0] ?? experimentId,
        new URLSearchParams({ runs: runIds.join(','), ...(metric ? { metric } : {}) }),
      ),
    );
  };

  /** Deletes (or restores) every selected run, a few at a time, then shows the list again. */
  const changeLifecycle = async () => {
    setBusy(true);
    setActionError(undefined);
    const ids = [...selected];
    const failures: string[] = [];
    for (let i = 0; i < ids.length; i += LIFECYCLE_CONCURRENCY) {
      const batch = ids.slice(i, i + LIFECYCLE_CONCURRENCY);
      const results = await Promise.allSettled(
        batch.map((id) => (deletedView ? loom.restoreRun(id) : loom.deleteRun(id))),
      );
      results.forEach((r, j) => {
        if (r.status === 'rejected') failures.push(`${batch[j]}: ${errorText(r.reason)}`);
      });
    }
    setBusy(false);
    setSelected(new Set());
    if (failures.length > 0)
      setActionError(`${failures.length} of ${ids.length} failed:\n${failures.slice(0, 5).join('\n')}`);
    pages.reload();
  };

  const switchView = (deleted: boolean) => {
    setSelected(new Set());
    go({ view: deleted ? 'deleted' : undefined });
  };

  if (experiments.status === 'error') {
    return (
      <div className="page">
        <PageHeader
          crumbs={[{ label: 'Experiments', href: paths.experiments() }]}
          title={`Experiment ${experimentId}`}
        />
        <ErrorBox
          title={multi ? 'Could not open these experiments' : 'Could not open this experiment'}
          error={experiments.error}
          onRetry={experiments.reload}
        />
      </div>
    );
  }

  return (
    <div className="page page-wide">
      <PageHeader
        crumbs={[{ label: 'Experiments', href: paths.experiments() }]}
        title={
          experiments.data ? (
            <Title experiments={experiments.data} />
          ) : (
            <span className="muted">Loading…</span>
          )
        }
        subtitle={experiments.data && <Subtitle experiments={experiments.data} />}
        actions={
          <>
            <button
              type="button"
              className={`btn${deletedView ? '' : ' danger'}`}
              disabled={selected.size === 0 || busy}
              onClick={() => void changeLifecycle()}
            >
              {deletedView ? 'Restore' : 'Delete'}
              {selected.size > 0 ? ` (${selected.size})` : ''}
            </button>
            <button
              type="button"
              className="btn btn-primary"
              disabled={selected.size === 0}
              onClick={compare}
            >
              Compare{selected.size > 0 ? ` (${selected.size})` : ''}
            </button>
          </>
        }
      />

      <div className="toolbar">
        <FilterBox
          value={state.filter}
          error={filterError}
          keys={knownKeys}
          onApply={(filter) => update({ filter })}
        />
        <ColumnPicker keys={keys} chosen={chosen} onChange={(cols) => update({ columns: cols }, true)} />
        <div className="segmented" role="tablist" aria-label="Run lifecycle">
          <button
            type="button"
            role="tab"
            aria-selected={!deletedView}
            className={!deletedView ? 'active' : ''}
            onClick={() => switchView(false)}
          >
            Active
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={deletedView}
            className={deletedView ? 'active' : ''}
            onClick={() => switchView(true)}
          >
            Deleted
          </button>
        </div>
      </div>

      {actionError && <ErrorBox title="Some runs could not be changed" error={new Error(actionError)} />}

      <div className="table-status" aria-live="polite">
        {pages.status === 'ok' && (
          <>
            <strong data-testid="run-count">
              {pages.runs.length.toLocaleString()}
              {pages.hasMore ? '+' : ''}
            </strong>{' '}
            {deletedView ? 'deleted ' : ''}
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
        <Empty
          title={
            state.filter ? 'No run matches this filter' : deletedView ? 'No deleted runs' : 'No runs yet'
          }
        >
          {!state.filter &&
            !deletedView &&
            'Runs logged to this experiment with any MLflow client show up here.'}
        </Empty>
      )}
      {pages.status === 'ok' && pages.runs.length > 0 && (
        <RunTable
          rows={rows}
          columns={columns}
          sort={state.sort}
          onSort={(column) => update({ sort: nextSort(state.sort, column) })}
          selected={selected}
          onToggle={toggle}
          onToggleExpanded={toggleExpanded}
          experimentNames={experimentNames}
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

function Title({ experiments }: { experiments: ExperimentJson[] }) {
  if (experiments.length === 1) return <>{experiments[0]!.name}</>;
  return <>{experiments.length} experiments</>;
}

function Subtitle({ experiments }: { experiments: ExperimentJson[] }) {
  if (experiments.length !== 1)
    return <span data-testid="experiment-names">{experiments.map((e) => e.name).join(' · ')}</span>;
  const exp = experiments[0]!;
  return (
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
  );
}
