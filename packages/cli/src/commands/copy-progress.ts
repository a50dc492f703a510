/**
 * How `loom db migrate` shows a copy under way, on stderr: on a terminal one bar per table redrawn in
 * place (rows done / total, rate); in a log (not a TTY) a line per table when it is done and a plain
 * progress line every few seconds while a big one runs.
 */
import type { CopyProgress, CopyReport } from '@loom/core';

const BAR = 24;
const REDRAW_MS = 100;
const LOG_EVERY_MS = 5000;

export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** `1234567` → `1,234,567`. */
export const count = (n: number): string => Math.round(n).toLocaleString('en-US');

/**
 * A progress callback for `copyStore` (or anything counting items per named part, e.g. `loom sync`
 * per run with `unit: 'points'`) writing to `out`; `now` is injectable for tests.
 */
export function progressReporter(
  out: ProgressOutput,
  now: () => number = Date.now,
  { unit = 'rows' }: { unit?: string } = {},
) {
  const rate = (rows: number, ms: number) => `${count(ms > 0 ? (rows * 1000) / ms : 0)} ${unit}/s`;
  const tty = Boolean(out.isTTY);
  let table: string | undefined;
  let started = 0;
  let shown = 0;

  const bar = (p: CopyProgress) => {
    const share = p.total > 0 ? Math.min(1, p.done / p.total) : 1;
    const filled = Math.round(share * BAR);
    const pct = `${Math.floor(share * 100)}`.padStart(3);
    return `${p.table.padEnd(26)} [${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}] ${pct}%  ${count(p.done)}/${count(p.total)}  ${rate(p.done, now() - started)}`;
  };

  return (p: CopyProgress): void => {
    // Empty tables are only listed in the verification table.
    if (p.total === 0 && p.done === 0) return;
    if (p.table !== table) {
      table = p.table;
      started = now();
      shown = started;
    }
    const elapsed = now() - started;
    if (tty) {
      if (!p.finished && now() - shown < REDRAW_MS) return;
      shown = now();
      out.write(`\r\x1b[2K${bar(p)}${p.finished ? '\n' : ''}`);
      return;
    }
    if (p.finished) {
      out.write(
        `loom: ${p.table}: ${count(p.done)} ${unit} in ${(elapsed / 1000).toFixed(1)} s (${rate(p.done, elapsed)})\n`,
      );
    } else if (now() - shown >= LOG_EVERY_MS) {
      shown = now();
      const pct = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 100;
      out.write(
        `loom: ${p.table}: ${count(p.done)}/${count(p.total)} ${unit} (${pct}%), ${rate(p.done, elapsed)}\n`,
      );
    }
  };
}

/** The verification table: each table's rows in the source and the target, and whether they agree. */
export function verificationTable(report: CopyReport): string {
  const head = ['table', 'source rows', 'target rows', 'ok'];
  const rows = report.tables.map((t) => [
    t.table,
    count(t.sourceRows),
    count(t.targetRows),
    t.sourceRows === t.targetRows ? 'ok' : 'MISMATCH',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 || i === 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}
