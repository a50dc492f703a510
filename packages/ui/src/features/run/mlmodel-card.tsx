/** An MLmodel file as a card: flavors, signature tables and where the model came from. */
import { useMemo } from 'react';
import { Link } from '../../components/link';
import { ErrorBox } from '../../components/states';
import { paths } from '../../lib/router';
import { parseMLmodel, type MLmodelSummary } from '../registry/mlmodel';
import { SignatureTable } from '../registry/signature-table';
import { formatBytes } from './format-bytes';

export function MlModelCard({ text }: { text: string }) {
  const parsed = useMemo((): { model: MLmodelSummary } | { error: Error } => {
    try {
      return { model: parseMLmodel(text) };
    } catch (err) {
      return { error: err instanceof Error ? err : new Error(String(err)) };
    }
  }, [text]);
  if ('error' in parsed)
    return (
      <>
        <ErrorBox title="Could not read this MLmodel file" error={parsed.error} />
        <pre className="code-block preview-text">{text}</pre>
      </>
    );
  const { model } = parsed;
  return (
    <div className="mlmodel-card" data-testid="mlmodel-card">
      <dl className="facts">
        {model.artifactPath && <Fact label="Artifact path" value={model.artifactPath} />}
        {model.runId && (
          <>
            <dt>Run</dt>
            <dd>
              <Link href={paths.run(model.runId)} className="mono">
                {model.runId}
              </Link>
            </dd>
          </>
        )}
        {model.createdAt && <Fact label="Created (UTC)" value={model.createdAt} />}
        {model.modelUuid && <Fact label="Model UUID" value={model.modelUuid} />}
        {model.mlflowVersion && <Fact label="MLflow version" value={model.mlflowVersion} />}
        {model.sizeBytes !== undefined && <Fact label="Size" value={formatBytes(model.sizeBytes)} />}
      </dl>

      <h3 className="subheading">Flavors</h3>
      <div className="flavors">
        {model.flavors.map((f) => (
          <div key={f.name} className="flavor" data-testid="flavor">
            <span className="badge flavor-name mono">{f.name}</span>
            {f.settings.length > 0 && (
              <dl className="facts facts-small">
                {f.settings.map(({ key, value }) => (
                  <Fact key={key} label={key} value={value} />
                ))}
              </dl>
            )}
          </div>
        ))}
      </div>

      <h3 className="subheading">Signature</h3>
      {model.signature ? (
        <div className="grid-2">
          <SignatureTable signature={model.signature} />
        </div>
      ) : (
        <p className="muted">This model was logged without a signature.</p>
      )}
      {model.problems.length > 0 && <p className="muted">Not shown: {model.problems.join('; ')}.</p>}
    </div>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd className="mono break">{value}</dd>
    </>
  );
}
