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

/**
 * Creates an experiment of `runs` runs in the store at `uri`, each with 5 params, 5 metrics and 2
 * tags (as the tracking benchmark's runs), 8 creations in flight so SQLite's group commit batches them.
 */
export async function seedManyRuns(uri: string, artifactRoot: string, runs: number): Promise<string> {
  const store = await openTrackingStore(uri, { defaultArtifactRoot: artifactRoot });
  try {
    const tracking = new TrackingService(store);
    const experimentId = await tracking.createExperiment({ name: `table-bench-${Date.now()}` });
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < runs; i = next++) {
        const run = await tracking.createRun({
          experimentId,
          runName: `run-${String(i).padStart(5, '0')}`,
          startTime: 1_700_000_000_000 + i * 1000,
        });
        const metrics: Metric[] = [1, 2, 3, 4, 5].map((k) => ({
          key: `m${k}`,
          value: ((i * 7919 * k) % 1000) / 1000,
          timestamp: 1_700_000_000_000 + i * 1000,
          step: 0,
        }));
        const params = [1, 2, 3, 4, 5].map((k) => ({ key: `p${k}`, value: String((i + k) % 10) }));
        const tags = [
          { key: 'team', value: `team-${i % 4}` },
          { key: 'stage', value: i % 2 ? 'dev' : 'prod' },
        ];
        await store.logBatch(run.info.runId, metrics, params, tags);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    return experimentId;
  } finally {
    await store.close();
  }
}
