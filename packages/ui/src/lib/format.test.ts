import { describe, expect, it } from 'vitest';
import { formatDuration, formatMetric, formatRelative, runDuration } from './format';

describe('formats', () => {
  it('formats durations at a useful resolution', () => {
    expect(formatDuration(850)).toBe('850ms');
    expect(formatDuration(12_340)).toBe('12.3s');
    expect(formatDuration(245_000)).toBe('4m 05s');
    expect(formatDuration(2 * 3600_000 + 3 * 60_000)).toBe('2h 03m');
    expect(formatDuration(3 * 86400_000 + 4 * 3600_000)).toBe('3d 4h');
    expect(formatDuration(undefined)).toBe('—');
  });

  it('measures running runs up to now and unfinished ones not at all', () => {
    expect(runDuration({ start_time: 1000, end_time: 3000, status: 'FINISHED' }, 9999)).toBe(2000);
    expect(runDuration({ start_time: 1000, status: 'RUNNING' }, 5000)).toBe(4000);
    expect(runDuration({ start_time: 1000, status: 'KILLED' }, 5000)).toBeUndefined();
  });

  it('formats metric values', () => {
    expect(formatMetric(0.123456789)).toBe('0.12346');
    expect(formatMetric(42)).toBe('42');
    expect(formatMetric(1.5e-7)).toBe('1.500e-7');
    expect(formatMetric(NaN)).toBe('NaN');
    expect(formatMetric(-Infinity)).toBe('-∞');
    expect(formatMetric('NaN')).toBe('NaN');
  });

  it('says how long ago', () => {
    expect(formatRelative(0, 30_000)).toBe('just now');
    expect(formatRelative(0, 5 * 60_000)).toBe('5 min ago');
    expect(formatRelative(0, 2 * 86400_000)).toBe('2 days ago');
  });
});
