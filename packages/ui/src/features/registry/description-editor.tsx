/**
 * A model's or version's description, editable in place, shown as Markdown rendered to React elements
 * (raw HTML in a description never reaches the page).
 */
import { useState } from 'react';
import { Empty } from '../../components/states';
import { Markdown } from '../../components/markdown';

export function DescriptionEditor({
  description,
  onSave,
  busy,
}: {
  description: string | undefined;
  onSave: (text: string) => Promise<boolean>;
  busy: boolean;
}) {
  const [draft, setDraft] = useState<string | undefined>();
  if (draft !== undefined)
    return (
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void onSave(draft).then((ok) => ok && setDraft(undefined));
        }}
      >
        <textarea
          className="input description-input"
          aria-label="Description"
          rows={8}
          value={draft}
          autoFocus
          onChange={(e) => setDraft(e.target.value)}
        />
        <div className="registry-form">
          <button type="submit" className="btn btn-sm btn-primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save'}
          </button>
          <button type="button" className="btn btn-sm" onClick={() => setDraft(undefined)}>
            Cancel
          </button>
        </div>
      </form>
    );
  return (
    <>
      {description ? (
        <div data-testid="description">
          <Markdown source={description} />
        </div>
      ) : (
        <Empty title="No description" />
      )}
      <div className="registry-form">
        <button type="button" className="btn btn-sm" onClick={() => setDraft(description ?? '')}>
          Edit description
        </button>
      </div>
    </>
  );
}
