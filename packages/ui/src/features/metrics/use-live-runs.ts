/**
 * Keeps charts of RUNNING runs current by polling: every few seconds while the page is visible,
 * re-reads the status of the runs still running and bumps a counter the charts refetch on.
 * Stops by itself once no run is running.
 */
import { useEffect, useState } from 'react';
import { loom } from '../../api';

/** How often charts of running runs refresh. */
export const LIVE_POLL_MS = 4000;

export interface LiveRuns {
  /** Changes on every poll; a dependency for the charts' fetches. */
  tick: number;
  /** Run ids still RUNNING as of the last poll. */
  running: string[];
}

/** Polls while any of `running` (ids of runs with status RUNNING) still runs. */
export function useLiveRuns(running: readonly string[], intervalMs = LIVE_POLL_MS): LiveRuns {
  const key = running.join(',');
  const [state, setState] = useState<LiveRuns>({ tick: 0, running: [...running] });
  useEffect(() => setState((s) => ({ tick: s.tick, running: key ? key.split(',') : [] })), [key]);
  const live = state.running.join(',');

  useEffect(() => {
    if (!live) return;
    const ids = live.split(',');
    let stopped = false;
    const poll = async () => {
      if (document.hidden) return;
      const runs = await Promise.all(ids.map((id) => loom.getRun(id).catch(() => undefined)));
      if (stopped) return;
      const still = ids.filter((id, i) => (runs[i] ? runs[i].info.status === 'RUNNING' : true));
      setState((s) => ({ tick: s.tick + 1, running: still }));
    };
    const timer = window.setInterval(() => void poll(), intervalMs);
    return () => {
      stopped = true;
      window.clearInterval(timer);
    };
  }, [live, intervalMs]);

  return state;
}
