// The admin console in a real browser (headless Debian Chromium) against a real gateway in front
// of the Grok simulator: log in, add tokens and see them masked, see a chat call in the call log,
// change a setting and see it applied, use the image studio, a phone-size layout, log out.
// Screenshots of every page go to test-artifacts/screenshots/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { buildWeb } from '../../scripts/build-web.js';
import { startHarness, type Harness } from '../e2e/harness.js';
import { makePng } from '../fake-grok/index.js';
import { browserMissing, launchBrowser, screenshot, type Browser } from './browser.js';

const PASSWORD = 'browser-test-password-0001';
const API_KEY = 'sk-test-browser-key-0000001';
// Long enough to be masked first6****last4; none of them may ever appear whole on a page.
const NEW_TOKENS = ['sso-browser-aaaaaaaaaaaaaaaaaaaa-000001', 'sso-browser-bbbbbbbbbbbbbbbbbbbb-000002', 'sso-browser-cccccccccccccccccccc-000003'];
const SEED = 'sso-browser-seedseedseedseedseed-000000';
const LEGACY = 'sso-browser-legacylegacylegacy-000004';
const masked = (t: string): string => `${t.slice(0, 6)}****${t.slice(-4)}`;

const missing = browserMissing();

void describe('admin console (/manage) in Chromium', { skip: missing }, () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;
  let consoleDir: string;
  let origin: string;

  before(async () => {
    consoleDir = mkdtempSync(join(tmpdir(), 'g2a-console-'));
    await buildWeb(consoleDir);
    h = await startHarness({
      tokens: [SEED],
      apiKey: API_KEY,
      consoleDir,
      // Tokens added from the console are real to the simulator too.
      sim: { acceptAnyToken: true },
      overrides: {
        admin: { password: PASSWORD },
        calllog: { flush_interval: 0.2 },
        // Image models need super accounts or above.
        accounts: { sync_on_import: false, flush_interval: 0.1, poll_interval: 0.2, default_tier: 'heavy' },
      },
    });
    origin = h.baseURL.replace(/\/v1$/, '');
    browser = await launchBrowser();
    page = await browser.newPage();
  });

  after(async () => {
    await browser?.close();
    await h?.close();
    rmSync(consoleDir, { recursive: true, force: true });
  });

  /** Waits until `selector` matches exactly `n` elements (the page's CSP forbids waitForFunction's eval). */
  const rowCount = async (p: Page, selector: string, n: number): Promise<void> => {
    const deadline = Date.now() + 10_000;
    let count = -1;
    while (Date.now() < deadline) {
      count = await p.locator(selector).count();
      if (count === n) return;
      await p.waitForTimeout(50);
    }
    assert.fail(`${selector}: expected ${n} elements, saw ${count}`);
  };

  /** Waits for a toast containing `text` (every action reports one). */
  const toast = (p: Page, text: string | RegExp) => p.locator('.toast', { hasText: text }).first().waitFor({ timeout: 10_000 });

  void it('serves the console with a strict CSP; /manage redirects to /manage/', async () => {
    const res = await fetch(`${origin}/manage`, { redirect: 'manual' });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), '/manage/');
    const index = await fetch(`${origin}/manage/`);
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const html = await index.text();
    const js = /src="(\/manage\/app-[A-Z0-9]+\.js)"/.exec(html)?.[1];
    assert.ok(js, 'bundle referenced from index.html');
    const asset = await fetch(`${origin}${js}`);
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
    assert.equal((await fetch(`${origin}/manage/nope.js`)).status, 404);
  });

  void it('logs in (a wrong password is refused in words)', async () => {
    await page.goto(`${origin}/manage`);
    await page.locator('form[aria-label="Log in"]').waitFor();
    await screenshot(page, 'login');
    await page.fill('input[name="password"]', 'not-the-password');
    await page.click('button[type="submit"]');
    await page.getByText('Wrong user name or password').waitFor();
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('button[type="submit"]');
    await page.locator('nav.sidenav').waitFor();
    await page.locator('.stat', { hasText: 'Accounts' }).waitFor();
    assert.match(await page.locator('.stat', { hasText: 'Accounts' }).innerText(), /1/);
  });

  void it('adds tokens in bulk and shows them masked only', async () => {
    await page.click('nav.sidenav a[href="#/tokens"]');
    await page.locator('table.tokens-table').waitFor();
    await page.click('text=Add tokens');
    await page.fill('textarea[name="tokens"]', `${NEW_TOKENS[0]} super vip\n${NEW_TOKENS[1]}\n# a comment\n${NEW_TOKENS[2]} basic\nx`);
    await page.click('form[aria-label="Add tokens"] button[type="submit"]');
    await toast(page, '3 added');
    await page.locator('[data-testid="add-result"]', { hasText: 'Line 5' }).waitFor();
    // The Python grok2api's token.json, uploaded as a file.
    const tokenFile = { ssoNormal: { [LEGACY]: {} } };
    await page.setInputFiles('input[name="tokenFile"]', { name: 'token.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(tokenFile)) });
    await toast(page, '1 added');
    await page.click('.modal-close');
    for (const t of [...NEW_TOKENS, LEGACY]) await page.locator('code.token', { hasText: masked(t) }).waitFor();
    const html = await page.content();
    for (const t of [...NEW_TOKENS, SEED, LEGACY]) assert.ok(!html.includes(t), `whole token ${t.slice(0, 12)}… must not be on the page`);
    await rowCount(page, 'table.tokens-table tbody tr', 5);
    // Filters run on the server: the tier filter leaves the one super account.
    await page.selectOption('select[aria-label="Tier filter"]', 'super');
    await rowCount(page, 'table.tokens-table tbody tr', 1);
    assert.match(await page.locator('table.tokens-table tbody').innerText(), new RegExp(masked(NEW_TOKENS[0] as string).replace(/\*/g, '\\*')));
    await page.selectOption('select[aria-label="Tier filter"]', '');
    await rowCount(page, 'table.tokens-table tbody tr', 5);
    await screenshot(page, 'tokens');
  });

  void it('shows a chat call in the call log with its model and status', async () => {
    const res = await h.openai.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'Hello from the browser test' }] });
    assert.ok(res.choices[0]?.message.content);
    await page.click('nav.sidenav a[href="#/logs"]');
    const row = page.locator('table.logs-table tbody tr', { hasText: 'grok-chat-fast' }).first();
    await row.waitFor({ timeout: 15_000 });
    assert.match(await row.innerText(), /\/v1\/chat\/completions/);
    assert.equal((await row.locator('.badge').first().innerText()).trim(), '200');
    await screenshot(page, 'logs');
    await row.click();
    const detail = page.locator('[data-testid="log-detail"]');
    await detail.waitFor();
    assert.match(await detail.innerText(), /grok-chat-fast/);
    assert.match(await detail.innerText(), /sk-tes\*{4}0001/);
    await screenshot(page, 'log-detail');
    await page.keyboard.press('Escape');
  });

  void it('changes a setting and the gateway applies it', async () => {
    await page.click('nav.sidenav a[href="#/settings"]');
    const field = page.locator('.setting[data-key="retry.max_attempts"] input');
    await field.waitFor();
    assert.equal(await field.inputValue(), '3');
    // Keys set by the environment (here: the test's overrides) are read-only with a note.
    assert.ok(await page.locator('.setting[data-key="app.api_keys"] textarea').isDisabled());
    await page.locator('.setting[data-key="app.api_keys"] .note', { hasText: 'GROK2API_APP_API_KEYS' }).waitFor();
    // A bad value is reported next to its key, and nothing is saved.
    await field.fill('0');
    await page.click('form[aria-label="Settings"] button[type="submit"]');
    await page.locator('.setting[data-key="retry.max_attempts"] .field-error').waitFor();
    await field.fill('2');
    await page.click('form[aria-label="Settings"] button[type="submit"]');
    await toast(page, 'Settings saved');
    assert.equal(h.gw.loaded.config.retry.max_attempts, 2);
    const api = await page.request.get(`${origin}/api/settings`);
    const body = (await api.json()) as { settings: Array<{ key: string; value: unknown; source: string }> };
    const s = body.settings.find((x) => x.key === 'retry.max_attempts');
    assert.deepEqual([s?.value, s?.source], [2, 'file']);
    await page.locator('.setting[data-key="retry.max_attempts"] .badge', { hasText: 'file' }).waitFor();
    await page.locator('.setting[data-key="retry.max_attempts"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'settings', { fullPage: false });
  });

  void it('generates and edits images in the image studio with a pasted API key', async () => {
    await page.click('nav.sidenav a[href="#/images"]');
    await page.fill('input[name="apiKey"]', API_KEY);
    await page.fill('textarea[name="prompt"]', 'a red fox in snow');
    await page.click('form[aria-label="Image studio"] button[type="submit"]');
    await toast(page, '1 image(s) generated');
    await page.locator('.gallery img').first().waitFor();
    assert.match((await page.locator('.gallery img').first().getAttribute('src')) ?? '', /^data:image\//);
    await screenshot(page, 'images');
    // Edit: a multipart upload of the chosen file, previewed before it is sent.
    await page.click('button[role="tab"]:has-text("Edit")');
    await page.setInputFiles('form[aria-label="Image studio"] input[type="file"]', { name: 'in.png', mimeType: 'image/png', buffer: makePng(8, 8) });
    await page.locator('.thumbs img').waitFor();
    await page.fill('textarea[name="prompt"]', 'make @IMAGE1 blue');
    await page.click('form[aria-label="Image studio"] button[type="submit"]');
    await toast(page, '1 image(s) edited');
    await page.locator('.gallery img').first().waitFor();
    await screenshot(page, 'images-edit');
  });

  void it('renders the other pages', async () => {
    for (const [path, name, ready] of [
      ['#/dashboard', 'dashboard', '.chart'],
      ['#/proxies', 'proxies', 'text=No proxies'],
      ['#/cache', 'cache', '.card[data-kind="Images"] .big'],
      ['#/account', 'password', 'form[aria-label="Change password"]'],
    ] as const) {
      await page.click(`nav.sidenav a[href="${path}"]`);
      await page.locator(ready).first().waitFor();
      await screenshot(page, name);
    }
  });

  void it('fits a phone screen: the navigation collapses into a menu', async () => {
    const phone = await browser.newPage({ width: 390, height: 844 });
    await phone.goto(`${origin}/manage/#/tokens`);
    await phone.locator('table.tokens-table').waitFor();
    assert.equal(await phone.locator('nav.sidenav').isVisible(), false);
    await screenshot(phone, 'phone-tokens');
    await phone.click('button.nav-toggle');
    await phone.locator('nav.sidenav a[href="#/dashboard"]').waitFor();
    await screenshot(phone, 'phone-menu');
    await phone.click('nav.sidenav a[href="#/dashboard"]');
    await phone.locator('.stat').first().waitFor();
    assert.equal(await phone.locator('nav.sidenav').isVisible(), false);
    await screenshot(phone, 'phone-dashboard');
    await phone.close();
  });

  void it('shows the Imagine media buckets of an account once its quotas were read', async () => {
    const list = await page.request.get(`${origin}/api/tokens?page_size=500`);
    const seed = ((await list.json()) as { items: Array<{ id: string; token: string }> }).items.find((r) => r.token === masked(SEED));
    assert.ok(seed);
    const refreshed = await page.request.post(`${origin}/api/tokens/refresh`, { data: { ids: [seed.id] } });
    assert.equal(refreshed.status(), 200);
    await page.goto(`${origin}/manage/#/tokens`);
    const media = page.locator(`tr[data-id="${seed.id}"] .media-quota`);
    await media.locator('[data-bucket="image_pro"]').waitFor();
    // The simulator offers 20 of each, and no lite `image` bucket (that one counts against `fast`).
    assert.match((await media.innerText()).replace(/\s+/g, ' '), /image pro 20 · edit 20 · video 480p 20 · video 720p 20/);
  });

  void it('pages through 10 000 tokens and selects them all', async () => {
    const lines = Array.from({ length: 10_000 }, (_, i) => `sso-bulk-${String(i).padStart(6, '0')}-${'z'.repeat(24)} basic bulk`);
    const added = await page.request.post(`${origin}/api/tokens/add`, { data: { text: lines.join('\n') } });
    assert.equal(((await added.json()) as { added: number }).added, 10_000);
    const started = Date.now();
    await page.goto(`${origin}/manage/#/tokens?tag=bulk&size=500`);
    await page.locator('.pager-range', { hasText: '1–500 of 10,000' }).waitFor();
    await rowCount(page, 'table.tokens-table tbody tr', 500);
    const renderMs = Date.now() - started;
    assert.ok(renderMs < 15_000, `a 500-row page took ${renderMs} ms`);
    await page.click('button[aria-label="Last page"]');
    await page.locator('.pager-range', { hasText: '9,501–10,000 of 10,000' }).waitFor();
    await page.click('text=Select all 10,000 matching');
    await page.locator('.selection', { hasText: '10,000 selected' }).waitFor({ timeout: 15_000 });
    await screenshot(page, 'tokens-10000', { fullPage: false });
  });

  void it('logs out; the admin API then answers 401', async () => {
    await page.click('button[data-action="logout"]');
    await page.locator('form[aria-label="Log in"]').waitFor();
    await toast(page, 'Logged out');
    const session = await page.request.get(`${origin}/api/session`);
    assert.equal(session.status(), 401);
    assert.equal((await page.request.get(`${origin}/api/tokens`)).status(), 401);
  });

  void it('explains a login lockout in words', async () => {
    for (let i = 0; i < 6; i++) {
      await page.fill('input[name="password"]', `wrong-password-${i}`);
      await page.click('form[aria-label="Log in"] button[type="submit"]');
      await page.locator('.form-error').waitFor();
      if (await page.getByText('Too many failed logins').isVisible()) break;
      await page.waitForTimeout(50);
    }
    await page.getByText('Too many failed logins').waitFor();
    assert.ok(await page.locator('form[aria-label="Log in"] button[type="submit"]').isDisabled(), 'the form waits out the lockout');
    await screenshot(page, 'login-locked');
  });

  void it('ran without console errors or CSP violations', () => {
    assert.deepEqual(browser.problems, []);
  });
});
