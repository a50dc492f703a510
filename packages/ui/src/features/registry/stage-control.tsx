/** Moves a version to another stage, optionally archiving the versions already in it. */
import { useState } from 'react';
import { MODEL_VERSION_STAGES, type ModelVersionStage } from '@loom/protocol';
import { StageBadge } from './badges';

export function StageControl({
  version,
  stage,
  onTransition,
  busy,
}: {
  version: string;
  stage: string;
  onTransition: (stage: ModelVersionStage, archiveExisting: boolean) => Promise<boolean>;
  busy: boolean;
}) {
  const [target, setTarget] = useState<ModelVersionStage | undefined>();
  const [archive, setArchive] = useState(false);
  // MLflow archives the others only when moving into Staging or Production.
  const canArchive = target === 'Staging' || target === 'Production';
  return (
    <span className="stage-control">
      <StageBadge stage={stage} />
      <select
        className="input input-sm"
        aria-label={`Move version ${version} to stage`}
        value={target ?? ''}
        onChange={(e) => setTarget((e.target.value || undefined) as ModelVersionStage | undefined)}
      >
        <option value="">Move to…</option>
        {MODEL_VERSION_STAGES.filter((s) => s !== stage).map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
      {target && (
        <>
          {canArchive && (
            <label className="check">
              <input type="checkbox" checked={archive} onChange={(e) => setArchive(e.target.checked)} />
              Archive other {target} versions
            </label>
          )}
          <button
            type="button"
            className="btn btn-sm btn-primary"
            disabled={busy}
            onClick={() =>
              void onTransition(target, canArchive && archive).then((ok) => {
                if (!ok) return;
                setTarget(undefined);
                setArchive(false);
              })
            }
          >
            Move
          </button>
        </>
      )}
    </span>
  );
}
