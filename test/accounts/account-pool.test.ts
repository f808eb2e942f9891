// Selection, quotas and the account's fate per failure kind, with a controllable clock.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AccountPool, type PoolSettings } from '../../src/accounts/index.js';
import { newAccountRecord } from '../../src/accounts/pool-account.js';
import { GrokUpstreamError, type FailureKind } from '../../src/grok/errors.js';
import type { AccountTier } from '../../src/accounts/index.js';

function setup(settings: Partial<PoolSettings> = {}) {
  let now = 1_000_000;
  const s: PoolSettings = { maxInflight: 8, invalidAfter: 1, preferHigherTier: false, ...settings };
  const pool = new AccountPool(() => s, {}, undefined, () => now);
  const add = (token: string, tier: AccountTier = 'super') => pool.upsertRecord(newAccountRecord(token, tier, now)).rec.id;
  return { pool, add, advance: (ms: number) => (now += ms), now: () => now };
}

const err = (kind: FailureKind, status: number, retryAfterSeconds?: number) =>
  new GrokUpstreamError({ kind, status, message: kind, retryAfterSeconds });

const req = (tier: AccountTier = 'basic', bucket = 'fast', exclude: string[] = []) => ({ tier, bucket, exclude: new Set(exclude) });

async function leaseId(pool: AccountPool, r = req()): Promise<string | undefined> {
  const l = await pool.lease(r);
  if (!l.ok) return undefined;
  l.lease.release({ ok: true });
  return l.lease.accountId;
}

void describe('AccountPool selection', () => {
  void it('rotates least recently used first', async () => {
    const { pool, add } = setup();
    const ids = [add('token-aaaaaaaa-1'), add('token-aaaaaaaa-2'), add('token-aaaaaaaa-3')];
    const got = [];
    for (let i = 0; i < 6; i++) got.push(await leaseId(pool));
    assert.deepEqual(got, [...ids, ...ids]);
  });

  void it('never leases an excluded account, and honours the minimum tier', async () => {
    const { pool, add } = setup();
    const basic = add('token-basic-0001', 'basic');
    const sup = add('token-super-0001', 'super');
    assert.equal(await leaseId(pool, req('super', 'fast')), sup);
    assert.equal(await leaseId(pool, req('super', 'fast', [sup])), undefined);
    assert.equal(await leaseId(pool, req('basic', 'fast', [basic])), sup, 'a higher tier may serve a lower model');
    assert.equal(await leaseId(pool, req('basic', 'fast')), basic, 'lower tiers first by default');
  });

  void it('prefer_higher_tier flips the order', async () => {
    const { pool, add } = setup({ preferHigherTier: true });
    add('token-basic-0001', 'basic');
    const heavy = add('token-heavy-0001', 'heavy');
    assert.equal(await leaseId(pool, req('basic', 'fast')), heavy);
  });

  void it('caps in-flight calls per account', async () => {
    const { pool, add } = setup({ maxInflight: 2 });
    add('token-only-00001');
    const a = await pool.lease(req('super'));
    const b = await pool.lease(req('super'));
    const c = await pool.lease(req('super'));
    assert.ok(a.ok && b.ok);
    assert.equal(c.ok, false);
    if (a.ok) a.lease.release({ ok: true });
    assert.equal((await pool.lease(req('super'))).ok, true);
  });

  void it('a basic account cannot serve a bucket its tier lacks', async () => {
    const { pool, add } = setup();
    add('token-basic-0001', 'basic');
    assert.equal(await leaseId(pool, req('basic', 'auto')), undefined);
  });
});

void describe('AccountPool quotas and failures', () => {
  void it('decrements the local ledger; an empty bucket parks the account until its window resets', async () => {
    const { pool, add, advance } = setup();
    const id = add('token-basic-0001', 'basic'); // basic fast: 30 per 24 h
    for (let i = 0; i < 30; i++) assert.equal(await leaseId(pool), id);
    const none = await pool.lease(req());
    assert.equal(none.ok, false);
    assert.equal(!none.ok && none.reason, 'cooling');
    assert.ok(!none.ok && (none.retryAfterSeconds ?? 0) > 80_000);
    advance(86_400_000 + 1);
    assert.equal(await leaseId(pool), id, 'back after the window');
    assert.equal(pool.get(id)?.rec.quotas.fast?.remaining, 29);
  });

  void it('401 invalidates (invalid_after = 1); blocked invalidates; neither is leased again', async () => {
    const { pool, add } = setup();
    const a = add('token-dead-00001');
    const b = add('token-blocked-01');
    const c = add('token-good-00001');
    for (const [id, e] of [[a, err('invalid-credential', 401)], [b, err('blocked-account', 403)]] as const) {
      const l = await pool.lease(req('super', 'fast', [a, b, c].filter((x) => x !== id)));
      assert.ok(l.ok);
      l.lease.release({ ok: false, error: e });
    }
    assert.equal(pool.get(a)?.rec.status, 'invalid');
    assert.equal(pool.get(b)?.rec.status, 'invalid');
    for (let i = 0; i < 5; i++) assert.equal(await leaseId(pool, req('super')), c);
    assert.deepEqual(pool.summary(), { total: 3, active: 1, cooling: 0, invalid: 2, disabled: 0 });
  });

  void it('invalid_after = 2 tolerates one credential failure; a success resets the count', async () => {
    const { pool, add } = setup({ invalidAfter: 2 });
    const id = add('token-flaky-0001');
    const fail = async () => {
      const l = await pool.lease(req('super'));
      assert.ok(l.ok);
      l.lease.release({ ok: false, error: err('invalid-credential', 401) });
    };
    await fail();
    assert.equal(pool.get(id)?.rec.status, 'active');
    await leaseId(pool, req('super'));
    await fail();
    assert.equal(pool.get(id)?.rec.status, 'active');
    await fail();
    assert.equal(pool.get(id)?.rec.status, 'invalid');
  });

  void it('429 cools only that bucket until Retry-After, then the account returns by itself', async () => {
    const { pool, add, advance } = setup();
    const id = add('token-busy-00001');
    const l = await pool.lease(req('super', 'fast'));
    assert.ok(l.ok);
    l.lease.release({ ok: false, error: err('rate-limited', 429, 30) });
    assert.equal(pool.get(id)?.rec.status, 'cooling');
    const r = await pool.lease(req('super', 'fast'));
    assert.equal(!r.ok && r.reason, 'cooling');
    assert.equal(!r.ok && r.retryAfterSeconds, 30);
    assert.equal(await leaseId(pool, req('super', 'auto')), id, 'other buckets still serve');
    advance(30_001);
    assert.equal(await leaseId(pool, req('super', 'fast')), id);
    assert.equal(pool.summary().active, 1);
  });

  void it('anti-bot, transport and 5xx failures leave the account untouched', async () => {
    const { pool, add } = setup();
    const id = add('token-okay-00001');
    for (const e of [err('anti-bot', 403), err('transport', 0), err('upstream-5xx', 502), err('timeout', 0)]) {
      const l = await pool.lease(req('super'));
      assert.ok(l.ok);
      l.lease.release({ ok: false, error: e });
      assert.equal(pool.get(id)?.rec.status, 'active');
    }
    assert.equal(pool.get(id)?.rec.failures, 4);
  });

  void it('disabled and removed accounts are never leased', async () => {
    const { pool, add } = setup();
    const a = add('token-aaaaaaaa-1');
    const b = add('token-aaaaaaaa-2');
    const acc = pool.get(a);
    assert.ok(acc);
    acc.rec.status = 'disabled';
    pool.changed(acc);
    pool.remove(b);
    assert.equal(await leaseId(pool, req('super')), undefined);
  });
});
