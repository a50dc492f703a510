/** Tags of a model or version: a key/value table with remove buttons, and a form that sets one. */
import { useState } from 'react';
import type { KeyValue } from '@loom/protocol';
import { Empty } from '../../components/states';

export function TagEditor({
  tags,
  onSet,
  onDelete,
  busy,
}: {
  tags: readonly KeyValue[];
  onSet: (key: string, value: string) => Promise<boolean>;
  onDelete: (key: string) => void;
  busy: boolean;
}) {
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const sorted = [...tags].sort((a, b) => a.key.localeCompare(b.key));
  return (
    <>
      {sorted.length === 0 ? (
        <Empty title="No tags" />
      ) : (
        <table className="table table-compact" aria-label="Tags">
          <tbody>
            {sorted.map((t) => (
              <tr key={t.key}>
                <td className="mono key-cell">{t.key}</td>
                <td className="mono break">{t.value}</td>
                <td className="actions-col">
                  <button
                    type="button"
                    className="btn btn-sm btn-ghost danger"
                    aria-label={`Delete tag ${t.key}`}
                    onClick={() => onDelete(t.key)}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        className="registry-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!key.trim()) return;
          void onSet(key.trim(), value).then((ok) => {
            if (!ok) return;
            setKey('');
            setValue('');
          });
        }}
      >
        <input
          className="input input-sm"
          placeholder="Tag key"
          aria-label="Tag key"
          value={key}
          onChange={(e) => setKey(e.target.value)}
        />
        <input
          className="input input-sm"
          placeholder="Value"
          aria-label="Tag value"
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
        <button type="submit" className="btn btn-sm" disabled={busy || !key.trim()}>
          Set tag
        </button>
      </form>
    </>
  );
}
