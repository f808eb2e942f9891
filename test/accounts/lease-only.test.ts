// LeaseRequest.only: a continued conversation leases its own account or nothing (never another).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AccountPool, type PoolSettings } from '../../src/accounts/index.js';
import { newAccountRecord } from '../../src/accounts/pool-account.js';
import { GrokUpstreamError } from '../../src/grok/errors.js';
import type { AccountTier } from '../../src/accounts/index.js';

function setup(settings: Partial<PoolSettings> = {}) {
  const now = 1_000_000;
  const s: PoolSettings = { maxInflight: 8, invalidAfter: 1, preferHigherTier: false, ...settings };
  const pool = new AccountPool(() => s, {}, undefined, () => now);
  const add = (token: string, tier: AccountTier = 'super') => pool.upsertRecord(newAccountRecord(token, tier, now)).rec.id;
  return { pool, add };
}

const only = (id: string, tier: AccountTier = 'basic') => ({ tier, bucket: 'fast', exclude: new Set<string>(), only: id });

void describe('AccountPool lease with `only`', () => {
  void it('leases exactly the named account, even when another one is next in rotation', async () => {
    const { pool, add } = setup();
    add('token-only-first-1');
    const b = add('token-only-second');
    for (let i = 0; i < 3; i++) {
      const l = await pool.lease(only(b));
      assert.ok(l.ok);
      assert.equal(l.lease.accountId, b);
      l.lease.release({ ok: true });
    }
  });

  void it('gives nothing (not another account) when the named one is unknown, cooling, busy or below the tier', async () => {
    const { pool, add } = setup({ maxInflight: 1 });
    const a = add('token-only-aaaa-1', 'basic');
    add('token-only-bbbb-2', 'heavy');
    assert.equal((await pool.lease(only('no-such-account'))).ok, false);
    assert.equal((await pool.lease(only(a, 'super'))).ok, false, 'below the tier');
    const held = await pool.lease(only(a));
    assert.ok(held.ok);
    assert.equal((await pool.lease(only(a))).ok, false, 'at max_inflight');
    held.lease.release({ ok: false, error: new GrokUpstreamError({ kind: 'rate-limited', status: 429, message: 'x', retryAfterSeconds: 30 }) });
    const cooling = await pool.lease(only(a));
    assert.equal(!cooling.ok && cooling.reason, 'cooling', 'cooling, while another account could serve');
    assert.equal(!cooling.ok && cooling.retryAfterSeconds, 30);
    const gone = await pool.lease(only('no-such-account'));
    assert.equal(!gone.ok && gone.reason, 'exhausted');
  });
});
