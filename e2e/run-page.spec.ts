/**
 * Browser journeys through the run page and the runs table's tree and filter: tags, the Markdown
 * note, datasets, artifact previews, filter autocomplete and nested runs. The real `loom server` CLI
 * serves the built UI to Debian's Chromium; a failing journey leaves test-results/<journey>.png.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startCliServer, type CliServer } from '../test/support/cli-server';
import { hasChromium, launchBrowser, screenshot, type Browser } from './browser';
import { seedRunPage, type SeededRunPage } from './seed';

const JOURNEY_TIMEOUT_MS = 60_000;
const SETUP_TIMEOUT_MS = 180_000;
const needsBrowser = hasChromium() || process.env.CI === 'true';
if (!needsBrowser)
  console.log('skipped: e2e/run-page.spec.ts needs /usr/bin/chromium (apt-get install -y chromium)');

let server: CliServer;
let browser: Browser;
let page: Page;
let seeded: SeededRunPage;

function journey(name: string, body: () => Promise<void>) {
  it(
    name,
    async () => {
      try {
        await body();
      } catch (err) {
        const file = await screenshot(page, `failed-${name}`).catch(() => 'none');
        const problems = browser.problems.length
          ? `\nbrowser problems:\n  ${browser.problems.join('\n  ')}`
          : '';
        (err as Error).message += `\nscreenshot: ${file}\nurl: ${page.url()}${problems}`;
        throw err;
      }
    },
    JOURNEY_TIMEOUT_MS,
  );
}

const runUrl = (query = '') => `${server.url}/runs/${seeded.parentId}${query}`;

describe.skipIf(!needsBrowser)('run page journeys', () => {
  beforeAll(async () => {
    const build = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/build-ui.mjs')], {
      encoding: 'utf8',
    });
    if (build.status !== 0) throw new Error(`UI build failed:\n${build.stdout}\n${build.stderr}`);
    server = await startCliServer();
    seeded = await seedRunPage(server.url, 'run-page');
    browser = await launchBrowser();
    page = browser.page;
    page.setDefaultTimeout(15_000);
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await server?.stop().catch(() => undefined);
    await server?.dispose();
  }, SETUP_TIMEOUT_MS);

  journey('overview-and-datasets', async () => {
    await page.goto(runUrl());
    await page.getByRole('heading', { name: /sweep-parent/ }).waitFor();
    await page.getByText('0123456789ab', { exact: true }).waitFor();
    await page.getByText('train.py').waitFor();
    const datasets = page.getByRole('table', { name: 'Datasets' });
    const row = datasets.getByRole('row').filter({ hasText: 'iris' });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/d41d8cd9.*local.*training/);
  });

  journey('edit-tags', async () => {
    const tags = page.getByRole('table', { name: 'Tags' });
    await page.getByRole('button', { name: 'Edit tag stage' }).click();
    await page.getByLabel('Value of tag stage').fill('prod');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await tags.getByRole('cell', { name: 'prod', exact: true }).waitFor();

    await page.getByLabel('New tag key').fill('owner');
    await page.getByLabel('New tag value').fill('ada');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await tags.getByRole('cell', { name: 'owner', exact: true }).waitFor();
    // System tags cannot be added from here.
    await page.getByLabel('New tag key').fill('mlflow.user');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await page.getByText(/belong to MLflow/).waitFor();
    await page.getByLabel('New tag key').fill('');

    await page.reload();
    await tags.getByRole('cell', { name: 'prod', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Delete tag owner' }).click();
    await tags.getByRole('cell', { name: 'owner', exact: true }).waitFor({ state: 'detached' });
    await page.reload();
    await tags.getByRole('cell', { name: 'prod', exact: true }).waitFor();
    expect(await tags.getByRole('cell', { name: 'owner', exact: true }).count()).toBe(0);
  });

  journey('write-a-note', async () => {
    await page.getByRole('button', { name: 'Add description' }).click();
    await page
      .getByLabel('Description (Markdown)')
      .fill(
        'Tuned **alpha** by hand.\n\n- see [docs](https://mlflow.org)\n- <img src=x onerror="document.title=1">',
      );
    await page.getByRole('button', { name: 'Save description' }).click();
    const note = page.getByTestId('run-note');
    await note.locator('strong', { hasText: 'alpha' }).waitFor();
    await page.reload();
    await note.locator('strong', { hasText: 'alpha' }).waitFor();
    expect(await note.locator('a[href="https://mlflow.org"]').count()).toBe(1);
    // The HTML was shown as text, not made into an element.
    expect(await note.locator('img').count()).toBe(0);
    await note.getByText('<img src=x onerror="document.title=1">').waitFor();
  });

  journey('preview-artifacts', async () => {
    const tree = page.getByTestId('artifact-list');
    const preview = page.getByTestId('artifact-preview');

    await tree.getByRole('button', { name: /data/ }).click();
    await tree.getByRole('button', { name: /table\.csv/ }).click();
    await page.waitForURL(/artifact=data%2Ftable\.csv/);
    const table = preview.getByRole('table', { name: 'Table preview' });
    await table.getByRole('cell', { name: 'Lovelace, Ada', exact: true }).waitFor();
    await table.getByRole('cell', { name: 'said "hi"', exact: true }).waitFor();

    await tree.getByRole('button', { name: /metrics\.json/ }).click();
    await preview.getByText('"rmse": 0.25').waitFor();

    await tree.getByRole('button', { name: /plots/ }).click();
    await tree.getByRole('button', { name: /dot\.png/ }).click();
    const img = preview.locator('img.preview-image');
    await img.waitFor();
    await until(
      () => img.evaluate((el) => (el as { naturalWidth: number }).naturalWidth),
      (w) => w === 1,
      'the image to load',
    );

    await tree.getByRole('button', { name: /report\.html/ }).click();
    const frame = preview.locator('iframe');
    await frame.waitFor();
    expect(await frame.getAttribute('sandbox')).toBe('');
    expect(await frame.getAttribute('srcdoc')).toContain('Content-Security-Policy');
    await page
      .frameLocator('[data-testid=artifact-preview] iframe')
      .getByRole('heading', { name: 'Report' })
      .waitFor();

    await tree.getByRole('button', { name: /model/ }).click();
    await tree.getByRole('button', { name: /MLmodel/ }).click();
    const card = preview.getByTestId('mlmodel-card');
    await card.getByText('sklearn', { exact: true }).waitFor();
    await card
      .getByRole('table', { name: 'Signature inputs' })
      .getByRole('cell', { name: 'petal_width' })
      .waitFor();
    await card
      .getByRole('table', { name: 'Signature outputs' })
      .getByRole('cell', { name: 'tensor int64 (-1)' })
      .waitFor();
    const download = preview.getByRole('link', { name: 'Download' });
    const res = await fetch(new URL((await download.getAttribute('href'))!, server.url));
    expect(await res.text()).toContain('mlflow.sklearn');

    // A deep link opens the folders on the way and shows the same card.
    await page.goto(runUrl('?artifact=model%2FMLmodel'));
    await page.getByTestId('mlmodel-card').getByText('petal_width').waitFor();
    expect(await tree.getByRole('button', { name: /MLmodel/ }).getAttribute('aria-current')).toBe('true');
    expect(await page.title()).not.toBe('pwned');
  });

  it('served the whole journey without page errors', () => {
    expect(browser.problems.filter((p) => p.startsWith('page error'))).toEqual([]);
  });
});

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 15_000;
  let value = await read();
  while (!ok(value)) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last seen ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
    value = await read();
  }
  return value;
}
