// The failure table as a table: one expected row per kind, written by hand from the gateway's
// behaviour, compared with what the four readers actually do with that kind: the account pool
// (account effect), the egress (is it the proxy's fault), the retry layer (retried never / once /
// by status, and what a failure without an HTTP answer counts as) and the OpenAI edge (status,
// type, code, Retry-After). Then the classifier fixes that came with the table.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AccountPool } from '../../src/accounts/index.js';
import { newAccountRecord } from '../../src/accounts/pool-account.js';
import { isEgressFailure } from '../../src/egress/index.js';
import { FAILURE_KINDS, FAILURE_TABLE, failurePolicySchema, isAccountFault, isRetryable, retryTargets, type AccountEffect, type FailureKind } from '../../src/failures/index.js';
import { EgressAttempts } from '../../src/gateway/egress-attempts.js';
import { RetriesExhaustedError, runWithAccountRetries, type RetryPolicy } from '../../src/gateway/retry.js';
import { GrokUpstreamError, classifyHttpFailure, classifyInBandError } from '../../src/grok/errors.js';
import { clientErrorForKind } from '../../src/openai/errors.js';

type Retry = 'never' | 'once' | 'by-status';

interface Row {
  account: AccountEffect;
  egressFault: boolean;
  retry: Retry;
  /** The status a failure without an HTTP answer is compared with retry.statuses as (by-status only). */
  noHttpAs?: number;
  client: [status: number, type: string, code: string];
  retryAfter?: true;
}

// Today's behaviour, by hand (not copied from the table): this is what the test holds the table to.
const EXPECTED: Record<FailureKind, Row> = {
  'invalid-credential': { account: 'invalidate-after-threshold', egressFault: false, retry: 'by-status', noHttpAs: 502, client: [502, 'upstream_error', 'upstream_auth_failed'] },
  'blocked-account': { account: 'invalidate', egressFault: false, retry: 'by-status', noHttpAs: 502, client: [502, 'upstream_error', 'upstream_account_blocked'] },
  'rate-limited': { account: 'cool-bucket', egressFault: false, retry: 'by-status', noHttpAs: 502, client: [429, 'rate_limit_error', 'rate_limit_exceeded'], retryAfter: true },
  'anti-bot': { account: 'none', egressFault: true, retry: 'by-status', noHttpAs: 502, client: [502, 'upstream_error', 'upstream_forbidden'] },
  'safety-refusal': { account: 'none', egressFault: false, retry: 'never', client: [400, 'invalid_request_error', 'content_policy_violation'] },
  'upstream-5xx': { account: 'none', egressFault: false, retry: 'by-status', noHttpAs: 502, client: [502, 'upstream_error', 'upstream_error'] },
  transport: { account: 'none', egressFault: true, retry: 'by-status', noHttpAs: 502, client: [502, 'upstream_error', 'upstream_unreachable'] },
  timeout: { account: 'none', egressFault: false, retry: 'by-status', noHttpAs: 504, client: [504, 'upstream_error', 'upstream_timeout'] },
  'bad-request': { account: 'none', egressFault: false, retry: 'never', client: [502, 'upstream_error', 'upstream_bad_request'] },
  'empty-answer': { account: 'none', egressFault: false, retry: 'once', client: [502, 'upstream_error', 'empty_answer'] },
};

const fail = (kind: FailureKind, status: number): GrokUpstreamError => new GrokUpstreamError({ kind, status, message: `${kind} ${status}` });

/** The account pool's verdict: lease one account twice (invalid_after = 2), failing with `kind` each time. */
async function observedAccountEffect(kind: FailureKind): Promise<AccountEffect> {
  const pool = new AccountPool(() => ({ maxInflight: 8, invalidAfter: 2, preferHigherTier: false }));
  pool.upsertRecord(newAccountRecord(`failure-table-${kind}-xxxxxxxx`, 'super', Date.now()));
  const strike = async (): Promise<void> => {
    const l = await pool.lease({ tier: 'basic', bucket: 'fast', exclude: new Set() });
    assert.ok(l.ok, `${kind}: the account can be leased`);
    l.lease.release({ ok: false, error: fail(kind, 400) });
  };
  await strike();
  const first = pool.summary();
  if (first.invalid === 1) return 'invalidate';
  if (first.cooling === 1) return 'cool-bucket';
  await strike();
  return pool.summary().invalid === 1 ? 'invalidate-after-threshold' : 'none';
}

/** How many upstream calls the retry layer makes for a request failing with `kind` every time. */
async function callsMade(kind: FailureKind, status: number, statuses: number[]): Promise<number> {
  const accounts = new AccountPool(() => ({ maxInflight: 8, invalidAfter: 100, preferHigherTier: false }));
  for (let i = 0; i < 4; i++) accounts.upsertRecord(newAccountRecord(`failure-table-retry-${i}-xxxxxxxx`, 'super', Date.now()));
  const policy: RetryPolicy = { maxAttempts: 4, statuses, backoffBaseMs: 0, backoffFactor: 1, backoffMaxMs: 0, budgetMs: 10_000 };
  let calls = 0;
  const err = await runWithAccountRetries({
    accounts, tier: 'basic', bucket: 'fast', policy,
    attempt: async () => {
      calls++;
      throw fail(kind, status);
    },
  }).catch((e: unknown) => e);
  assert.ok(err instanceof RetriesExhaustedError, `${kind}: the request fails`);
  return calls;
}

/** The retry layer's verdict for a kind, from the number of calls it makes. */
async function observedRetry(kind: FailureKind): Promise<Retry> {
  const listed = await callsMade(kind, 502, [502]);
  const unlisted = await callsMade(kind, 500, [502]);
  if (listed === 1 && unlisted === 1) return 'never';
  if (listed === 2 && unlisted === 2) return 'once';
  assert.equal(listed, 4, `${kind}: retried up to max_attempts when its status is listed`);
  assert.equal(unlisted, 1, `${kind}: not retried when its status is not listed`);
  return 'by-status';
}

void describe('FAILURE_TABLE', () => {
  void it('has one row per kind, each well formed', () => {
    assert.deepEqual(Object.keys(FAILURE_TABLE).sort(), [...FAILURE_KINDS].sort());
    assert.deepEqual(Object.keys(EXPECTED).sort(), [...FAILURE_KINDS].sort());
    for (const kind of FAILURE_KINDS) failurePolicySchema.parse(FAILURE_TABLE[kind]);
  });

  for (const kind of FAILURE_KINDS) {
    const want = EXPECTED[kind];
    void it(`${kind}: account ${want.account}, egress fault ${want.egressFault}, retry ${want.retry}, client ${want.client.join(' ')}`, async () => {
      assert.equal(await observedAccountEffect(kind), want.account, 'account effect (AccountPool)');
      // Side calls (quota sync) record only the failures that are the account's own.
      assert.equal(isAccountFault(kind), want.account === 'invalidate' || want.account === 'invalidate-after-threshold', 'account fault');
      assert.equal(isEgressFailure(fail(kind, 0)), want.egressFault, 'egress fault (egress)');
      assert.equal(await observedRetry(kind), want.retry, 'retry (runWithAccountRetries)');
      if (want.noHttpAs !== undefined) {
        const other = want.noHttpAs === 502 ? 504 : 502;
        assert.equal(isRetryable({ kind, status: 0, retryStatuses: [want.noHttpAs], earlierOfKind: 0 }), true, 'no HTTP answer: compared as its status');
        assert.equal(isRetryable({ kind, status: 0, retryStatuses: [other], earlierOfKind: 0 }), false, 'no HTTP answer: not as another');
      }
      const c = clientErrorForKind(kind, 'detail', 17);
      assert.deepEqual([c.status, c.type, c.code], want.client, 'client mapping (OpenAI edge)');
      assert.equal(c.kind, kind);
      assert.match(c.message, /: detail$/);
      assert.deepEqual(c.headers, want.retryAfter ? { 'retry-after': '17' } : {}, 'Retry-After only for rate limits');
      // A retry takes another account; another proxy exactly when the proxy was at fault.
      const targets = retryTargets(kind);
      if (want.retry === 'never') assert.deepEqual(targets, []);
      else assert.deepEqual([...targets], want.egressFault ? ['another-account', 'another-proxy'] : ['another-account']);
    });
  }

  void it('a rate limit without an upstream Retry-After tells the client 60 s', () => {
    assert.equal(clientErrorForKind('rate-limited', undefined).headers['retry-after'], '60');
    assert.equal(clientErrorForKind('rate-limited', undefined).message, 'Grok rate limit reached on every available account');
  });

  void it('the next attempt avoids the proxy exactly for the kinds that are its fault', () => {
    for (const kind of FAILURE_KINDS) {
      const asked: Array<ReadonlySet<string>> = [];
      const attempts = new EgressAttempts({
        routeFor: (_account, exclude) => {
          asked.push(new Set(exclude));
          return { proxyId: 'p1', label: 'http://p1' } as ReturnType<NonNullable<ConstructorParameters<typeof EgressAttempts>[0]>['routeFor']>;
        },
        report: (_route, error) => error !== undefined && isEgressFailure(error),
      });
      attempts.failed(attempts.route('a1'), fail(kind, 0), undefined);
      attempts.route('a2');
      assert.equal(asked[1]?.has('p1'), EXPECTED[kind].egressFault, kind);
    }
  });
});

void describe('classifier fixes that came with the table', () => {
  const CF_PAGE = '<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><script src="/cdn-cgi/challenge-platform/h/g/orchestrate"></script></body></html>';

  void it('Cloudflare and anti-bot markers count on any status, not only 403', () => {
    assert.equal(classifyHttpFailure(503, CF_PAGE).kind, 'anti-bot');
    assert.equal(classifyHttpFailure(429, '<html><title>Attention Required! | Cloudflare</title></html>').kind, 'anti-bot');
    assert.equal(classifyHttpFailure(400, JSON.stringify({ error: { code: 7, message: 'Request rejected by anti-bot rules.' } })).kind, 'anti-bot');
    assert.equal(classifyHttpFailure(500, '<html>cf_chl_opt</html>').kind, 'anti-bot');
    // Without a marker, the status decides as before.
    assert.equal(classifyHttpFailure(503, '<html>Service Unavailable</html>').kind, 'upstream-5xx');
    assert.equal(classifyHttpFailure(429, 'Too many requests').kind, 'rate-limited');
    // Credential statuses keep their meaning.
    assert.equal(classifyHttpFailure(401, CF_PAGE).kind, 'invalid-credential');
  });

  void it('a 403 whose body is a safety refusal is safety-refusal (400 content_policy_violation), not anti-bot', () => {
    const e = classifyHttpFailure(403, JSON.stringify({ error: { code: 7, message: 'Content violates usage guidelines' } }));
    assert.equal(e.kind, 'safety-refusal');
    assert.equal(clientErrorForKind(e.kind, e.message).code, 'content_policy_violation');
  });

  void it('an in-band code 7 that is a safety refusal → 400 content_policy_violation; other code 7 stays anti-bot', () => {
    const safety = classifyInBandError(7, 'Content violates usage guidelines (SAFETY_CHECK_TYPE_CSAM)');
    assert.equal(safety.kind, 'safety-refusal');
    assert.equal(safety.status, 400);
    const c = clientErrorForKind(safety.kind, safety.message);
    assert.deepEqual([c.status, c.code], [400, 'content_policy_violation']);
    assert.equal(classifyInBandError(7, 'Request rejected by anti-bot rules.').kind, 'anti-bot');
    assert.equal(classifyInBandError(7, 'blocked-user: this account has been blocked').kind, 'blocked-account');
  });
});
