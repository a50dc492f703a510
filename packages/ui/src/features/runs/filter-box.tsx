/**
 * The run filter: MLflow's search grammar, applied on Enter, with autocomplete of keys (the
 * experiment's params, metrics and tags, and the attributes) and inline errors — an unclosed quote
 * or parenthesis caught here, anything else as the server's message.
 */
import { useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { checkFilter } from './filter-check';
import { applySuggestion, filterSuggestions } from './filter-suggestions';
import type { RunKeys } from './run-columns';

export interface FilterBoxProps {
  value: string;
  onApply: (filter: string) => void;
  /** The server's message when it rejected `value`. */
  error: string | undefined;
  /** Keys offered by the autocomplete. */
  keys: RunKeys;
}

const EXAMPLES = ['metrics.loss < 0.5', "params.optimizer = 'adam'", "attributes.status = 'FINISHED'"];

export function FilterBox({ value, onApply, error, keys }: FilterBoxProps) {
  const [draft, setDraft] = useState(value);
  const [caret, setCaret] = useState(value.length);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [localError, setLocalError] = useState<string | undefined>();
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    setDraft(value);
    setLocalError(undefined);
  }, [value]);

  const suggestions = useMemo(() => filterSuggestions(draft, caret, keys), [draft, caret, keys]);
  const showList = open && suggestions.items.length > 0;
  const shownError = localError ?? (draft === value ? error : undefined);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next = draft.trim();
    const problem = checkFilter(next);
    setLocalError(problem);
    setOpen(false);
    if (!problem) onApply(next);
  };

  const accept = (index: number) => {
    const item = suggestions.items[index];
    if (!item) return;
    const { value: next, caret: at } = applySuggestion(draft, item, suggestions);
    setDraft(next);
    setCaret(at);
    setActive(0);
    // Keep typing where the key ends; the list reopens for the next word.
    requestAnimationFrame(() => {
      input.current?.focus();
      input.current?.setSelectionRange(at, at);
    });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (!showList) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const n = suggestions.items.length;
      setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
    } else if (e.key === 'Tab' || (e.key === 'Enter' && active >= 0)) {
      e.preventDefault();
      accept(active);
    } else if (e.key === 'Escape') setOpen(false);
  };

  return (
    <form className="filter-box" onSubmit={submit} role="search">
      <div className={`filter-input-wrap${shownError ? ' has-error' : ''}`}>
        <span className="filter-icon" aria-hidden="true">
          ⌕
        </span>
        <input
          ref={input}
          className="input filter-input mono"
          aria-label="Filter runs"
          role="combobox"
          aria-expanded={showList}
          aria-controls="filter-suggestions"
          aria-autocomplete="list"
          aria-activedescendant={showList ? `filter-suggestion-${active}` : undefined}
          aria-invalid={shownError ? true : undefined}
          aria-describedby={shownError ? 'filter-error' : undefined}
          placeholder={`Filter runs, e.g. ${EXAMPLES[0]} and ${EXAMPLES[1]}`}
          value={draft}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => {
            setDraft(e.target.value);
            setCaret(e.target.selectionStart ?? e.target.value.length);
            setActive(0);
            setOpen(true);
            setLocalError(undefined);
          }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart ?? draft.length)}
          onFocus={() => setOpen(true)}
          onBlur={() => setOpen(false)}
          onKeyDown={onKeyDown}
        />
        {showList && (
          <ul
            className="filter-suggestions"
            id="filter-suggestions"
            role="listbox"
            aria-label="Filter suggestions"
          >
            {suggestions.items.map((s, i) => (
              <li
                key={s.text}
                id={`filter-suggestion-${i}`}
                role="option"
                aria-selected={i === active}
                className={i === active ? 'active' : undefined}
                // mousedown, not click: it lands before the input's blur closes the list.
                onMouseDown={(e) => {
                  e.preventDefault();
                  accept(i);
                }}
              >
                <span className="mono">{s.text}</span>
                <span className="muted suggestion-kind">{s.kind}</span>
              </li>
            ))}
          </ul>
        )}
        {value && (
          <button
            type="button"
            className="link-button muted"
            onClick={() => {
              setDraft('');
              setLocalError(undefined);
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
      {shownError && (
        <div id="filter-error" className="field-error" role="alert" data-testid="filter-error">
          {shownError}
        </div>
      )}
    </form>
  );
}
