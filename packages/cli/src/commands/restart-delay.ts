/** How long the `--workers` primary waits before replacing a worker that died. */

/** The first restart is almost immediate: one crash should cost clients as little as possible. */
export const MIN_RESTART_DELAY_MS = 100;
/** A worker that keeps dying (database gone, bad deploy) is retried this often at most. */
export const MAX_RESTART_DELAY_MS = 10_000;
/** A worker that served this long was healthy: its death starts the back-off afresh. */
export const STABLE_UPTIME_MS = 30_000;

/**
 * The delay before the next restart of a worker slot, given the delay used last time for that slot
 * (undefined if none) and how long the dead worker ran: doubling while deaths come quickly, so a crash
 * loop does not spin, and back to the minimum after a worker that had been up a while.
 */
export function nextRestartDelay(previousMs: number | undefined, uptimeMs: number): number {
  if (previousMs === undefined || uptimeMs >= STABLE_UPTIME_MS) return MIN_RESTART_DELAY_MS;
  return Math.min(previousMs * 2, MAX_RESTART_DELAY_MS);
}
