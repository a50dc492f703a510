/**
 * The approval journey in Chromium, two people in two browser profiles against the real `loom server`
 * CLI: protect `@champion`, alice requests it for v1, she cannot approve her own request, bob approves
 * and the alias moves; the history and the audit log say who did what. Then a rejected stage request.
 * Users are chosen with the top bar's "Acting as" control (identification only until auth lands).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { createClient } from '@loom/client';
import { REPO_ROOT, startCliServer, type CliServer } from '../test/support/cli-server';
import { multiBrowserJourney } from './suite';
import { hasChromium, launchBrowser, type Browser } from './browser';
import { seedRegistryRuns } from './registry-seed';

const SETUP_TIMEOUT_MS = 180_000;
const needsBrowser = hasChromium() || process.env.CI === 'true';
if (!needsBrowser)
  console.log('skipped: e2e/approvals.spec.ts needs /usr/bin/chromium (apt-get install -y chromium)');

const MODEL = 'churn-approvals';

let server: CliServer;
let alice: Browser;
let bob: Browser;

/** A test that screenshots both people's pages when it fails (and, with LOOM_E2E_SCREENSHOTS=1, when it passes). */
function journey(name: string, body: () => Promise<void>) {
  multiBrowserJourney(
    'approvals-',
    name,
    () => [
      ['alice', alice],
      ['bob', bob],
    ],
    body,
  );
}

/** Chooses the acting user with the top bar control, as a person would. */
async function actAs(page: Page, user: string): Promise<void> {
  await page.goto(`${server.url}/models`);
  await page.getByTestId('acting-as').click();
  await page.getByLabel('Act as user').fill(user);
  await page.getByRole('button', { name: 'Act as', exact: true }).click();
  await page.getByTestId('acting-as').getByText(user, { exact: true }).waitFor();
  // The control says plainly that a typed name is not a sign-in.
  expect(await page.getByTestId('acting-as').getAttribute('title')).toContain('not authentication');
}

const versionUrl = (version: string) => `${server.url}/models/${MODEL}/versions/${version}`;
const openRequest = (page: Page, target: string) =>
  page.getByTestId('open-request').filter({ hasText: `requested a move to ${target}` });
const history = (page: Page) => page.getByRole('list', { name: 'Activity history' });

describe.skipIf(!needsBrowser)('approval journeys', () => {
  beforeAll(async () => {
    const build = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/build-ui.mjs')], {
      encoding: 'utf8',
    });
    if (build.status !== 0) throw new Error(`UI build failed:\n${build.stdout}\n${build.stderr}`);
    server = await startCliServer();
    const seed = await seedRegistryRuns(server.url);
    // Two versions registered from runs as an MLflow client would; @champion starts on v2.
    const loom = createClient({ baseUrl: server.url });
    await loom.createRegisteredModel({ name: MODEL });
    for (const runId of seed.runIds) {
      const { version } = await loom.createModelVersion({
        name: MODEL,
        source: `runs:/${runId}/model`,
        runId,
      });
      for (let i = 0; (await loom.getModelVersion(MODEL, version)).status !== 'READY'; i++) {
        if (i > 400) throw new Error(`version ${version} did not become READY`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
    await loom.setRegisteredModelAlias(MODEL, 'champion', '2');
    alice = await launchBrowser();
    bob = await launchBrowser();
    alice.page.setDefaultTimeout(15_000);
    bob.page.setDefaultTimeout(15_000);
    await actAs(alice.page, 'alice');
    await actAs(bob.page, 'bob');
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await alice?.close();
    await bob?.close();
    await server?.stop().catch(() => undefined);
    await server?.dispose();
  }, SETUP_TIMEOUT_MS);

  journey('protect-champion', async () => {
    const page = alice.page;
    await page.goto(`${server.url}/models/${MODEL}`);
    await page.getByTestId('protections-summary').getByText('Nothing is protected').waitFor();
    await page.getByLabel('Protected aliases').fill('champion');
    await page.getByRole('button', { name: 'Save protections' }).click();
    await page.getByTestId('protections-summary').getByText('Protected: @champion.').waitFor();

    // A direct move of the protected alias is refused with the server's explanation.
    await page.getByLabel('Alias', { exact: true }).fill('champion');
    await page.getByLabel('Alias version').selectOption('1');
    await page.getByRole('button', { name: 'Set alias' }).click();
    await page.getByRole('alert').filter({ hasText: 'is protected' }).waitFor();
    await page.getByTestId('model-aliases').getByText('@champion → v2').waitFor();
  });

  journey('alice-requests-champion', async () => {
    const page = alice.page;
    await page.goto(versionUrl('1'));
    await page.getByTestId('no-open-requests').waitFor();
    await page.getByLabel('Request target').selectOption('alias');
    await page.getByLabel('Requested alias').fill('champion');
    await page.getByLabel('Request comment').fill('Beats v2 on **AUC** in the holdout.');
    await page.getByRole('button', { name: 'Request transition' }).click();

    const request = openRequest(page, '@champion');
    await request.getByText('alice requested a move to @champion (pending)').waitFor();
    expect(await request.locator('strong', { hasText: 'AUC' }).count()).toBe(1);
    // Distinct approver: the requester may cancel but neither approve nor reject.
    await request.getByRole('button', { name: 'Cancel request' }).waitFor();
    expect(await request.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    expect(await request.getByRole('button', { name: 'Reject' }).count()).toBe(0);
    await request.getByText('someone else with manage permission must approve it').waitFor();
  });

  journey('bob-approves-and-the-alias-moves', async () => {
    const page = bob.page;
    await page.goto(versionUrl('1'));
    const request = openRequest(page, '@champion');
    // Bob may decide: the server lists approve and reject among his available actions.
    await request.getByRole('button', { name: 'Reject' }).waitFor();
    await request.getByLabel('Comment on the request to @champion').fill('Numbers check out.');
    await request.getByRole('button', { name: 'Approve' }).click();
    await page.getByTestId('no-open-requests').waitFor();

    await history(page).getByText('bob approved the request to move to @champion').waitFor();
    await history(page).getByText('alice requested a move to @champion (approved)').waitFor();
    await history(page).getByText('bob pointed @champion at this version').waitFor();
    await history(page).getByText('Numbers check out.').waitFor();
    // Newest first: the alias move and the approval come before the request.
    const lines = await history(page)
      .getByTestId('activity')
      .locator('.activity-line strong')
      .allTextContents();
    expect(lines.indexOf('alice requested a move to @champion (approved)')).toBe(lines.length - 1);

    await page.goto(`${server.url}/models/${MODEL}`);
    await page.getByTestId('model-aliases').getByText('@champion → v1').waitFor();
    await page.getByTestId('version-row-1').getByText('@champion').waitFor();
    expect(await page.getByTestId('version-row-2').getByTestId('alias-chip').count()).toBe(0);

    // Alice sees the outcome too, and the history filter lives in the URL.
    await alice.page.goto(versionUrl('1'));
    await alice.page.getByLabel('Show in history').selectOption('requests');
    expect(new URL(alice.page.url()).searchParams.get('history')).toBe('requests');
    await history(alice.page).getByText('bob approved the request to move to @champion').waitFor();
    expect(await history(alice.page).getByText('bob pointed @champion at this version').count()).toBe(0);
  });

  journey('the-audit-log-names-bob', async () => {
    const page = bob.page;
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.waitForURL(`**/registry/audit-log?model=${MODEL}`);
    const table = page.getByRole('table', { name: 'Registry audit log' });
    const approval = table.getByRole('row').filter({ hasText: 'approveTransitionRequest' });
    await approval.getByText('bob', { exact: true }).waitFor();
    await table
      .getByRole('row')
      .filter({ hasText: 'setRegisteredModelAlias' })
      .getByText('bob', { exact: true })
      .first()
      .waitFor();
    await table
      .getByRole('row')
      .filter({ hasText: 'createTransitionRequest' })
      .getByText('alice', { exact: true })
      .waitFor();
  });

  journey('bob-rejects-a-stage-request', async () => {
    await alice.page.goto(versionUrl('2'));
    await alice.page.getByLabel('Request target').selectOption('Production');
    await alice.page.getByLabel('Request comment').fill('Ready for prod?');
    await alice.page.getByRole('button', { name: 'Request transition' }).click();
    await openRequest(alice.page, 'Production').getByText('(pending)').waitFor();

    const page = bob.page;
    await page.goto(versionUrl('2'));
    const request = openRequest(page, 'Production');
    // Approving a stage request asks whether to archive the stage's other versions.
    await request.getByLabel('Archive other Production versions').waitFor();
    await request.getByLabel('Comment on the request to Production').fill('Not before the **Q4** review.');
    await request.getByRole('button', { name: 'Reject' }).click();
    await page.getByTestId('no-open-requests').waitFor();
    await history(page).getByText('bob rejected the request to move to Production').waitFor();
    expect(await history(page).locator('strong', { hasText: 'Q4' }).count()).toBe(1);
    await page.locator('.badge-stage-none').first().waitFor();

    await alice.page.reload();
    await history(alice.page).getByText('alice requested a move to Production (rejected)').waitFor();
  });

  journey('alice-cancels-her-request', async () => {
    const page = alice.page;
    await page.goto(versionUrl('2'));
    await page.getByLabel('Request target').selectOption('Staging');
    await page.getByRole('button', { name: 'Request transition' }).click();
    const request = openRequest(page, 'Staging');
    await request.getByLabel('Comment on the request to Staging').fill('Wrong version, sorry.');
    await request.getByRole('button', { name: 'Cancel request' }).click();
    await page.getByTestId('no-open-requests').waitFor();
    await history(page).getByText('alice cancelled the request to move to Staging').waitFor();
    await history(page).getByText('alice requested a move to Staging (cancelled)').waitFor();
  });

  journey('comments-follow-their-author', async () => {
    const page = alice.page;
    await page.goto(versionUrl('2'));
    await page.getByLabel('New comment').fill('Retrain with **October** data.');
    await page.getByRole('button', { name: 'Add comment' }).click();
    const mine = history(page).getByTestId('activity').filter({ hasText: 'alice commented' });
    await mine.locator('strong', { hasText: 'October' }).waitFor();
    await mine.getByRole('button', { name: 'Edit' }).click();
    await mine.getByLabel('Edit comment').fill('Retrain with **November** data.');
    await mine.getByRole('button', { name: 'Save comment' }).click();
    await mine.locator('strong', { hasText: 'November' }).waitFor();
    await mine.getByText('(edited)').waitFor();

    // Bob may delete (he manages the model) but not edit alice's words.
    await bob.page.goto(versionUrl('2'));
    const seenByBob = history(bob.page).getByTestId('activity').filter({ hasText: 'alice commented' });
    await seenByBob.getByRole('button', { name: 'Delete' }).waitFor();
    expect(await seenByBob.getByRole('button', { name: 'Edit' }).count()).toBe(0);
  });
});
