import { describe, expect, it } from 'vitest';
import {
  MAX_RESTART_DELAY_MS,
  MIN_RESTART_DELAY_MS,
  STABLE_UPTIME_MS,
  nextRestartDelay,
} from './restart-delay';

describe('nextRestartDelay', () => {
  it('restarts a first death after the minimum delay', () => {
    expect(nextRestartDelay(undefined, 5)).toBe(MIN_RESTART_DELAY_MS);
  });

  it('doubles while a worker keeps dying quickly, up to the cap', () => {
    const delays: number[] = [];
    let delay: number | undefined;
    for (let i = 0; i < 12; i++) delays.push((delay = nextRestartDelay(delay, 50)));
    expect(delays.slice(0, 4)).toEqual([100, 200, 400, 800]);
    expect(delays.at(-1)).toBe(MAX_RESTART_DELAY_MS);
    expect(Math.max(...delays)).toBe(MAX_RESTART_DELAY_MS);
  });

  it('starts over after a worker that had been up a while', () => {
    expect(nextRestartDelay(MAX_RESTART_DELAY_MS, STABLE_UPTIME_MS)).toBe(MIN_RESTART_DELAY_MS);
    expect(nextRestartDelay(MAX_RESTART_DELAY_MS, STABLE_UPTIME_MS - 1)).toBe(MAX_RESTART_DELAY_MS);
  });
});
