/**
 * The admin page for users and permissions. MLflow's auth API has no "list users", so the page opens a
 * user by name (`?user=`) after creating or looking them up.
 */
import { useState } from 'react';
import { PERMISSION_LEVELS, type PermissionLevel, type UserJson } from '@loom/client';
import { loom } from '../../api';
import { Card } from '../../components/card';
import { PageHeader } from '../../components/page-header';
import { Empty, ErrorBox, Loading } from '../../components/states';
import { navigate, paths, useLocation } from '../../lib/router';
import { useAsync } from '../../lib/use-async';
import { useAction, type Action } from '../../lib/use-action';

const openUser = (username: string) => navigate(paths.adminUsers(new URLSearchParams({ user: username })));

export function UsersPage() {
  const { query } = useLocation();
  const username = query.get('user') ?? '';
  return (
    <div className="page">
      <PageHeader title="Users and permissions" subtitle="Only administrators can see this page." />
      <FindOrCreateUser />
      {username && <UserCard key={username} username={username} />}
    </div>
  );
}

function FindOrCreateUser() {
  const action = useAction(() => undefined);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  return (
    <Card title="Find or create a user">
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          openUser(name.trim());
        }}
      >
        <input
          className="input input-sm"
          aria-label="User name"
          placeholder="User name"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" className="btn btn-sm" disabled={!name.trim()}>
          Open
        </button>
        <input
          className="input input-sm"
          type="password"
          aria-label="New user's password"
          placeholder="Password (to create)"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <button
          type="button"
          className="btn btn-sm btn-primary"
          disabled={action.busy || !name.trim() || !password}
          onClick={() =>
            void action.run(async () => {
              const user = await loom.createUser(name.trim(), password);
              setPassword('');
              openUser(user.username);
            })
          }
        >
          Create user
        </button>
      </form>
      {action.error && <ErrorBox title="That did not work" error={new Error(action.error)} />}
    </Card>
  );
}

function UserCard({ username }: { username: string }) {
  const user = useAsync((signal) => loom.getUser(username, { signal }), [username]);
  const action = useAction(user.reload);
  const [password, setPassword] = useState('');
  return (
    <Card title={`User ${username}`}>
      {user.status === 'loading' && <Loading label="Loading user…" />}
      {user.status === 'error' && (
        <ErrorBox title="Could not load user" error={user.error} onRetry={user.reload} />
      )}
      {user.status === 'ok' && (
        <>
          {action.error && <ErrorBox title="That did not work" error={new Error(action.error)} />}
          <div className="inline-form">
            <span data-testid="user-role">
              {user.data.is_admin ? 'Administrator' : 'Not an administrator'}
            </span>
            <button
              type="button"
              className="btn btn-sm"
              disabled={action.busy}
              onClick={() => void action.run(() => loom.updateUserAdmin(username, !user.data.is_admin))}
            >
              {user.data.is_admin ? 'Remove admin' : 'Make admin'}
            </button>
            <input
              className="input input-sm"
              type="password"
              aria-label="New password"
              placeholder="New password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            <button
              type="button"
              className="btn btn-sm"
              disabled={action.busy || !password}
              onClick={() =>
                void action.run(async () => {
                  await loom.updateUserPassword(username, password);
                  setPassword('');
                })
              }
            >
              Change password
            </button>
            <button
              type="button"
              className="btn btn-sm btn-ghost danger"
              disabled={action.busy}
              onClick={() => {
                if (!window.confirm(`Delete user ${username} and their permissions?`)) return;
                void action.run(async () => {
                  await loom.deleteUser(username);
                  navigate(paths.adminUsers());
                });
              }}
            >
              Delete user
            </button>
          </div>
          <PermissionsTable user={user.data} action={action} />
          <GrantForm username={username} action={action} />
        </>
      )}
    </Card>
  );
}

type Resource = 'experiment' | 'model';

function PermissionsTable({ user, action }: { user: UserJson; action: Action }) {
  const rows = [
    ...(user.experiment_permissions ?? []).map((p) => ({
      kind: 'experiment' as const,
      key: p.experiment_id,
      permission: p.permission,
    })),
    ...(user.registered_model_permissions ?? []).map((p) => ({
      kind: 'model' as const,
      key: p.name,
      permission: p.permission,
    })),
  ];
  if (rows.length === 0)
    return <Empty title="No explicit permissions">The server's default permission applies everywhere.</Empty>;
  const update = (kind: Resource, key: string, level: PermissionLevel) =>
    kind === 'experiment'
      ? loom.updateExperimentPermission(key, user.username, level)
      : loom.updateRegisteredModelPermission(key, user.username, level);
  const revoke = (kind: Resource, key: string) =>
    kind === 'experiment'
      ? loom.deleteExperimentPermission(key, user.username)
      : loom.deleteRegisteredModelPermission(key, user.username);
  return (
    <table className="table table-compact" data-testid="user-permissions">
      <thead>
        <tr>
          <th>Resource</th>
          <th>Permission</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={`${r.kind}:${r.key}`}>
            <td>{r.kind === 'experiment' ? `Experiment ${r.key}` : `Model ${r.key}`}</td>
            <td>
              <select
                className="input input-sm"
                aria-label={`Permission on ${r.kind} ${r.key}`}
                value={r.permission}
                disabled={action.busy}
                onChange={(e) =>
                  void action.run(() => update(r.kind, r.key, e.target.value as PermissionLevel))
                }
              >
                {PERMISSION_LEVELS.map((l) => (
                  <option key={l}>{l}</option>
                ))}
              </select>
            </td>
            <td>
              <button
                type="button"
                className="btn btn-sm btn-ghost danger"
                disabled={action.busy}
                onClick={() => void action.run(() => revoke(r.kind, r.key))}
              >
                Revoke
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Grants a permission on an experiment or registered model, both named as people know them. */
function GrantForm({ username, action }: { username: string; action: Action }) {
  const [kind, setKind] = useState<Resource>('experiment');
  const [name, setName] = useState('');
  const [level, setLevel] = useState<PermissionLevel>('READ');
  const grant = async () => {
    if (kind === 'model') await loom.createRegisteredModelPermission(name.trim(), username, level);
    else {
      const experiment = await loom.getExperimentByName(name.trim());
      await loom.createExperimentPermission(experiment.experiment_id, username, level);
    }
    setName('');
  };
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(grant);
      }}
    >
      <select
        className="input input-sm"
        aria-label="Resource type"
        value={kind}
        onChange={(e) => setKind(e.target.value as Resource)}
      >
        <option value="experiment">Experiment</option>
        <option value="model">Registered model</option>
      </select>
      <input
        className="input input-sm"
        aria-label="Resource name"
        placeholder={kind === 'experiment' ? 'Experiment name' : 'Model name'}
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <select
        className="input input-sm"
        aria-label="Permission"
        value={level}
        onChange={(e) => setLevel(e.target.value as PermissionLevel)}
      >
        {PERMISSION_LEVELS.map((l) => (
          <option key={l}>{l}</option>
        ))}
      </select>
      <button type="submit" className="btn btn-sm btn-primary" disabled={action.busy || !name.trim()}>
        Grant
      </button>
    </form>
  );
}
