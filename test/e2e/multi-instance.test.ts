// Two gateway PROCESSES on one Redis (and one MySQL) share the pool: their leases together never
// exceed an account's in-flight cap, and an account invalidated by one is skipped by the other.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeGrok, type FakeGrok } from '../fake-grok/index.js';

const KEY = 'sk-multi-instance-000001';
const TOKEN = 'sso-shared-000000000001';
const DEAD = 'sso-shared-dead-0000002';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

async function startGatewayProcess(env: Record<string, string>): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'g2a-multi-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, GROK2API_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited early: ${stderr}`);
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`gateway did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

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
    const gws: Array<Awaited<ReturnType<typeof startGatewayProcess>>> = [];
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
      gws.push(await startGatewayProcess(env));
      gws.push(await startGatewayProcess(env));
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
