/**
 * Registry journeys in Chromium against the real `loom server` CLI with the built UI: register a
 * model from a run, find it, give v1 an alias and a stage, read its signature, compare two versions.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect } from 'vitest';
import { createClient } from '@loom/client';
import type { CliServer } from '../test/support/cli-server';
import { screenshot } from './browser';
import { browserSuite } from './suite';
import { seedRegistryRuns, type RegistrySeed } from './registry-seed';

const keepPages = process.env.LOOM_E2E_SCREENSHOTS === '1';
const ui = browserSuite('e2e/registry.spec.ts', (url) => seedRegistryRuns(url), 'registry-');

const MODEL = 'churn-classifier';

let server: CliServer;
let page: Page;
let seed: RegistrySeed;

const journey = (name: string, body: () => Promise<void>) => ui.journey(name, body);

const versionRow = (version: string) => page.getByTestId(`version-row-${version}`);

describe.skipIf(!ui.enabled)('registry UI journeys', () => {
  ui.install();
  beforeAll(() => {
    ({ server, page } = ui);
    seed = ui.seeded;
  });

  journey('register-from-a-run', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('link', { name: 'Models', exact: true }).click();
    await page.getByRole('heading', { name: 'Models' }).waitFor();
    await page.getByText('No registered models yet').waitFor();

    await page.getByLabel('New model name').fill(MODEL);
    await page.getByRole('button', { name: 'Create model' }).click();
    await page.waitForURL(`**/models/${MODEL}`);
    await page.getByText('No versions yet').waitFor();

    await page.getByLabel('Model source').fill(`runs:/${seed.runIds[0]}/model`);
    await page.getByRole('button', { name: 'Register version' }).click();
    // The files are copied first (PENDING_REGISTRATION); the page polls until the version is READY.
    await versionRow('1').getByText('Ready').waitFor();
    await versionRow('1')
      .getByRole('link', { name: seed.runIds[0].slice(0, 12) })
      .waitFor();

    // The second version and a second model arrive as an MLflow client would register them.
    const loom = createClient({ baseUrl: server.url });
    await loom.createModelVersion({
      name: MODEL,
      source: `runs:/${seed.runIds[1]}/model`,
      runId: seed.runIds[1],
    });
    await loom.createRegisteredModel({ name: 'fraud-detector', tags: [{ key: 'team', value: 'risk' }] });
    await page.reload();
    await versionRow('2').getByText('Ready').waitFor();
  });

  journey('search-the-models-list', async () => {
    await page.goto(`${server.url}/models`);
    const table = page.getByRole('table', { name: 'Registered models' });
    await table.getByRole('link', { name: MODEL }).waitFor();
    await table.getByRole('link', { name: 'fraud-detector' }).waitFor();
    await table.getByRole('row').filter({ hasText: 'fraud-detector' }).getByText('team=risk').waitFor();
    await table.getByRole('row').filter({ hasText: MODEL }).getByRole('link', { name: 'v2' }).waitFor();

    // MLflow's filter grammar, sent as typed; the query lives in the URL.
    await page.getByLabel('Search models').fill("name LIKE '%churn%'");
    await page.getByLabel('Search models').press('Enter');
    await table.getByRole('link', { name: 'fraud-detector' }).waitFor({ state: 'detached' });
    expect(new URL(page.url()).searchParams.get('q')).toBe("name LIKE '%churn%'");
    expect(await table.getByRole('link', { name: MODEL }).count()).toBe(1);

    // A broken filter shows the server's message instead of an empty list.
    await page.getByLabel('Search models').fill("name LIKE '%churn");
    await page.getByLabel('Search models').press('Enter');
    await page.getByRole('alert').filter({ hasText: 'The search failed' }).waitFor();

    await page.getByLabel('Search models').fill('churn');
    await page.getByLabel('Search models').press('Enter');
    await table.getByRole('link', { name: MODEL }).click();
    await page.waitForURL(`**/models/${MODEL}`);
  });

  journey('alias-and-stage', async () => {
    await page.getByLabel('Alias', { exact: true }).fill('champion');
    await page.getByLabel('Alias version').selectOption('1');
    await page.getByRole('button', { name: 'Set alias' }).click();
    await page.getByTestId('model-aliases').getByText('@champion → v1').waitFor();
    await versionRow('1').getByText('@champion').waitFor();
    expect(await versionRow('2').getByTestId('alias-chip').count()).toBe(0);

    await page.getByLabel('Move version 1 to stage').selectOption('Staging');
    await versionRow('1').getByRole('button', { name: 'Move' }).click();
    await versionRow('1').locator('.badge-stage-staging').waitFor();
    expect(await versionRow('2').locator('.badge-stage-none').count()).toBe(1);

    // Moving v2 into Staging while archiving the others sends v1 to Archived.
    await page.getByLabel('Move version 2 to stage').selectOption('Staging');
    await versionRow('2').getByLabel('Archive other Staging versions').check();
    await versionRow('2').getByRole('button', { name: 'Move' }).click();
    await versionRow('2').locator('.badge-stage-staging').waitFor();
    await versionRow('1').locator('.badge-stage-archived').waitFor();

    // The alias moves with one more click, and the chip follows it.
    await page.getByLabel('Alias', { exact: true }).fill('champion');
    await page.getByLabel('Alias version').selectOption('2');
    await page.getByRole('button', { name: 'Set alias' }).click();
    await page.getByTestId('model-aliases').getByText('@champion → v2').waitFor();
    await versionRow('1').getByText('@champion').waitFor({ state: 'detached' });
  });

  journey('version-page', async () => {
    await versionRow('1').getByRole('link', { name: 'Version 1' }).click();
    await page.waitForURL(`**/models/${MODEL}/versions/1`);
    await page.getByRole('heading', { name: /version 1/ }).waitFor();
    expect(await page.getByTestId('download-uri').textContent()).toMatch(/^mlflow-artifacts:\/_registry\//);

    const inputs = page.getByRole('table', { name: 'Signature inputs' });
    await inputs.getByRole('row').filter({ hasText: 'tenure_months' }).getByText('double').waitFor();
    await inputs.getByRole('row').filter({ hasText: 'plan' }).getByText('optional').waitFor();
    await page.getByRole('table', { name: 'Signature outputs' }).getByText('long').waitFor();
    await page.getByRole('table', { name: 'Flavor sklearn' }).getByText('1.4.2').waitFor();
    expect(await page.getByTestId('input-example').textContent()).toContain('"tenure_months"');

    await page.getByRole('button', { name: 'Edit description' }).click();
    await page.getByLabel('Description').fill('Trained on **Q3** data.');
    await page.getByRole('button', { name: 'Save' }).click();
    // Rendered as Markdown: the emphasis is an element, not asterisks.
    expect(await page.getByTestId('description').textContent()).toBe('Trained on Q3 data.');
    expect(await page.getByTestId('description').locator('strong').textContent()).toBe('Q3');

    // The version's tags use the same editor as a run's: add one, edit it, and it survives a reload.
    const tags = page.getByRole('table', { name: 'Tags' });
    await page.getByLabel('New tag key').fill('validated_by');
    await page.getByLabel('New tag value').fill('ada');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await tags.getByRole('cell', { name: 'ada', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Edit tag validated_by' }).click();
    await page.getByLabel('Value of tag validated_by').fill('grace');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await tags.getByRole('cell', { name: 'grace', exact: true }).waitFor();
    await page.reload();
    await tags.getByRole('cell', { name: 'grace', exact: true }).waitFor();
    expect(await tags.getByRole('cell', { name: 'ada', exact: true }).count()).toBe(0);

    if (keepPages) await screenshot(page, 'page-registry-version');
    await page.getByTestId('source-run').click();
    await page.waitForURL(`**/runs/${seed.runIds[0]}`);
    await page.getByRole('heading', { name: /churn-1/ }).waitFor();
  });

  journey('compare-versions', async () => {
    await page.goto(`${server.url}/models/${MODEL}`);
    await page.getByLabel('Select version 1').check();
    await page.getByLabel('Select version 2').check();
    await page.getByRole('link', { name: 'Compare 2 selected' }).click();
    await page.waitForURL(/\/compare\?versions=1%2C2|\/compare\?versions=1,2/);
    const table = page.getByRole('table', { name: 'Version comparison' });
    const row = (key: string) => table.getByRole('row').filter({ hasText: key });
    await row('churn-1').getByRole('link', { name: 'churn-2' }).waitFor();
    expect(await row('lr').getAttribute('data-differs')).toBe('true');
    expect(await row('auc').getAttribute('data-differs')).toBe('true');
    expect(await row('max_depth').getAttribute('data-differs')).toBe('false');
    expect(await row('lr').getByRole('cell').allTextContents()).toEqual(['plr', '0.1', '0.01']);

    await page.getByLabel('Only differences').check();
    await row('max_depth').waitFor({ state: 'detached' });
    expect(new URL(page.url()).searchParams.get('diff')).toBe('only');
    await row('lr').waitFor();
  });
});
