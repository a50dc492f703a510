/** One row of a side-by-side table of runs: a metric or param key and each run's value, differences marked. */
import type { DiffRow as Row } from '../lib/run-diff';
import { formatMetric } from '../lib/format';
import { navigate, useLocation, withParams } from '../lib/router';

export function DiffRow({ row }: { row: Row }) {
  return (
    <tr className={row.differs ? 'row-diff' : undefined} data-differs={row.differs}>
      <td className="mono key-cell">
        <span className={`kind kind-${row.kind}`}>{row.kind === 'metric' ? 'm' : 'p'}</span>
        {row.key}
      </td>
      {row.values.map((value, i) => (
        <td key={i} className={`mono${row.kind === 'metric' ? ' num' : ''}`}>
          {value === undefined ? '—' : typeof value === 'number' ? formatMetric(value) : value}
        </td>
      ))}
    </tr>
  );
}

/** A comparison page's "Only differences" check box: `?diff=only` in the page's own URL. */
export function OnlyDifferencesToggle({ pathWith }: { pathWith: (query: URLSearchParams) => string }) {
  const { query } = useLocation();
  return (
    <label className="check">
      <input
        type="checkbox"
        checked={query.get('diff') === 'only'}
        onChange={(e) =>
          navigate(pathWith(withParams(query, { diff: e.target.checked ? 'only' : undefined })), {
            replace: true,
          })
        }
      />
      Only differences
    </label>
  );
}
