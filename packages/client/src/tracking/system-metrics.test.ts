/** System metrics from this machine's /proc, logged through a run to a real listening server. */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultServerConfig } from '@loom/core';
import { startServer, type RunningServer } from '@loom/server';
import { createClient, type LoomClient } from '../index';
import { readTrackingEnv } from './env';
import { gpuMetrics, SystemMetricsSampler } from './system-metrics';
import { Tracking } from './tracking';

let dir: string;
let server: RunningServer;
let client: LoomClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loom-sysmetrics-'));
  server = await startServer({ ...defaultServerConfig(dir), port: 0 });
  client = createClient({ baseUrl: server.url });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** An executable shell script standing in for nvidia-smi. */
function fakeCommand(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

const PERCENT = [
  'system/cpu_utilization_percentage',
  'system/system_memory_usage_percentage',
  'system/disk_usage_percentage',
];
const MEGABYTES = [
  'system/system_memory_usage_megabytes',
  'system/disk_usage_megabytes',
  'system/disk_available_megabytes',
  'system/network_receive_megabytes',
  'system/network_transmit_megabytes',
];

describe('system metrics', () => {
  it('logs MLflow-named system metrics every interval with step = sample index, until the run ends', async () => {
    const loom = new Tracking({ client, endRunsOnExit: false, batching: { maxDelayMs: 20 } });
    const run = await loom.startRun({ logSystemMetrics: true, systemMetricsIntervalMs: 100 });
    // Some work for the CPU and the network while sampling.
    const until = Date.now() + 700;
    while (Date.now() < until) {
      await fetch(`${server.url}/health`);
      for (let i = 0; i < 1e5; i++) Math.sqrt(i);
    }
    await run.end();
    const got = await client.getRun(run.runId);
    const latest = Object.fromEntries((got.data.metrics ?? []).map((m) => [m.key, Number(m.value)]));
    for (const key of [...PERCENT, ...MEGABYTES]) expect(latest, key).toHaveProperty([key]);
    for (const key of PERCENT) {
      expect(latest[key]).toBeGreaterThanOrEqual(0);
      expect(latest[key]).toBeLessThanOrEqual(100);
    }
    for (const key of MEGABYTES) expect(latest[key]).toBeGreaterThanOrEqual(0);
    expect(latest['system/system_memory_usage_megabytes']).toBeGreaterThan(1);
    expect(latest['system/disk_available_megabytes']).toBeGreaterThan(0);
    // This machine has no GPU: no gpu keys, and nothing broke.
    expect(Object.keys(latest).some((k) => k.includes('gpu'))).toBe(false);

    const cpu = (
      await client.getMetricHistory({ runId: run.runId, metricKey: 'system/cpu_utilization_percentage' })
    ).metrics;
    expect(cpu.length).toBeGreaterThanOrEqual(3);
    expect(cpu.map((m) => m.step)).toEqual([...Array(cpu.length).keys()]);
    // Stopped with the run: nothing more arrives afterwards.
    await new Promise((r) => setTimeout(r, 300));
    const after = await client.getMetricHistory({
      runId: run.runId,
      metricKey: 'system/cpu_utilization_percentage',
    });
    expect(after.metrics).toHaveLength(cpu.length);
  });

  it('reads GPUs from nvidia-smi, skipping fields it reports as [N/A]', async () => {
    const smi = fakeCommand('nvidia-smi-ok', 'echo "0, 37, 2048, 16384"; echo "1, [N/A], 100, 200"');
    expect(await gpuMetrics(smi)).toEqual({
      'system/gpu_0_utilization_percentage': 37,
      'system/gpu_0_memory_usage_megabytes': 2147.483648,
      'system/gpu_0_memory_usage_percentage': 12.5,
      'system/gpu_1_memory_usage_megabytes': 104.8576, // MiB → MB (10^6 bytes), as MLflow
      'system/gpu_1_memory_usage_percentage': 50,
    });
    const samples: Record<string, number>[] = [];
    const sampler = new SystemMetricsSampler((m) => samples.push(m), { intervalMs: 50, nvidiaSmi: smi });
    await sampler.start();
    await new Promise((r) => setTimeout(r, 250));
    await sampler.stop();
    expect(samples.length).toBeGreaterThanOrEqual(2);
    expect(samples[0]).toMatchObject({ 'system/gpu_0_utilization_percentage': 37 });
  });

  it('carries on without GPU metrics when nvidia-smi is missing or fails (drivers but no GPU)', async () => {
    const failing = fakeCommand('nvidia-smi-fail', 'echo "NVIDIA-SMI has failed" >&2; exit 9');
    expect(await gpuMetrics(failing)).toBeUndefined();
    expect(await gpuMetrics(join(dir, 'no-such-nvidia-smi'))).toBeUndefined();
    const samples: Record<string, number>[] = [];
    const sampler = new SystemMetricsSampler((m) => samples.push(m), { intervalMs: 50, nvidiaSmi: failing });
    await sampler.start();
    await new Promise((r) => setTimeout(r, 250));
    await sampler.stop();
    expect(samples.length).toBeGreaterThanOrEqual(2);
    for (const s of samples) {
      expect(s).toHaveProperty(['system/system_memory_usage_megabytes']);
      expect(Object.keys(s).some((k) => k.includes('gpu'))).toBe(false);
    }
  });

  it("reads MLflow's variables: MLFLOW_ENABLE_SYSTEM_METRICS_LOGGING and the sampling interval in seconds", () => {
    expect(
      readTrackingEnv({
        MLFLOW_ENABLE_SYSTEM_METRICS_LOGGING: 'true',
        MLFLOW_SYSTEM_METRICS_SAMPLING_INTERVAL: '0.5',
      }),
    ).toMatchObject({ systemMetrics: true, systemMetricsIntervalMs: 500 });
    expect(readTrackingEnv({ MLFLOW_ENABLE_SYSTEM_METRICS_LOGGING: 'false' }).systemMetrics).toBe(false);
    expect(() => readTrackingEnv({ MLFLOW_SYSTEM_METRICS_SAMPLING_INTERVAL: 'soon' })).toThrow(
      /positive number/,
    );
    expect(readTrackingEnv({ LOOM_OFFLINE: '1', LOOM_OFFLINE_DIR: '/x' })).toMatchObject({
      offline: true,
      offlineDir: '/x',
    });
  });
});
