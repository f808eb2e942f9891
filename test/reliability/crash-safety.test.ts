// kill -9 under load, three times over: accounts.json is always whole and valid JSON, every call
// completed more than (flush interval + 1 s + one file write) before the kill is in it, accounts
// invalidated before then stay invalid, and the gateway restarts on the same data without
// duplicating anything.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accountIdFor } from '../../src/accounts/index.js';
import { startFakeGrok, type FakeGrok } from '../fake-grok/index.js';
import { exitWithin, startGatewayProcess, type GatewayProcess } from './gateway-process.js';

const KEY = 'sk-crash-test-key-000001';
// ~250 KB of accounts.json: writes take a few ms to tens of ms (a kill can land in one). Much larger
// files take long enough to write under CPU contention that the store stretches the gap between
// writes (4x the write time), which would widen the window this test allows.
const ACCOUNTS = 400;
const BAD = 20; // answer 401: invalidated under load (account state changes, not only counters)
const FLUSH_S = 0.2;
const tokens = Array.from({ length: ACCOUNTS }, (_, i) => `sso-crash-${String(i).padStart(5, '0')}-token-x`);
const badTokens = new Set(tokens.slice(0, BAD));

interface Saved {
  version: number;
  accounts: Array<{ id: string; status: string; calls: number }>;
}

function readSaved(dataDir: string): Saved {
  const text = readFileSync(join(dataDir, 'accounts.json'), 'utf8');
  return JSON.parse(text) as Saved; // throws on a torn or half-written file
}

const sumCalls = (s: Saved): number => s.accounts.reduce((n, a) => n + a.calls, 0);
const strays = (dir: string): string[] => readdirSync(dir).filter((f) => f.startsWith('accounts.json') && f !== 'accounts.json');

void describe('crash safety: kill -9 under load (file store)', () => {
  let sim: FakeGrok;
  let dataDir: string;
  before(async () => {
    sim = await startFakeGrok({
      tokenDelayMs: 0,
      acceptAnyToken: true,
      maxRecordedRequests: 100_000,
      tokens: Object.fromEntries([...badTokens].map((t) => [t, { status: 401 }])),
      defaultQuota: { remaining: 100_000, total: 100_000, windowSeconds: 7200 },
    });
    dataDir = mkdtempSync(join(tmpdir(), 'g2a-crash-'));
  });
  after(async () => {
    await sim.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  void it('survives three kills mid-load without losing acknowledged state', async () => {
    const env = {
      DATA_DIR: dataDir,
      GROK2API_GROK_BASE_URL: sim.baseUrl,
      GROK2API_GROK_ASSETS_URL: sim.assetsUrl,
      GROK2API_SSO_TOKENS: tokens.map((t) => `${t} super`).join(','),
      GROK2API_APP_API_KEYS: KEY,
      GROK2API_ACCOUNTS_SYNC_ON_IMPORT: 'false',
      GROK2API_ACCOUNTS_FLUSH_INTERVAL: String(FLUSH_S),
      GROK2API_RETRY_BACKOFF_BASE: '0.01',
      GROK2API_RETRY_BACKOFF_MAX: '0.02',
      GROK2API_LOG_LEVEL: 'warn',
    };
    let baseline = 0;
    for (let cycle = 0; cycle < 3; cycle++) {
      const gp: GatewayProcess = await startGatewayProcess(env);
      try {
        if (cycle > 0) {
          const ready = await fetch(`${gp.url}/ready`);
          assert.equal(ready.status, 200, await ready.text());
        }
        sim.clearRequests();
        const completions: number[] = [];
        let stop = false;
        const worker = async (w: number): Promise<void> => {
          for (let i = 0; !stop; i++) {
            const res = await fetch(`${gp.url}/v1/chat/completions`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
              body: JSON.stringify({ model: 'grok-chat-fast', messages: [{ role: 'user', content: `c${cycle} w${w} #${i}` }] }),
            }).catch(() => undefined);
            if (!res) return; // the process is gone
            const text = await res.text().catch(() => '');
            if (res.status === 200) assert.match(text, new RegExp(`Echo: c${cycle} w${w} #${i}`));
            else assert.ok([502, 503].includes(res.status), `${res.status} ${text}`);
            completions.push(Date.now());
          }
        };
        const workers = Array.from({ length: 12 }, (_, w) => worker(w));
        // Once load is flowing, kill at a moment that differs per cycle, with requests (and writes)
        // in flight. Waiting for completions first keeps the test meaningful on a busy machine.
        for (const end = Date.now() + 30_000; completions.length < 40 && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
        await new Promise((r) => setTimeout(r, FLUSH_S * 1000 + 1500 + 300 + cycle * 170));
        const killedAt = Date.now();
        gp.child.kill('SIGKILL');
        stop = true;
        assert.equal(await exitWithin(gp, 10_000), 'SIGKILL');
        await Promise.all(workers);

        const saved = readSaved(dataDir);
        assert.equal(saved.version, 1);
        assert.equal(saved.accounts.length, ACCOUNTS, 'every account, once');
        assert.equal(new Set(saved.accounts.map((a) => a.id)).size, ACCOUNTS);
        // Write-behind every FLUSH_S to the store, which writes the file at most once a second;
        // a write in progress at the kill is lost as a whole (atomic rename), so allow one write time.
        const cutoff = killedAt - (FLUSH_S * 1000 + 1000 + 500);
        const acknowledged = completions.filter((t) => t < cutoff).length;
        assert.ok(acknowledged >= 40, `load really ran (${acknowledged} calls before the cutoff, ${completions.length} in all)`);
        const persisted = sumCalls(saved) - baseline;
        assert.ok(persisted >= acknowledged, `cycle ${cycle}: ${persisted} calls persisted < ${acknowledged} acknowledged before the cutoff`);
        // A bad account the gateway met (and so invalidated) before the cutoff is invalid on disk.
        const byId = new Map(saved.accounts.map((a) => [a.id, a]));
        const metEarly = new Set(sim.requests.filter((r) => r.token && badTokens.has(r.token) && r.at < cutoff - 200).map((r) => r.token ?? ''));
        for (const t of metEarly) assert.equal(byId.get(accountIdFor(t))?.status, 'invalid', `${t} met at least 200 ms before the cutoff`);
        // At most the temp file of the write the kill interrupted (the next start removes it).
        assert.ok(strays(dataDir).length <= 1, strays(dataDir).join(', '));
        baseline = sumCalls(saved);
      } finally {
        gp.child.kill('SIGKILL');
      }
    }
    // A clean restart after the last kill: same accounts, no duplicates, serving.
    const gp = await startGatewayProcess(env);
    try {
      const res = await fetch(`${gp.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
        body: JSON.stringify({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'after the crashes' }] }),
      });
      assert.equal(res.status, 200, await res.text());
      gp.child.kill('SIGTERM');
      assert.equal(await exitWithin(gp, 15_000), 0);
      const saved = readSaved(dataDir);
      assert.equal(saved.accounts.length, ACCOUNTS);
      assert.ok(sumCalls(saved) >= baseline + 1);
      assert.deepEqual(strays(dataDir), []);
    } finally {
      gp.child.kill('SIGKILL');
    }
  });
});
