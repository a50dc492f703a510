/**
 * Exponential moving average for noisy metric curves, debiased like TensorBoard's smoothing so
 * the start of the curve is not pulled towards zero. Gaps (null) stay gaps and do not reset it.
 */

/** `ys` smoothed with `weight` in [0, 1): 0 returns the values unchanged, 0.99 is very smooth. */
export function emaSmooth(ys: readonly (number | null)[], weight: number): (number | null)[] {
  if (!(weight > 0)) return [...ys];
  const w = Math.min(weight, 0.999);
  let last = 0;
  let debias = 0;
  return ys.map((y) => {
    if (y === null || !Number.isFinite(y)) return null;
    last = last * w + (1 - w) * y;
    debias = debias * w + (1 - w);
    return last / debias;
  });
}
