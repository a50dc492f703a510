/**
 * Browser journeys through the web UI: the real `loom server` CLI serving the built UI, driven in
 * Debian's Chromium. Each journey leaves test-results/<journey>.png behind when it fails.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CliServer } from '../test/support/cli-server';
import type { Browser } from './browser';
import { browserSuite, until } from './suite';
import { logPoint, seedExperiment, seedLongRun, seedManyRuns, type Seeded } from './seed';

/** More than two pages of the runs table (300 runs a page). */
const BULK_RUNS = 700;
const ui = browserSuite('e2e/ui.spec.ts', async (url) => ({
  experiment: await seedExperiment(url, 'mnist-sweep'),
  bulkExperimentId: await seedManyRuns(url, 'bulk', BULK_RUNS),
}));

let server: CliServer;
let browser: Browser;
let page: Page;
let seeded: Seeded;
let bulkExperimentId: string;

const journey = (name: string, body: () => Promise<void>) => ui.journey(name, body);

/** The run names shown in the table, top to bottom (only rendered rows: the table is virtualized). */
async function visibleRunNames(): Promise<string[]> {
  return page.locator('[data-testid=run-table] [role=row] a.row-title').allTextContents();
}

/** Waits until the table's count line reads `text` (e.g. "12"). */
async function waitForCount(text: string): Promise<void> {
  await page
    .getByTestId('run-count')
    .filter({ hasText: new RegExp(`^${text.replace('+', '\\+')}$`) })
    .waitFor();
}

/** Waits until the table's first row is run `name`. */
async function waitForFirstRow(name: string): Promise<void> {
  await until(visibleRunNames, (names) => names[0] === name, `first row ${name}`);
}

/** The bulk runs' score is (i * 37) mod BULK_RUNS: a permutation, so every score appears once. */
const bulkName = (i: number) => `bulk-${String(i).padStart(4, '0')}`;
const runWithScore = (score: number) =>
  bulkName([...Array(BULK_RUNS).keys()].find((i) => (i * 37) % BULK_RUNS === score)!);
const firstByScore = () => runWithScore(BULK_RUNS - 1);
const lastByScore = () => runWithScore(0);

describe.skipIf(!ui.enabled)('web UI journeys', () => {
  ui.install();
  beforeAll(() => {
    ({ server, browser, page } = ui);
    seeded = ui.seeded.experiment;
    bulkExperimentId = ui.seeded.bulkExperimentId;
  });

  journey('experiments-list', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('heading', { name: 'Experiments' }).waitFor();
    await page.getByRole('link', { name: 'mnist-sweep' }).waitFor();
    await page.getByRole('link', { name: 'e2e-other' }).waitFor();

    // Create, rename, delete and restore, all through the page.
    await page.getByLabel('New experiment name').fill('scratch');
    await page.getByRole('button', { name: 'Create' }).click();
    const row = page.getByRole('row').filter({ hasText: 'scratch' });
    await row.waitFor();
    await row.getByRole('button', { name: 'Rename' }).click();
    await page.getByLabel('New name').fill('scratch-renamed');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('link', { name: 'scratch-renamed' }).waitFor();
    await page
      .getByRole('row')
      .filter({ hasText: 'scratch-renamed' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await page.getByRole('link', { name: 'scratch-renamed' }).waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: 'Deleted' }).click();
    await page
      .getByRole('row')
      .filter({ hasText: 'scratch-renamed' })
      .getByRole('button', { name: 'Restore' })
      .click();
    await page.getByRole('tab', { name: 'Active' }).click();
    await page.getByRole('link', { name: 'scratch-renamed' }).waitFor();

    // The search box narrows the list through the server.
    await page.getByLabel('Search experiments').fill('mnist');
    await page.getByRole('link', { name: 'e2e-other' }).waitFor({ state: 'detached' });
    expect(page.url()).toContain('q=mnist');
  });

  journey('open-experiment', async () => {
    await page.getByRole('link', { name: 'mnist-sweep' }).click();
    await page.waitForURL(`**/experiments/${seeded.experimentId}`);
    await page.getByRole('heading', { name: 'mnist-sweep' }).waitFor();
    await waitForCount(String(seeded.runs.length));
    // Newest first by default; metric and param columns were picked from the data.
    expect((await visibleRunNames())[0]).toBe(seeded.runs.at(-1)!.name);
    await page.getByRole('columnheader', { name: /loss/ }).waitFor();
    await page.getByRole('columnheader', { name: /optimizer/ }).waitFor();
  });

  journey('filter-runs', async () => {
    const filter = page.getByLabel('Filter runs');
    await filter.fill('metrics.loss <');
    await filter.press('Enter');
    const error = page.getByTestId('filter-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/filter|clause|expected|invalid/i);

    await filter.fill("params.optimizer = 'adam'");
    await filter.press('Enter');
    const adam = seeded.runs.filter((r) => r.optimizer === 'adam');
    await waitForCount(String(adam.length));
    await error.waitFor({ state: 'detached' });
    expect(new URL(page.url()).searchParams.get('filter')).toBe("params.optimizer = 'adam'");
    const names = await visibleRunNames();
    expect(names.length).toBe(adam.length);
    for (const name of names) expect(adam.map((r) => r.name)).toContain(name);
  });

  journey('sort-by-metric', async () => {
    const adam = seeded.runs.filter((r) => r.optimizer === 'adam');
    const byLoss = [...adam].sort((a, b) => b.finalLoss - a.finalLoss).map((r) => r.name);
    await page.getByRole('columnheader', { name: /loss/ }).getByRole('button').click();
    await page.waitForURL(/sort=metrics.loss%3Adesc/);
    await waitForFirstRow(byLoss[0]!);
    expect(await visibleRunNames()).toEqual(byLoss);

    await page.getByRole('columnheader', { name: /loss/ }).getByRole('button').click();
    await page.waitForURL(/sort=metrics.loss%3Aasc/);
    await waitForFirstRow(byLoss.at(-1)!);

    // The whole view survives a reload from its URL.
    await page.reload();
    await waitForCount(String(adam.length));
    expect(await visibleRunNames()).toEqual([...byLoss].reverse());
    expect(await page.getByLabel('Filter runs').inputValue()).toBe("params.optimizer = 'adam'");
  });

  journey('open-run-and-chart', async () => {
    const best = seeded.runs
      .filter((r) => r.optimizer === 'adam')
      .sort((a, b) => a.finalLoss - b.finalLoss)[0]!;
    await page.getByRole('link', { name: best.name, exact: true }).click();
    await page.waitForURL(`**/runs/${best.runId}`);
    await page.getByRole('heading', { name: new RegExp(best.name) }).waitFor();
    const params = page.getByRole('table', { name: 'Parameters' });
    await params.getByRole('cell', { name: best.lr, exact: true }).waitFor();
    await page.getByRole('table', { name: 'Metrics' }).getByRole('button', { name: 'loss' }).waitFor();

    // The chart of the first metric (accuracy) rendered, then the one picked in the table.
    await page.locator('[data-testid=metric-chart][data-metric=accuracy] canvas').waitFor();
    await page.getByRole('table', { name: 'Metrics' }).getByRole('button', { name: 'loss' }).click();
    await page.waitForURL(/metric=loss/);
    const chart = page.locator('[data-testid=metric-chart][data-metric=loss]');
    await chart.locator('canvas').waitFor();
    // Adding a metric with the picker shows a second chart beside the first.
    await page
      .getByRole('group', { name: 'Metrics to chart' })
      .getByRole('button', { name: 'accuracy' })
      .click();
    await page.waitForURL(/metrics=loss%2Caccuracy|metrics=loss,accuracy/);
    await page.locator('[data-testid=metric-chart][data-metric=accuracy] canvas').waitFor();
    expect(await chart.getAttribute('data-series')).toBe('1');
    expect(Number(await chart.getAttribute('data-points'))).toBe(50);
    const box = await chart.locator('canvas').boundingBox();
    expect(box?.width).toBeGreaterThan(200);
    expect(box?.height).toBeGreaterThan(100);
  });

  journey('run-artifacts', async () => {
    const first = seeded.runs[0]!;
    await page.goto(`${server.url}/runs/${first.runId}`);
    const tree = page.getByTestId('artifact-list');
    await tree.getByRole('button', { name: /model/ }).click();
    const file = tree.getByRole('link', { name: /MLmodel/ });
    await file.waitFor();
    const href = await file.getAttribute('href');
    const res = await fetch(new URL(href!, server.url));
    expect(await res.text()).toContain('python_function');
  });

  journey('compare-runs', async () => {
    await page.goto(`${server.url}/experiments/${seeded.experimentId}?sort=attributes.run_name:asc`);
    await waitForCount(String(seeded.runs.length));
    await page.getByLabel(`Select ${seeded.runs[0]!.name}`).check();
    await page.getByLabel(`Select ${seeded.runs[1]!.name}`).check();
    await page.getByRole('button', { name: 'Compare (2)' }).click();
    await page.waitForURL(/\/compare\?runs=/);
    const chart = page.getByTestId('metric-chart');
    await chart.locator('canvas').waitFor();
    expect(await chart.getAttribute('data-series')).toBe('2');
    expect(Number(await chart.getAttribute('data-points'))).toBe(100);
    await page.getByRole('table', { name: 'Comparison' }).getByText('optimizer').waitFor();

    // Parallel coordinates over params and metrics; a scatter of any two, chosen in the URL.
    const parallel = page.getByTestId('parallel-coordinates');
    await parallel.waitFor();
    expect(Number(await parallel.getAttribute('data-axes'))).toBe(5);
    expect(await parallel.locator('g.pc-run').count()).toBe(2);
    await page
      .getByRole('group', { name: 'Parallel coordinates axes' })
      .getByRole('button', { name: 'param:lr' })
      .click();
    await page.waitForURL(/pc=/);
    expect(Number(await parallel.getAttribute('data-axes'))).toBe(4);
    await page.getByLabel('Scatter x').selectOption('param:batch_size');
    await page.getByLabel('Scatter y').selectOption('metric:loss');
    await page.waitForURL(/sx=param%3Abatch_size.*sy=metric%3Aloss|sy=metric%3Aloss.*sx=param%3Abatch_size/);
    expect(Number(await page.getByTestId('scatter-plot').getAttribute('data-points'))).toBe(2);

    // Runs 0 and 4 share lr and optimizer but not batch_size: "Only differences" hides the shared rows.
    const [first, fifth] = [seeded.runs[0]!, seeded.runs[4]!];
    await page.goto(
      `${server.url}/experiments/${seeded.experimentId}/compare?runs=${first.runId},${fifth.runId}`,
    );
    const values = page.getByRole('table', { name: 'Comparison' });
    await values.getByText('optimizer').waitFor();
    expect(await values.locator('tr[data-differs=false]').count()).toBeGreaterThanOrEqual(2);
    await page.getByLabel('Only differences').check();
    await page.waitForURL(/diff=only/);
    await until(
      () => values.locator('tr[data-differs=false]').count(),
      (n) => n === 0,
      'the shared rows to hide',
    );
    await values.getByText('batch_size').waitFor();
    expect(await values.getByText('optimizer').count()).toBe(0);
  });

  journey('long-metric-chart', async () => {
    const points = 200_000;
    const long = await seedLongRun(server.url, seeded.experimentId, points);
    await page.goto(`${server.url}/runs/${long.runId}`);
    const chart = page.locator('[data-testid=metric-chart][data-metric=loss]');
    await chart.locator('canvas').waitFor();
    const caption = page.getByTestId('chart-caption');
    // 200,000 steps in 1,000 buckets of 200, and the one spike among them still drawn.
    expect(await caption.getAttribute('data-bucket-width')).toBe('200');
    expect(Number(await chart.getAttribute('data-max'))).toBe(long.spikeValue);
    expect(Number(await chart.getAttribute('data-points'))).toBeLessThanOrEqual(4000);

    // The run is RUNNING: a point logged now shows up without a reload.
    await page.getByTestId('live-badge').waitFor();
    await logPoint(server.url, long.runId, 'loss', points + 500, 1);
    await until(
      () => chart.getAttribute('data-x-max'),
      (x) => x === String(points + 500),
      'the live point',
      15_000,
    );

    // Dragging across the middle refetches that range at a finer resolution.
    const over = chart.locator('.u-over');
    // The run page has cards above the chart: bring it into the viewport before dragging on it.
    await over.scrollIntoViewIfNeeded();
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.55, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.65, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.waitForURL(/from=\d+&to=\d+/);
    const from = Number(new URL(page.url()).searchParams.get('from'));
    const to = Number(new URL(page.url()).searchParams.get('to'));
    expect(from).toBeLessThan(long.spikeStep);
    expect(to).toBeGreaterThan(long.spikeStep);
    await until(
      () => caption.getAttribute('data-bucket-width'),
      (w) => Number(w) < 200,
      'finer buckets',
    );
    expect(Number(await chart.getAttribute('data-x-min'))).toBeGreaterThanOrEqual(from);
    expect(Number(await chart.getAttribute('data-max'))).toBe(long.spikeValue);

    // A narrow window comes back at full resolution: every step, spike included.
    await page.goto(`${server.url}/runs/${long.runId}?from=${long.spikeStep - 50}&to=${long.spikeStep + 50}`);
    await until(
      () => caption.getAttribute('data-bucket-width'),
      (w) => w === '1',
      'full resolution',
    );
    expect(Number(await chart.getAttribute('data-points'))).toBe(101);
    expect(Number(await chart.getAttribute('data-max'))).toBe(long.spikeValue);

    // Smoothing, log scale and the x-axis are settings in the URL.
    await page.getByLabel('Smoothing').fill('0.9');
    await page.waitForURL(/smooth=0.9/);
    await until(
      () => chart.getAttribute('data-max'),
      (m) => Number(m) < long.spikeValue,
      'a smoothed spike',
    );
    await page.getByLabel('log scale').check();
    await page.waitForURL(/log=1/);
    await until(
      () => chart.getAttribute('data-log'),
      (l) => l === '1',
      'log scale',
    );
    await page.getByRole('group', { name: 'X axis' }).getByRole('button', { name: 'Relative time' }).click();
    await page.waitForURL(/x=relative/);
    await until(
      () => chart.getAttribute('data-x-axis'),
      (x) => x === 'relative',
      'relative time',
    );
    await page.getByRole('button', { name: /Reset zoom/ }).click();
    await until(
      () => caption.getAttribute('data-bucket-width'),
      (w) => w === '201',
      'the whole range again',
    );
    expect(page.url()).not.toContain('from=');
  });

  journey('page-through-runs', async () => {
    await page.goto(`${server.url}/experiments/${bulkExperimentId}?sort=metrics.score:desc`);
    await waitForCount('300+');
    await waitForFirstRow(firstByScore());
    // Scrolling to the end of what is loaded fetches the next page, until there is none.
    const table = page.getByTestId('run-table');
    await table.hover();
    for (const want of ['600+', String(BULK_RUNS)]) {
      await page.mouse.wheel(0, 1_000_000);
      await waitForCount(want);
    }
    // Only the rows in view are in the DOM, and the last one is the lowest score.
    await page.mouse.wheel(0, 1_000_000);
    const names = await until(
      visibleRunNames,
      (n) => n.at(-1) === lastByScore(),
      'the last run at the bottom',
    );
    expect(names.length).toBeLessThan(80);
  });

  journey('registry-audit-log', async () => {
    const asAlice = async (path: string, body: unknown) => {
      const res = await fetch(`${server.url}/api/2.0/mlflow${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from('alice:x').toString('base64')}`,
        },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(200);
    };
    await asAlice('/registered-models/create', { name: 'audited-model' });
    await asAlice('/registered-models/set-tag', { name: 'audited-model', key: 'team', value: 'vision' });
    await asAlice('/registered-models/create', { name: 'other-model' });

    await page.goto(`${server.url}/`);
    await page.getByRole('link', { name: 'Registry audit' }).click();
    await page.getByRole('heading', { name: 'Registry audit log' }).waitFor();
    const rows = page.getByRole('table', { name: 'Registry audit log' }).getByRole('row');
    await rows.filter({ hasText: 'other-model' }).waitFor();
    await page.getByLabel('Registered model name').fill('audited-model');
    await page.getByRole('button', { name: 'Filter' }).click();
    await rows.filter({ hasText: 'other-model' }).waitFor({ state: 'detached' });
    const tagRow = rows.filter({ hasText: 'setRegisteredModelTag' });
    expect(await tagRow.textContent()).toContain('alice');
    expect(await tagRow.textContent()).toContain('created key=team, value=vision');
    expect(page.url()).toContain('/registry/audit-log?model=audited-model');
  });

  it('served the whole journey without page errors', () => {
    expect(browser.problems.filter((p) => p.startsWith('page error'))).toEqual([]);
  });

  it("ran the whole journey under the UI's Content-Security-Policy without a violation", async () => {
    const csp = (await fetch(`${server.url}/`)).headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(browser.problems.filter((p) => /content security policy/i.test(p))).toEqual([]);
  });
});
