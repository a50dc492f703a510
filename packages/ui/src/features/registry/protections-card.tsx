/**
 * A registered model's protected targets: stages and aliases that only an approved transition request
 * may move a version to, and whether the requester may approve their own request.
 */
import { useState } from 'react';
import type { ProtectionsJson } from '@loom/protocol';
import { loom } from '../../api';
import { Card } from '../../components/card';
import { Link } from '../../components/link';
import { ErrorBox, Loading } from '../../components/states';
import { paths } from '../../lib/router';
import { useAsync } from '../../lib/use-async';
import { parseAliasList } from './activity';
import { useAction } from '../../lib/use-action';

// None is where versions start; protecting it would only block moving back out of a stage.
const PROTECTABLE_STAGES = ['Staging', 'Production', 'Archived'] as const;

export function ProtectionsCard({ name }: { name: string }) {
  const protections = useAsync((signal) => loom.getRegisteredModelProtections(name, { signal }), [name]);
  const action = useAction(protections.reload);
  const auditLink = (
    <Link className="btn btn-sm" href={paths.registryAudit(new URLSearchParams({ model: name }))}>
      Audit log
    </Link>
  );
  return (
    <Card title="Protections" actions={auditLink}>
      {protections.status === 'loading' && <Loading label="Loading protections…" />}
      {protections.status === 'error' && (
        <ErrorBox title="Could not load protections" error={protections.error} onRetry={protections.reload} />
      )}
      {protections.status === 'ok' && (
        <>
          {action.error && <ErrorBox title="That did not work" error={new Error(action.error)} />}
          <ProtectionsSummary p={protections.data} />
          {/* Keyed by the stored set, so the form starts again from what the server saved. */}
          <ProtectionsForm
            key={JSON.stringify(protections.data)}
            initial={protections.data}
            busy={action.busy}
            onSave={(next) => action.run(() => loom.setRegisteredModelProtections({ name, ...next }))}
          />
        </>
      )}
    </Card>
  );
}

function ProtectionsSummary({ p }: { p: ProtectionsJson }) {
  const targets = [...p.stages, ...p.aliases.map((a) => `@${a}`)];
  return (
    <div data-testid="protections-summary">
      {targets.length === 0
        ? 'Nothing is protected: any stage or alias can be set directly.'
        : `Protected: ${targets.join(', ')}. Moving a version there needs an approved request.`}{' '}
      {p.require_distinct_approver
        ? 'The requester cannot approve their own request.'
        : 'The requester may approve their own request.'}
    </div>
  );
}

interface ProtectionsDraft {
  stages: string[];
  aliases: string[];
  requireDistinctApprover: boolean;
}

function ProtectionsForm({
  initial,
  busy,
  onSave,
}: {
  initial: ProtectionsJson;
  busy: boolean;
  onSave: (next: ProtectionsDraft) => Promise<boolean>;
}) {
  const [stages, setStages] = useState<string[]>(initial.stages);
  const [aliases, setAliases] = useState(initial.aliases.join(', '));
  const [distinct, setDistinct] = useState(initial.require_distinct_approver);
  const toggle = (stage: string, on: boolean) =>
    setStages((s) => (on ? [...s, stage] : s.filter((x) => x !== stage)));
  return (
    <form
      className="protections-form"
      onSubmit={(e) => {
        e.preventDefault();
        void onSave({ stages, aliases: parseAliasList(aliases), requireDistinctApprover: distinct });
      }}
    >
      <div className="registry-form">
        {PROTECTABLE_STAGES.map((s) => (
          <label key={s} className="check">
            <input
              type="checkbox"
              checked={stages.includes(s)}
              onChange={(e) => toggle(s, e.target.checked)}
            />
            Protect {s}
          </label>
        ))}
      </div>
      <div className="registry-form">
        <input
          className="input input-sm source-input"
          aria-label="Protected aliases"
          placeholder="Protected aliases, e.g. champion, prod"
          value={aliases}
          onChange={(e) => setAliases(e.target.value)}
        />
        <label className="check">
          <input type="checkbox" checked={distinct} onChange={(e) => setDistinct(e.target.checked)} />
          Require a different approver
        </label>
        <button type="submit" className="btn btn-sm btn-primary" disabled={busy}>
          Save protections
        </button>
      </div>
    </form>
  );
}
