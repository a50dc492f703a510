/** One registered model: description, tags, aliases, and its versions with stages and compare. */
import { useState } from 'react';
import type { ModelVersionJson, RegisteredModelJson } from '@loom/protocol';
import { loom } from '../../api';
import { Card } from '../../components/card';
import { Link } from '../../components/link';
import { PageHeader } from '../../components/page-header';
import { Empty, ErrorBox, PendingPage } from '../../components/states';
import { formatRelative, formatTime } from '../../lib/format';
import { navigate, paths, useLocation, withParams } from '../../lib/router';
import { useAsync } from '../../lib/use-async';
import './registry.css';
import { AliasChips, VersionStatusBadge } from './badges';
import { DescriptionEditor } from './description-editor';
import { runIdOfSource, sourceRunId } from './source-run';
import { StageControl } from './stage-control';
import { TagEditor } from '../../components/tag-editor';
import { useAction } from '../../lib/use-action';
import { usePollWhile } from './use-poll-while';
import { ProtectionsCard } from './protections-card';
import { parseVersionList } from './version-diff';

const VERSIONS_SHOWN = 500;

interface ModelData {
  model: RegisteredModelJson;
  versions: ModelVersionJson[];
  more: boolean;
}

export function ModelPage({ name }: { name: string }) {
  const { query } = useLocation();
  const selected = parseVersionList(query.get('sel'));
  const data = useAsync(
    async (signal): Promise<ModelData> => {
      const [model, page] = await Promise.all([
        loom.getRegisteredModel(name, { signal }),
        loom.searchModelVersions(
          {
            filter: `name = '${name.replace(/'/g, "''")}'`,
            orderBy: ['version_number DESC'],
            maxResults: VERSIONS_SHOWN,
          },
          { signal },
        ),
      ]);
      return { model, versions: page.modelVersions, more: page.nextPageToken !== undefined };
    },
    [name],
  );
  const action = useAction(data.reload);
  usePollWhile(data.data?.versions.some((v) => v.status === 'PENDING_REGISTRATION') ?? false, data.reload);

  const header = (
    <PageHeader
      crumbs={[{ label: 'Models', href: paths.models() }]}
      title={name}
      subtitle={
        data.data && (
          <>
            Created {formatTime(data.data.model.creation_timestamp)} · modified{' '}
            {formatRelative(data.data.model.last_updated_timestamp, Date.now())}
          </>
        )
      }
      actions={
        <Link
          className={`btn${selected.length >= 2 ? ' btn-primary' : ''}`}
          aria-disabled={selected.length < 2}
          href={paths.compareVersions(name, new URLSearchParams({ versions: selected.join(',') }))}
          onClick={(e) => selected.length < 2 && e.preventDefault()}
        >
          Compare {selected.length || ''} selected
        </Link>
      }
    />
  );
  if (data.status !== 'ok') return <PendingPage header={header} state={data} loadingLabel="Loading model…" />;

  const { model, versions } = data.data;
  const toggle = (version: string) => {
    const next = selected.includes(version) ? selected.filter((v) => v !== version) : [...selected, version];
    navigate(paths.model(name, withParams(query, { sel: next.join(',') })), { replace: true });
  };

  return (
    <div className="page">
      {header}
      {action.error && <ErrorBox title="That did not work" error={new Error(action.error)} />}
      <div className="grid-2">
        <Card title="Description">
          <DescriptionEditor
            description={model.description}
            busy={action.busy}
            onSave={(text) => action.run(() => loom.updateRegisteredModel(name, text))}
          />
        </Card>
        <Card title="Tags" count={model.tags?.length ?? 0}>
          <TagEditor
            tags={model.tags ?? []}
            onSet={(key, value) => loom.setRegisteredModelTag(name, key, value)}
            onDelete={(key) => loom.deleteRegisteredModelTag(name, key)}
            onChanged={data.reload}
          />
        </Card>
      </div>
      <Card title="Aliases" count={model.aliases?.length ?? 0}>
        <div data-testid="model-aliases">
          <AliasChips
            aliases={(model.aliases ?? []).map((a) => a.alias)}
            version={(alias) => model.aliases?.find((a) => a.alias === alias)?.version ?? '?'}
            onDelete={(alias) => void action.run(() => loom.deleteRegisteredModelAlias(name, alias))}
          />
        </div>
        <SetAlias
          versions={versions.map((v) => v.version)}
          busy={action.busy}
          onSet={(alias, version) => action.run(() => loom.setRegisteredModelAlias(name, alias, version))}
        />
      </Card>
      <ProtectionsCard name={name} />
      <Card title="Versions" count={versions.length}>
        {versions.length === 0 ? (
          <Empty title="No versions yet">
            Register one below, or with mlflow.register_model from any client.
          </Empty>
        ) : (
          <table className="table table-compact" aria-label="Versions">
            <thead>
              <tr>
                <th aria-label="Select" />
                <th>Version</th>
                <th>Stage</th>
                <th>Aliases</th>
                <th>Status</th>
                <th>Source run</th>
                <th>Registered</th>
              </tr>
            </thead>
            <tbody>
              {versions.map((v) => {
                const runId = sourceRunId(v);
                return (
                  <tr key={v.version} data-testid={`version-row-${v.version}`}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Select version ${v.version}`}
                        checked={selected.includes(v.version)}
                        onChange={() => toggle(v.version)}
                      />
                    </td>
                    <td>
                      <Link className="row-title" href={paths.modelVersion(name, v.version)}>
                        Version {v.version}
                      </Link>
                    </td>
                    <td>
                      <StageControl
                        version={v.version}
                        stage={v.current_stage}
                        busy={action.busy}
                        onTransition={(stage, archiveExistingVersions) =>
                          action.run(() =>
                            loom.transitionModelVersionStage({
                              name,
                              version: v.version,
                              stage,
                              archiveExistingVersions,
                            }),
                          )
                        }
                      />
                    </td>
                    <td>
                      <AliasChips aliases={v.aliases ?? []} />
                    </td>
                    <td title={v.status_message}>
                      <VersionStatusBadge status={v.status} />
                    </td>
                    <td>
                      {runId ? (
                        <Link className="mono" href={paths.run(runId)}>
                          {runId.slice(0, 12)}
                        </Link>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    <td title={formatTime(v.creation_timestamp)}>
                      {formatRelative(v.creation_timestamp, Date.now())}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        {data.data.more && <div className="muted">Showing the newest {VERSIONS_SHOWN} versions.</div>}
        <RegisterVersion
          busy={action.busy}
          onRegister={(source) =>
            action.run(() => loom.createModelVersion({ name, source, runId: runIdOfSource(source) }))
          }
        />
      </Card>
    </div>
  );
}

function SetAlias({
  versions,
  busy,
  onSet,
}: {
  versions: string[];
  busy: boolean;
  onSet: (alias: string, version: string) => Promise<boolean>;
}) {
  const [alias, setAlias] = useState('');
  const [version, setVersion] = useState('');
  const chosen = version || versions[0] || '';
  return (
    <form
      className="registry-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!alias.trim() || !chosen) return;
        void onSet(alias.trim(), chosen).then((ok) => ok && setAlias(''));
      }}
    >
      <input
        className="input input-sm"
        placeholder="Alias, e.g. champion"
        aria-label="Alias"
        value={alias}
        onChange={(e) => setAlias(e.target.value)}
      />
      <select
        className="input input-sm"
        aria-label="Alias version"
        value={chosen}
        onChange={(e) => setVersion(e.target.value)}
      >
        {versions.map((v) => (
          <option key={v} value={v}>
            Version {v}
          </option>
        ))}
      </select>
      <button type="submit" className="btn btn-sm" disabled={busy || !alias.trim() || !chosen}>
        Set alias
      </button>
    </form>
  );
}

function RegisterVersion({
  busy,
  onRegister,
}: {
  busy: boolean;
  onRegister: (source: string) => Promise<boolean>;
}) {
  const [source, setSource] = useState('');
  return (
    <form
      className="registry-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!source.trim()) return;
        void onRegister(source.trim()).then((ok) => ok && setSource(''));
      }}
    >
      <input
        className="input input-sm source-input"
        placeholder="runs:/<run id>/model"
        aria-label="Model source"
        value={source}
        onChange={(e) => setSource(e.target.value)}
      />
      <button type="submit" className="btn btn-sm btn-primary" disabled={busy || !source.trim()}>
        Register version
      </button>
    </form>
  );
}
