/** A run's description: MLflow's `mlflow.note.content` tag, shown as Markdown and edited in place. */
import { useState } from 'react';
import { errorText, loom } from '../../api';
import { Markdown } from '../../components/markdown';

export const NOTE_TAG = 'mlflow.note.content';

export function RunNote({
  runId,
  note,
  onChanged,
}: {
  runId: string;
  note: string | undefined;
  onChanged: () => void;
}) {
  const [draft, setDraft] = useState<string | undefined>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const save = async () => {
    if (draft === undefined) return;
    setSaving(true);
    setError(undefined);
    try {
      // An emptied note is removed rather than kept as an empty tag.
      if (draft.trim() === '') {
        if (note !== undefined) await loom.deleteTag(runId, NOTE_TAG);
      } else await loom.setTag(runId, NOTE_TAG, draft);
      setDraft(undefined);
      onChanged();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setSaving(false);
    }
  };

  if (draft !== undefined)
    return (
      <div className="note-editor">
        <textarea
          className="input note-input mono"
          aria-label="Description (Markdown)"
          rows={8}
          value={draft}
          autoFocus
          onChange={(e) => setDraft(e.target.value)}
        />
        <div className="inline-form">
          <button
            type="button"
            className="btn btn-sm btn-primary"
            disabled={saving}
            onClick={() => void save()}
          >
            {saving ? 'Saving…' : 'Save description'}
          </button>
          <button type="button" className="btn btn-sm" onClick={() => setDraft(undefined)}>
            Cancel
          </button>
          <span className="muted">Markdown: **bold**, *italic*, `code`, lists, [links](https://…)</span>
        </div>
        {error && (
          <div className="field-error" role="alert">
            {error}
          </div>
        )}
      </div>
    );
  return (
    <div data-testid="run-note">
      {note ? <Markdown source={note} /> : <p className="muted">No description yet.</p>}
      <button type="button" className="btn btn-sm" onClick={() => setDraft(note ?? '')}>
        {note ? 'Edit description' : 'Add description'}
      </button>
    </div>
  );
}
