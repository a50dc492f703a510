/** Chooses which params, metrics and tags are columns of the runs table. */
import { useState } from 'react';
import type { RunKeys } from './run-columns';

export interface ColumnPickerProps {
  keys: RunKeys;
  chosen: string[];
  onChange: (columns: string[]) => void;
}

export function ColumnPicker({ keys, chosen, onChange }: ColumnPickerProps) {
  const [search, setSearch] = useState('');
  const set = new Set(chosen);
  const toggle = (id: string) => onChange(set.has(id) ? chosen.filter((c) => c !== id) : [...chosen, id]);
  const groups: [string, string, string[]][] = [
    ['Metrics', 'metrics', keys.metrics],
    ['Params', 'params', keys.params],
    ['Tags', 'tags', keys.tags],
  ];
  const needle = search.trim().toLowerCase();

  return (
    <details className="popover">
      <summary className="btn">Columns ({chosen.length})</summary>
      <div className="popover-body" role="dialog" aria-label="Choose columns">
        <input
          className="input input-sm"
          placeholder="Find a key"
          aria-label="Find a key"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        {groups.map(([title, prefix, list]) => {
          const shown = list.filter((k) => k.toLowerCase().includes(needle));
          if (shown.length === 0) return null;
          return (
            <fieldset key={prefix} className="picker-group">
              <legend>{title}</legend>
              {shown.map((k) => {
                const id = `${prefix}.${k}`;
                return (
                  <label key={id} className="picker-item">
                    <input type="checkbox" checked={set.has(id)} onChange={() => toggle(id)} />
                    <span className="mono">{k}</span>
                  </label>
                );
              })}
            </fieldset>
          );
        })}
        {keys.metrics.length + keys.params.length + keys.tags.length === 0 && (
          <div className="muted">No params, metrics or tags in the loaded runs.</div>
        )}
        {chosen.length > 0 && (
          <button type="button" className="link-button" onClick={() => onChange([])}>
            Hide all
          </button>
        )}
      </div>
    </details>
  );
}
