// Secrets never leave whole: a representative run (successes, every failure kind, bad keys, the
// health, readiness and metrics endpoints) is captured, and no log line, response body or header
// contains an SSO token, an API key, the metrics token, the admin password or the cf_clearance.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { maskToken } from '../../src/accounts/index.js';
import { startFakeGrok, type FakeGrok } from '../fake-grok/index.js';
import { startHarness, type Harness } from './harness.js';

const KEY = 'sk-leakcheck-primary-key-0001';
const OTHER_KEY = 'sk-leakcheck-second-key-0002';
const TOKENS = Array.from({ length: 8 }, (_, i) => `sso-leakcheck-account-token-${String(i).padStart(4, '0')}-tail`);
const METRICS_TOKEN = 'metrics-leakcheck-token-0003';
const ADMIN_PASSWORD = 'admin-leakcheck-password-0004';
const CF_CLEARANCE = 'cf-leakcheck-clearance-value-0005';
const SECRETS = [KEY, OTHER_KEY, ...TOKENS, METRICS_TOKEN, ADMIN_PASSWORD, CF_CLEARANCE];

void describe('no secret in logs, errors or headers', () => {
  let h: Harness;
  let sim: FakeGrok;
  const seen: string[] = [];
  before(async () => {
    sim = await startFakeGrok({ tokenDelayMs: 1, tokens: Object.fromEntries(TOKENS.map((t) => [t, {}])) });
    h = await startHarness({
      tokens: TOKENS,
      apiKey: KEY,
      overrides: {
        app: { api_keys: [KEY, OTHER_KEY] },
        metrics: { enabled: true, token: METRICS_TOKEN },
        admin: { username: 'admin', password: ADMIN_PASSWORD },
        // (The harness's overrides are per section: this one must name the simulator again.)
        grok: { base_url: sim.baseUrl, assets_url: sim.assetsUrl, ws_url: sim.wsUrl, cf_clearance: CF_CLEARANCE },
        chat: { stream_idle_timeout: 1 },
        log: { level: 'debug', requests: true },
      },
    }, sim);
  });
  after(async () => {
    await h.close();
    await sim.close();
  });

  async function call(path: string, init: RequestInit = {}): Promise<void> {
    const res = await fetch(`${h.baseURL.replace('/v1', '')}${path}`, init);
    seen.push(`${res.status} ${JSON.stringify([...res.headers])} ${await res.text()}`);
  }
  const chat = (content: string, stream: boolean, key = KEY): Promise<void> =>
    call('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: 'grok-chat-fast', stream, messages: [{ role: 'user', content }] }),
    });

  void it('a representative run leaks nothing', async () => {
    await chat('hello', false);
    await chat('hello', true);
    await chat('hello', false, OTHER_KEY);
    for (const fault of ['status=500', 'status=502', 'status=403-html', 'cut', 'stall=3000', 'malformed', 'inband-error=other']) {
      await chat(`[sim:${fault}] [sim:no-thinking]`, false);
      await chat(`[sim:${fault}] [sim:no-thinking]`, true);
    }
    // These change account states (invalid, cooling): one account each.
    for (const fault of ['status=401', 'status=403-blocked', 'status=429', 'inband-error']) await chat(`[sim:${fault}] [sim:no-thinking]`, false);
    // Wrong credentials, close to the real ones, in every place a client may put them.
    await chat('x', false, `${KEY}x`);
    await chat('x', false, KEY.slice(0, -1));
    await call('/v1/models', { headers: { 'x-api-key': `${OTHER_KEY}-wrong` } });
    await call('/v1/models', { headers: { authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}` } });
    await call('/v1/models/grok-chat-fast', { headers: { authorization: `Bearer ${KEY}` } });
    await call('/metrics');
    await call('/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}-wrong` } });
    await call('/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    await call('/ready');
    await call('/health');
    await call('/api/accounts', { headers: { authorization: `Bearer ${KEY}` } });
    await new Promise((r) => setTimeout(r, 300)); // last log lines (written when sockets close)
    // The upstream really got the secrets (so the run exercised them), as cookies only.
    const chats = sim.requests.filter((r) => r.path === '/rest/app-chat/conversations/new' || r.path.startsWith('/ws/mgw/') || r.path === '/api/auth/session');
    assert.ok(chats.length >= 20, `${chats.length} upstream chat calls`);
    assert.ok(chats.every((r) => String(r.headers.cookie).includes(`cf_clearance=${CF_CLEARANCE}`)));

    const logs = h.logs.join('');
    assert.ok(h.logs.length > 20, `the run was logged (${h.logs.length} lines)`);
    // The check can see a token if one is logged: masked forms are there.
    assert.ok(logs.includes(maskToken(TOKENS[0] ?? '')), 'accounts appear masked in the log');
    for (const secret of SECRETS) {
      for (const line of h.logs) assert.ok(!line.includes(secret), `log line contains ${maskToken(secret)}: ${line.slice(0, 300)}`);
      for (const out of seen) assert.ok(!out.includes(secret), `a response contains ${maskToken(secret)}: ${out.slice(0, 300)}`);
    }
  });
});
