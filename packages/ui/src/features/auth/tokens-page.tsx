/** The signed-in user's API tokens: list, create (the secret shown once) and revoke. */
import { useState } from 'react';
import type { CreatedAccessToken } from '@loom/client';
import { loom } from '../../api';
import { Card } from '../../components/card';
import { PageHeader } from '../../components/page-header';
import { Empty, ErrorBox, Loading } from '../../components/states';
import { formatTime } from '../../lib/format';
import { useAsync } from '../../lib/use-async';
import { useAction } from '../../lib/use-action';

export function TokensPage() {
  const tokens = useAsync((signal) => loom.listAccessTokens(undefined, { signal }), []);
  const action = useAction(tokens.reload);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<CreatedAccessToken | undefined>();
  return (
    <div className="page">
      <PageHeader
        title="API tokens"
        subtitle="Use a token as `Authorization: Bearer <token>` (MLFLOW_TRACKING_TOKEN) instead of your password."
      />
      <Card title="New token">
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void action.run(async () => {
              setCreated(await loom.createAccessToken(name.trim()));
              setName('');
            });
          }}
        >
          <input
            className="input input-sm"
            aria-label="Token name"
            placeholder="Token name, e.g. laptop"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <button type="submit" className="btn btn-sm btn-primary" disabled={action.busy || !name.trim()}>
            Create token
          </button>
        </form>
        {action.error && <ErrorBox title="That did not work" error={new Error(action.error)} />}
        {created && (
          <div role="status">
            <p>
              Token <strong>{created.info.name}</strong> created. Copy it now: it is not shown again.
            </p>
            <div className="secret" data-testid="new-token">
              {created.token}
            </div>
          </div>
        )}
      </Card>
      <Card title="Your tokens" count={tokens.data?.length}>
        {tokens.status === 'loading' && <Loading label="Loading tokens…" />}
        {tokens.status === 'error' && (
          <ErrorBox title="Could not load tokens" error={tokens.error} onRetry={tokens.reload} />
        )}
        {tokens.status === 'ok' && tokens.data.length === 0 && <Empty title="No tokens yet" />}
        {tokens.status === 'ok' && tokens.data.length > 0 && (
          <table className="table table-compact">
            <thead>
              <tr>
                <th>Name</th>
                <th>Created</th>
                <th>Last used</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((t) => (
                <tr key={t.token_id}>
                  <td>{t.name}</td>
                  <td>{formatTime(t.created_at)}</td>
                  <td>{t.last_used_at ? formatTime(t.last_used_at) : 'never'}</td>
                  <td>{t.revoked_at ? `revoked ${formatTime(t.revoked_at)}` : 'active'}</td>
                  <td>
                    {!t.revoked_at && (
                      <button
                        type="button"
                        className="btn btn-sm btn-ghost danger"
                        disabled={action.busy}
                        onClick={() => void action.run(() => loom.revokeAccessToken(t.token_id))}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}
