// stop and max_tokens enforced by the gateway on its own output (Grok web has neither), and the
// parameters that cannot be emulated refused by name.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { estimateTokens } from '../../src/gateway/usage.js';
import { startHarness, type Harness } from './harness.js';
import { manyAccounts } from './emulation-helpers.js';

async function streamText(h: Harness, params: Record<string, unknown>): Promise<{ text: string; finish: string | null; usage: { completion_tokens: number } | undefined }> {
  const stream = await h.openai.chat.completions.create({
    model: 'grok-chat-fast', stream: true, stream_options: { include_usage: true }, messages: [], ...params,
  } as never) as unknown as AsyncIterable<{ choices: Array<{ delta: { content?: string }; finish_reason: string | null }>; usage?: { completion_tokens: number } }>;
  let text = '';
  let finish: string | null = null;
  let usage: { completion_tokens: number } | undefined;
  for await (const c of stream) {
    text += c.choices[0]?.delta.content ?? '';
    finish = c.choices[0]?.finish_reason ?? finish;
    usage = c.usage ?? usage;
  }
  return { text, finish, usage };
}

void describe('stop and max_tokens (OpenAI SDK → gateway → simulator)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ tokens: manyAccounts('stop-') });
  });
  after(async () => {
    await h.close();
  });

  void it('stop: the answer ends before the stop sequence (split across tokens), finish_reason stop', async () => {
    // The answer is "w0 w1 w2 ... w19 ": the stop "w5 w" spans two upstream tokens.
    const res = await h.openai.chat.completions.create({
      model: 'grok-chat-fast', messages: [{ role: 'user', content: '[sim:tokens=20]' }], stop: ['w5 w', 'never'],
    });
    assert.equal(res.choices[0]?.message.content, 'w0 w1 w2 w3 w4 ');
    assert.equal(res.choices[0]?.finish_reason, 'stop');
    const s = await streamText(h, { messages: [{ role: 'user', content: '[sim:tokens=20] [sim:chunk=13]' }], stop: 'w7' });
    assert.equal(s.text, 'w0 w1 w2 w3 w4 w5 w6 ');
    assert.equal(s.finish, 'stop');
  });

  void it('max_tokens: cut to the budget, finish_reason length, usage within it, upstream cancelled early', async () => {
    const started = Date.now();
    const res = await h.openai.chat.completions.create({
      model: 'grok-chat-fast', messages: [{ role: 'user', content: '[sim:tokens=300] [sim:delay=10] [sim:no-thinking]' }], max_tokens: 8,
    });
    const content = res.choices[0]?.message.content ?? '';
    assert.equal(res.choices[0]?.finish_reason, 'length');
    assert.ok(content.startsWith('w0 w1 '), content);
    assert.equal(estimateTokens(content), 8);
    assert.equal(res.usage?.completion_tokens, 8);
    assert.ok(Date.now() - started < 2000, 'did not wait for the 3 s answer');
    // The upstream stream was closed, not left running.
    for (let i = 0; i < 50 && h.sim.openStreams() > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(h.sim.openStreams(), 0);
    const s = await streamText(h, { messages: [{ role: 'user', content: '[sim:tokens=50] [sim:no-thinking]' }], max_completion_tokens: 5 });
    assert.equal(s.finish, 'length');
    assert.equal(estimateTokens(s.text), 5);
    assert.equal(s.usage?.completion_tokens, 5);
  });

  void it('a client that goes away mid-stream ends the emulated upstream call at once', async () => {
    const ac = new AbortController();
    const stream = await h.openai.chat.completions.create({
      model: 'grok-chat-fast', stream: true, stop: ['zzz'], messages: [{ role: 'user', content: '[sim:tokens=400] [sim:delay=10]' }],
    }, { signal: ac.signal });
    let got = '';
    await (async () => {
      for await (const c of stream) {
        got += c.choices[0]?.delta.content ?? '';
        if (got.length > 10) ac.abort();
      }
    })().catch(() => undefined);
    for (let i = 0; i < 100 && h.sim.openStreams() > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(h.sim.openStreams(), 0);
  });

  void it('Grok failing after the turn opened is the OpenAI upstream error, not a 500 (non-stream)', async () => {
    const res = await fetch(`${h.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer sk-test-harness-key-000000` },
      body: JSON.stringify({ model: 'grok-chat-fast', max_tokens: 50, messages: [{ role: 'user', content: 'x [sim:inband-error=other] [sim:tokens=10]' }] }),
    });
    const body = (await res.json()) as { error: Record<string, unknown> };
    assert.equal(res.status, 502, JSON.stringify(body));
    assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message', 'param', 'type']);
    assert.equal(body.error.type, 'upstream_error');
  });

  void it('a budget larger than the answer changes nothing', async () => {
    const res = await h.openai.chat.completions.create({
      model: 'grok-chat-fast', messages: [{ role: 'user', content: 'Hello' }], max_tokens: 1000, stop: ['zzz'],
    });
    assert.equal(res.choices[0]?.message.content, 'Echo: Hello');
    assert.equal(res.choices[0]?.finish_reason, 'stop');
  });

  void it('logprobs, top_logprobs, logit_bias and the legacy functions are 400 unsupported_parameter naming them', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ logprobs: true }, 'logprobs'],
      [{ logprobs: false, top_logprobs: 3 }, 'top_logprobs'],
      [{ logit_bias: { '50256': -100 } }, 'logit_bias'],
      [{ functions: [{ name: 'f' }] }, 'functions'],
      [{ modalities: ['text', 'audio'] }, 'modalities'],
    ];
    for (const [extra, param] of cases) {
      const err = await h.openai.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'x' }], ...extra } as never)
        .then(() => undefined, (e: unknown) => e as { status: number; code: string; param: string });
      assert.equal(err?.status, 400, param);
      assert.equal(err?.code, 'unsupported_parameter', param);
      assert.equal(err?.param, param);
    }
    // Harmless sampling knobs are accepted (ignored by design).
    const ok = await h.openai.chat.completions.create({
      model: 'grok-chat-fast', messages: [{ role: 'user', content: 'Hi' }], temperature: 0.2, top_p: 0.9, seed: 7, logprobs: false,
    });
    assert.equal(ok.choices[0]?.message.content, 'Echo: Hi');
  });

  void it('stop with more than 4 sequences and max_tokens 0 are 400s', async () => {
    for (const [extra, param] of [[{ stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop'], [{ max_tokens: 0 }, 'max_tokens']] as const) {
      const err = await h.openai.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'x' }], ...extra } as never)
        .then(() => undefined, (e: unknown) => e as { status: number; param: string });
      assert.equal(err?.status, 400);
      assert.equal(err?.param, param);
    }
  });
});
