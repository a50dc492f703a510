/** An MLmodel file as a card: flavors, signature tables and where the model came from. */
import { useMemo } from 'react';
import { Link } from '../../components/link';
import { ErrorBox } from '../../components/states';
import { paths } from '../../lib/router';
import { formatBytes } from './format-bytes';
import { parseMlModel, type ModelCard, type SignatureColumn } from './mlmodel';

export function MlModelCard({ text }: { text: string }) {
  const parsed = useMemo((): { card: ModelCard } | { error: Error } => {
    try {
      return { card: parseMlModel(text) };
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
  const { card } = parsed;
  return (
    <div className="mlmodel-card" data-testid="mlmodel-card">
      <dl className="facts">
        {card.artifactPath && <Fact label="Artifact path" value={card.artifactPath} />}
        {card.runId && (
          <>
            <dt>Run</dt>
            <dd>
              <Link href={paths.run(card.runId)} className="mono">
                {card.runId}
              </Link>
            </dd>
          </>
        )}
        {card.created && <Fact label="Created (UTC)" value={card.created} />}
        {card.modelUuid && <Fact label="Model UUID" value={card.modelUuid} />}
        {card.mlflowVersion && <Fact label="MLflow version" value={card.mlflowVersion} />}
        {card.sizeBytes !== undefined && <Fact label="Size" value={formatBytes(card.sizeBytes)} />}
      </dl>

      <h3 className="subheading">Flavors</h3>
      <div className="flavors">
        {card.flavors.map((f) => (
          <div key={f.name} className="flavor" data-testid="flavor">
            <span className="badge flavor-name mono">{f.name}</span>
            {f.details.length > 0 && (
              <dl className="facts facts-small">
                {f.details.map(([k, v]) => (
                  <Fact key={k} label={k} value={v} />
                ))}
              </dl>
            )}
          </div>
        ))}
      </div>

      <h3 className="subheading">Signature</h3>
      {card.signature ? (
        <div className="grid-2">
          <SignatureTable label="Inputs" columns={card.signature.inputs} />
          <SignatureTable label="Outputs" columns={card.signature.outputs} />
          {card.signature.params.length > 0 && (
            <SignatureTable label="Params" columns={card.signature.params} />
          )}
        </div>
      ) : (
        <p className="muted">This model was logged without a signature.</p>
      )}
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

function SignatureTable({ label, columns }: { label: string; columns: SignatureColumn[] }) {
  return (
    <div>
      <h4 className="muted">{label}</h4>
      {columns.length === 0 ? (
        <p className="muted">none</p>
      ) : (
        <table className="table table-compact" aria-label={`Signature ${label.toLowerCase()}`}>
          <thead>
            <tr>
              <th>Name</th>
              <th>Type</th>
              <th>Required</th>
            </tr>
          </thead>
          <tbody>
            {columns.map((c, i) => (
              <tr key={i}>
                <td className="mono">{c.name}</td>
                <td className="mono">{c.type}</td>
                <td>{c.required ? 'yes' : 'no'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
