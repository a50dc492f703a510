import { describe, expect, it } from 'vitest';
import { progressReporter, verificationTable } from './copy-progress';

function capture(isTTY: boolean) {
  const writes: string[] = [];
  return { out: { isTTY, write: (text: string) => writes.push(text) }, writes };
}

describe('progressReporter', () => {
  it('redraws one bar per table on a terminal, at most every 100 ms, and ends it with a newline', () => {
    const { out, writes } = capture(true);
    let now = 0;
    const report = progressReporter(out, () => now);
    report({ table: 'metrics', done: 5000, total: 20000, finished: false });
    now = 50;
    report({ table: 'metrics', done: 10000, total: 20000, finished: false });
    now = 1000;
    report({ table: 'metrics', done: 20000, total: 20000, finished: false });
    report({ table: 'metrics', done: 20000, total: 20000, finished: true });
    report({ table: 'params', done: 0, total: 0, finished: true });
    expect(writes).toHaveLength(2);
    expect(writes[0]).toBe(
      `\r\x1b[2K${'metrics'.padEnd(26)} [${'#'.repeat(24)}] 100%  20,000/20,000  20,000 rows/s`,
    );
    expect(writes[1]).toMatch(/^\r\x1b\[2Kmetrics .* 100% {2}20,000\/20,000 {2}20,000 rows\/s\n$/);
  });

  it('writes plain lines to a log: one every 5 s while a table runs, one when it is done', () => {
    const { out, writes } = capture(false);
    let now = 0;
    const report = progressReporter(out, () => now);
    report({ table: 'metrics', done: 1000, total: 4000, finished: false });
    now = 5000;
    report({ table: 'metrics', done: 2000, total: 4000, finished: false });
    now = 6000;
    report({ table: 'metrics', done: 3000, total: 4000, finished: false });
    now = 8000;
    report({ table: 'metrics', done: 4000, total: 4000, finished: true });
    expect(writes).toEqual([
      'loom: metrics: 2,000/4,000 rows (50%), 400 rows/s\n',
      'loom: metrics: 4,000 rows in 8.0 s (500 rows/s)\n',
    ]);
  });
});

describe('verificationTable', () => {
  it('lines up every table with its counts and flags a mismatch', () => {
    const text = verificationTable({
      rows: 0,
      seconds: 1,
      tables: [
        { table: 'experiments', sourceRows: 3, targetRows: 3 },
        { table: 'metrics', sourceRows: 1234567, targetRows: 1234566 },
      ],
    });
    expect(text.split('\n')).toEqual([
      'table        source rows  target rows  ok',
      '-----------  -----------  -----------  --------',
      'experiments            3            3  ok',
      'metrics        1,234,567    1,234,566  MISMATCH',
      '',
    ]);
  });
});
