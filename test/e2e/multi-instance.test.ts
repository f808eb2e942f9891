// Two gateway PROCESSES on one Redis (and one MySQL) share the pool: their leases together never
// exceed an account's in-flight cap, and an account invalidated by one is skipped by the other.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeGrok, type FakeGrok } from '../fake-grok/index.js';
import { startTempGatewayProcess } from '../reliability/gateway-process.js';

const KEY = 'sk-multi-instance-000001';
const TOKEN = 'sso-shared-000000000001';
const DEAD = 'sso-shared-dead-0000002';

function chat(url: string, content: string, stream: boolean): Promise<number> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ model: 'grok-chat-fast', stream, messages: [{ role: 'user', content }] }),
  }).then(async (r) => {
    await r.text();
    return r.status;
  });
}

for (const { mode, url } of [
  { mode: 'redis', url: 'redis://127.0.0.1:6379/0' },
  { mode: 'mysql', url: 'mysql://root@127.0.0.1:3306/test' },
]) {
  void describe(`two gateway processes on ${mode}`, () => {
    let sim: FakeGrok;
    const gws: Array<Awaited<ReturnType<typeof startTempGatewayProcess>>> = [];
    before(async () => {
      sim = await startFakeGrok({ tokenDelayMs: 0, defaultQuota: { remaining: 1e6, total: 1e6, windowSeconds: 7200 }, tokens: { [TOKEN]: {}, [DEAD]: {} } });
      const prefix = `m${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
      const env = {
        GROK2API_GROK_BASE_URL: sim.baseUrl,
        GROK2API_GROK_ASSETS_URL: sim.assetsUrl,
        GROK2API_SSO_TOKENS: `${TOKEN},${DEAD}`,
        GROK2API_APP_API_KEYS: KEY,
        GROK2API_STORAGE_MODE: mode,
        GROK2API_STORAGE_URL: url,
        GROK2API_STORAGE_KEY_PREFIX: prefix,
        GROK2API_ACCOUNTS_MAX_INFLIGHT: '2',
        GROK2API_ACCOUNTS_SYNC_ON_IMPORT: 'false',
        GROK2API_ACCOUNTS_FLUSH_INTERVAL: '0.2',
        GROK2API_ACCOUNTS_POLL_INTERVAL: '0.5',
        GROK2API_RETRY_MAX_ATTEMPTS: '1',
      };
      gws.push(await startTempGatewayProcess(env));
      gws.push(await startTempGatewayProcess(env));
    });
    after(async () => {
      await Promise.all(gws.map((g) => g.stop()));
      await sim.close();
    });

    void it('never leases one account beyond its in-flight cap across both instances', async () => {
      // Make the dead account fail first on instance A, so only TOKEN remains usable.
      sim.setToken(DEAD, { status: 401 });
      let deadSeen = false;
      for (let i = 0; i < 4 && !deadSeen; i++) {
        await chat(gws[0]?.url ?? '', `warm ${i}`, false);
        deadSeen = sim.requests.some((r) => r.token === DEAD);
      }
      assert.ok(deadSeen, 'instance A met the dead account');
      // Instance B learns about it through the store within ~2 s.
      await new Promise((r) => setTimeout(r, 2000));
      sim.clearRequests();
      let peak = 0;
      const sampler = setInterval(() => (peak = Math.max(peak, sim.openStreams())), 5);
      const statuses = await Promise.all(
        Array.from({ length: 12 }, (_, i) => chat(gws[i % 2]?.url ?? '', `long ${i} [sim:tokens=40] [sim:delay=15]`, true)),
      );
      clearInterval(sampler);
      assert.ok(peak <= 2, `upstream saw ${peak} concurrent streams on one account (cap 2)`);
      assert.equal(peak, 2, "the cap is reached (both instances serve), not exceeded");
      assert.ok(statuses.filter((s) => s === 200).length >= 2, `statuses ${statuses.join(',')}`);
      assert.ok(!sim.requests.some((r) => r.token === DEAD), 'instance B skipped the account A invalidated');
    });
  });
}
