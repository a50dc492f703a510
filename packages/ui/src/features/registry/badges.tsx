/** A version's stage, status and aliases as small coloured labels. */
import type { ModelVersionStatus } from '@loom/protocol';

export function StageBadge({ stage }: { stage: string }) {
  return <span className={`badge badge-stage-${stage.toLowerCase()}`}>{stage}</span>;
}

const STATUS_LABELS: Record<ModelVersionStatus, string> = {
  READY: 'Ready',
  PENDING_REGISTRATION: 'Registering…',
  FAILED_REGISTRATION: 'Failed',
};

export function VersionStatusBadge({ status }: { status: ModelVersionStatus }) {
  return (
    <span className={`badge badge-status-${status.toLowerCase()}`}>{STATUS_LABELS[status] ?? status}</span>
  );
}

/** `@champion` chips; with `onDelete`, each gets a remove button. */
export function AliasChips({
  aliases,
  version,
  onDelete,
}: {
  aliases: readonly string[];
  /** Shown after the alias (`@champion → v3`) on pages that list several versions' aliases together. */
  version?: (alias: string) => string;
  onDelete?: (alias: string) => void;
}) {
  if (aliases.length === 0) return <span className="muted">—</span>;
  return (
    <>
      {aliases.map((a) => (
        <span key={a} className="alias-chip" data-testid="alias-chip">
          @{a}
          {version && <span> → v{version(a)}</span>}
          {onDelete && (
            <button type="button" aria-label={`Remove alias ${a}`} onClick={() => onDelete(a)}>
              ✕
            </button>
          )}
        </span>
      ))}
    </>
  );
}
