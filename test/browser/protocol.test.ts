// The console's Protocol page in a real browser (headless Debian Chromium): empty while grok.com
// (the simulator) speaks the expected protocol; after one request in which the simulator sends a
// new event type, the page lists that signature with its count and a redacted sample.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { buildWeb } from '../../scripts/build-web.js';
import { startHarness, type Harness } from '../e2e/harness.js';
import { browserMissing, launchBrowser, screenshot, type Browser } from './browser.js';

const PASSWORD = 'browser-drift-password-0001';
const SIGNATURE = 'unknown-event mgw response.memory.updated object';

void describe('console Protocol page in Chromium', { skip: browserMissing() }, () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;
  let consoleDir: string;
  let origin: string;

  before(async () => {
    consoleDir = mkdtempSync(join(tmpdir(), 'g2a-console-drift-'));
    await buildWeb(consoleDir);
    h = await startHarness({ tokens: ['sso-browser-drift-aaaaaaaaaaaaaaaa-0001'], consoleDir, overrides: { admin: { password: PASSWORD } } });
    origin = h.baseURL.replace(/\/v1$/, '');
    browser = await launchBrowser();
    page = await browser.newPage();
  });

  after(async () => {
    await browser?.close();
    await h?.close();
    rmSync(consoleDir, { recursive: true, force: true });
  });

  void it('shows no drift, then the new event type after one request', async () => {
    await page.goto(`${origin}/manage`);
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('button[type="submit"]');
    await page.locator('nav.sidenav').waitFor();
    await page.click('nav.sidenav a[href="#/protocol"]');
    await page.locator('.drift-none').waitFor();

    const res = await h.openai.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'hi [sim:extra-event=response.memory.updated]' }] });
    assert.ok(res.choices[0]?.message.content, 'the additive change leaves the answer intact');

    await page.click('button:has-text("Refresh")');
    const row = page.locator(`tr[data-signature="${SIGNATURE}"]`);
    await row.waitFor({ timeout: 10_000 });
    const text = await row.innerText();
    assert.match(text, /unknown-event/);
    assert.match(text, /mgw response\.memory\.updated/);
    assert.match(text, /\b1\b/);
    await row.locator('button', { hasText: 'Sample' }).click();
    const sample = await page.locator('pre.drift-sample').innerText();
    assert.match(sample, /"type": "response\.memory\.updated"/);
    await screenshot(page, 'protocol');
  });
});
