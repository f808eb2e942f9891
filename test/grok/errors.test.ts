// The one failure classifier, table-driven: each HTTP answer, in-band error and session status
// becomes the kind (and retry status) docs/grok-protocol.md "errors and how they are classified" says.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyHttpFailure, classifyInBandError, classifySessionStatus, type FailureKind } from '../../src/grok/errors.js';

const CF_HTML = '<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><script src="/cdn-cgi/challenge-platform/h/g/orchestrate"></script></body></html>';
const json = (code: number, message: string): string => JSON.stringify({ error: { code, message } });

void describe('classifyHttpFailure', () => {
  const table: Array<[number, string, FailureKind, number, string]> = [
    // status, body, kind, status the retry layer sees, why
    [401, json(16, 'failed to look up session id'), 'invalid-credential', 401, '401 is a dead session'],
    [401, json(7, 'blocked-user: this account has been blocked'), 'blocked-account', 401, 'a block marker on 401'],
    [402, json(9, 'personal-team-blocked:spending-limit: You have run out of credits'), 'rate-limited', 429, 'spending limit: quota exhausted, another account may have some'],
    [402, 'subscription:free-usage-exhausted', 'rate-limited', 429, 'free usage used up'],
    [402, 'You have used all the included free usage for model grok-4', 'rate-limited', 429, 'free usage (prose)'],
    [403, json(7, 'Content violates usage guidelines'), 'safety-refusal', 400, 'safety first on 403, never retried'],
    [403, json(7, 'SAFETY_CHECK_TYPE_CSAM'), 'safety-refusal', 400, 'safety check type marker'],
    [403, json(7, 'blocked-user'), 'blocked-account', 403, 'account blocked'],
    [403, 'User is blocked', 'blocked-account', 403, 'account blocked (prose)'],
    [403, 'Access to the chat endpoint is denied', 'blocked-account', 403, 'permanent denial'],
    [403, 'access denied', 'blocked-account', 403, 'bare access denied'],
    [403, CF_HTML, 'anti-bot', 403, 'Cloudflare challenge page'],
    [403, '<html><body>cf_chl_opt</body></html>', 'anti-bot', 403, 'cf_chl marker'],
    [403, json(7, 'Request rejected by anti-bot rules.'), 'anti-bot', 403, 'anti-bot JSON'],
    [403, '', 'anti-bot', 403, 'empty 403: the egress'],
    [403, json(7, 'something else entirely'), 'anti-bot', 403, 'unknown JSON 403: the egress, not the account'],
    [403, json(7, 'You have run out of credits'), 'rate-limited', 403, 'credits marker on 403'],
    [403, json(16, 'Token expired'), 'invalid-credential', 403, 'credential marker on 403'],
    [403, json(16, 'unauthorized'), 'invalid-credential', 403, 'unauthorized on 403'],
    [400, json(3, 'session not found'), 'invalid-credential', 400, 'April credential markers still count'],
    [400, json(3, 'invalid argument'), 'bad-request', 400, 'plain 400'],
    [400, json(3, 'content moderated'), 'safety-refusal', 400, 'safety on another 4xx'],
    [404, json(5, 'not found'), 'bad-request', 404, 'other 4xx'],
    [408, '', 'timeout', 408, 'request timeout'],
    [429, json(8, 'Too many requests'), 'rate-limited', 429, 'rate limit'],
    [500, json(13, 'internal error'), 'upstream-5xx', 500, '5xx'],
    [503, '<html>Service Unavailable</html>', 'upstream-5xx', 503, '5xx HTML'],
  ];
  for (const [status, body, kind, retryStatus, why] of table) {
    void it(`${status} ${why} → ${kind}`, () => {
      const e = classifyHttpFailure(status, body);
      assert.equal(e.kind, kind);
      assert.equal(e.status, retryStatus);
      assert.match(e.message, new RegExp(`HTTP ${status}`));
    });
  }

  void it('keeps Retry-After', () => {
    assert.equal(classifyHttpFailure(429, '', '17').retryAfterSeconds, 17);
  });
});

void describe('classifyInBandError (NDJSON error lines, mgw error / stream_error events)', () => {
  const table: Array<[unknown, string, FailureKind, number]> = [
    [8, 'Too many requests', 'rate-limited', 429],
    ['8', 'whatever', 'rate-limited', 429],
    ['RESOURCE_EXHAUSTED', 'quota', 'rate-limited', 429],
    [undefined, "You've reached your usage limit. Please try again later.", 'rate-limited', 429],
    [undefined, 'usage quota exceeded for expert', 'rate-limited', 429],
    [7, 'Request rejected by anti-bot rules.', 'anti-bot', 403],
    ['anti_bot', 'anti-bot rejected', 'anti-bot', 403],
    [7, 'blocked-user: this account has been blocked', 'blocked-account', 403],
    [16, 'unauthenticated', 'invalid-credential', 401],
    [undefined, 'token revoked', 'invalid-credential', 401],
    [3, 'invalid argument', 'bad-request', 400],
    [undefined, 'Content violates usage guidelines', 'safety-refusal', 400],
    [13, 'internal error', 'upstream-5xx', 502],
    [undefined, 'unknown gateway error', 'upstream-5xx', 502],
  ];
  for (const [code, message, kind, status] of table) {
    void it(`${String(code)} "${message}" → ${kind}`, () => {
      const e = classifyInBandError(code, message);
      assert.equal(e.kind, kind);
      assert.equal(e.status, status);
    });
  }
});

void describe('classifySessionStatus (GET /api/auth/session)', () => {
  void it('unauthenticated → invalid credential, blocked → blocked account, others → none', () => {
    assert.equal(classifySessionStatus('unauthenticated')?.kind, 'invalid-credential');
    assert.equal(classifySessionStatus('Blocked')?.kind, 'blocked-account');
    assert.equal(classifySessionStatus('authenticated'), undefined);
    assert.equal(classifySessionStatus(''), undefined);
  });
});
