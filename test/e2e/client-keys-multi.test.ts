// Client keys across two gateway PROCESSES sharing Redis (and MySQL): a key made on one works on
// the other at once, its per-minute limit holds over both together (the store counts atomically),
// and disabling it on one is refused by the other on the very next request.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startFakeGrok, type FakeGrok } from '../fake-grok/index.js';
import { startTempGatewayProcess } from '../reliability/gateway-process.js';

const STATIC_KEY = 'sk-multi-static-0000001';
const TOKEN = 'sso-keys-multi-00000001';
const PASSWORD = 'multi-admin-password-1';

async function adminSession(url: string): Promise<(method: string, path: string, body?: unknown) => Promise<Response>> {
  const login = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
  assert.equal(login.status, 200, await login.clone().text());
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return (method, path, body) =>
    fetch(`${url}/api${path}`, { method, headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

for (const { mode, url } of [
  { mode: 'redis', url: 'redis://127.0.0.1:6379/0' },
  { mode: 'mysql', url: 'mysql://root@127.0.0.1:3306/test' },
]) {
  void describe(`client keys on two gateway processes sharing ${mode}`, () => {
    let sim: FakeGrok;
    const gws: Array<Awaited<ReturnType<typeof startTempGatewayProcess>>> = [];
    before(async () => {
      sim = await startFakeGrok({ tokenDelayMs: 0, defaultQuota: { remaining: 1e6, total: 1e6, windowSeconds: 7200 }, tokens: { [TOKEN]: {} } });
      const prefix = `k${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
      const env = {
        GROK2API_GROK_BASE_URL: sim.baseUrl,
        GROK2API_GROK_ASSETS_URL: sim.assetsUrl,
        GROK2API_SSO_TOKENS: `${TOKEN} heavy`,
        GROK2API_APP_API_KEYS: STATIC_KEY,
        GROK2API_ADMIN_PASSWORD: PASSWORD,
        GROK2API_STORAGE_MODE: mode,
        GROK2API_STORAGE_URL: url,
        GROK2API_STORAGE_KEY_PREFIX: prefix,
        GROK2API_ACCOUNTS_SYNC_ON_IMPORT: 'false',
        GROK2API_ACCOUNTS_POLL_INTERVAL: '5',
      };
      gws.push(await startTempGatewayProcess(env));
      gws.push(await startTempGatewayProcess(env));
    });
    after(async () => {
      await Promise.all(gws.map((g) => g.stop()));
      await sim.close();
    });

    void it('counts one per-minute limit over both processes and sees a disable at once', async () => {
      const [a, b] = [gws[0]?.url ?? '', gws[1]?.url ?? ''];
      const admin = await adminSession(a);
      const res = await admin('POST', '/keys', { name: 'shared five', limits: { rpm: 5 } });
      assert.equal(res.status, 201);
      const created = (await res.json()) as { id: string; key: string };
      const clients = [a, b].map((u) => new OpenAI({ baseURL: `${u}/v1`, apiKey: created.key, maxRetries: 0 }));
      // Twelve requests at once, half on each process (B has never seen the key: it was just made on A).
      const outcomes = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          (clients[i % 2] as OpenAI).chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: `m${i}` }] }).then(
            () => 200,
            (e: unknown) => (e instanceof OpenAI.APIError ? (e.status ?? 0) : -1),
          ),
        ),
      );
      assert.equal(outcomes.filter((s) => s === 200).length, 5, `accepted exactly the limit: ${outcomes.join(',')}`);
      assert.equal(outcomes.filter((s) => s === 429).length, 7, outcomes.join(','));
      // Disabled on A: B (which polls key changes only every 5 s) refuses the very next request.
      const other = (await (await admin('POST', '/keys', { name: 'to disable' })).json()) as { id: string; key: string };
      const onB = new OpenAI({ baseURL: `${b}/v1`, apiKey: other.key, maxRetries: 0 });
      await onB.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'before' }] });
      assert.equal((await admin('PATCH', `/keys/${other.id}`, { enabled: false })).status, 200);
      const err = await onB.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'after' }] }).catch((e: unknown) => e);
      assert.ok(err instanceof OpenAI.AuthenticationError, String(err));
      assert.equal((err.error as { code?: string }).code, 'invalid_api_key');
    });
  });
}
