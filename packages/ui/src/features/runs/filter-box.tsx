/** The run filter: MLflow's search grammar, applied on Enter; the server's parse error shows inline. */
import { useEffect, useState, type FormEvent } from 'react';

export interface FilterBoxProps {
  value: string;
  onApply: (filter: string) => void;
  /** The server's message when it rejected `value`. */
  error: string | undefined;
}

const EXAMPLES = ['metrics.loss < 0.5', "params.optimizer = 'adam'", "attributes.status = 'FINISHED'"];

export function FilterBox({ value, onApply, error }: FilterBoxProps) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(draft.trim());
  };

  return (
    <form className="filter-box" onSubmit={submit} role="search">
      <div className={`filter-input-wrap${error ? ' has-error' : ''}`}>
        <span className="filter-icon" aria-hidden="true">
          ⌕
        </span>
        <input
          className="input filter-input mono"
          aria-label="Filter runs"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'filter-error' : undefined}
          placeholder={`Filter runs, e.g. ${EXAMPLES[0]} and ${EXAMPLES[1]}`}
          value={draft}
          spellCheck={false}
          onChange={(e) => setDraft(e.target.value)}
        />
        {value && (
          <button
            type="button"
            className="link-button muted"
            onClick={() => {
              setDraft('');
              onApply('');
            }}
          >
            Clear
          </button>
        )}
        <button type="submit" className="btn btn-sm btn-primary">
          Apply
        </button>
      </div>
      {error && (
        <div id="filter-error" className="field-error" role="alert" data-testid="filter-error">
          {error}
        </div>
      )}
    </form>
  );
}
