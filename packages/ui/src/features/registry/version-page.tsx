/** One model version: overview and stage, description, tags, and what its MLmodel declares. */
import type { ModelVersionJson } from '@loom/protocol';
import { loom } from '../../api';
import { Card, Fact } from '../../components/card';
import { Link } from '../../components/link';
import { PageHeader } from '../../components/page-header';
import { Empty, ErrorBox, Loading, PendingPage } from '../../components/states';
import { formatTime } from '../../lib/format';
import { paths } from '../../lib/router';
import { useAsync } from '../../lib/use-async';
import './registry.css';
import { ApprovalsCard } from './approvals-card';
import { AliasChips, VersionStatusBadge } from './badges';
import { DescriptionEditor } from './description-editor';
import { loadModelFiles } from './model-files';
import { SignatureTable } from './signature-table';
import { sourceRunId } from './source-run';
import { StageControl } from './stage-control';
import { TagEditor } from '../../components/tag-editor';
import { useAction } from '../../lib/use-action';
import { usePollWhile } from './use-poll-while';

interface VersionData {
  version: ModelVersionJson;
  downloadUri: string;
}

export function VersionPage({ name, version }: { name: string; version: string }) {
  const data = useAsync(
    async (signal): Promise<VersionData> => {
      const [v, downloadUri] = await Promise.all([
        loom.getModelVersion(name, version, { signal }),
        loom.getModelVersionDownloadUri(name, version, { signal }),
      ]);
      return { version: v, downloadUri };
    },
    [name, version],
  );
  const action = useAction(data.reload);
  const status = data.data?.version.status;
  usePollWhile(status === 'PENDING_REGISTRATION', data.reload);

  const header = (
    <PageHeader
      crumbs={[
        { label: 'Models', href: paths.models() },
        { label: name, href: paths.model(name) },
      ]}
      title={
        <>
          {name} · version {version} {status && <VersionStatusBadge status={status} />}
        </>
      }
    />
  );
  if (data.status !== 'ok')
    return <PendingPage header={header} state={data} loadingLabel="Loading version…" />;

  const { version: v, downloadUri } = data.data;
  const runId = sourceRunId(v);
  return (
    <div className="page">
      {header}
      {action.error && <ErrorBox title="That did not work" error={new Error(action.error)} />}
      {v.status === 'FAILED_REGISTRATION' && (
        <ErrorBox
          title="Registration failed"
          error={new Error(v.status_message || 'No reason was recorded.')}
        />
      )}
      <div className="grid-2">
        <Card title="Overview">
          <dl className="facts">
            <Fact label="Stage">
              <StageControl
                version={v.version}
                stage={v.current_stage}
                busy={action.busy}
                onTransition={(stage, archiveExistingVersions) =>
                  action.run(() =>
                    loom.transitionModelVersionStage({ name, version, stage, archiveExistingVersions }),
                  )
                }
              />
            </Fact>
            <Fact label="Aliases">
              <AliasChips aliases={v.aliases ?? []} />
            </Fact>
            <Fact label="Status">
              <VersionStatusBadge status={v.status} />
              {v.status_message && <span className="muted"> {v.status_message}</span>}
            </Fact>
            <Fact label="Source run">
              {runId ? (
                <Link className="mono" href={paths.run(runId)} data-testid="source-run">
                  {runId}
                </Link>
              ) : (
                '—'
              )}
            </Fact>
            <Fact label="Source">
              <span className="mono break">{v.source}</span>
            </Fact>
            <Fact label="Download URI">
              <span className="mono break" data-testid="download-uri">
                {downloadUri}
              </span>
            </Fact>
            <Fact label="Registered">{formatTime(v.creation_timestamp)}</Fact>
            <Fact label="Last updated">{formatTime(v.last_updated_timestamp)}</Fact>
            <Fact label="User">{v.user_id || '—'}</Fact>
          </dl>
        </Card>
        <Card title="Description">
          <DescriptionEditor
            description={v.description}
            busy={action.busy}
            onSave={(text) => action.run(() => loom.updateModelVersion(name, version, text))}
          />
        </Card>
      </div>
      <Card title="Tags" count={v.tags?.length ?? 0}>
        <TagEditor
          tags={v.tags ?? []}
          onSet={(key, value) => loom.setModelVersionTag(name, version, key, value)}
          onDelete={(key) => loom.deleteModelVersionTag(name, version, key)}
          onChanged={data.reload}
        />
      </Card>
      {/* Files are copied during registration: read them once the version is READY. */}
      {v.status === 'READY' && <ModelFilesCards name={name} version={version} />}
      <ApprovalsCard name={name} version={version} currentStage={v.current_stage} onMoved={data.reload} />
    </div>
  );
}

function ModelFilesCards({ name, version }: { name: string; version: string }) {
  const files = useAsync((signal) => loadModelFiles(name, version, signal), [name, version]);
  if (files.status === 'loading') return <Loading label="Reading the MLmodel file…" />;
  if (files.status === 'error')
    return <ErrorBox title="Could not read the model's files" error={files.error} onRetry={files.reload} />;
  const { mlmodel, inputExample } = files.data;
  if (!mlmodel)
    return (
      <Card title="Model">
        <Empty title="No MLmodel file">This version's files do not describe an MLflow model.</Empty>
      </Card>
    );
  return (
    <>
      {mlmodel.problems.length > 0 && (
        <ErrorBox
          title="Parts of the MLmodel file could not be read"
          error={new Error(mlmodel.problems.join('; '))}
        />
      )}
      <div className="grid-2">
        <Card title="Signature">
          {mlmodel.signature ? (
            <SignatureTable signature={mlmodel.signature} />
          ) : (
            <Empty title="No signature">The model was logged without one.</Empty>
          )}
        </Card>
        <Card title="Flavors" count={mlmodel.flavors.length}>
          {mlmodel.flavors.map((f) => (
            <div key={f.name} className="signature-part">
              <h3 className="mono">{f.name}</h3>
              {f.settings.length > 0 && (
                <table className="table table-compact" aria-label={`Flavor ${f.name}`}>
                  <tbody>
                    {f.settings.map((s) => (
                      <tr key={s.key}>
                        <td className="mono key-cell">{s.key}</td>
                        <td className="mono break">{s.value}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          ))}
          {mlmodel.mlflowVersion && <div className="muted">Logged with MLflow {mlmodel.mlflowVersion}</div>}
        </Card>
      </div>
      {inputExample && (
        <Card title={`Input example (${inputExample.path})`}>
          <pre className="file-preview" data-testid="input-example">
            {inputExample.text}
          </pre>
        </Card>
      )}
    </>
  );
}
