/** A model signature as tables: inputs, outputs and inference params. */
import type { ModelSignature, SignatureColumn } from './mlmodel';

function ColumnsTable({ label, columns }: { label: string; columns: SignatureColumn[] }) {
  return (
    <div className="signature-part">
      <h3>{label}</h3>
      {columns.length === 0 ? (
        <div className="muted">None declared</div>
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
              <tr key={`${c.name ?? ''}-${i}`}>
                <td className="mono">{c.name ?? <span className="muted">(unnamed)</span>}</td>
                <td className="mono">{c.type}</td>
                <td>{c.required ? 'yes' : 'optional'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function SignatureTable({ signature }: { signature: ModelSignature }) {
  return (
    <>
      <ColumnsTable label="Inputs" columns={signature.inputs} />
      <ColumnsTable label="Outputs" columns={signature.outputs} />
      {signature.params.length > 0 && (
        <div className="signature-part">
          <h3>Params</h3>
          <table className="table table-compact" aria-label="Signature params">
            <thead>
              <tr>
                <th>Name</th>
                <th>Type</th>
                <th>Default</th>
              </tr>
            </thead>
            <tbody>
              {signature.params.map((p) => (
                <tr key={p.name}>
                  <td className="mono">{p.name}</td>
                  <td className="mono">{p.type}</td>
                  <td className="mono">{p.defaultValue}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
