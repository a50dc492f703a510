/** Every registered model: searchable with MLflow's filter grammar (or plain text), paged, creatable. */
import { useState } from 'react';
import type { RegisteredModelJson } from '@loom/protocol';
import { errorText, loom } from '../../api';
import { Link } from '../../components/link';
import { PageHeader } from '../../components/page-header';
import { Empty, ErrorBox, Loading } from '../../components/states';
import { formatRelative, formatTime } from '../../lib/format';
import { navigate, paths, useLocation, withParams } from '../../lib/router';
import { useAsync } from '../../lib/use-async';
import './registry.css';
import { AliasChips } from './badges';
import { modelSearchFilter } from './model-filter';
import { CreateByName } from '../../components/create-by-name';

const PAGE_SIZE = 50;

/** The highest version number among a model's latest-per-stage versions. */
export function latestVersion(model: RegisteredModelJson): string | undefined {
  const numbers = (model.latest_versions ?? []).map((v) => Number(v.version));
  return numbers.length ? String(Math.max(...numbers)) : undefined;
}

export function ModelsPage() {
  const { query } = useLocation();
  const search = query.get('q') ?? '';
  const filter = modelSearchFilter(search);
  const [more, setMore] = useState<{ models: RegisteredModelJson[]; nextPageToken: string | undefined }>();
  const [moreError, setMoreError] = useState<string | undefined>();

  const listing = useAsync(
    async (signal) => {
      setMore(undefined);
      return loom.searchRegisteredModels(
        { filter, orderBy: ['name ASC'], maxResults: PAGE_SIZE },
        { signal },
      );
    },
    [filter],
    { keepDataOnChange: true },
  );
  const models = [...(listing.data?.registeredModels ?? []), ...(more?.models ?? [])];
  const nextPageToken = more ? more.nextPageToken : listing.data?.nextPageToken;

  const loadMore = async () => {
    setMoreError(undefined);
    try {
      const page = await loom.searchRegisteredModels({
        filter,
        orderBy: ['name ASC'],
        maxResults: PAGE_SIZE,
        pageToken: nextPageToken,
      });
      setMore({
        models: [...(more?.models ?? []), ...page.registeredModels],
        nextPageToken: page.nextPageToken,
      });
    } catch (err) {
      setMoreError(errorText(err));
    }
  };

  return (
    <div className="page">
      <PageHeader
        title="Models"
        subtitle="Registered models: versions, stages and aliases of what you ship."
        actions={
          <CreateByName
            label="New model name"
            button="Create model"
            create={async (name) => navigate(paths.model((await loom.createRegisteredModel({ name })).name))}
          />
        }
      />
      <SearchBox
        key={search}
        initial={search}
        onSearch={(q) => navigate(paths.models(withParams(query, { q })))}
      />

      {listing.status === 'loading' && <Loading label="Loading models…" />}
      {listing.status === 'error' && (
        <ErrorBox title="The search failed" error={listing.error} onRetry={listing.reload} />
      )}
      {listing.status === 'ok' && models.length === 0 && (
        <Empty title={search ? `No model matches “${search}”` : 'No registered models yet'}>
          {!search && 'Create one above, or register a model from any MLflow client.'}
        </Empty>
      )}
      {listing.status === 'ok' && models.length > 0 && (
        <div className="card table-card">
          <table className="table" aria-label="Registered models">
            <thead>
              <tr>
                <th>Name</th>
                <th className="num">Latest version</th>
                <th>Aliases</th>
                <th>Last modified</th>
                <th>Tags</th>
              </tr>
            </thead>
            <tbody>
              {models.map((m) => {
                const latest = latestVersion(m);
                const aliases = m.aliases ?? [];
                return (
                  <tr key={m.name}>
                    <td>
                      <Link className="row-title" href={paths.model(m.name)}>
                        {m.name}
                      </Link>
                    </td>
                    <td className="num">
                      {latest ? <Link href={paths.modelVersion(m.name, latest)}>v{latest}</Link> : '—'}
                    </td>
                    <td>
                      <AliasChips
                        aliases={aliases.map((a) => a.alias)}
                        version={(alias) => aliases.find((a) => a.alias === alias)?.version ?? '?'}
                      />
                    </td>
                    <td title={formatTime(m.last_updated_timestamp)}>
                      {formatRelative(m.last_updated_timestamp, Date.now())}
                    </td>
                    <td className="mono">
                      {(m.tags ?? []).map((t) => `${t.key}=${t.value}`).join(', ') || (
                        <span className="muted">—</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {nextPageToken && (
            <div className="table-footer">
              <button type="button" className="btn" onClick={() => void loadMore()}>
                Load more
              </button>
            </div>
          )}
        </div>
      )}
      {moreError && <ErrorBox error={new Error(moreError)} />}
    </div>
  );
}

/** Submits on Enter: a half-typed filter is not worth a request (or an error). */
function SearchBox({ initial, onSearch }: { initial: string; onSearch: (q: string) => void }) {
  const [text, setText] = useState(initial);
  return (
    <form
      className="toolbar"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        onSearch(text.trim());
      }}
    >
      <input
        className="input search-input"
        type="search"
        placeholder="Name, or a filter: name LIKE '%churn%'"
        aria-label="Search models"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <button type="submit" className="btn">
        Search
      </button>
    </form>
  );
}
