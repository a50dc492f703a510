import { describe, expect, it } from 'vitest';
import { emaSmooth } from './ema';

describe('emaSmooth', () => {
  it('returns the values unchanged at weight 0', () => {
    expect(emaSmooth([1, null, 3], 0)).toEqual([1, null, 3]);
  });

  it('is debiased: a constant series stays constant from its first point', () => {
    expect(emaSmooth([4, 4, 4, 4], 0.9).map((v) => v!.toFixed(10))).toEqual(Array(4).fill('4.0000000000'));
  });

  it('follows the textbook recurrence, skipping gaps', () => {
    const w = 0.5;
    const out = emaSmooth([0, null, 8, 8], w);
    // last: 0 → 4 → 6; debias: 0.5 → 0.75 → 0.875.
    expect(out).toEqual([0, null, 4 / 0.75, 6 / 0.875]);
  });

  it('damps a spike', () => {
    const out = emaSmooth([1, 1, 1, 100, 1], 0.9);
    expect(out[3]!).toBeLessThan(100);
    expect(out[3]!).toBeGreaterThan(1);
  });
});
