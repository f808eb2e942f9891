// The console's Keys page in Chromium: create a key (its secret shown once), use it with the
// OpenAI SDK, see its usage, then disable it (with confirmation) and see the SDK refused.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { Page } from 'playwright-core';
import { buildWeb } from '../../scripts/build-web.js';
import { startHarness, type Harness } from '../e2e/harness.js';
import { browserMissing, launchBrowser, screenshot, type Browser } from './browser.js';

const PASSWORD = 'browser-keys-password-0001';
const missing = browserMissing();

void describe('console Keys page in Chromium', { skip: missing }, () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;
  let consoleDir: string;
  let origin: string;

  before(async () => {
    consoleDir = mkdtempSync(join(tmpdir(), 'g2a-console-keys-'));
    await buildWeb(consoleDir);
    h = await startHarness({ consoleDir, overrides: { admin: { password: PASSWORD } } });
    origin = h.baseURL.replace(/\/v1$/, '');
    browser = await launchBrowser();
    page = await browser.newPage();
    // Disable and delete ask for confirmation: accept it.
    page.on('dialog', (d) => void d.accept());
  });

  after(async () => {
    await browser?.close();
    await h?.close();
    rmSync(consoleDir, { recursive: true, force: true });
  });

  void it('creates a key, uses it with the SDK, shows its usage, and disables it', async () => {
    await page.goto(`${origin}/manage`);
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('button[type="submit"]');
    await page.locator('nav.sidenav').waitFor();
    await page.click('nav.sidenav a[href="#/keys"]');
    await page.click('text=Create key');
    await page.fill('form[aria-label="Create key"] input[name="name"]', 'browser app');
    await page.fill('form[aria-label="Create key"] input[name="rpm"]', '5');
    await page.click('form[aria-label="Create key"] button[type="submit"]');
    const secretBox = page.locator('[data-testid="new-key-secret"]');
    await secretBox.waitFor();
    const secret = (await secretBox.innerText()).trim();
    assert.match(secret, /^sk-[A-Za-z0-9_-]{43}$/);
    await screenshot(page, 'keys-created');
    await page.click('text=Done');
    const row = page.locator('table.keys-table tbody tr', { hasText: 'browser app' });
    await row.waitFor();
    assert.match(await row.innerText(), /5 requests \/ minute/);
    assert.ok(!(await page.content()).includes(secret), 'the secret is not on the page once its dialog is closed');

    const client = new OpenAI({ baseURL: h.baseURL, apiKey: secret, maxRetries: 0 });
    const res = await client.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'from the console key' }] });
    assert.equal(res.choices[0]?.message.content, 'Echo: from the console key');

    // Usage appears on the page (reload picks it up).
    const deadline = Date.now() + 10_000;
    for (;;) {
      await page.reload();
      const today = await page.locator('table.keys-table tbody tr', { hasText: 'browser app' }).locator('[data-testid="key-today"]').innerText();
      if (/^1 req/.test(today)) break;
      if (Date.now() > deadline) assert.fail(`usage not shown: ${today}`);
      await page.waitForTimeout(200);
    }
    await page.locator('table.keys-table tbody tr', { hasText: 'browser app' }).locator('text=Usage').click();
    const usage = page.locator('[data-testid="key-usage"]');
    await usage.waitFor();
    assert.match(await usage.innerText(), /grok-chat-fast/);
    await screenshot(page, 'keys-usage');
    await page.click('.modal-close');

    await page.locator('table.keys-table tbody tr', { hasText: 'browser app' }).locator('button', { hasText: 'Disable' }).click();
    await page.locator('.toast', { hasText: 'disabled' }).first().waitFor();
    const err = await client.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'after' }] }).catch((e: unknown) => e);
    assert.ok(err instanceof OpenAI.AuthenticationError, String(err));
    await page.locator('table.keys-table tbody tr', { hasText: 'browser app' }).locator('button', { hasText: 'Delete' }).click();
    await page.locator('.toast', { hasText: 'deleted' }).first().waitFor();
    await screenshot(page, 'keys');
  });
});
