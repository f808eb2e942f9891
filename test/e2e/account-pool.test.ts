// The pool's promises end to end, on every storage driver: requests succeed on the good account
// while 401 / blocked accounts are invalidated for good and a rate-limited one cools and comes
// back by itself; a restart keeps all of it.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accountIdFor } from '../../src/accounts/index.js';
import { startFakeGrok, userIdFor } from '../fake-grok/index.js';
import { chatCalls, startHarness, type Harness } from './harness.js';

const DEAD = 'sso-dead-0000000000001';
const BLOCKED = 'sso-blocked-000000002';
const LIMITED = 'sso-limited-000000003';
const GOOD = 'sso-good-0000000000004';

const MODES = [
  { mode: 'file', url: '' },
  { mode: 'redis', url: 'redis://127.0.0.1:6379/0' },
  { mode: 'mysql', url: 'mysql://root@127.0.0.1:3306/test' },
] as const;

for (const { mode, url } of MODES) {
  void describe(`account pool on the ${mode} store`, () => {
    const dataDir = mkdtempSync(join(tmpdir(), `g2a-pool-${mode}-`));
    const prefix = `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    after(() => rmSync(dataDir, { recursive: true, force: true }));

    void it('serves every request, invalidates dead accounts, cools the limited one, and keeps it across a restart', async () => {
      const sim = await startFakeGrok({
        tokenDelayMs: 0,
        // Windows like a basic account's, so a quota sync after the 429 infers the tier "basic".
        defaultQuota: { remaining: 30, total: 30, windowSeconds: 86_400 },
        tokens: {
          [DEAD]: { status: 401 },
          [BLOCKED]: { status: 403, variant: 'blocked' },
          // An empty window that refills 4 s after first use: the simulator answers 429 until then
          // (long enough for the restart below to happen inside it on a busy machine).
          [LIMITED]: { quota: { fast: { remaining: 0, total: 5, windowSeconds: 4 } } },
          [GOOD]: {},
        },
      });
      const opts = {
        tokens: [DEAD, BLOCKED, LIMITED, GOOD],
        dataDir,
        overrides: { storage: { mode, url, key_prefix: prefix }, retry: { max_attempts: 4, backoff_base: 0.01, backoff_max: 0.02 } },
      };
      let running: Harness | undefined;
      try {
        let h = await startHarness(opts, sim);
        running = h;
        for (let i = 0; i < 8; i++) {
          const res = await h.openai.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: `q${i}` }] });
          assert.equal(res.choices[0]?.message.content, `Echo: q${i}`);
        }
        const status = (t: string) => {
          h.gw.accounts.summary(); // refreshes cooling → active where the time has passed
          return h.gw.accounts.pool.get(accountIdFor(t))?.rec.status;
        };
        assert.equal(status(DEAD), 'invalid');
        assert.equal(status(BLOCKED), 'invalid');
        assert.equal(status(LIMITED), 'cooling');
        assert.equal(status(GOOD), 'active');
        const chats = () => chatCalls(h);
        // Attempts per account: on mgw a dead or blocked session is met at the session lookup, before any chat call.
        const attempts = (t: string) => Math.max(chats().filter((r) => r.token === t).length, sim.requests.filter((r) => r.path === '/api/auth/session' && r.token === t).length);
        assert.equal(attempts(DEAD), 1);
        assert.equal(attempts(BLOCKED), 1);
        assert.equal(attempts(LIMITED), 1, 'a cooling account is not picked again');
        await h.close();
        running = undefined;

        // Restart on the same store: the states survive, and seeding does not duplicate tokens.
        h = await startHarness(opts, sim);
        running = h;
        const status2 = (t: string) => {
          h.gw.accounts.summary();
          return h.gw.accounts.pool.get(accountIdFor(t))?.rec.status;
        };
        assert.equal(h.gw.accounts.pool.size, 4);
        assert.equal(status2(DEAD), 'invalid');
        assert.equal(status2(BLOCKED), 'invalid');
        assert.equal(status2(LIMITED), 'cooling');
        assert.equal(h.gw.accounts.pool.get(accountIdFor(GOOD))?.rec.calls, 8, 'counters persisted');
        // The mgw socket address looked up from /api/auth/session is cached on the account record.
        assert.equal(h.gw.accounts.pool.get(accountIdFor(GOOD))?.rec.userId, userIdFor(GOOD), 'user id persisted');
        const lookups = () => sim.requests.filter((r) => r.path === '/api/auth/session' && r.token === GOOD).length;

        // The window passes: the limited account comes back by itself and serves again.
        await new Promise((r) => setTimeout(r, 4200));
        sim.clearRequests();
        for (let i = 0; i < 4; i++) {
          const res = await h.openai.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: `r${i}` }] });
          assert.equal(res.choices[0]?.message.content, `Echo: r${i}`);
        }
        assert.equal(status2(LIMITED), 'active');
        assert.equal(lookups(), 0, 'no new session lookup for an account whose user id is cached');
        assert.ok(chats().some((r) => r.token === LIMITED));
        assert.ok(!chats().some((r) => r.token === DEAD || r.token === BLOCKED), 'invalid accounts never leased again');
        await h.close();
        running = undefined;
      } finally {
        // A failed assertion must not leave a gateway running (the test process would never exit).
        await running?.close();
        await sim.close();
      }
    });
  });
}
