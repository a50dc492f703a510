/**
 * The runs table, virtualized both ways (@tanstack/react-virtual): only the rows in view are in the
 * DOM, so 100,000 runs scroll like 100, and only the columns in view, so hundreds of param and metric
 * columns cost no more than ten. The select box and run name stay pinned on the left. Nested runs
 * sit under their parent with a caret to open them. Asks for the next page near the end of what is
 * loaded.
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
import type { RunRow } from './run-tree';

const ROW_HEIGHT = 38;
const SELECT_WIDTH = 40;
const INDENT = 18;
/** Rows before the end at which the next page is requested. */
const PREFETCH_ROWS = 60;

export interface RunTableProps {
  rows: RunRow[];
  /** The first is pinned on the left (the run name); the rest are virtualized. */
  columns: RunColumn[];
  sort: RunSort | undefined;
  onSort: (column: string) => void;
  selected: ReadonlySet<string>;
  onToggle: (runId: string) => void;
  onToggleExpanded: (runId: string) => void;
  /** Names for the experiment column, when the table spans several experiments. */
  experimentNames: ReadonlyMap<string, string>;
  hasMore: boolean;
  loadingMore: boolean;
  onNearEnd: () => void;
}

/** The grid columns of one row: what is pinned, a spacer for the columns scrolled past, the ones in view. */
interface Layout {
  template: string;
  pinned: RunColumn[];
  visible: RunColumn[];
}

export function RunTable(props: RunTableProps) {
  const { rows, columns, hasMore, loadingMore, onNearEnd } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const rowCount = rows.length + (hasMore ? 1 : 0);
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const pinned = columns.slice(0, 1);
  const rest = columns.slice(1);
  const pinnedWidth = SELECT_WIDTH + pinned.reduce((sum, c) => sum + c.width, 0);
  const columnVirtualizer = useVirtualizer({
    horizontal: true,
    count: rest.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => rest[i]?.width ?? 128,
    paddingStart: pinnedWidth,
    overscan: 3,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length > 0 ? items[items.length - 1]!.index : -1;

  useEffect(() => {
    if (hasMore && !loadingMore && lastIndex >= rows.length - PREFETCH_ROWS) onNearEnd();
  }, [lastIndex, hasMore, loadingMore, rows.length, onNearEnd]);

  const inView = columnVirtualizer.getVirtualItems();
  const first = inView[0];
  const last = inView[inView.length - 1];
  const before = first ? first.start - pinnedWidth : 0;
  const restWidth = rest.reduce((sum, c) => sum + c.width, 0);
  const after = last ? pinnedWidth + restWidth - last.end : 0;
  const visible = inView.map((v) => rest[v.index]!);
  const layout: Layout = {
    template: [
      `${SELECT_WIDTH}px`,
      ...pinned.map((c) => `${c.width}px`),
      `${Math.max(0, before)}px`,
      ...visible.map((c) => `${c.width}px`),
      `${Math.max(0, after)}px`,
      'minmax(24px, 1fr)',
    ].join(' '),
    pinned,
    visible,
  };
  const minWidth = pinnedWidth + restWidth + 24;

  return (
    <div
      className="run-table"
      ref={scroller}
      role="table"
      aria-label="Runs"
      aria-rowcount={rowCount + 1}
      aria-colcount={columns.length + 1}
      data-testid="run-table"
    >
      <div className="run-table-inner" style={{ minWidth }}>
        <HeaderRow {...props} layout={layout} />
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = rows[item.index];
            return (
              <div
                key={row?.run.info.run_id ?? 'more'}
                role="row"
                aria-rowindex={item.index + 2}
                className={`run-row${row && props.selected.has(row.run.info.run_id) ? ' selected' : ''}${item.index % 2 ? ' odd' : ''}`}
                style={{
                  gridTemplateColumns: layout.template,
                  height: ROW_HEIGHT,
                  transform: `translateY(${item.start}px)`,
                }}
              >
                {row ? (
                  <RunCells row={row} layout={layout} {...props} />
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

function HeaderRow({ sort, onSort, layout }: RunTableProps & { layout: Layout }) {
  const header = (c: RunColumn, pin: boolean) => {
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
        className={`cell${c.numeric ? ' num' : ''}${pin ? ' pinned' : ''}`}
        style={pin ? { left: SELECT_WIDTH } : undefined}
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
  };
  return (
    <div
      className="run-row run-header"
      role="row"
      aria-rowindex={1}
      style={{ gridTemplateColumns: layout.template }}
    >
      <div role="columnheader" className="cell pinned" style={{ left: 0 }} aria-label="Select" />
      {layout.pinned.map((c) => header(c, true))}
      <div aria-hidden="true" />
      {layout.visible.map((c) => header(c, false))}
      <div aria-hidden="true" />
      <div className="cell" />
    </div>
  );
}

function RunCells({
  row,
  layout,
  selected,
  onToggle,
  onToggleExpanded,
  experimentNames,
}: RunTableProps & { row: RunRow; layout: Layout }) {
  const info = row.run.info;
  const cell = (c: RunColumn, pin: boolean) => (
    <div
      role="cell"
      key={c.id}
      className={`cell${c.numeric ? ' num' : ''}${pin ? ' pinned' : ''}`}
      style={pin ? { left: SELECT_WIDTH } : undefined}
    >
      {c.id === 'attributes.run_name' ? (
        <RunName row={row} onToggleExpanded={onToggleExpanded} />
      ) : (
        <Cell run={row.run} column={c} experimentNames={experimentNames} />
      )}
    </div>
  );
  return (
    <>
      <div role="cell" className="cell pinned" style={{ left: 0 }}>
        <input
          type="checkbox"
          aria-label={`Select ${info.run_name}`}
          checked={selected.has(info.run_id)}
          onChange={() => onToggle(info.run_id)}
        />
      </div>
      {layout.pinned.map((c) => cell(c, true))}
      <div aria-hidden="true" />
      {layout.visible.map((c) => cell(c, false))}
      <div aria-hidden="true" />
      <div className="cell" />
    </>
  );
}

function RunName({ row, onToggleExpanded }: { row: RunRow; onToggleExpanded: (runId: string) => void }) {
  const info = row.run.info;
  const name = info.run_name || info.run_id.slice(0, 8);
  return (
    <span className="run-name" style={{ paddingLeft: row.depth * INDENT }}>
      {row.childCount > 0 ? (
        <button
          type="button"
          className="expander"
          aria-expanded={row.expanded}
          aria-label={`${row.expanded ? 'Collapse' : 'Expand'} ${name}`}
          title={`${row.childCount} child run${row.childCount === 1 ? '' : 's'}`}
          onClick={() => onToggleExpanded(info.run_id)}
        >
          {row.expanded ? '▾' : '▸'}
        </button>
      ) : (
        <span className="expander-space" />
      )}
      <Link className="row-title" href={paths.run(info.run_id)} title={info.run_name}>
        {name}
      </Link>
      {row.childCount > 0 && <span className="child-count">{row.childCount}</span>}
    </span>
  );
}

function Cell({
  run,
  column,
  experimentNames,
}: {
  run: RunJson;
  column: RunColumn;
  experimentNames: ReadonlyMap<string, string>;
}) {
  const info = run.info;
  switch (column.id) {
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
    case 'experiment': {
      const name = experimentNames.get(info.experiment_id) ?? info.experiment_id;
      return (
        <Link href={paths.runs(info.experiment_id)} title={name}>
          {name}
        </Link>
      );
    }
  }
  const value = cellValue(run, column);
  if (value === undefined) return <span className="empty-cell">—</span>;
  const text = column.kind === 'metric' ? formatMetric(value) : String(value);
  return <span title={String(value)}>{text}</span>;
}
