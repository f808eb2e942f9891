// The retry layer: a different account per attempt, backoff with jitter inside a budget, and the
// client error mapped from the last failure kind.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AccountPool } from '../../src/accounts/index.js';
import { newAccountRecord } from '../../src/accounts/pool-account.js';
import { backoffDelayMs, runWithAccountRetries, RetriesExhaustedError, type RetryPolicy } from '../../src/gateway/retry.js';
import { GrokUpstreamError, type FailureKind } from '../../src/grok/errors.js';

const policy: RetryPolicy = { maxAttempts: 3, statuses: [401, 403, 429, 502], backoffBaseMs: 1, backoffFactor: 2, backoffMaxMs: 5, budgetMs: 10_000 };

function pool(n: number) {
  const p = new AccountPool(() => ({ maxInflight: 8, invalidAfter: 1, preferHigherTier: false }));
  for (let i = 0; i < n; i++) p.upsertRecord(newAccountRecord(`retry-token-${i}-xxxxxxxx`, 'super', Date.now()));
  return p;
}

const fail = (kind: FailureKind, status: number) => new GrokUpstreamError({ kind, status, message: `${kind} ${status}` });

void describe('runWithAccountRetries', () => {
  void it('uses a different account on every attempt and succeeds on the third', async () => {
    const accounts = pool(3);
    const seen: string[] = [];
    const r = await runWithAccountRetries({
      accounts, tier: 'basic', bucket: 'fast', policy,
      attempt: async (lease) => {
        seen.push(lease.accountId);
        if (seen.length < 3) throw fail('upstream-5xx', 502);
        return 'ok';
      },
    });
    assert.equal(r.value, 'ok');
    assert.equal(new Set(seen).size, 3);
    assert.deepEqual(r.attempts.map((a) => a.kind), ['upstream-5xx', 'upstream-5xx', undefined]);
    r.lease.release({ ok: true });
  });

  void it('does not retry a status outside retry.statuses', async () => {
    const accounts = pool(3);
    let calls = 0;
    await assert.rejects(
      runWithAccountRetries({ accounts, tier: 'basic', bucket: 'fast', policy, attempt: async () => { calls++; throw fail('upstream-5xx', 500); } }),
      (e: unknown) => e instanceof RetriesExhaustedError && e.status === 502 && e.code === 'upstream_error',
    );
    assert.equal(calls, 1);
  });

  void it('stops at max_attempts and maps the last kind (401 → 502 upstream_auth_failed, never 401)', async () => {
    const accounts = pool(5);
    let calls = 0;
    await assert.rejects(
      runWithAccountRetries({ accounts, tier: 'basic', bucket: 'fast', policy, attempt: async () => { calls++; throw fail('invalid-credential', 401); } }),
      (e: unknown) => e instanceof RetriesExhaustedError && e.status === 502 && e.code === 'upstream_auth_failed' && e.attempts.length === 3,
    );
    assert.equal(calls, 3);
    assert.equal(accounts.summary().invalid, 3);
  });

  void it('429 everywhere → 429 with Retry-After from the earliest reset', async () => {
    const accounts = pool(2);
    await assert.rejects(
      runWithAccountRetries({
        accounts, tier: 'basic', bucket: 'fast', policy,
        attempt: async () => { throw new GrokUpstreamError({ kind: 'rate-limited', status: 429, message: 'slow down', retryAfterSeconds: 42 }); },
      }),
      (e: unknown) => e instanceof RetriesExhaustedError && e.status === 429 && Number(e.headers['retry-after']) >= 41,
    );
    const again = await runWithAccountRetries({ accounts, tier: 'basic', bucket: 'fast', policy, attempt: async () => 'x' }).catch((e: unknown) => e);
    assert.ok(again instanceof RetriesExhaustedError && again.status === 429 && again.code === 'rate_limit_exceeded');
  });

  void it('no accounts → 503 no_available_account', async () => {
    await assert.rejects(
      runWithAccountRetries({ accounts: pool(0), tier: 'basic', bucket: 'fast', policy, attempt: async () => 'x' }),
      (e: unknown) => e instanceof RetriesExhaustedError && e.status === 503 && e.code === 'no_available_account',
    );
  });

  void it('the budget stops retrying even when attempts remain', async () => {
    const accounts = pool(5);
    let calls = 0;
    const slow: RetryPolicy = { ...policy, maxAttempts: 5, backoffBaseMs: 200, backoffMaxMs: 200, budgetMs: 50 };
    await assert.rejects(runWithAccountRetries({ accounts, tier: 'basic', bucket: 'fast', policy: slow, attempt: async () => { calls++; throw fail('transport', 0); } }));
    // Full jitter may draw a delay under the budget once; it can never run all 5 attempts.
    assert.ok(calls < 5, `calls ${calls}`);
  });
});

void describe('backoffDelayMs', () => {
  void it('grows exponentially, is capped, and jitters within [0, cap]', () => {
    const p: RetryPolicy = { ...policy, backoffBaseMs: 500, backoffFactor: 2, backoffMaxMs: 30_000 };
    assert.equal(backoffDelayMs(p, 0, () => 0.999999), 499);
    assert.equal(backoffDelayMs(p, 3, () => 0.5), 2000);
    assert.equal(backoffDelayMs(p, 20, () => 0.999999), 29_999);
    assert.equal(backoffDelayMs(p, 5, () => 0), 0);
  });
});
