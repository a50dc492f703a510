import { describe, expect, it } from 'vitest';
import { MicroBatcher } from './micro-batcher';

/** A batch runner that records the batches it saw and doubles each job, failing on negatives. */
function recorder() {
  const batches: number[][] = [];
  const run = async (jobs: number[]) => {
    batches.push(jobs);
    await new Promise((r) => setTimeout(r, 5));
    if (jobs.some((j) => j < 0)) throw new Error(`negative in ${jobs.join(',')}`);
    return jobs.map((j) => j * 2);
  };
  return { batches, run };
}

describe('MicroBatcher', () => {
  it('runs a lone job at once and batches the ones that arrive meanwhile', async () => {
    const r = recorder();
    const b = new MicroBatcher(r.run, () => true);
    const results = await Promise.all([1, 2, 3, 4].map((j) => b.submit(j)));
    expect(results).toEqual([2, 4, 6, 8]);
    expect(r.batches).toEqual([[1], [2, 3, 4]]);
  });

  it('keeps incompatible jobs apart and respects the batch limit', async () => {
    const r = recorder();
    const b = new MicroBatcher(r.run, (a, c) => a % 2 === c % 2, 2);
    await Promise.all([1, 2, 3, 4, 5, 6].map((j) => b.submit(j)));
    expect(r.batches).toEqual([[1], [2, 4], [3, 5], [6]]);
  });

  it('fails only the job that breaks a batch', async () => {
    const r = recorder();
    const b = new MicroBatcher(r.run, () => true);
    const settled = await Promise.allSettled([1, 2, -3, 4].map((j) => b.submit(j)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(settled[3]).toEqual({ status: 'fulfilled', value: 8 });
  });
});
