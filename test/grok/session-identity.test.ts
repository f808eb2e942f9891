// GET /api/auth/session parsing: status before identity, the documented id precedence, the UUID
// rule (canonical lower case, nil refused).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { canonicalUserId, parseSession } from '../../src/grok/mgw/session-identity.js';
import { GrokUpstreamError } from '../../src/grok/errors.js';

const U = '3f6c2a9e-8b41-4d7a-9c55-0e2b7d1a4f86';

void it('reads the user id with the documented precedence', () => {
  assert.equal(parseSession(JSON.stringify({ status: 'authenticated', session: { userId: U, email: 'a@b.c' } })).userId, U);
  assert.equal(parseSession(JSON.stringify({ session: {}, user: { id: U.toUpperCase(), sub: 'x' } })).userId, U);
  assert.equal(parseSession(JSON.stringify({ user: { sub: `{${U}}` } })).userId, U);
  assert.equal(parseSession(JSON.stringify({ sub: U.replace(/-/g, '') })).userId, U);
  assert.equal(parseSession(JSON.stringify({ session: { userId: U }, id: 'other' })).email, undefined);
});

void it('status unauthenticated / blocked wins over identity fields', () => {
  const kind = (body: unknown): string => {
    try {
      parseSession(JSON.stringify(body));
      return 'ok';
    } catch (e) {
      assert.ok(e instanceof GrokUpstreamError);
      return e.kind;
    }
  };
  assert.equal(kind({ status: 'unauthenticated', session: { userId: U } }), 'invalid-credential');
  assert.equal(kind({ status: 'BLOCKED', session: { userId: U } }), 'blocked-account');
  assert.equal(kind({ status: 'authenticated', session: { email: 'only@mail' } }), 'upstream-5xx');
  assert.equal(kind({ session: { userId: 'not-a-uuid' } }), 'upstream-5xx');
  assert.equal(kind({ session: { userId: '00000000-0000-0000-0000-000000000000' } }), 'upstream-5xx');
  assert.equal(kind([1, 2]), 'upstream-5xx');
});

void it('canonicalUserId', () => {
  assert.equal(canonicalUserId(`urn:uuid:${U.toUpperCase()}`), U);
  assert.equal(canonicalUserId('x'), undefined);
  assert.equal(canonicalUserId(undefined), undefined);
});
