/**
 * The tags of a run, a registered model or a model version: add, edit and delete the user's tags;
 * MLflow's own `mlflow.*` tags are shown read-only behind a toggle, since clients and the UI depend
 * on their values.
 */
import { useState, type FormEvent } from 'react';
import type { KeyValue } from '@loom/protocol';
import { errorText } from '../api';
import { Empty } from './states';

const isSystem = (key: string) => key.startsWith('mlflow.');
const byKey = (a: KeyValue, b: KeyValue) => a.key.localeCompare(b.key);

export function TagEditor({
  tags,
  onSet,
  onDelete,
  onChanged,
}: {
  tags: readonly KeyValue[];
  /** Stores one tag (the server overwrites an existing key). */
  onSet: (key: string, value: string) => Promise<unknown>;
  onDelete: (key: string) => Promise<unknown>;
  /** Called after each change that took, typically the page's reload. */
  onChanged: () => void;
}) {
  const [showSystem, setShowSystem] = useState(false);
  const [editing, setEditing] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const user = tags.filter((t) => !isSystem(t.key)).sort(byKey);
  const system = tags.filter((t) => isSystem(t.key)).sort(byKey);

  /** Runs one change, then reloads the run; a failure stays on screen until the next try. */
  const change = async (action: () => Promise<unknown>): Promise<boolean> => {
    setError(undefined);
    try {
      await action();
      onChanged();
      return true;
    } catch (err) {
      setError(errorText(err));
      return false;
    }
  };

  return (
    <>
      {user.length === 0 ? (
        <Empty title="No tags" />
      ) : (
        <table className="table table-compact" aria-label="Tags">
          <tbody>
            {user.map((t) =>
              editing === t.key ? (
                <EditRow
                  key={t.key}
                  tag={t}
                  onCancel={() => setEditing(undefined)}
                  onSave={async (value) => {
                    if (await change(() => onSet(t.key, value))) setEditing(undefined);
                  }}
                />
              ) : (
                <tr key={t.key}>
                  <td className="mono key-cell">{t.key}</td>
                  <td className="mono break">{t.value}</td>
                  <td className="row-actions">
                    <button
                      type="button"
                      className="link-button"
                      aria-label={`Edit tag ${t.key}`}
                      onClick={() => setEditing(t.key)}
                    >
                      Edit
                    </button>
                    <button
                      type="button"
                      className="link-button danger-text"
                      aria-label={`Delete tag ${t.key}`}
                      onClick={() => void change(() => onDelete(t.key))}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      )}
      <AddTagForm existing={tags.map((t) => t.key)} onAdd={(key, value) => change(() => onSet(key, value))} />
      {error && (
        <div className="field-error" role="alert">
          {error}
        </div>
      )}
      {system.length > 0 && (
        <div className="system-tags">
          <button type="button" className="link-button muted" onClick={() => setShowSystem(!showSystem)}>
            {showSystem ? 'Hide' : 'Show'} {system.length} system tag{system.length === 1 ? '' : 's'}
          </button>
          {showSystem && (
            <table className="table table-compact" aria-label="System tags">
              <tbody>
                {system.map((t) => (
                  <tr key={t.key}>
                    <td className="mono key-cell">{t.key}</td>
                    <td className="mono break">{t.value}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </>
  );
}

function EditRow({
  tag,
  onSave,
  onCancel,
}: {
  tag: KeyValue;
  onSave: (value: string) => Promise<void>;
  onCancel: () => void;
}) {
  const [value, setValue] = useState(tag.value);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void onSave(value);
  };
  return (
    <tr>
      <td className="mono key-cell">{tag.key}</td>
      <td colSpan={2}>
        <form className="inline-form" onSubmit={submit}>
          <input
            className="input input-sm mono"
            aria-label={`Value of tag ${tag.key}`}
            value={value}
            autoFocus
            onChange={(e) => setValue(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') onCancel();
            }}
          />
          <button type="submit" className="btn btn-sm btn-primary">
            Save
          </button>
          <button type="button" className="btn btn-sm" onClick={onCancel}>
            Cancel
          </button>
        </form>
      </td>
    </tr>
  );
}

function AddTagForm({
  existing,
  onAdd,
}: {
  existing: string[];
  onAdd: (key: string, value: string) => Promise<boolean>;
}) {
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const k = key.trim();
    // Checked here because the server would silently overwrite: adding is not editing.
    if (existing.includes(k)) return setProblem(`Tag ${k} exists already; edit it instead.`);
    if (isSystem(k)) return setProblem('mlflow.* tags belong to MLflow; choose another key.');
    setProblem(undefined);
    if (await onAdd(k, value)) {
      setKey('');
      setValue('');
    }
  };
  return (
    <form className="inline-form add-tag" onSubmit={(e) => void submit(e)}>
      <input
        className="input input-sm mono"
        aria-label="New tag key"
        placeholder="key"
        value={key}
        onChange={(e) => setKey(e.target.value)}
      />
      <input
        className="input input-sm mono"
        aria-label="New tag value"
        placeholder="value"
        value={value}
        onChange={(e) => setValue(e.target.value)}
      />
      <button type="submit" className="btn btn-sm" disabled={key.trim() === ''}>
        Add tag
      </button>
      {problem && (
        <div className="field-error" role="alert">
          {problem}
        </div>
      )}
    </form>
  );
}
