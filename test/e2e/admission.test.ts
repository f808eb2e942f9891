// Admission control end to end: a burst far larger than the accounts' in-flight capacity is queued
// and served, never answered 503; a wait that runs out is a 429 all_accounts_busy with Retry-After.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startHarness } from './harness.js';

const TOKENS = ['sso-queue-0000000000a1', 'sso-queue-0000000000a2', 'sso-queue-0000000000a3', 'sso-queue-0000000000a4'];
// Heavy accounts: their default "fast" window (400) outlasts the burst; basic ones would run dry.
const ACCOUNTS = { sync_on_import: false, flush_interval: 0.1, poll_interval: 0.2, default_tier: 'heavy', max_inflight: 8 };

void describe('admission control', () => {
  void it('300 concurrent streams on 4 accounts × max_inflight 8: all complete, none 503', async () => {
    const h = await startHarness({ tokens: TOKENS, sim: { tokenDelayMs: 5 }, overrides: { accounts: { ...ACCOUNTS, queue_timeout: 60 } } });
    try {
      let peak = 0;
      const sampler = setInterval(() => (peak = Math.max(peak, h.gw.accounts.admission.depth)), 5);
      const results = await Promise.allSettled(
        Array.from({ length: 300 }, async (_, i) => {
          const stream = await h.openai.chat.completions.create({ model: 'grok-chat-fast', stream: true, messages: [{ role: 'user', content: `burst ${i} [sim:stall=1000]` }] });
          let text = '';
          for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
          return text;
        }),
      );
      clearInterval(sampler);
      const failed = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
      assert.deepEqual(failed, [], 'every stream completes');
      results.forEach((r, i) => assert.equal((r as PromiseFulfilledResult<string>).value, `Echo: burst ${i}`));
      assert.ok(peak > 100, `most of the burst waited in the queue (peak depth ${peak})`);
      assert.equal(h.gw.accounts.admission.depth, 0);
      assert.ok(h.gw.accounts.admission.stats.served > 100);
      const metrics = await (await fetch(h.baseURL.replace('/v1', '/metrics'))).text();
      assert.match(metrics, /grok2api_admission_queue_depth 0/);
      assert.match(metrics, /grok2api_admission_outcomes_total\{outcome="served"\} [1-9]\d\d/);
    } finally {
      await h.close();
    }
  });

  void it('a wait that runs out is a 429 all_accounts_busy with Retry-After, and the held streams still finish', async () => {
    const h = await startHarness({
      tokens: [TOKENS[0] as string],
      sim: { tokenDelayMs: 1 },
      overrides: { accounts: { ...ACCOUNTS, max_inflight: 1, queue_timeout: 0.3 } },
    });
    try {
      // Holds the only slot for ~1.5 s (the simulator pauses after the first content frame).
      const holder = h.openai.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'hold [sim:stall=1500]' }] });
      await new Promise((r) => setTimeout(r, 150));
      const t0 = Date.now();
      const res = await fetch(`${h.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk-test-harness-key-000000', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'grok-chat-fast', stream: true, messages: [{ role: 'user', content: 'late' }] }),
      });
      const waited = Date.now() - t0;
      assert.equal(res.status, 429);
      assert.ok(Number(res.headers.get('retry-after')) >= 1, 'Retry-After present');
      const body = (await res.json()) as { error: { code: string; type: string } };
      assert.equal(body.error.code, 'all_accounts_busy');
      assert.equal(body.error.type, 'rate_limit_error');
      assert.ok(waited >= 250, `waited for queue_timeout first (${waited} ms)`);
      // The SDK surfaces it as a RateLimitError (it would retry after Retry-After with maxRetries > 0).
      await assert.rejects(
        h.openai.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'late too' }] }),
        (err: unknown) => err instanceof OpenAI.RateLimitError && (err.error as { code?: string }).code === 'all_accounts_busy',
      );
      const done = await holder;
      assert.equal(done.choices[0]?.message.content, 'Echo: hold');
    } finally {
      await h.close();
    }
  });
});
