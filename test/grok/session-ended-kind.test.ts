// session.ended before response.done is Grok closing the session, not a network failure: it must
// not be classified `transport` (that blames the proxy and tells the client "network error").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isEgressFailure } from '../../src/egress/egress-failure.js';
import { replayMgwFixture } from './mgw-replay.js';
import { GrokUpstreamError } from '../../src/grok/errors.js';

void test('session.ended mid-answer: a server-side failure, not the egress\'s fault', () => {
  const r = replayMgwFixture('session-ended.jsonl');
  assert.equal(r.error?.kind, 'upstream-5xx');
  assert.equal(isEgressFailure(new GrokUpstreamError({ kind: 'upstream-5xx', status: 502, message: r.error.message })), false);
});
