/**
 * The frame every browser spec shares: build the UI, start the real `loom server` CLI, seed it, launch
 * Debian's Chromium on one page, and run journeys that leave test-results/failed-<name>.png (and, with
 * LOOM_E2E_SCREENSHOTS=1, page-<name>.png) behind.
 *
 *   const ui = browserSuite('e2e/x.spec.ts', (url) => seedSomething(url));
 *   describe.skipIf(!ui.enabled)('x journeys', () => {
 *     ui.install();
 *     ui.journey('does a thing', async () => { await ui.page.goto(`${ui.server.url}/`); });
 *   });
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, it } from 'vitest';
import { REPO_ROOT, startCliServer, type CliServer } from '../test/support/cli-server';
import { hasChromium, launchBrowser, screenshot, type Browser } from './browser';

// Generous: in `npm test` the browser shares two cores with every other suite.
const JOURNEY_TIMEOUT_MS = 60_000;
const SETUP_TIMEOUT_MS = 180_000;
const keepPages = process.env.LOOM_E2E_SCREENSHOTS === '1';

export interface BrowserSuite<S> {
  /** False when Chromium is missing outside CI (the spec is skipped with a printed reason). */
  readonly enabled: boolean;
  readonly server: CliServer;
  readonly browser: Browser;
  readonly page: Page;
  readonly seeded: S;
  /** Registers the set-up and tear-down hooks; call inside the spec's describe. */
  install(): void;
  /** A test that screenshots the page when it fails. */
  journey(name: string, body: () => Promise<void>): void;
}

export function browserSuite<S>(
  file: string,
  seed: (url: string) => Promise<S>,
  screenshotPrefix = '',
): BrowserSuite<S> {
  const enabled = hasChromium() || process.env.CI === 'true';
  if (!enabled) console.log(`skipped: ${file} needs /usr/bin/chromium (apt-get install -y chromium)`);
  let server: CliServer | undefined;
  let browser: Browser | undefined;
  let seeded: S | undefined;
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the browser suite has no ${what} yet (set-up failed?)`);
    return value;
  };
  const suite: BrowserSuite<S> = {
    enabled,
    get server() {
      return need(server, 'server');
    },
    get browser() {
      return need(browser, 'browser');
    },
    get page() {
      return need(browser, 'browser').page;
    },
    get seeded() {
      return need(seeded, 'seed');
    },
    install() {
      beforeAll(async () => {
        const build = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/build-ui.mjs')], {
          encoding: 'utf8',
        });
        if (build.status !== 0) throw new Error(`UI build failed:\n${build.stdout}\n${build.stderr}`);
        server = await startCliServer();
        seeded = await seed(server.url);
        browser = await launchBrowser();
        browser.page.setDefaultTimeout(15_000);
      }, SETUP_TIMEOUT_MS);
      afterAll(async () => {
        await browser?.close();
        await server?.stop().catch(() => undefined);
        await server?.dispose();
      }, SETUP_TIMEOUT_MS);
    },
    journey(name, body) {
      it(
        name,
        async () => {
          const page = suite.page;
          try {
            await body();
            if (keepPages) await screenshot(page, `page-${screenshotPrefix}${name}`);
          } catch (err) {
            const shot = await screenshot(page, `failed-${screenshotPrefix}${name}`).catch(() => 'none');
            const problems = suite.browser.problems.length
              ? `\nbrowser problems:\n  ${suite.browser.problems.join('\n  ')}`
              : '';
            (err as Error).message += `\nscreenshot: ${shot}\nurl: ${page.url()}${problems}`;
            throw err;
          }
        },
        JOURNEY_TIMEOUT_MS,
      );
    },
  };
  return suite;
}

/**
 * A journey of several people, each in their own browser (`browsers()` names them): when it fails
 * every page is screenshotted and named in the error (and, with LOOM_E2E_SCREENSHOTS=1, when it passes).
 */
export function multiBrowserJourney(
  prefix: string,
  name: string,
  browsers: () => (readonly [who: string, browser: Browser | undefined])[],
  body: () => Promise<void>,
): void {
  it(
    name,
    async () => {
      try {
        await body();
        if (keepPages) {
          for (const [who, b] of browsers()) if (b) await screenshot(b.page, `page-${prefix}${name}-${who}`);
        }
      } catch (err) {
        const shots: string[] = [];
        for (const [who, b] of browsers()) {
          if (!b) continue;
          const file = await screenshot(b.page, `failed-${prefix}${name}-${who}`).catch(() => 'none');
          shots.push(
            `${who}: ${file} at ${b.page.url()}${b.problems.length ? `\n  ${b.problems.join('\n  ')}` : ''}`,
          );
        }
        (err as Error).message += `\n${shots.join('\n')}`;
        throw err;
      }
    },
    JOURNEY_TIMEOUT_MS,
  );
}

/** Polls `read` until `ok` holds (the page updates asynchronously); fails with the last value seen. */
export async function until<T>(
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!ok(value)) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last seen ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}
