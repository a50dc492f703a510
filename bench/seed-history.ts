/**
 * Seeds one run with a long metric history straight through the store (no HTTP), for the chart
 * benchmark: a slow noisy curve with one spike, so a chart that drops points visibly loses it.
 */
import { TrackingService, openTrackingStore, type Metric } from '@loom/core';

export interface SeededHistory {
  runId: string;
  experimentId: string;
  /** The step whose value is the one spike. */
  spikeStep: number;
  spikeValue: number;
}

const BATCH = 10_000;

/** The value logged at `step` of a `points`-long history (the spike excepted). */
export function curve(step: number, points: number): number {
  return 2 * Math.exp((-5 * step) / points) + 0.05 * Math.sin(step / 37);
}

/** Creates an experiment and a run in the store at `uri` and logs `points` steps of `key`. */
export async function seedLongHistory(
  uri: string,
  artifactRoot: string,
  points: number,
  key = 'loss',
): Promise<SeededHistory> {
  const store = await openTrackingStore(uri, { defaultArtifactRoot: artifactRoot });
  try {
    const tracking = new TrackingService(store);
    const experimentId = await tracking.createExperiment({ name: `chart-bench-${Date.now()}` });
    const run = await tracking.createRun({
      experimentId,
      runName: `${points}-points`,
      startTime: 1_700_000_000_000,
    });
    const spikeStep = Math.floor(points * 0.6180339);
    const spikeValue = 50;
    for (let start = 0; start < points; start += BATCH) {
      const metrics: Metric[] = [];
      for (let step = start; step < Math.min(points, start + BATCH); step++) {
        const value = step === spikeStep ? spikeValue : curve(step, points);
        metrics.push({ key, value, timestamp: 1_700_000_000_000 + step * 100, step });
      }
      await store.logBatch(run.info.runId, metrics, [], []);
    }
    return { runId: run.info.runId, experimentId, spikeStep, spikeValue };
  } finally {
    await store.close();
  }
}
