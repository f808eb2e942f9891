// Bad input and upstream failures reach OpenAI SDK users as OpenAI-shaped errors with the right
// status and code; the process keeps serving.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startHarness, transportOverrides, TRANSPORTS, type Harness } from './harness.js';

const KEY = 'sk-test-harness-key-000000';

async function post(h: Harness, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${h.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}`, ...headers },
    body,
  });
  const json = (await res.json()) as { error: { message: string; type: string; code: string | null; param: string | null } };
  return { status: res.status, headers: res.headers, error: json.error };
}

const chat = (content: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: 'grok-chat-fast', messages: [{ role: 'user', content }], ...extra });

for (const transport of TRANSPORTS) void describe(`OpenAI-conformant errors (${transport})`, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ overrides: { server: { body_limit_mb: 0.05 }, ...transportOverrides(transport) } });
  });
  after(async () => {
    await h.close();
  });

  void it('invalid JSON → 400 invalid_json', async () => {
    const r = await post(h, '{"model": ');
    assert.equal(r.status, 400);
    assert.equal(r.error.code, 'invalid_json');
    assert.equal(r.error.type, 'invalid_request_error');
  });

  void it('schema errors → 400 naming the field in param', async () => {
    let r = await post(h, JSON.stringify({ model: 'grok-chat-fast' }));
    assert.equal(r.status, 400);
    assert.equal(r.error.param, 'messages');
    r = await post(h, JSON.stringify({ model: 'grok-chat-fast', messages: [{ role: 'robot', content: 'x' }] }));
    assert.equal(r.error.param, 'messages[0].role');
    r = await post(h, JSON.stringify({ model: 'grok-chat-fast', messages: [{ role: 'user', content: [{ type: 'text', text: 5 }] }] }));
    assert.equal(r.error.param, 'messages[0].content[0].text');
    r = await post(h, chat('x', { temperature: 'hot' }));
    assert.equal(r.error.param, 'temperature');
  });

  // logit_bias, logprobs and the like are refused instead (stop-max-tokens.test.ts): they change the answer.
  void it('sampling knobs and metadata are accepted and ignored by design; max_tokens above the answer changes nothing', async () => {
    const res = await h.openai.chat.completions.create({
      model: 'grok-chat-fast',
      messages: [{ role: 'user', content: 'params' }],
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 100,
      presence_penalty: 0,
      frequency_penalty: 0,
      seed: 1,
      user: 'u1',
      metadata: { a: 'b' },
      parallel_tool_calls: false,
      store: false,
    } as never);
    assert.equal((res as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content, 'Echo: params');
  });

  void it('missing or wrong API key → 401 invalid_api_key, before the body is read', async () => {
    let r = await post(h, chat('x'), { authorization: '' });
    assert.equal(r.status, 401);
    assert.equal(r.error.code, 'invalid_api_key');
    r = await post(h, '{broken', { authorization: 'Bearer sk-wrong-key-123456789' });
    assert.equal(r.status, 401);
    assert.ok(!r.error.message.includes('sk-wrong-key-123456789'), 'the presented key is masked');
    const bad = new OpenAI({ baseURL: h.baseURL, apiKey: 'nope', maxRetries: 0 });
    await assert.rejects(bad.models.list(), (e: unknown) => e instanceof OpenAI.AuthenticationError);
  });

  void it('unknown model → 404 model_not_found', async () => {
    await assert.rejects(
      h.openai.chat.completions.create({ model: 'gpt-9', messages: [{ role: 'user', content: 'x' }] }),
      (e: unknown) => e instanceof OpenAI.NotFoundError && e.code === 'model_not_found',
    );
    const r = await fetch(`${h.baseURL}/models/gpt-9`, { headers: { authorization: `Bearer ${KEY}` } });
    assert.equal(r.status, 404);
  });

  void it('body too large → 413', async () => {
    const r = await post(h, chat('x'.repeat(200_000)));
    assert.equal(r.status, 413);
    assert.equal(r.error.code, 'request_too_large');
  });

  void it('upstream 5xx → 502 with a code naming the kind; anti-bot 403 → 502 upstream_forbidden', async () => {
    let r = await post(h, chat('boom [sim:status=500]'));
    assert.equal(r.status, 502);
    assert.equal(r.error.code, 'upstream_error');
    r = await post(h, chat('cf [sim:status=403-html]'));
    assert.equal(r.status, 502);
    assert.equal(r.error.code, 'upstream_forbidden');
  });

  void it('unknown routes → 404 in the envelope, the process keeps serving', async () => {
    const r = await fetch(`${h.baseURL}/nope`, { headers: { authorization: `Bearer ${KEY}` } });
    assert.equal(r.status, 404);
    const j = (await r.json()) as { error: { code: string } };
    assert.equal(j.error.code, 'unknown_route');
    const ok = await h.openai.models.list();
    assert.ok(ok.data.length > 0);
  });
});

for (const transport of TRANSPORTS) void describe(`rate limits (each test cools its only account, so each gets its own gateway; ${transport})`, () => {
  void it('upstream 429 with no other account → 429 rate_limit_exceeded with Retry-After', async () => {
    const h = await startHarness({ overrides: transportOverrides(transport) });
    try {
    const r = await post(h, chat('limit me [sim:status=429]'));
    assert.equal(r.status, 429);
    assert.equal(r.error.code, 'rate_limit_exceeded');
    assert.ok(Number(r.headers.get('retry-after')) >= 1);
    const again = await post(h, chat('next one'));
    assert.equal(again.status, 429, 'the account is cooling, not reused');
    } finally {
      await h.close();
    }
  });

  void it('in-band rate limit mid-stream ends the SSE stream with an error event the SDK raises', async () => {
    const h = await startHarness({ overrides: transportOverrides(transport) });
    try {
    const stream = await h.openai.chat.completions.create({
      model: 'grok-chat-fast',
      stream: true,
      messages: [{ role: 'user', content: 'inband [sim:inband-error] [sim:no-thinking]' }],
    });
    await assert.rejects(async () => {
      for await (const _ of stream) {
        // drain
      }
    }, (e: unknown) => e instanceof OpenAI.APIError);
    } finally {
      await h.close();
    }
  });

});

void describe('no usable account', () => {
  void it('→ 503 no_available_account, and /ready says why', async () => {
    const h = await startHarness({ tokens: [] });
    try {
      const r = await post(h, chat('x'));
      assert.equal(r.status, 503);
      assert.equal(r.error.code, 'no_available_account');
      const ready = await fetch(h.baseURL.replace('/v1', '/ready'));
      assert.equal(ready.status, 503);
      const body = (await ready.json()) as { reasons: string[] };
      assert.match(body.reasons.join(' '), /no SSO tokens configured/);
      const health = await fetch(h.baseURL.replace('/v1', '/health'));
      assert.equal(health.status, 200);
    } finally {
      await h.close();
    }
  });

  void it('/ready is 200 with one token', async () => {
    const h = await startHarness({ tokens: ['sso=sso-token-ready-0001'] });
    try {
      const ready = await fetch(h.baseURL.replace('/v1', '/ready'));
      assert.equal(ready.status, 200);
    } finally {
      await h.close();
    }
  });
});
