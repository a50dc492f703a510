/**
 * The home page: every experiment, searchable by name, with create, rename, delete and restore, and
 * a selection of several whose runs open in one table.
 */
import { useState, type FormEvent } from 'react';
import type { ExperimentJson } from '@loom/protocol';
import { errorText, loom } from '../../api';
import { Link } from '../../components/link';
import { PageHeader } from '../../components/page-header';
import { Empty, ErrorBox, Loading } from '../../components/states';
import { formatRelative, formatTime } from '../../lib/format';
import { navigate, paths, useLocation, withParams } from '../../lib/router';
import { useAsync } from '../../lib/use-async';
import { experimentNameFilter } from './experiment-filter';
import { CreateByName } from '../../components/create-by-name';

const PAGE_SIZE = 100;

interface Listing {
  experiments: ExperimentJson[];
  nextPageToken: string | undefined;
}

export function ExperimentsPage() {
  const { query } = useLocation();
  const search = query.get('q') ?? '';
  const deletedView = query.get('view') === 'deleted';
  const [extra, setExtra] = useState<Listing | undefined>();
  const [notice, setNotice] = useState<{ text: string; undo?: () => void } | undefined>();
  const [actionError, setActionError] = useState<string | undefined>();
  const [chosen, setChosen] = useState<readonly string[]>([]);
  const choose = (id: string, on: boolean) =>
    setChosen((c) => (on ? [...c.filter((x) => x !== id), id] : c.filter((x) => x !== id)));

  const listing = useAsync(
    async (signal) => {
      setExtra(undefined);
      return loom.searchExperiments(
        {
          filter: experimentNameFilter(search),
          viewType: deletedView ? 'DELETED_ONLY' : 'ACTIVE_ONLY',
          orderBy: ['last_update_time DESC'],
          maxResults: PAGE_SIZE,
        },
        { signal },
      );
    },
    [search, deletedView],
    { keepDataOnChange: true },
  );

  const experiments = [...(listing.data?.experiments ?? []), ...(extra?.experiments ?? [])];
  const nextPageToken = extra ? extra.nextPageToken : listing.data?.nextPageToken;

  const loadMore = async () => {
    if (!nextPageToken) return;
    const page = await loom.searchExperiments({
      filter: experimentNameFilter(search),
      viewType: deletedView ? 'DELETED_ONLY' : 'ACTIVE_ONLY',
      orderBy: ['last_update_time DESC'],
      maxResults: PAGE_SIZE,
      pageToken: nextPageToken,
    });
    setExtra({
      experiments: [...(extra?.experiments ?? []), ...page.experiments],
      nextPageToken: page.nextPageToken,
    });
  };

  /** Runs a change, then reloads the list; failures show above the table. */
  const act = async (change: () => Promise<unknown>, done?: typeof notice) => {
    setActionError(undefined);
    try {
      await change();
      setNotice(done);
      listing.reload();
    } catch (err) {
      setActionError(errorText(err));
    }
  };

  const remove = (e: ExperimentJson) =>
    act(() => loom.deleteExperiment(e.experiment_id), {
      text: `Deleted “${e.name}”.`,
      undo: () => void act(() => loom.restoreExperiment(e.experiment_id), { text: `Restored “${e.name}”.` }),
    });
  const restore = (e: ExperimentJson) =>
    act(() => loom.restoreExperiment(e.experiment_id), { text: `Restored “${e.name}”.` });

  return (
    <div className="page">
      <PageHeader
        title="Experiments"
        subtitle="Every training run you track lives in an experiment."
        actions={
          <>
            {!deletedView && (
              <button
                type="button"
                className="btn"
                disabled={chosen.length === 0}
                title="Show the runs of the chosen experiments in one table"
                onClick={() => navigate(paths.runs(chosen.join(',')))}
              >
                Show runs{chosen.length > 0 ? ` (${chosen.length})` : ''}
              </button>
            )}
            <CreateByName
              label="New experiment name"
              button="Create"
              create={async (name) => {
                await loom.createExperiment({ name });
                await act(async () => undefined, { text: `Created “${name}”.` });
              }}
            />
          </>
        }
      />

      <div className="toolbar">
        <input
          className="input search-input"
          type="search"
          placeholder="Search experiments by name"
          aria-label="Search experiments"
          defaultValue={search}
          onChange={(e) =>
            navigate(paths.experiments() + qs(withParams(query, { q: e.target.value })), { replace: true })
          }
        />
        <div className="segmented" role="tablist" aria-label="Lifecycle">
          <button
            type="button"
            role="tab"
            aria-selected={!deletedView}
            className={!deletedView ? 'active' : ''}
            onClick={() => navigate(paths.experiments() + qs(withParams(query, { view: undefined })))}
          >
            Active
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={deletedView}
            className={deletedView ? 'active' : ''}
            onClick={() => navigate(paths.experiments() + qs(withParams(query, { view: 'deleted' })))}
          >
            Deleted
          </button>
        </div>
      </div>

      {notice && (
        <div className="notice" role="status">
          {notice.text}
          {notice.undo && (
            <button type="button" className="link-button" onClick={notice.undo}>
              Undo
            </button>
          )}
          <button
            type="button"
            className="link-button muted"
            aria-label="Dismiss"
            onClick={() => setNotice(undefined)}
          >
            ✕
          </button>
        </div>
      )}
      {actionError && <ErrorBox title="That did not work" error={new Error(actionError)} />}

      {listing.status === 'loading' && <Loading label="Loading experiments…" />}
      {listing.status === 'error' && <ErrorBox error={listing.error} onRetry={listing.reload} />}
      {listing.status === 'ok' && experiments.length === 0 && (
        <Empty
          title={
            search
              ? `No experiment matches “${search}”`
              : deletedView
                ? 'Nothing deleted'
                : 'No experiments yet'
          }
        >
          {!search && !deletedView && 'Create one above, or log runs with any MLflow client.'}
        </Empty>
      )}
      {experiments.length > 0 && (
        <div className="card table-card">
          <table className="table" aria-label="Experiments">
            <thead>
              <tr>
                {!deletedView && <th style={{ width: 36 }} aria-label="Select" />}
                <th>Name</th>
                <th className="num">ID</th>
                <th>Created</th>
                <th>Last update</th>
                <th className="actions-col" aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {experiments.map((e) => (
                <ExperimentRow
                  key={e.experiment_id}
                  experiment={e}
                  chosen={deletedView ? undefined : chosen.includes(e.experiment_id)}
                  onChoose={(on) => choose(e.experiment_id, on)}
                  onRename={(name) =>
                    act(() => loom.updateExperiment(e.experiment_id, name), { text: `Renamed to “${name}”.` })
                  }
                  onDelete={() => void remove(e)}
                  onRestore={() => void restore(e)}
                />
              ))}
            </tbody>
          </table>
          {nextPageToken && (
            <div className="table-footer">
              <button
                type="button"
                className="btn"
                onClick={() => void loadMore().catch((err: unknown) => setActionError(errorText(err)))}
              >
                Load more
              </button>
            </div>
          )}
        </div>
      )}
    </div>
  );
}

const qs = (q: URLSearchParams): string => (q.toString() ? `?${q.toString()}` : '');

function ExperimentRow({
  experiment: e,
  chosen,
  onChoose,
  onRename,
  onDelete,
  onRestore,
}: {
  experiment: ExperimentJson;
  /** Undefined when the list offers no selection (the deleted view). */
  chosen: boolean | undefined;
  onChoose: (on: boolean) => void;
  onRename: (name: string) => Promise<void>;
  onDelete: () => void;
  onRestore: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(e.name);
  const deleted = e.lifecycle_stage === 'deleted';

  const save = async (ev: FormEvent) => {
    ev.preventDefault();
    if (name.trim() && name.trim() !== e.name) await onRename(name.trim());
    setEditing(false);
  };

  return (
    <tr>
      {chosen !== undefined && (
        <td>
          <input
            type="checkbox"
            aria-label={`Choose ${e.name}`}
            checked={chosen}
            onChange={(ev) => onChoose(ev.target.checked)}
          />
        </td>
      )}
      <td>
        {editing ? (
          <form className="inline-form" onSubmit={(ev) => void save(ev)}>
            <input
              className="input input-sm"
              aria-label="New name"
              value={name}
              autoFocus
              onChange={(ev) => setName(ev.target.value)}
              onKeyDown={(ev) => ev.key === 'Escape' && setEditing(false)}
            />
            <button type="submit" className="btn btn-sm btn-primary">
              Save
            </button>
            <button type="button" className="btn btn-sm" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </form>
        ) : deleted ? (
          <span className="muted-strong">{e.name}</span>
        ) : (
          <Link className="row-title" href={paths.runs(e.experiment_id)}>
            {e.name}
          </Link>
        )}
      </td>
      <td className="num mono">{e.experiment_id}</td>
      <td title={formatTime(e.creation_time)}>{formatTime(e.creation_time)}</td>
      <td title={formatTime(e.last_update_time)}>{formatRelative(e.last_update_time, Date.now())}</td>
      <td className="actions-col">
        {deleted ? (
          <button type="button" className="btn btn-sm" onClick={onRestore}>
            Restore
          </button>
        ) : (
          !editing && (
            <>
              <button
                type="button"
                className="btn btn-sm btn-ghost"
                onClick={() => {
                  setName(e.name);
                  setEditing(true);
                }}
              >
                Rename
              </button>
              <button type="button" className="btn btn-sm btn-ghost danger" onClick={onDelete}>
                Delete
              </button>
            </>
          )
        )}
      </td>
    </tr>
  );
}
