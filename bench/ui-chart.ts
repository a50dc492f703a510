/**
 * UI benchmark (`npm run bench:ui`; not part of the tests). Seeds, straight through the store, an
 * experiment of 10,000 runs and one run with a 1,000,000-point metric, starts the real `loom server`
 * CLI on them, and measures:
 *
 *   - time to a rendered runs table in Chromium: from `page.goto(/experiments/<id>)` to the first row
 *     and the run count shown (the first load cold, then warm loads; median);
 *   - time to first drawn chart in Chromium: from `page.goto(/runs/<id>)` to the uPlot chart of
 *     the metric drawn with the spike in it (the first load cold, then warm loads; median);
 *   - the server's downsampled answer (get-history-bulk-interval with buckets=1000) against
 *     fetching the full history (get-history, 1,000,000 points) and MLflow's step sampling
 *     (bulk-interval, max_results 2500), over HTTP, median of a few.
 *
 * Flags (after `npm run bench:ui --`): --points N (default 1000000), --runs N (default 10000), --reps N (5),
 * --backend-store-uri postgresql://user@host:5432/db (an empty database; default a temp SQLite file).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { hasChromium, launchBrowser } from '../e2e/browser';
import { seedLongHistory, seedManyRuns } from './seed-history';
import { ServerProcess } from './server-process';
import { int, ms, summarize, table } from './stats';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({
  options: {
    points: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '10000' },
    reps: { type: 'string', default: '5' },
    'backend-store-uri': { type: 'string' },
  },
});
const POINTS = Number(flags.points);
const RUNS = Number(flags.runs);
const REPS = Number(flags.reps);
const say = (line: string) => console.log(line);

async function timeFetch(url: string): Promise<{ ms: number; bytes: number }> {
  const t = performance.now();
  const res = await fetch(url);
  const body = await res.arrayBuffer();
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return { ms: performance.now() - t, bytes: body.byteLength };
}

async function main() {
  if (!hasChromium()) throw new Error('bench:ui needs /usr/bin/chromium');
  const dir = mkdtempSync(join(tmpdir(), 'loom-bench-ui-'));
  const uri = flags['backend-store-uri'] ?? `sqlite:///${join(dir, 'loom.db')}`;
  const artifacts = join(dir, 'artifacts');
  const build = spawnSync(process.execPath, [join(repoRoot, 'scripts/build-ui.mjs')], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('UI build failed');

  say(`seeding ${int(POINTS)} points through the store (${uri.split(':')[0]})...`);
  let t = performance.now();
  const seeded = await seedLongHistory(uri, artifacts, POINTS);
  say(`  seeded in ${ms(performance.now() - t)}`);
  say(`seeding ${int(RUNS)} runs through the store...`);
  t = performance.now();
  const tableExperiment = await seedManyRuns(uri, artifacts, RUNS);
  say(`  seeded in ${ms(performance.now() - t)}`);

  const server = await ServerProcess.start({ repoRoot, backendStoreUri: uri, artifactDir: artifacts });
  const browser = await launchBrowser();
  const rows: string[][] = [];
  try {
    // Time to a rendered runs table: navigation → the first row and the count line are on screen.
    const tableMs: number[] = [];
    for (let i = 0; i <= REPS; i++) {
      await browser.page.goto('about:blank');
      t = performance.now();
      await browser.page.goto(`${server.url}/experiments/${tableExperiment}`);
      await browser.page
        .locator('[data-testid=run-table] [role=row] a.row-title')
        .first()
        .waitFor({ timeout: 60_000 });
      await browser.page.getByTestId('run-count').waitFor({ timeout: 60_000 });
      const wall = performance.now() - t;
      say(`  table load ${i === 0 ? '(cold)' : i}: ${ms(wall)}`);
      if (i === 0) rows.push([`runs table of ${int(RUNS)} runs, cold browser`, ms(wall), '—', '1']);
      else tableMs.push(wall);
    }
    rows.push([
      `runs table of ${int(RUNS)} runs, warm (median)`,
      ms(summarize(tableMs).median),
      '—',
      String(REPS),
    ]);

    // Time to first drawn chart: navigation → the chart element carries the spike as its max.
    const drawMs: number[] = [];
    const inPageMs: number[] = [];
    for (let i = 0; i <= REPS; i++) {
      await browser.page.goto('about:blank');
      t = performance.now();
      await browser.page.goto(`${server.url}/runs/${seeded.runId}`);
      const chart = browser.page.locator(
        `[data-testid=metric-chart][data-metric=loss][data-max="${seeded.spikeValue}"]`,
      );
      await chart.locator('canvas').waitFor({ timeout: 60_000 });
      const wall = performance.now() - t;
      // The page's own clock: from its navigation start to the moment uPlot drew.
      const drawnAt = Number(await chart.getAttribute('data-drawn'));
      const origin = await browser.page.evaluate(() => performance.timeOrigin);
      say(`  load ${i === 0 ? '(cold)' : i}: ${ms(wall)} (in page ${ms(drawnAt - origin)})`);
      if (i === 0) rows.push(['first drawn chart, cold browser', ms(wall), ms(drawnAt - origin), '1']);
      else {
        drawMs.push(wall);
        inPageMs.push(drawnAt - origin);
      }
    }
    rows.push([
      'first drawn chart, warm (median)',
      ms(summarize(drawMs).median),
      ms(summarize(inPageMs).median),
      String(REPS),
    ]);

    // Server side: the downsampled answer against the full history and MLflow's sampling.
    const api = `${server.url}/api/2.0/mlflow/metrics`;
    const q = `run_ids=${seeded.runId}&metric_key=loss`;
    const cases: [string, string, number][] = [
      ['bulk-interval buckets=1000 (Loom)', `${api}/get-history-bulk-interval?${q}&buckets=1000`, REPS],
      [
        'bulk-interval buckets=1000, zoomed to 10%',
        `${api}/get-history-bulk-interval?${q}&buckets=1000&start_step=${Math.floor(POINTS * 0.55)}&end_step=${Math.floor(POINTS * 0.65)}`,
        REPS,
      ],
      ['bulk-interval max_results=2500 (MLflow sampling)', `${api}/get-history-bulk-interval?${q}`, REPS],
      ['get-history, every point', `${api}/get-history?run_id=${seeded.runId}&metric_key=loss`, 3],
    ];
    for (const [name, url, reps] of cases) {
      await timeFetch(url); // warm-up
      const samples: number[] = [];
      let bytes = 0;
      for (let i = 0; i < reps; i++) {
        const r = await timeFetch(url);
        samples.push(r.ms);
        bytes = r.bytes;
      }
      rows.push([name, ms(summarize(samples).median), `${int(bytes / 1024)} KiB`, String(reps)]);
    }
  } finally {
    await browser.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  say('');
  say(
    `${int(POINTS)}-point metric, one run; ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')} (1/5/15 min)`,
  );
  say(table(['measurement', 'median', 'in page / size', 'n'], rows));
}

await main();
