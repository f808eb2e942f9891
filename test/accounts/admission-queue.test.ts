// Admission control on a real pool: requests wait for a free slot instead of failing, in FIFO
// order per key and round-robin between keys, bounded by queue_max and queue_timeout.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AccountPool, type PoolSettings } from '../../src/accounts/index.js';
import { AdmissionQueue, tagAdmissionClient, type AdmissionSettings } from '../../src/accounts/admission-queue.js';
import type { AccountLease, LeaseResult } from '../../src/accounts/account-source.js';
import { newAccountRecord } from '../../src/accounts/pool-account.js';
import { Cancellation } from '../../src/grok/cancellation.js';

function setup(admission: Partial<AdmissionSettings> = {}, maxInflight = 1) {
  const s: PoolSettings = { maxInflight, invalidAfter: 1, preferHigherTier: false };
  const a: AdmissionSettings = { timeoutMs: 5_000, max: 100, ...admission };
  const ref: { queue?: AdmissionQueue } = {};
  const pool = new AccountPool(() => s, { onRelease: () => ref.queue?.wake() });
  const queue = new AdmissionQueue((r) => pool.lease(r), () => a);
  ref.queue = queue;
  pool.upsertRecord(newAccountRecord('token-admission-0001', 'super', Date.now()));
  return { pool, queue };
}

function forClient(client: string): Cancellation {
  const c = new Cancellation();
  tagAdmissionClient(c, client);
  return c;
}

const req = (signal?: Cancellation) => ({ tier: 'basic' as const, bucket: 'fast', exclude: new Set<string>(), ...(signal ? { signal } : {}) });

function leaseOf(r: LeaseResult): AccountLease {
  assert.ok(r.ok, `expected a lease, got ${JSON.stringify(r)}`);
  return r.lease;
}

void describe('AdmissionQueue', () => {
  void it('the pool says busy (not exhausted) when the only account is at max_inflight', async () => {
    const { pool } = setup();
    const held = leaseOf(await pool.lease(req()));
    const second = await pool.lease(req());
    assert.deepEqual(second, { ok: false, reason: 'busy' });
    held.release({ ok: true });
  });

  void it('a waiting request gets the slot the moment a lease is released', async () => {
    const { queue } = setup();
    const held = leaseOf(await queue.lease(req()));
    const waiting = queue.lease(req());
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(queue.depth, 1);
    const t0 = Date.now();
    held.release({ ok: true });
    const got = leaseOf(await waiting);
    assert.ok(Date.now() - t0 < 100, 'served on release, not on the next poll');
    assert.equal(queue.depth, 0);
    assert.equal(queue.stats.served, 1);
    got.release({ ok: true });
  });

  void it('serves keys round-robin, each key first come first served', async () => {
    const { queue } = setup();
    const held = leaseOf(await queue.lease(req()));
    const order: string[] = [];
    // Each served request holds the only slot briefly, then frees it for the next waiter.
    const wait = (client: string, n: number) =>
      queue.lease(req(forClient(client))).then((r) => {
        order.push(`${client}${n}`);
        setTimeout(() => leaseOf(r).release({ ok: true }), 2);
      });
    // Key a bursts three requests before key b's single one arrives.
    const pending = [wait('a', 1), wait('a', 2), wait('a', 3)];
    await new Promise((r) => setTimeout(r, 5));
    pending.push(wait('b', 1));
    await new Promise((r) => setTimeout(r, 5));
    held.release({ ok: true });
    await Promise.all(pending);
    assert.deepEqual(order, ['a1', 'b1', 'a2', 'a3']);
  });

  void it('answers busy with a Retry-After when the wait runs out, and at once when the queue is full', async () => {
    const { queue } = setup({ timeoutMs: 60, max: 1 });
    const held = leaseOf(await queue.lease(req()));
    const t0 = Date.now();
    const waiting = queue.lease(req());
    const full = await queue.lease(req());
    assert.equal(full.ok, false);
    assert.ok(!full.ok && full.reason === 'busy' && full.retryAfterSeconds !== undefined && full.retryAfterSeconds >= 1);
    assert.ok(Date.now() - t0 < 40, 'a full queue refuses at once');
    const timedOut = await waiting;
    assert.ok(!timedOut.ok && timedOut.reason === 'busy');
    assert.ok(Date.now() - t0 >= 55, 'waited for the timeout');
    assert.equal(queue.depth, 0);
    assert.deepEqual([queue.stats.timedOut, queue.stats.rejectedFull], [1, 1]);
    held.release({ ok: true });
  });

  void it('queue_timeout 0 never waits', async () => {
    const { queue } = setup({ timeoutMs: 0 });
    const held = leaseOf(await queue.lease(req()));
    const r = await queue.lease(req());
    assert.ok(!r.ok && r.reason === 'busy');
    held.release({ ok: true });
  });

  void it('a client that goes away leaves the queue, and its place goes to the next', async () => {
    const { queue } = setup();
    const held = leaseOf(await queue.lease(req()));
    const gone = forClient('x');
    const first = queue.lease(req(gone));
    const second = queue.lease(req(forClient('y')));
    await new Promise((r) => setTimeout(r, 5));
    gone.abort();
    const r1 = await first;
    assert.equal(r1.ok, false);
    assert.equal(queue.depth, 1);
    held.release({ ok: true });
    leaseOf(await second).release({ ok: true });
  });

  void it('a request that cannot be served at all is not queued', async () => {
    const { queue } = setup();
    const r = await queue.lease({ tier: 'heavy', bucket: 'heavy', exclude: new Set() });
    assert.ok(!r.ok && r.reason === 'exhausted');
    assert.equal(queue.stats.queued, 0);
  });
});
