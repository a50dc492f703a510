/** The registry audit log: every registry change (who, what, when, before → after), newest first. */
import { useState, type FormEvent } from 'react';
import type { AuditEntryJson } from '@loom/protocol';
import { errorText, loom } from '../../api';
import { PageHeader } from '../../components/page-header';
import { Empty, ErrorBox, Loading } from '../../components/states';
import { formatTime } from '../../lib/format';
import { navigate, paths, useLocation, withParams } from '../../lib/router';
import { useAsync } from '../../lib/use-async';
import { describeChange } from './audit-change';

const PAGE_SIZE = 100;

export function AuditLogPage() {
  const { query } = useLocation();
  const model = query.get('model') ?? '';
  const [more, setMore] = useState<{ entries: AuditEntryJson[]; nextPageToken: string | undefined }>();
  const [moreError, setMoreError] = useState<string | undefined>();

  const first = useAsync(
    async (signal) => {
      setMore(undefined);
      return loom.getRegistryAuditLog({ name: model, maxResults: PAGE_SIZE }, { signal });
    },
    [model],
  );
  const entries = [...(first.data?.entries ?? []), ...(more?.entries ?? [])];
  const nextPageToken = more ? more.nextPageToken : first.data?.nextPageToken;

  const loadMore = async () => {
    if (!nextPageToken) return;
    setMoreError(undefined);
    try {
      const page = await loom.getRegistryAuditLog({
        name: model,
        maxResults: PAGE_SIZE,
        pageToken: nextPageToken,
      });
      setMore({ entries: [...(more?.entries ?? []), ...page.entries], nextPageToken: page.nextPageToken });
    } catch (err) {
      setMoreError(errorText(err));
    }
  };

  const filter = (ev: FormEvent<HTMLFormElement>) => {
    ev.preventDefault();
    const name = String(new FormData(ev.currentTarget).get('model') ?? '').trim();
    navigate(paths.registryAudit(withParams(query, { model: name })));
  };

  return (
    <div className="page">
      <PageHeader title="Registry audit log" subtitle="Every change to the model registry, newest first." />
      <form className="create-form" onSubmit={filter} key={model}>
        <input
          className="input"
          name="model"
          defaultValue={model}
          placeholder="Registered model name (all models when empty)"
          aria-label="Registered model name"
        />
        <button type="submit" className="btn">
          Filter
        </button>
      </form>
      {first.status === 'loading' && <Loading />}
      {first.status === 'error' && <ErrorBox error={first.error} onRetry={first.reload} />}
      {first.status === 'ok' && entries.length === 0 && (
        <Empty title={model ? `No changes recorded for “${model}”` : 'No registry changes yet'} />
      )}
      {entries.length > 0 && (
        <div className="card table-card">
          <table className="table" aria-label="Registry audit log">
            <thead>
              <tr>
                <th>When</th>
                <th>User</th>
                <th>Action</th>
                <th>Model</th>
                <th className="num">Version</th>
                <th>Change</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id}>
                  <td>{formatTime(e.timestamp)}</td>
                  <td>{e.user_id}</td>
                  <td className="mono">{e.action}</td>
                  <td>{e.name}</td>
                  <td className="num mono">{e.version ?? ''}</td>
                  <td className="mono">{describeChange(e.before, e.after)}</td>
                </tr>
              ))}
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
