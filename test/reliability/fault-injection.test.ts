// Every upstream failure kind, injected through the simulator, reaches the client as the README's
// "Errors" table says (JSON before the first byte, an SSE error event after it), leaves the account
// in the state the failure policy says, and leaves the gateway serving.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { accountIdFor } from '../../src/accounts/index.js';
import { expectedAnswer, startFakeGrok, type FakeGrok } from '../fake-grok/index.js';
import { startHarness } from '../e2e/harness.js';

const KEY = 'sk-test-harness-key-000000';

interface Case {
  name: string;
  prompt: string;
  stream: boolean;
  /** Pre-first-byte failures: the HTTP status and code of the JSON error. */
  http?: { status: number; code: string | null; retryAfter?: boolean };
  /** Failures after the stream started: the code of the SSE error event. */
  sse?: string;
  /** The answer completes (exact text). */
  ok?: boolean;
  account: 'active' | 'cooling' | 'invalid';
}

const CASES: Case[] = [
  { name: '401 invalid session', prompt: '[sim:status=401]', stream: false, http: { status: 502, code: 'upstream_auth_failed' }, account: 'invalid' },
  { name: '401 invalid session (stream request)', prompt: '[sim:status=401]', stream: true, http: { status: 502, code: 'upstream_auth_failed' }, account: 'invalid' },
  { name: '403 blocked account', prompt: '[sim:status=403-blocked]', stream: false, http: { status: 502, code: 'upstream_account_blocked' }, account: 'invalid' },
  { name: '403 Cloudflare HTML', prompt: '[sim:status=403-html]', stream: true, http: { status: 502, code: 'upstream_forbidden' }, account: 'active' },
  { name: '429', prompt: '[sim:status=429]', stream: false, http: { status: 429, code: 'rate_limit_exceeded', retryAfter: true }, account: 'cooling' },
  { name: '500', prompt: '[sim:status=500]', stream: false, http: { status: 502, code: 'upstream_error' }, account: 'active' },
  { name: '502', prompt: '[sim:status=502]', stream: true, http: { status: 502, code: 'upstream_error' }, account: 'active' },
  { name: 'in-band rate limit (non-stream)', prompt: '[sim:inband-error] [sim:no-thinking]', stream: false, http: { status: 429, code: 'rate_limit_exceeded', retryAfter: true }, account: 'cooling' },
  { name: 'in-band rate limit mid-stream', prompt: '[sim:inband-error] [sim:no-thinking] [sim:tokens=6]', stream: true, sse: 'rate_limit_exceeded', account: 'cooling' },
  { name: 'in-band other error mid-stream', prompt: '[sim:inband-error=other] [sim:no-thinking] [sim:tokens=6]', stream: true, sse: 'upstream_error', account: 'active' },
  { name: 'transport cut (non-stream)', prompt: '[sim:cut] [sim:tokens=8]', stream: false, http: { status: 502, code: 'upstream_unreachable' }, account: 'active' },
  { name: 'transport cut mid-stream', prompt: '[sim:cut] [sim:no-thinking] [sim:tokens=8]', stream: true, sse: 'upstream_unreachable', account: 'active' },
  { name: 'stall mid-stream → idle timeout', prompt: '[sim:stall=5000] [sim:no-thinking]', stream: true, sse: 'upstream_timeout', account: 'active' },
  { name: 'stall (non-stream) → idle timeout', prompt: '[sim:stall=5000]', stream: false, http: { status: 504, code: 'upstream_timeout' }, account: 'active' },
  { name: 'stall before the first frame (stream request)', prompt: '[sim:stall-start=5000]', stream: true, http: { status: 504, code: 'upstream_timeout' }, account: 'active' },
  { name: 'malformed lines are skipped (stream)', prompt: 'malformed [sim:malformed] [sim:tokens=10]', stream: true, ok: true, account: 'active' },
  { name: 'malformed lines are skipped (non-stream)', prompt: 'malformed [sim:malformed] [sim:tokens=10]', stream: false, ok: true, account: 'active' },
  { name: 'lines split across network chunks and UTF-8 characters', prompt: 'chunked [sim:chunk=3] [sim:unicode]', stream: true, ok: true, account: 'active' },
];

function parseSse(text: string): { content: string; error: { code: string | null; message: string } | undefined; done: boolean } {
  let content = '';
  let error: { code: string | null; message: string } | undefined;
  for (const block of text.split('\n\n')) {
    if (!block.startsWith('data: ') || block === 'data: [DONE]') continue;
    const j = JSON.parse(block.slice(6)) as { error?: { code: string | null; message: string }; choices?: Array<{ delta?: { content?: string } }> };
    if (j.error) error = j.error;
    content += j.choices?.[0]?.delta?.content ?? '';
  }
  return { content, error, done: text.endsWith('data: [DONE]\n\n') };
}

void describe('fault injection: each failure kind → documented error, account state, gateway still up', () => {
  let sim: FakeGrok;
  before(async () => {
    sim = await startFakeGrok({ tokenDelayMs: 1, acceptAnyToken: true });
  });
  after(async () => {
    await sim.close();
  });

  CASES.forEach((c, i) => {
    void it(c.name, async () => {
      const token = `sso-fault-${String(i).padStart(2, '0')}-0000000001`;
      const h = await startHarness(
        { tokens: [token], overrides: { chat: { stream_idle_timeout: 1, heartbeat_interval: 0.2 } } },
        sim,
      );
      try {
        const res = await fetch(`${h.baseURL}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
          body: JSON.stringify({ model: 'grok-chat-fast', stream: c.stream, messages: [{ role: 'user', content: c.prompt }] }),
        });
        const text = await res.text();
        const expected = expectedAnswer(c.prompt).answer;
        if (c.http) {
          assert.equal(res.status, c.http.status, text);
          const body = JSON.parse(text) as { error: Record<string, unknown> };
          assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message', 'param', 'type']);
          assert.equal(body.error.code, c.http.code);
          if (c.http.retryAfter) assert.ok(Number(res.headers.get('retry-after')) >= 1);
        } else if (c.stream) {
          assert.equal(res.status, 200);
          const sse = parseSse(text);
          assert.ok(sse.done, 'ends with data: [DONE]');
          if (c.sse) {
            assert.equal(sse.error?.code, c.sse, text.slice(-300));
            assert.ok(sse.content.length > 0, 'part of the answer arrived before the failure');
            assert.ok(expected.startsWith(sse.content), 'what arrived is a prefix of the answer');
          } else {
            assert.equal(sse.error, undefined);
            assert.equal(sse.content, expected);
          }
        } else {
          assert.equal(res.status, 200, text);
          const body = JSON.parse(text) as { choices: Array<{ message: { content: string } }> };
          assert.equal(body.choices[0]?.message.content, expected);
        }
        h.gw.accounts.summary();
        assert.equal(h.gw.accounts.pool.get(accountIdFor(token))?.rec.status, c.account);
        // Still serving: liveness always, readiness only while the account can serve.
        assert.equal((await fetch(h.baseURL.replace('/v1', '/health'))).status, 200);
        const ready = await fetch(h.baseURL.replace('/v1', '/ready'));
        assert.equal(ready.status, c.account === 'active' ? 200 : 503);
        await ready.text();
        if (c.account === 'active') {
          const again = await h.openai.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'after' }] });
          assert.equal(again.choices[0]?.message.content, 'Echo: after');
        }
      } finally {
        await h.close();
      }
    });
  });
});
