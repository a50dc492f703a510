/** Versions of one model side by side: their source runs' latest metrics and params, differences marked. */
import { useMemo } from 'react';
import type { ModelVersionJson, RunJson } from '@loom/protocol';
import { LoomError } from '@loom/protocol';
import { loom } from '../../api';
import { Card } from '../../components/card';
import { Link } from '../../components/link';
import { PageHeader } from '../../components/page-header';
import { Empty, ErrorBox, Loading } from '../../components/states';
import { paths, useLocation } from '../../lib/router';
import { useAsync } from '../../lib/use-async';
import './registry.css';
import { StageBadge } from './badges';
import { sourceRunId } from './source-run';
import { diffRuns } from '../../lib/run-diff';
import { parseVersionList } from './version-diff';
import { DiffRow, OnlyDifferencesToggle } from '../../components/diff-row';

interface Compared {
  version: ModelVersionJson;
  /** Undefined when the version has no source run, or it is gone. */
  run: RunJson | undefined;
}

async function loadRun(runId: string | undefined, signal: AbortSignal): Promise<RunJson | undefined> {
  if (!runId) return undefined;
  try {
    return await loom.getRun(runId, { signal });
  } catch (err) {
    if (err instanceof LoomError && err.code === 'RESOURCE_DOES_NOT_EXIST') return undefined;
    throw err;
  }
}

export function CompareVersionsPage({ name }: { name: string }) {
  const { query } = useLocation();
  const versions = parseVersionList(query.get('versions'));
  const onlyDiffs = query.get('diff') === 'only';
  const key = versions.join(',');
  const compared = useAsync(
    (signal) =>
      Promise.all(
        versions.map(async (v): Promise<Compared> => {
          const version = await loom.getModelVersion(name, v, { signal });
          return { version, run: await loadRun(sourceRunId(version), signal) };
        }),
      ),
    [name, key],
  );
  const rows = useMemo(() => diffRuns((compared.data ?? []).map((c) => c.run)), [compared.data]);
  const shown = onlyDiffs ? rows.filter((r) => r.differs) : rows;

  const header = (
    <PageHeader
      crumbs={[
        { label: 'Models', href: paths.models() },
        { label: name, href: paths.model(name, new URLSearchParams({ sel: key })) },
      ]}
      title={`Compare ${versions.length} version${versions.length === 1 ? '' : 's'}`}
      actions={<OnlyDifferencesToggle pathWith={(q) => paths.compareVersions(name, q)} />}
    />
  );
  let body;
  if (versions.length === 0)
    body = (
      <Empty title="No versions to compare">Select versions on the model page, then press Compare.</Empty>
    );
  else if (compared.status === 'loading') body = <Loading label="Loading versions…" />;
  else if (compared.status === 'error') body = <ErrorBox error={compared.error} onRetry={compared.reload} />;
  else
    body = (
      <Card title="Source runs">
        <div className="table-scroll">
          <table className="table table-compact" aria-label="Version comparison">
            <thead>
              <tr>
                <th />
                {compared.data.map(({ version }) => (
                  <th key={version.version}>
                    <Link href={paths.modelVersion(name, version.version)}>Version {version.version}</Link>{' '}
                    <StageBadge stage={version.current_stage} />
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              <tr>
                <td className="key-cell">Run</td>
                {compared.data.map(({ version, run }) => (
                  <td key={version.version}>
                    {run ? (
                      <Link href={paths.run(run.info.run_id)}>{run.info.run_name || run.info.run_id}</Link>
                    ) : (
                      <span className="muted">no run</span>
                    )}
                  </td>
                ))}
              </tr>
              {shown.map((row) => (
                <DiffRow key={`${row.kind}-${row.key}`} row={row} />
              ))}
            </tbody>
          </table>
        </div>
        {shown.length === 0 && (
          <Empty title={onlyDiffs ? 'No differences' : 'These runs logged no metrics or params'} />
        )}
      </Card>
    );
  return (
    <div className="page">
      {header}
      {body}
    </div>
  );
}
