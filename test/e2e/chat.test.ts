// The OpenAI SDK against the gateway in front of the simulator: the answer text arrives exactly,
// reasoning separately, in both modes, and what the gateway sent upstream follows the protocol.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expectedAnswer, MGW_WS_PATH, SIM_CITATION_URL, SIM_UNICODE_ANSWER, userIdFor } from '../fake-grok/index.js';
import { eventually, startHarness, transportOverrides, TRANSPORTS, type Harness } from './harness.js';

const squash = (s: string): string => s.replace(/\s+/g, '');

async function streamText(h: Harness, content: string, extra: Record<string, unknown> = {}) {
  const stream = await h.openai.chat.completions.create({
    model: 'grok-chat-fast',
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: 'user', content }],
    ...extra,
  });
  let text = '';
  let reasoning = '';
  const chunks = [];
  for await (const chunk of stream) {
    chunks.push(chunk);
    const delta = chunk.choices[0]?.delta as { content?: string | null; reasoning_content?: string } | undefined;
    text += delta?.content ?? '';
    reasoning += delta?.reasoning_content ?? '';
  }
  return { text, reasoning, chunks };
}

/** The flattened prompt of the last chat turn the simulator received, on either transport. */
function lastPrompt(h: Harness): string | undefined {
  for (let i = h.sim.requests.length - 1; i >= 0; i--) {
    const r = h.sim.requests[i];
    if (r?.path === '/rest/app-chat/conversations/new') return (r.body as { message: string }).message;
    const ev = (r?.body as { event?: { type?: string; item?: { x_grok?: { input_chunks?: Array<{ text?: { text: string } }> } } } } | undefined)?.event;
    if (r?.method === 'WS' && r.path === MGW_WS_PATH && ev?.type === 'conversation.item.create') {
      const chunks = ev.item?.x_grok?.input_chunks ?? [];
      return chunks[chunks.length - 1]?.text?.text;
    }
  }
  return undefined;
}

for (const transport of TRANSPORTS) void describe(`chat completions end to end (OpenAI SDK → gateway → simulator, ${transport})`, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ overrides: transportOverrides(transport) });
  });
  after(async () => {
    await h.close();
  });

  void it('non-streaming: exactly the simulator answer, reasoning separate, usage estimated', async () => {
    const res = await h.openai.chat.completions.create({
      model: 'grok-chat-fast',
      messages: [{ role: 'user', content: 'Hello there' }],
    });
    const want = expectedAnswer('Hello there');
    assert.equal(res.object, 'chat.completion');
    assert.equal(res.model, 'grok-chat-fast');
    assert.equal(res.choices[0]?.message.content, want.answer);
    assert.equal(res.choices[0]?.finish_reason, 'stop');
    const reasoning = (res.choices[0]?.message as unknown as { reasoning_content?: string }).reasoning_content ?? '';
    assert.equal(squash(reasoning), squash(want.thinking));
    assert.ok(res.usage && res.usage.prompt_tokens > 0 && res.usage.completion_tokens > 0);
    assert.equal(res.usage.total_tokens, res.usage.prompt_tokens + res.usage.completion_tokens);
  });

  void it('streaming: role first, content and reasoning deltas, finish_reason, usage chunk, [DONE]', async () => {
    const { text, reasoning, chunks } = await streamText(h, 'Stream me');
    const want = expectedAnswer('Stream me');
    assert.equal(text, want.answer);
    assert.equal(squash(reasoning), squash(want.thinking));
    assert.equal((chunks[0]?.choices[0]?.delta as { role?: string }).role, 'assistant');
    const withFinish = chunks.filter((c) => c.choices[0]?.finish_reason);
    assert.equal(withFinish.length, 1);
    assert.equal(withFinish[0]?.choices[0]?.finish_reason, 'stop');
    const last = chunks[chunks.length - 1];
    assert.deepEqual(last?.choices, []);
    assert.ok(last?.usage && last.usage.completion_tokens > 0);
    assert.equal(new Set(chunks.map((c) => c.id)).size, 1, 'one id for the whole stream');
  });

  void it('raw SSE framing ends with data: [DONE]', async () => {
    const res = await fetch(`${h.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test-harness-key-000000' },
      body: JSON.stringify({ model: 'grok-chat-fast', stream: true, messages: [{ role: 'user', content: 'frame check' }] }),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const raw = await res.text();
    assert.ok(raw.endsWith('data: [DONE]\n\n'));
    for (const block of raw.trim().split('\n\n')) assert.match(block, /^(data: |: )/);
  });

  void it('reasoning_effort "none" hides the reasoning', async () => {
    const { text, reasoning } = await streamText(h, 'No thoughts please', { reasoning_effort: 'none' });
    assert.equal(text, expectedAnswer('No thoughts please').answer);
    assert.equal(reasoning, '');
  });

  void it('unicode split across 1-byte network chunks arrives intact', async () => {
    const { text } = await streamText(h, 'say it [sim:unicode] [sim:chunk=1]');
    assert.equal(text, SIM_UNICODE_ANSWER);
  });

  void it('data:-prefixed upstream lines and malformed lines are tolerated', async () => {
    const { text } = await streamText(h, 'tolerant [sim:data-prefix] [sim:malformed]');
    assert.equal(text, expectedAnswer('tolerant [sim:data-prefix] [sim:malformed]').answer);
  });

  void it('citations become markdown links and no Grok markup reaches the client', async () => {
    const { text, chunks } = await streamText(h, 'cite [sim:citation] [sim:markup] [sim:toolcard]');
    assert.ok(text.includes(`[[1]](${SIM_CITATION_URL})`), text);
    assert.doesNotMatch(text, /grok:render|xaiartifact|xai:tool_usage_card|<argument/);
    const fin = chunks.find((c) => c.choices[0]?.finish_reason);
    const annotations = (fin?.choices[0]?.delta as { annotations?: Array<{ url_citation: { url: string } }> }).annotations;
    assert.equal(annotations?.[0]?.url_citation.url, SIM_CITATION_URL);
  });

  void it('multi-turn: every turn reaches Grok in order, none of our scaffolding comes back', async () => {
    h.sim.clearRequests();
    const res = await h.openai.chat.completions.create({
      model: 'grok-chat-fast',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'My name is Ada.' },
        { role: 'assistant', content: 'Nice to meet you, Ada.' },
        { role: 'user', content: 'What is my name?' },
      ],
    });
    const message = lastPrompt(h) ?? '';
    const order = ['Be brief.', 'My name is Ada.', 'Nice to meet you, Ada.', 'What is my name?'].map((t) => message.indexOf(t));
    assert.ok(order.every((i) => i >= 0), message);
    assert.deepEqual([...order].sort((a, b) => a - b), order, 'turns in order');
    assert.equal(res.choices[0]?.message.content, expectedAnswer(message).answer);
  });

  if (transport === 'mgw') void it('mgw: handshake with uid, cookie order and no statsig; session.create names the mode', async () => {
    h.sim.clearRequests();
    await h.openai.chat.completions.create({ model: 'grok-4-fast', messages: [{ role: 'user', content: 'alias' }] });
    const uid = userIdFor('sso-token-alpha-0001');
    const upgrade = h.sim.requests.find((r) => r.method === 'GET' && r.path.startsWith(MGW_WS_PATH));
    assert.ok(upgrade, 'the WebSocket upgrade was recorded');
    assert.equal(upgrade.path, `${MGW_WS_PATH}?uid=${uid}`);
    assert.equal(upgrade.headers.cookie, `sso=sso-token-alpha-0001; sso-rw=sso-token-alpha-0001; x-userid=${uid}`);
    assert.equal(upgrade.headers['x-statsig-id'], undefined);
    assert.equal(upgrade.headers['sec-websocket-protocol'], undefined);
    assert.equal(upgrade.headers.authorization, undefined);
    assert.equal(upgrade.headers.origin, h.sim.baseUrl);
    assert.equal(upgrade.headers['cache-control'], 'no-cache');
    const frames = h.sim.requests.filter((r) => r.method === 'WS' && r.path === MGW_WS_PATH).map((r) => r.body as { event: { type: string; session?: { model: string } } });
    assert.deepEqual(frames.map((f) => f.event.type).filter((t) => t !== 'ping'), ['session.create', 'conversation.item.create', 'response.create']);
    assert.equal(frames[0]?.event.session?.model, 'fast');
    await eventually(() => h.sim.openMgwSockets() === 0, 2000, 'the gateway to close its socket after the turn');
  });

  if (transport === 'rest') void it('sends the protocol headers, cookie and modeId upstream', async () => {
    h.sim.clearRequests();
    await h.openai.chat.completions.create({ model: 'grok-chat-expert', messages: [{ role: 'user', content: 'hi' }] }).catch(() => undefined);
    await h.openai.chat.completions.create({ model: 'grok-4-fast', messages: [{ role: 'user', content: 'alias' }] });
    const chats = h.sim.requests.filter((r) => r.path === '/rest/app-chat/conversations/new');
    const last = chats[chats.length - 1];
    assert.ok(last);
    assert.equal((last.body as { modeId: string }).modeId, 'fast');
    assert.match(String(last.headers.cookie), /sso=sso-token-alpha-0001; sso-rw=sso-token-alpha-0001/);
    assert.ok(Buffer.from(String(last.headers['x-statsig-id']), 'base64').length > 0);
    assert.match(String(last.headers['x-xai-request-id']), /^[0-9a-f-]{36}$/);
    assert.equal(last.headers.origin, h.sim.baseUrl);
  });

  void it('lists models in OpenAI shape and resolves aliases', async () => {
    const list = await h.openai.models.list();
    const ids = list.data.map((m) => m.id);
    // The harness's accounts are basic: only what they can serve is offered (test/admin/models.test.ts).
    assert.ok(ids.includes('grok-chat-fast'));
    assert.ok(!ids.includes('grok-chat-heavy'));
    const alias = await h.openai.models.retrieve('grok-3-fast');
    assert.equal(alias.id, 'grok-3-fast');
    assert.equal(alias.object, 'model');
  });

  void it('echoes x-request-id', async () => {
    const res = await fetch(`${h.baseURL}/models`, { headers: { authorization: 'Bearer sk-test-harness-key-000000', 'x-request-id': 'trace-123' } });
    assert.equal(res.headers.get('x-request-id'), 'trace-123');
  });
});
