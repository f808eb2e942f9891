// Keep-alive comments while upstream is silent, the idle timeout, and client aborts reaching
// the upstream socket at once.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { accountIdFor } from '../../src/accounts/index.js';
import { chatCalls, startHarness, transportOverrides, TRANSPORTS, type Harness } from './harness.js';

const KEY = 'sk-test-harness-key-000000';

function rawStream(h: Harness, content: string, signal?: AbortSignal): Promise<Response> {
  return fetch(`${h.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ model: 'grok-chat-fast', stream: true, messages: [{ role: 'user', content }] }),
    ...(signal ? { signal } : {}),
  });
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return cond();
}

for (const transport of TRANSPORTS) void describe(`stream lifecycle (${transport})`, () => {
  let h: Harness;
  before(async () => {
    // Heartbeat every 0.2 s; idle timeout 1 s (fractions of a second are valid config values).
    h = await startHarness({ overrides: { chat: { heartbeat_interval: 0.2, stream_idle_timeout: 1 }, ...transportOverrides(transport) } });
  });
  after(async () => {
    await h.close();
  });

  void it('sends ": keep-alive" comments while upstream is silent, then completes', async () => {
    const res = await rawStream(h, 'slow one [sim:stall=700]');
    const text = await res.text();
    assert.match(text, /\n: keep-alive\n\n/);
    assert.ok(text.endsWith('data: [DONE]\n\n'));
    assert.ok(text.includes('"content":"Echo'), 'the answer still arrives');
  });

  void it('a stalled stream ends with an error event after chat.stream_idle_timeout', async () => {
    const started = Date.now();
    const res = await rawStream(h, 'stalls [sim:stall=5000]');
    const text = await res.text();
    const elapsed = Date.now() - started;
    assert.match(text, /data: \{"error":\{"message":"[^"]*stream_idle_timeout/);
    assert.equal(JSON.parse(/data: (\{"error".*)\n/.exec(text)?.[1] ?? '{}').error.code, 'upstream_timeout');
    assert.ok(text.endsWith('data: [DONE]\n\n'));
    assert.ok(elapsed < 4000, `ended by the idle timer, not the upstream (${elapsed} ms)`);
    assert.ok(await waitFor(() => h.sim.openStreams() === 0, 2000), 'upstream socket closed');
  });

  void it('non-streaming: a stall before any byte → 504 upstream_timeout', async () => {
    await assert.rejects(
      h.openai.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'x [sim:stall-start=5000]' }] }),
      (e: unknown) => e instanceof OpenAI.APIError && e.status === 504 && e.code === 'upstream_timeout',
    );
  });

  void it('a client abort closes the upstream stream at once', async () => {
    const ctl = new AbortController();
    const res = await rawStream(h, 'long [sim:tokens=2000] [sim:delay=20]', ctl.signal);
    const reader = res.body?.getReader();
    assert.ok(reader);
    await reader.read();
    assert.ok(await waitFor(() => h.sim.openStreams() === 1, 2000), 'stream open upstream');
    ctl.abort();
    assert.ok(await waitFor(() => h.sim.openStreams() === 0, 1000), 'upstream closed after the client left');
    // And the gateway keeps serving.
    const ok = await h.openai.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'still here' }] });
    assert.equal(ok.choices[0]?.message.content, 'Echo: still here');
  });

  void it('a non-streaming client abort also cancels upstream', async () => {
    const ctl = new AbortController();
    const p = fetch(`${h.baseURL}/chat/completions`, {
      method: 'POST',
      signal: ctl.signal,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'long [sim:tokens=2000] [sim:delay=20]' }] }),
    }).catch(() => undefined);
    assert.ok(await waitFor(() => h.sim.openStreams() === 1, 2000));
    ctl.abort();
    await p;
    assert.ok(await waitFor(() => h.sim.openStreams() === 0, 1000));
  });
});

for (const transport of TRANSPORTS) void describe(`retries on another account (${transport})`, () => {
  void it('a 401 account and a blocked account are skipped; the request succeeds on a good one', async () => {
    const h = await startHarness({
      tokens: ['sso-dead-000000000001', 'sso-blocked-0000000002', 'sso-good-0000000000003'],
      sim: { tokens: { 'sso-dead-000000000001': { status: 401 }, 'sso-blocked-0000000002': { status: 403, variant: 'blocked' } } },
      overrides: { retry: { max_attempts: 3, backoff_base: 0.01, backoff_max: 0.02 }, ...transportOverrides(transport) },
    });
    try {
      for (let i = 0; i < 4; i++) {
        const res = await h.openai.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: `try ${i}` }] });
        assert.equal(res.choices[0]?.message.content, `Echo: try ${i}`);
      }
      const used = chatCalls(h).map((r) => r.token);
      // At most once: the quota sync at import may already have found them dead.
      assert.ok(used.filter((t) => t === 'sso-dead-000000000001').length <= 1, 'the 401 account was never leased again');
      assert.ok(used.filter((t) => t === 'sso-blocked-0000000002').length <= 1, 'the blocked account was never leased again');
      const summary = h.gw.services.accounts.summary();
      assert.equal(summary.invalid, 2);
      for (const line of h.logs) {
        assert.ok(!line.includes('sso-good-0000000000003'), 'no whole token in any log line');
      }
    } finally {
      await h.close();
    }
  });
});

// A client that leaves mid-turn (a load generator ending its run, a user closing the tab) is not an
// upstream failure: the turn ended early because we closed it, so it must not be read as Grok's
// empty answer (no account penalty, no retry, no error-level "unhandled error" line).
const ABORTS: Array<[string, boolean, string]> = [
  ['non-streaming, before the first answer chunk', false, 'wait [sim:stall-start=5000]'],
  ['non-streaming, mid-answer', false, 'long [sim:tokens=2000] [sim:delay=20]'],
  // The SSE head is held until the first content: the client leaves while the request is pending.
  ['streaming, before the first answer chunk', true, 'wait [sim:stall-start=5000]'],
];

for (const transport of TRANSPORTS) void describe(`a client abort is not an empty answer (${transport})`, () => {
  void it('no empty-answer error, no error-level log line, no retry, the account stays healthy', async () => {
    const TOKEN = 'sso-token-abort-00001';
    const h = await startHarness({ tokens: [TOKEN], overrides: { retry: { max_attempts: 3, backoff_base: 0.01, backoff_max: 0.02 }, ...transportOverrides(transport) } });
    try {
      for (const [name, stream, content] of ABORTS) {
        const calls = chatCalls(h).length;
        const logged = h.logs.length;
        const ctl = new AbortController();
        const p = fetch(`${h.baseURL}/chat/completions`, {
          method: 'POST',
          signal: ctl.signal,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
          body: JSON.stringify({ model: 'grok-chat-fast', stream, messages: [{ role: 'user', content }] }),
        }).catch(() => undefined);
        assert.ok(await waitFor(() => h.sim.openStreams() === 1, 2000), `${name}: the turn is open upstream`);
        // Past the handshake and session set-up: the turn is running when the client leaves.
        await new Promise((r) => setTimeout(r, 200));
        ctl.abort();
        await p;
        assert.ok(await waitFor(() => h.sim.openStreams() === 0, 1000), `${name}: upstream closed`);
        // The call line is written when the response ends; give the close a moment to travel.
        assert.ok(await waitFor(() => h.logs.slice(logged).some((l) => /"status":499/.test(l)), 2000), `${name}: the call is logged as 499`);
        const lines = h.logs.slice(logged);
        const errors = lines.map((l) => JSON.parse(l) as { level: number }).filter((l) => l.level >= 50);
        assert.deepEqual(errors, [], `${name}: no error-level log line`);
        assert.ok(!lines.some((l) => /empty answer|empty_answer/i.test(l)), `${name}: not classified as an empty answer`);
        assert.equal(chatCalls(h).length, calls + 1, `${name}: not retried`);
      }
      h.gw.accounts.summary();
      const acc = h.gw.accounts.pool.get(accountIdFor(TOKEN));
      assert.equal(acc?.rec.status, 'active');
      assert.equal(acc?.rec.failures, 0, 'no failure counted against the account');
      assert.equal(acc?.inflight, 0, 'every lease was released');
    } finally {
      await h.close();
    }
  });
});
