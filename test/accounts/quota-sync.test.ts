// QuotaSyncer: reads auto and fast (plus modes used since their last read), sets the tier from the
// totals (lowest implied tier wins, a pinned tier stays), and stores quota_info's media buckets on
// the record; a failed quota_info leaves the chat windows synced.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { AccountPool } from '../../src/accounts/account-pool.js';
import { newAccountRecord } from '../../src/accounts/pool-account.js';
import { QuotaSyncer, type RateLimitsClient } from '../../src/accounts/quota-sync.js';
import { GrokUpstreamError, type MediaQuotaSnapshot } from '../../src/grok/index.js';
import type { LockStore } from '../../src/store/index.js';

const NOW = 1_800_000_000_000;
const locks = { tryLock: async () => true } as unknown as LockStore;

function setup(totals: Record<string, number>, media: MediaQuotaSnapshot | null | Error = null, tier: 'basic' | 'super' | 'heavy' = 'basic') {
  const pool = new AccountPool(() => ({ maxInflight: 4, invalidAfter: 1, preferHigherTier: false }), {}, undefined, () => NOW);
  const acc = pool.upsertRecord(newAccountRecord('sso-quota-sync-token-01', tier, NOW));
  const asked: string[] = [];
  const client: RateLimitsClient = {
    rateLimits: async (_t, mode) => {
      asked.push(mode);
      const total = totals[mode];
      return total === undefined ? null : { remaining: Math.max(0, total - 1), total, windowSeconds: 7200 };
    },
    quotaInfo: async () => {
      asked.push('quota_info');
      if (media instanceof Error) throw media;
      return media;
    },
  };
  const syncer = new QuotaSyncer(pool, client, locks, { concurrency: 1, intervalBasicMs: 0, intervalSuperMs: 0, instanceId: 'i', logger: pino({ level: 'silent' }) }, () => NOW);
  return { acc, asked, syncer };
}

void describe('QuotaSyncer', () => {
  void it('reads only auto and fast, then quota_info; tier from the totals', async () => {
    const { acc, asked, syncer } = setup({ auto: 50, fast: 140, expert: 50 });
    const r = await syncer.syncAccount(acc);
    assert.equal(r.ok, true);
    assert.deepEqual(asked, ['auto', 'fast', 'quota_info']);
    assert.equal(acc.rec.tier, 'super');
    assert.equal(acc.rec.quotas.fast?.total, 140);
    assert.equal(acc.rec.quotas.auto?.total, 50);
  });

  void it('the lowest tier any window implies wins; unknown totals keep the tier; a pinned tier stays', async () => {
    const mixed = setup({ auto: 150, fast: 30 }, null, 'heavy');
    await mixed.syncer.syncAccount(mixed.acc);
    assert.equal(mixed.acc.rec.tier, 'basic');
    const unknown = setup({ auto: 999, fast: 999 }, null, 'super');
    await unknown.syncer.syncAccount(unknown.acc);
    assert.equal(unknown.acc.rec.tier, 'super');
    const pinned = setup({ auto: 20, fast: 30 }, null, 'heavy');
    pinned.acc.rec.tierPinned = true;
    await pinned.syncer.syncAccount(pinned.acc);
    assert.equal(pinned.acc.rec.tier, 'heavy');
  });

  void it('also re-reads a mode the account used since its last read (the mode just used)', async () => {
    const { acc, asked, syncer } = setup({ auto: 150, fast: 400, expert: 150, heavy: 20 }, null, 'heavy');
    const expert = acc.rec.quotas.expert;
    assert.ok(expert);
    expert.remaining = expert.total - 1;
    await syncer.syncAccount(acc);
    assert.deepEqual(asked, ['auto', 'fast', 'expert', 'quota_info']);
    assert.equal(acc.rec.quotas.expert?.syncedAt, NOW);
  });

  void it('stores the media buckets (unknown counts as -1) and reports them', async () => {
    const media: MediaQuotaSnapshot = {
      image_pro: { available: true, remaining: undefined, windowSeconds: 64_800, resetAt: NOW + 64_800_000 },
      image_edit: { available: true, remaining: 3, windowSeconds: 86_400, resetAt: NOW + 86_400_000 },
      video: { available: false, remaining: undefined, windowSeconds: undefined, resetAt: undefined },
      video_720p: { available: true, remaining: 0, windowSeconds: 86_400, resetAt: NOW + 1000 },
    };
    const { acc, syncer } = setup({ auto: 20, fast: 30 }, media);
    const r = await syncer.syncAccount(acc);
    assert.deepEqual(acc.rec.mediaQuotas?.image_pro, { available: true, remaining: -1, windowSeconds: 64_800, resetAt: NOW + 64_800_000, syncedAt: NOW });
    assert.deepEqual(acc.rec.mediaQuotas?.video, { available: false, remaining: -1, windowSeconds: 0, resetAt: 0, syncedAt: NOW });
    assert.equal(r.media?.image_edit?.remaining, 3);
  });

  void it('a quota_info failure leaves the windows synced and the last snapshot; a dead session fails the sync', async () => {
    const flaky = setup({ auto: 20, fast: 30 }, new GrokUpstreamError({ kind: 'upstream-5xx', status: 502, message: 'boom' }));
    flaky.acc.rec.mediaQuotas = { video: { available: true, remaining: 2, windowSeconds: 1, resetAt: 0, syncedAt: 1 } };
    const r = await flaky.syncer.syncAccount(flaky.acc);
    assert.equal(r.ok, true);
    assert.equal(r.media, undefined);
    assert.equal(flaky.acc.rec.mediaQuotas.video?.remaining, 2);
    const dead = setup({ auto: 20, fast: 30 }, new GrokUpstreamError({ kind: 'invalid-credential', status: 401, message: 'session not found' }));
    const d = await dead.syncer.syncAccount(dead.acc);
    assert.equal(d.ok, false);
    assert.equal(d.kind, 'invalid-credential');
  });
});
