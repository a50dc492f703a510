/** The datasets a run used (`run.inputs.dataset_inputs`): name, digest, source and context. */
import type { DatasetInputJson } from '@loom/protocol';
import { Empty } from '../../components/states';

const CONTEXT_TAG = 'mlflow.data.context';

export function DatasetTable({ inputs }: { inputs: DatasetInputJson[] }) {
  if (inputs.length === 0) return <Empty title="No datasets logged" />;
  return (
    <table className="table table-compact" aria-label="Datasets">
      <thead>
        <tr>
          <th>Name</th>
          <th>Digest</th>
          <th>Source type</th>
          <th>Context</th>
        </tr>
      </thead>
      <tbody>
        {inputs.map((input, i) => (
          <tr key={`${input.dataset.name}:${input.dataset.digest}:${i}`}>
            <td className="mono" title={input.dataset.source}>
              {input.dataset.name}
            </td>
            <td className="mono muted">{input.dataset.digest}</td>
            <td>{input.dataset.source_type}</td>
            <td>{input.tags?.find((t) => t.key === CONTEXT_TAG)?.value ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
