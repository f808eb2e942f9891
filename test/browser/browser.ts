// Headless Chromium for the browser tests: Debian's /usr/bin/chromium (never a downloaded
// browser), a fresh profile per run, and a collector of console errors, CSP violations and page
// errors so a test can assert the console ran clean. scripts/ci-services.sh installs chromium.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = join('test-artifacts', 'screenshots');

/**
 * Why the browser suite cannot run here, or undefined when it can. In CI a missing browser is a
 * failure, never a skip: the caller throws instead.
 */
export function browserMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const why = `${CHROMIUM} not found: install Debian's chromium package (scripts/ci-services.sh does it)`;
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`browser tests cannot run in CI: ${why}`);
  return why;
}

export interface Browser {
  context: BrowserContext;
  /** Console errors, CSP violations and uncaught page errors seen so far, on every page. */
  problems: string[];
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'g2a-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 860 },
    acceptDownloads: true,
  });
  const problems: string[] = [];
  const watch = (page: Page): void => {
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const text = msg.text();
      // Expected refusals: 401 (the app asks for its session before login, a wrong password) and
      // 429 (the lockout test). The browser logs each failed fetch as an error.
      if (/status of (401|429)\b/.test(text)) return;
      problems.push(`console: ${text}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  };
  context.on('page', watch);
  for (const p of context.pages()) watch(p);
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    context,
    problems,
    newPage: async (viewport) => {
      const page = await context.newPage();
      if (viewport) await page.setViewportSize(viewport);
      return page;
    },
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves `<name>.png`: the whole page, or only what the viewport shows (very long pages). */
export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: opts.fullPage ?? true });
}
