/**
 * Browser journeys through the run page and the runs table's tree and filter: tags, the Markdown
 * note, datasets, artifact previews, filter autocomplete and nested runs. The real `loom server` CLI
 * serves the built UI to Debian's Chromium; a failing journey leaves test-results/<journey>.png.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CliServer } from '../test/support/cli-server';
import type { Browser } from './browser';
import { browserSuite, until } from './suite';
import { seedRunPage, WIDE_PARAMS, type SeededRunPage } from './seed';

const ui = browserSuite('e2e/run-page.spec.ts', (url) => seedRunPage(url, 'run-page'));

let server: CliServer;
let browser: Browser;
let page: Page;
let seeded: SeededRunPage;

const journey = (name: string, body: () => Promise<void>) => ui.journey(name, body);

const runUrl = (query = '') => `${server.url}/runs/${seeded.parentId}${query}`;

describe.skipIf(!ui.enabled)('run page journeys', () => {
  ui.install();
  beforeAll(() => {
    ({ server, browser, page } = ui);
    seeded = ui.seeded;
  });

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

    await tree.getByRole('button', { name: /logs/ }).click();
    await tree.getByRole('button', { name: /train\.log/ }).click();
    await preview.getByTestId('preview-truncated').waitFor();
    const shown = await preview.locator('pre').textContent();
    expect(shown!.length).toBe(1024 * 1024);
    expect(shown!.startsWith('step done\n')).toBe(true);

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

  journey('filter-autocomplete', async () => {
    await page.goto(`${server.url}/experiments/${seeded.experimentId}`);
    await page.getByTestId('run-count').filter({ hasText: /^3$/ }).waitFor();
    const filter = page.getByLabel('Filter runs');
    await filter.click();
    await filter.pressSequentially('par');
    const list = page.getByRole('listbox', { name: 'Filter suggestions' });
    await list.getByRole('option', { name: /params\./ }).waitFor();
    await filter.press('Tab');
    expect(await filter.inputValue()).toBe('params.');
    await list.getByRole('option', { name: /params\.alpha/ }).click();
    expect(await filter.inputValue()).toBe('params.alpha ');
    // An unclosed quote is caught before the server sees it.
    await filter.pressSequentially("= '0.5");
    await filter.press('Enter');
    await page
      .getByTestId('filter-error')
      .filter({ hasText: /never closed/ })
      .waitFor();
    expect(new URL(page.url()).searchParams.get('filter')).toBeNull();
    await filter.pressSequentially("'");
    await filter.press('Enter');
    await page.waitForURL(/filter=params.alpha/);
    await page.getByTestId('filter-error').waitFor({ state: 'detached' });
    expect(await runNames()).toEqual(['sweep-parent']);
    // Keys after `and` complete too.
    await filter.pressSequentially(' and tags.f');
    await list.getByRole('option', { name: /tags\.fold/ }).waitFor();
  });

  journey('nested-runs', async () => {
    await page.goto(`${server.url}/experiments/${seeded.experimentId}`);
    await page.getByTestId('run-count').filter({ hasText: /^3$/ }).waitFor();
    // Children start folded under their parent.
    expect(await runNames()).toEqual(['sweep-parent']);
    await page.getByRole('button', { name: 'Expand sweep-parent' }).click();
    await until(runNames, (n) => n.length === 3, 'the children to show');
    expect((await runNames())[0]).toBe('sweep-parent');
    expect((await runNames()).slice(1).sort()).toEqual(['child-a', 'child-b']);
    await page.getByRole('button', { name: 'Collapse sweep-parent' }).click();
    await until(runNames, (n) => n.length === 1, 'the children to fold');
  });

  journey('delete-and-restore-runs', async () => {
    await page.getByRole('button', { name: 'Expand sweep-parent' }).click();
    await page.getByLabel('Select child-b').check();
    await page.getByRole('button', { name: 'Delete (1)' }).click();
    await page.getByTestId('run-count').filter({ hasText: /^2$/ }).waitFor();
    expect(await runNames()).not.toContain('child-b');

    await page.getByRole('tab', { name: 'Deleted' }).click();
    await page.waitForURL(/view=deleted/);
    await page.getByTestId('run-count').filter({ hasText: /^1$/ }).waitFor();
    expect(await runNames()).toEqual(['child-b']);
    await page.getByLabel('Select child-b').check();
    await page.getByRole('button', { name: 'Restore (1)' }).click();
    await page.getByText('No deleted runs').waitFor();
    await page.getByRole('tab', { name: 'Active' }).click();
    await page.getByTestId('run-count').filter({ hasText: /^3$/ }).waitFor();
  });

  journey('runs-of-several-experiments', async () => {
    await page.goto(`${server.url}/`);
    await page.getByLabel('Choose run-page', { exact: true }).check();
    await page.getByLabel('Choose run-page-wide').check();
    await page.getByRole('button', { name: 'Show runs (2)' }).click();
    await page.waitForURL(`**/experiments/${seeded.experimentId},${seeded.wideExperimentId}`);
    await page.getByRole('heading', { name: '2 experiments' }).waitFor();
    await page.getByTestId('run-count').filter({ hasText: /^4$/ }).waitFor();
    const table = page.getByTestId('run-table');
    await table.getByRole('columnheader', { name: 'Experiment' }).waitFor();
    await table
      .getByRole('row')
      .filter({ hasText: 'wide-run' })
      .getByRole('link', { name: 'run-page-wide' })
      .waitFor();
  });

  journey('column-virtualization', async () => {
    const cols = Array.from({ length: WIDE_PARAMS }, (_, i) => `params.p${String(i).padStart(3, '0')}`);
    await page.goto(`${server.url}/experiments/${seeded.wideExperimentId}?cols=${cols.join(',')}`);
    const table = page.getByTestId('run-table');
    await table.getByRole('columnheader', { name: /p000/ }).waitFor();
    expect(await table.getAttribute('aria-colcount')).toBe(String(WIDE_PARAMS + 5 + 1));
    // Only the columns in view (and a few either side) are rendered.
    expect(await table.getByRole('columnheader').count()).toBeLessThan(30);
    expect(await table.getByRole('columnheader', { name: /p239/ }).count()).toBe(0);
    await table.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
    await table.getByRole('columnheader', { name: /p239/ }).waitFor();
    await table.getByRole('cell', { name: '239', exact: true }).waitFor();
    expect(await table.getByRole('columnheader', { name: /p000/ }).count()).toBe(0);
    // The run name stays pinned on the left.
    await table.getByRole('link', { name: 'wide-run' }).waitFor();
    expect(await table.getByRole('columnheader').count()).toBeLessThan(30);
  });

  it('served the whole journey without page errors', () => {
    expect(browser.problems.filter((p) => p.startsWith('page error'))).toEqual([]);
  });

  it("ran every preview (the HTML artifact's sandboxed frame too) under the UI's CSP without a violation", async () => {
    const csp = (await fetch(runUrl())).headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(browser.problems.filter((p) => /content security policy/i.test(p))).toEqual([]);
  });
});

/** The run names shown in the table, top to bottom (only rendered rows). */
async function runNames(): Promise<string[]> {
  return page.locator('[data-testid=run-table] [role=row] a.row-title').allTextContents();
}
