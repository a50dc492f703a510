/**
 * Debian's Chromium driven by playwright-core (never `npx playwright install`): a fresh profile per
 * launch, and the flags that keep it quiet and offline in CI.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.LOOM_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Failure screenshots (and, with LOOM_E2E_SCREENSHOTS=1, one per page) land here. */
export const RESULTS_DIR = join(import.meta.dirname, '..', 'test-results');

/** True when the browser can run here; CI must have it (`.ci/run` installs it). */
export const hasChromium = (): boolean => existsSync(CHROMIUM);

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Console errors and failed requests seen so far, for failure messages. */
  problems: string[];
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** Answers the server's HTTP Basic challenge, as a person typing into the browser's prompt would. */
  httpCredentials?: { username: string; password: string };
}

/** Launches Chromium with a fresh profile and one page. */
export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'loom-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_FLAGS,
    headless: true,
    viewport: { width: 1360, height: 860 },
    ...(options.httpCredentials ? { httpCredentials: options.httpCredentials } : {}),
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  return {
    context,
    page,
    problems,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot as test-results/<name>.png and answers its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${name.replace(/[^a-z0-9-]+/gi, '-').toLowerCase()}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
