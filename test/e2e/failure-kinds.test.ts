// Retries are decided by failure kind (src/failures), on both chat transports: with 400 and 403
// listed in retry.statuses, a safety refusal (a REST 403 body, an mgw error event with code 7) and a
// request Grok rejects as invalid still go to one account only, while an anti-bot 403 is retried.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chatCalls, startHarness, transportOverrides, TRANSPORTS, type Harness } from './harness.js';

const KEY = 'sk-test-harness-key-000000';

async function post(h: Harness, content: string) {
  const res = await fetch(`${h.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ model: 'grok-chat-fast', messages: [{ role: 'user', content }] }),
  });
  const json = (await res.json()) as { error: { type: string; code: string | null } };
  return { status: res.status, error: json.error };
}

for (const transport of TRANSPORTS) void describe(`retries by failure kind (${transport})`, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      tokens: ['sso-token-kind-0001', 'sso-token-kind-0002', 'sso-token-kind-0003'],
      overrides: { retry: { statuses: [400, 401, 403, 429, 502] }, ...transportOverrides(transport) },
    });
  });
  after(async () => {
    await h.close();
  });

  /** The chat turns one request made upstream. */
  async function callsFor(content: string): Promise<{ status: number; type: string; code: string | null; calls: number }> {
    const before = chatCalls(h).length;
    const r = await post(h, content);
    return { status: r.status, type: r.error.type, code: r.error.code, calls: chatCalls(h).length - before };
  }

  void it('a safety refusal → 400 content_policy_violation, never retried', async () => {
    assert.deepEqual(await callsFor('refuse me [sim:status=403-safety]'), { status: 400, type: 'invalid_request_error', code: 'content_policy_violation', calls: 1 });
  });

  void it('a request Grok rejects (400) → 502 upstream_bad_request, never retried even with 400 listed', async () => {
    assert.deepEqual(await callsFor('bad [sim:status=400]'), { status: 502, type: 'upstream_error', code: 'upstream_bad_request', calls: 1 });
  });

  void it('an anti-bot 403 is retried on the other accounts (403 listed), then 502 upstream_forbidden', async () => {
    assert.deepEqual(await callsFor('challenge [sim:status=403-json]'), { status: 502, type: 'upstream_error', code: 'upstream_forbidden', calls: 3 });
  });
});
