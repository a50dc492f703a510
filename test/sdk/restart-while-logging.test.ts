/**
 * Batching that loses nothing: a script logs 100,000 points through the fluent API while the real
 * `loom server` process is SIGKILLed and restarted on the same files and port. Every point must
 * arrive exactly once (retries are safe: the same point logged twice is stored once).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from '@loom/client';
import { Tracking } from '@loom/client/tracking';
import { startCliServer, type CliServer } from '../support/cli-server';

const POINTS = 100_000;
const CHUNK = 2_000;

let server: CliServer | undefined;
afterAll(async () => {
  await server?.dispose();
});

describe('fluent API across a server crash', () => {
  it('delivers 100,000 points exactly once when the server is killed and restarted mid-stream', async () => {
    server = await startCliServer();
    const url = server.url;
    const loom = new Tracking({
      env: { trackingUri: url },
      endRunsOnExit: false,
      batching: { maxDelayMs: 10, initialBackoffMs: 50, maxBackoffMs: 500 },
    });
    const run = await loom.startRun({ runName: 'survivor' });
    // The crash comes once a quarter of the points are stored, whatever the logging loop is doing.
    const crash = (async () => {
      while (run.progress.acknowledged < POINTS / 4) await new Promise((r) => setTimeout(r, 5));
      await server!.kill();
      await new Promise((r) => setTimeout(r, 300)); // requests now fail: connection refused
      server = await server!.restart();
      expect(server.url).toBe(url);
    })();
    for (let start = 0; start < POINTS; start += CHUNK) {
      for (let step = start; step < start + CHUNK; step++) {
        run.logMetric('loss', Math.sin(step), { step, timestamp: 1_700_000_000_000 + step });
      }
      // Let the sender work between chunks, as a training loop yields between epochs.
      await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all([crash, run.end()]);
    expect(run.progress).toMatchObject({ queued: POINTS, acknowledged: POINTS, pending: 0 });
    // The outage was felt: some requests failed and were sent again.
    expect(run.progress.retries).toBeGreaterThan(0);

    const client = createClient({ baseUrl: url });
    const steps: number[] = [];
    let pageToken: string | undefined;
    do {
      const page = await client.getMetricHistory({
        runId: run.runId,
        metricKey: 'loss',
        maxResults: 25_000,
        pageToken,
      });
      for (const m of page.metrics) steps.push(m.step);
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(steps).toHaveLength(POINTS);
    expect(new Set(steps).size).toBe(POINTS);
    expect((await client.getRun(run.runId)).info.status).toBe('FINISHED');
  }, 180_000);
});
