/**
 * The runs table: only the rows in view are in the DOM (@tanstack/react-virtual), so 100,000 runs
 * scroll like 100. Asks for the next page when the user nears the end of what is loaded.
 */
import { useEffect, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { RunJson } from '@loom/protocol';
import { Link } from '../../components/link';
import { StatusBadge } from '../../components/status-badge';
import { formatDuration, formatMetric, formatTime, runDuration } from '../../lib/format';
import { paths } from '../../lib/router';
import { cellValue, type RunColumn } from './run-columns';
import type { RunSort } from './run-query';

const ROW_HEIGHT = 38;
const SELECT_WIDTH = 40;
/** Rows before the end at which the next page is requested. */
const PREFETCH_ROWS = 60;

export interface RunTableProps {
  runs: RunJson[];
  columns: RunColumn[];
  sort: RunSort | undefined;
  onSort: (column: string) => void;
  selected: ReadonlySet<string>;
  onToggle: (runId: string) => void;
  hasMore: boolean;
  loadingMore: boolean;
  onNearEnd: () => void;
}

export function RunTable(props: RunTableProps) {
  const { runs, columns, hasMore, loadingMore, onNearEnd } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const rowCount = runs.length + (hasMore ? 1 : 0);
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length > 0 ? items[items.length - 1]!.index : -1;

  useEffect(() => {
    if (hasMore && !loadingMore && lastIndex >= runs.length - PREFETCH_ROWS) onNearEnd();
  }, [lastIndex, hasMore, loadingMore, runs.length, onNearEnd]);

  const template = `${SELECT_WIDTH}px ${columns.map((c) => `${c.width}px`).join(' ')} minmax(24px, 1fr)`;
  const minWidth = SELECT_WIDTH + columns.reduce((sum, c) => sum + c.width, 0) + 24;

  return (
    <div
      className="run-table"
      ref={scroller}
      role="table"
      aria-label="Runs"
      aria-rowcount={rowCount + 1}
      data-testid="run-table"
    >
      <div className="run-table-inner" style={{ minWidth }}>
        <HeaderRow {...props} template={template} />
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const run = runs[item.index];
            return (
              <div
                key={run?.info.run_id ?? 'more'}
                role="row"
                aria-rowindex={item.index + 2}
                className={`run-row${run && props.selected.has(run.info.run_id) ? ' selected' : ''}${item.index % 2 ? ' odd' : ''}`}
                style={{
                  gridTemplateColumns: template,
                  height: ROW_HEIGHT,
                  transform: `translateY(${item.start}px)`,
                }}
              >
                {run ? (
                  <RunCells run={run} {...props} />
                ) : (
                  <div className="run-row-more">Loading more runs…</div>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

function HeaderRow({ columns, sort, onSort, template }: RunTableProps & { template: string }) {
  return (
    <div
      className="run-row run-header"
      role="row"
      aria-rowindex={1}
      style={{ gridTemplateColumns: template }}
    >
      <div role="columnheader" className="cell" aria-label="Select" />
      {columns.map((c) => {
        const active = sort?.column === c.id;
        const arrow = active ? (sort.dir === 'asc' ? '▲' : '▼') : '';
        const label = (
          <>
            {c.kind !== 'attribute' && <span className={`kind kind-${c.kind}`}>{c.kind[0]}</span>}
            <span className="header-label">{c.label}</span>
            <span className="sort-arrow" aria-hidden="true">
              {arrow}
            </span>
          </>
        );
        return (
          <div
            key={c.id}
            role="columnheader"
            aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
            className={`cell${c.numeric ? ' num' : ''}`}
            title={c.id}
          >
            {c.sortable ? (
              <button
                type="button"
                className={`header-button${active ? ' active' : ''}`}
                onClick={() => onSort(c.id)}
              >
                {label}
              </button>
            ) : (
              <span className="header-static">{label}</span>
            )}
          </div>
        );
      })}
      <div className="cell" />
    </div>
  );
}

function RunCells({ run, columns, selected, onToggle }: RunTableProps & { run: RunJson }) {
  const info = run.info;
  return (
    <>
      <div role="cell" className="cell">
        <input
          type="checkbox"
          aria-label={`Select ${info.run_name}`}
          checked={selected.has(info.run_id)}
          onChange={() => onToggle(info.run_id)}
        />
      </div>
      {columns.map((c) => (
        <div role="cell" key={c.id} className={`cell${c.numeric ? ' num' : ''}`}>
          <Cell run={run} column={c} />
        </div>
      ))}
      <div className="cell" />
    </>
  );
}

function Cell({ run, column }: { run: RunJson; column: RunColumn }) {
  const info = run.info;
  switch (column.id) {
    case 'attributes.run_name':
      return (
        <Link className="row-title" href={paths.run(info.run_id)} title={info.run_name}>
          {info.run_name || info.run_id.slice(0, 8)}
        </Link>
      );
    case 'attributes.status':
      return <StatusBadge status={info.status} />;
    case 'attributes.start_time':
      return (
        <span className="muted" title={formatTime(info.start_time)}>
          {formatTime(info.start_time, false)}
        </span>
      );
    case 'duration':
      return <span className="muted">{formatDuration(runDuration(info, Date.now()))}</span>;
    case 'attributes.user_id':
      return <span title={info.user_id}>{info.user_id || '—'}</span>;
  }
  const value = cellValue(run, column);
  if (value === undefined) return <span className="empty-cell">—</span>;
  const text = column.kind === 'metric' ? formatMetric(value) : String(value);
  return <span title={String(value)}>{text}</span>;
}
