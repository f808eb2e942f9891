// POST /v1/messages (the Anthropic Messages API) with the official @anthropic-ai/sdk against the
// gateway in front of the simulator: text, streaming with Anthropic's event sequence, thinking,
// tools (tool_use → tool_result rounds, a 5-step agent loop), stop_sequences, max_tokens,
// count_tokens, images, Anthropic's error shape, and a request shaped like Claude Code's.
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { makePng } from '../fake-grok/index.js';
import { chatTurns as sentTurns, startHarness, transportOverrides, TRANSPORTS, type Harness } from './harness.js';
import { chatTurns, hasTagFragment, manyAccounts } from './emulation-helpers.js';
import { uploadsV2 } from './media-helpers.js';

const API_KEY = 'sk-test-anthropic-key-0000';
// haiku → grok-chat-fast with the default alias table: what basic simulator accounts can serve.
const MODEL = 'claude-3-5-haiku-latest';

const weather: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: {
    type: 'object',
    properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
    required: ['city', 'unit'],
  },
};
const clock: Anthropic.Tool = {
  name: 'get_time',
  description: 'Current time in a time zone',
  input_schema: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] },
};

function textOf(m: Anthropic.Message): string {
  return m.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
}

/** The raw SSE events of a streamed /v1/messages response. */
function sseEvents(raw: string): Array<{ event: string; data: Record<string, unknown> }> {
  const out: Array<{ event: string; data: Record<string, unknown> }> = [];
  for (const frame of raw.split('\n\n')) {
    const event = /^event: (.*)$/m.exec(frame)?.[1];
    const data = /^data: (.*)$/m.exec(frame)?.[1];
    if (event && data) out.push({ event, data: JSON.parse(data) as Record<string, unknown> });
  }
  return out;
}

for (const transport of TRANSPORTS) void describe(`Anthropic Messages API (@anthropic-ai/sdk → gateway → simulator, ${transport})`, () => {
  let h: Harness;
  let origin = '';
  let client: Anthropic;
  let files: Server;
  let imageUrl = '';
  const served = makePng(5, 5);
  before(async () => {
    // A web server with an image for url sources (private addresses allowed for the test).
    files = createServer((_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(served));
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    const addr = files.address();
    imageUrl = `http://127.0.0.1:${addr && typeof addr === 'object' ? addr.port : 0}/cat.png`;
    h = await startHarness({ apiKey: API_KEY, tokens: manyAccounts(`anth-${transport}`), overrides: { ...transportOverrides(transport), media: { allow_private_urls: true }, chat: { heartbeat_interval: 0.1 } } });
    origin = h.baseURL.replace(/\/v1$/, '');
    client = new Anthropic({ baseURL: origin, apiKey: API_KEY, maxRetries: 0, timeout: 30_000 });
  });
  after(async () => {
    files.close();
    await h.close();
  });

  void it('messages.create: a text answer with Anthropic\'s message shape', async () => {
    const m = await client.messages.create({ model: MODEL, max_tokens: 1024, system: 'Be brief.', messages: [{ role: 'user', content: 'Hello there' }] });
    assert.match(m.id, /^msg_[0-9a-f]{24}$/);
    assert.equal(m.type, 'message');
    assert.equal(m.role, 'assistant');
    assert.equal(m.model, MODEL);
    assert.equal(m.stop_reason, 'end_turn');
    assert.equal(m.stop_sequence, null);
    assert.equal(m.content.length, 1, 'no thinking block unless thinking is enabled');
    assert.ok(textOf(m).length > 0);
    assert.ok(m.usage.input_tokens > 0 && m.usage.output_tokens > 0);
    // The system prompt reached Grok as a labelled turn ahead of the user's.
    const sent = sentTurns(h).at(-1)?.prompt ?? '';
    assert.match(sent, /^\[system\]:?\s+Be brief\.\n\n\[user\]:?\s+Hello there$/);
  });

  void it('messages.stream: the event sequence, text deltas, and the same answer as create', async () => {
    const events: string[] = [];
    let text = '';
    const stream = client.messages.stream({ model: MODEL, max_tokens: 1024, messages: [{ role: 'user', content: 'Hello there' }] });
    stream.on('streamEvent', (e) => {
      events.push(e.type);
      if (e.type === 'content_block_delta' && e.delta.type === 'text_delta') text += e.delta.text;
    });
    const final = await stream.finalMessage();
    assert.equal(events[0], 'message_start');
    assert.equal(events.at(-1), 'message_stop');
    assert.equal(events.at(-2), 'message_delta');
    assert.equal(events[1], 'content_block_start');
    assert.equal(events.at(-3), 'content_block_stop');
    assert.equal(final.stop_reason, 'end_turn');
    assert.equal(textOf(final), text);
    const plain = await client.messages.create({ model: MODEL, max_tokens: 1024, messages: [{ role: 'user', content: 'Hello there' }] });
    assert.equal(textOf(plain), text);
    assert.ok(final.usage.output_tokens > 0);
  });

  void it('the raw stream has event: + data: lines, a ping after message_start, and message_delta with usage', async () => {
    const res = await fetch(`${origin}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: MODEL, max_tokens: 512, stream: true, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const ev = sseEvents(await res.text());
    assert.deepEqual(ev.slice(0, 2).map((e) => e.event), ['message_start', 'ping']);
    for (const e of ev) assert.equal(e.data.type, e.event);
    const start = ev[0]?.data.message as Record<string, unknown>;
    assert.deepEqual(start.content, []);
    assert.equal(start.stop_reason, null);
    const delta = ev.find((e) => e.event === 'message_delta')?.data;
    assert.deepEqual((delta?.delta as Record<string, unknown>).stop_reason, 'end_turn');
    assert.ok(((delta?.usage as Record<string, number>).output_tokens ?? 0) > 0);
  });

  void it('ping events fill a silence while Grok is quiet', async () => {
    const res = await fetch(`${origin}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      body: JSON.stringify({ model: MODEL, max_tokens: 512, stream: true, messages: [{ role: 'user', content: 'Hi [sim:stall=700]' }] }),
    });
    const ev = sseEvents(await res.text());
    const firstDelta = ev.findIndex((e) => e.event === 'content_block_delta');
    const pings = ev.slice(firstDelta).filter((e) => e.event === 'ping').length;
    assert.ok(pings >= 3, `pings after the first delta: ${pings}`);
    assert.equal(ev.at(-1)?.event, 'message_stop');
  });

  void it('the call log records /v1/messages calls with model, stream, tokens and key name', async () => {
    await h.gw.callLog.flush();
    const page = h.gw.callLog.query({ endpoint: '/v1/messages' }, 1, 200);
    assert.ok(page.total > 0);
    const streamed = page.items.find((r) => r.stream === true && r.status === 200);
    assert.ok(streamed, 'a streamed call');
    assert.equal(streamed.model, MODEL);
    assert.ok((streamed.promptTokens ?? 0) > 0 && (streamed.completionTokens ?? 0) > 0);
    assert.ok(streamed.apiKey && !streamed.apiKey.includes(API_KEY));
  });

  void it('thinking: Grok\'s reasoning comes as a thinking block with a signature, before the text (create and stream)', async () => {
    const params = { model: MODEL, max_tokens: 4096, thinking: { type: 'enabled' as const, budget_tokens: 2048 }, messages: [{ role: 'user' as const, content: 'Think, then answer' }] };
    const m = await client.messages.create(params);
    const [first, second] = m.content;
    assert.equal(first?.type, 'thinking');
    assert.ok(first?.type === 'thinking' && first.thinking.length > 0 && first.signature.length > 20);
    assert.equal(second?.type, 'text');
    const kinds: string[] = [];
    const stream = client.messages.stream(params);
    stream.on('streamEvent', (e) => {
      if (e.type === 'content_block_delta') kinds.push(e.delta.type);
    });
    const final = await stream.finalMessage();
    assert.ok(kinds.includes('thinking_delta') && kinds.includes('signature_delta') && kinds.includes('text_delta'));
    assert.ok(kinds.indexOf('signature_delta') < kinds.indexOf('text_delta'), 'the thinking block closes before the text');
    const t = final.content[0];
    assert.ok(t?.type === 'thinking' && first?.type === 'thinking');
    assert.equal(t.thinking, first.thinking);
    assert.equal(t.signature, first.signature, 'the same thinking gets the same signature');
    // Sent back in the history (as Claude Code does), the thinking block is accepted and left out of the prompt.
    const next = await client.messages.create({
      ...params,
      messages: [...params.messages, { role: 'assistant', content: final.content }, { role: 'user', content: 'And again?' }],
    });
    assert.equal(next.stop_reason, 'end_turn');
    assert.ok(!(sentTurns(h).at(-1)?.prompt ?? '').includes(first.thinking));
  });

  void it('tools: a tool_use block, then the tool_result round answers in text', async () => {
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Weather in Oslo?' }];
    const m = await client.messages.create({ model: MODEL, max_tokens: 1024, tools: [weather, clock], messages });
    assert.equal(m.stop_reason, 'tool_use');
    const use = m.content.find((b) => b.type === 'tool_use');
    assert.ok(use && use.type === 'tool_use');
    assert.match(use.id, /^toolu_[0-9a-f]{32}$/);
    assert.equal(use.name, 'get_weather');
    assert.deepEqual(use.input, { city: 'sim-city', unit: 'celsius' });
    assert.ok(!hasTagFragment(textOf(m)));
    messages.push({ role: 'assistant', content: m.content });
    messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '21 degrees and sunny' }] });
    const answer = await client.messages.create({ model: MODEL, max_tokens: 1024, tools: [weather, clock], messages });
    assert.equal(answer.stop_reason, 'end_turn');
    assert.equal(textOf(answer), 'Based on the tool result: 21 degrees and sunny');
  });

  void it('tools streaming: tool_use arrives through input_json_delta; text before it streams with no tag fragment', async () => {
    const stream = client.messages.stream({
      model: MODEL,
      max_tokens: 1024,
      tools: [weather],
      messages: [{ role: 'user', content: 'Weather? [sim:tool-prose] [sim:chunk=7]' }],
    });
    let json = '';
    let text = '';
    stream.on('streamEvent', (e) => {
      if (e.type === 'content_block_delta' && e.delta.type === 'input_json_delta') json += e.delta.partial_json;
      if (e.type === 'content_block_delta' && e.delta.type === 'text_delta') text += e.delta.text;
    });
    const final = await stream.finalMessage();
    assert.equal(final.stop_reason, 'tool_use');
    assert.equal(text, 'Let me check that for you.\n');
    assert.ok(!hasTagFragment(text));
    assert.deepEqual(JSON.parse(json), { city: 'sim-city', unit: 'celsius' });
    const use = final.content.at(-1);
    assert.ok(use?.type === 'tool_use');
    assert.deepEqual(use.input, { city: 'sim-city', unit: 'celsius' });
  });

  void it('tool_choice: {type:"tool"} forces that tool; {type:"none"} answers in text; disable_parallel_tool_use keeps one call', async () => {
    const forced = await client.messages.create({
      model: MODEL, max_tokens: 1024, tools: [weather, clock], tool_choice: { type: 'tool', name: 'get_time' },
      messages: [{ role: 'user', content: 'Anything' }],
    });
    const use = forced.content.find((b) => b.type === 'tool_use');
    assert.ok(use?.type === 'tool_use' && use.name === 'get_time');
    const none = await client.messages.create({
      model: MODEL, max_tokens: 1024, tools: [weather], tool_choice: { type: 'none' },
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
    });
    assert.equal(none.stop_reason, 'end_turn');
    assert.ok(none.content.every((b) => b.type === 'text'));
    const single = await client.messages.create({
      model: MODEL, max_tokens: 1024, tools: [weather, clock], tool_choice: { type: 'auto', disable_parallel_tool_use: true },
      messages: [{ role: 'user', content: 'Both please [sim:tool-parallel=2]' }],
    });
    assert.equal(single.content.filter((b) => b.type === 'tool_use').length, 1);
    const parallel = await client.messages.create({
      model: MODEL, max_tokens: 1024, tools: [weather, clock],
      messages: [{ role: 'user', content: 'Both please [sim:tool-parallel=2]' }],
    });
    assert.deepEqual(parallel.content.filter((b) => b.type === 'tool_use').map((b) => b.type === 'tool_use' && b.name), ['get_weather', 'get_time']);
  });

  void it('web search server tool: maps to Grok\'s own search (nothing in the prompt), also when tool_choice names it', async () => {
    const m = await client.messages.create({
      model: MODEL, max_tokens: 1024,
      tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 5 }],
      tool_choice: { type: 'tool', name: 'web_search' },
      messages: [{ role: 'user', content: 'Search the news' }],
    });
    assert.equal(m.stop_reason, 'end_turn');
    assert.ok(textOf(m).length > 0);
    assert.ok(!(sentTurns(h).at(-1)?.prompt ?? '').includes('Tool:'), 'no tool section reached Grok');
  });

  void it('a 5-step agent loop: tool_use / tool_result rounds until the final answer (errors reported with is_error)', async () => {
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Plan my trip [sim:tool-steps=5]' }];
    const ran: string[] = [];
    for (let step = 0; step < 10; step++) {
      const m = await client.messages.create({ model: MODEL, max_tokens: 1024, tools: [weather, clock], messages });
      messages.push({ role: 'assistant', content: m.content });
      if (m.stop_reason !== 'tool_use') {
        assert.equal(m.stop_reason, 'end_turn');
        assert.equal(textOf(m), `Based on the tool result: (the tool reported an error) result ${ran.length}`);
        break;
      }
      const results: Anthropic.ToolResultBlockParam[] = [];
      for (const b of m.content) {
        if (b.type !== 'tool_use') continue;
        ran.push(b.name);
        const last = ran.length === 5;
        results.push({ type: 'tool_result', tool_use_id: b.id, content: [{ type: 'text', text: `result ${ran.length}` }], ...(last ? { is_error: true } : {}) });
      }
      messages.push({ role: 'user', content: results });
    }
    assert.equal(ran.length, 5);
    assert.equal(messages.length, 12);
  });

  void it('stop_sequences: the answer ends before the first one, stop_reason stop_sequence names it', async () => {
    const full = await client.messages.create({ model: MODEL, max_tokens: 1024, messages: [{ role: 'user', content: 'Count [sim:tokens=12]' }] });
    const words = textOf(full);
    assert.match(words, /^w0 w1 w2 w3 w4 /);
    const m = await client.messages.create({ model: MODEL, max_tokens: 1024, stop_sequences: ['w4', 'w9'], messages: [{ role: 'user', content: 'Count [sim:tokens=12]' }] });
    assert.equal(m.stop_reason, 'stop_sequence');
    assert.equal(m.stop_sequence, 'w4');
    assert.equal(textOf(m), words.slice(0, words.indexOf('w4')));
    const s = await client.messages.stream({ model: MODEL, max_tokens: 1024, stop_sequences: ['w4'], messages: [{ role: 'user', content: 'Count [sim:tokens=12] [sim:chunk=3]' }] }).finalMessage();
    assert.equal(s.stop_reason, 'stop_sequence');
    assert.equal(textOf(s), textOf(m));
  });

  void it('max_tokens: the answer is cut at the budget, stop_reason max_tokens (create and stream)', async () => {
    const m = await client.messages.create({ model: MODEL, max_tokens: 5, messages: [{ role: 'user', content: 'Count [sim:tokens=40]' }] });
    assert.equal(m.stop_reason, 'max_tokens');
    assert.ok(m.usage.output_tokens <= 5, String(m.usage.output_tokens));
    assert.match(textOf(m), /^w0 w1/);
    const s = await client.messages.stream({ model: MODEL, max_tokens: 5, messages: [{ role: 'user', content: 'Count [sim:tokens=40]' }] }).finalMessage();
    assert.equal(s.stop_reason, 'max_tokens');
    assert.equal(textOf(s), textOf(m));
  });

  void it('output_format json_schema: the text block is JSON matching the schema (after a corrective retry when needed)', async () => {
    const schema = { type: 'object', properties: { city: { type: 'string' }, population: { type: 'integer' } }, required: ['city', 'population'], additionalProperties: false };
    const turns = chatTurns(h);
    const m = await client.messages.create({
      model: MODEL, max_tokens: 1024, messages: [{ role: 'user', content: 'Largest city in Norway? [sim:json-bad]' }],
      output_format: { type: 'json_schema', schema },
    } as never);
    const value = JSON.parse(textOf(m)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(value).sort(), ['city', 'population']);
    assert.equal(typeof value.population, 'number');
    assert.equal(chatTurns(h), turns + 2, 'the invalid first answer got one corrective retry');
  });

  void it('count_tokens: the estimate for the prompt, tools included; it calls no model', async () => {
    const turns = chatTurns(h);
    const base = await client.messages.countTokens({ model: MODEL, messages: [{ role: 'user', content: 'Hello there, how are you today?' }] });
    assert.ok(base.input_tokens > 5, String(base.input_tokens));
    const withTools = await client.messages.countTokens({ model: MODEL, tools: [weather, clock], messages: [{ role: 'user', content: 'Hello there, how are you today?' }] });
    assert.ok(withTools.input_tokens > base.input_tokens + 20);
    // Counting a conversation that ends with an assistant turn is fine (only answering it is refused).
    const prefilled = await client.messages.countTokens({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }] });
    assert.ok(prefilled.input_tokens > 0);
    const m = await client.messages.create({ model: MODEL, max_tokens: 256, tools: [weather, clock], tool_choice: { type: 'none' }, messages: [{ role: 'user', content: 'Hello there, how are you today?' }] });
    assert.equal(m.usage.input_tokens, base.input_tokens, 'tool_choice none puts no tool section in the prompt');
    assert.equal(chatTurns(h), turns + 1);
  });

  void it('images: base64 and url image blocks are uploaded and attached', async () => {
    h.sim.clearRequests();
    const png = makePng(4, 4);
    const m = await client.messages.create({
      model: MODEL,
      max_tokens: 1024,
      messages: [{
        role: 'user',
        content: [
          { type: 'text', text: 'What is in these?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png.toString('base64') } },
          { type: 'image', source: { type: 'url', url: imageUrl } },
        ],
      }],
    });
    assert.equal(m.stop_reason, 'end_turn');
    const ups = uploadsV2(h);
    assert.equal(ups.length, 2);
    assert.ok(ups[0]?.bytes.equals(png));
    assert.ok(ups[1]?.bytes.equals(served));
    const turn = sentTurns(h)[0];
    assert.equal(turn?.fileIds.length, 2);
    assert.match(turn?.prompt ?? '', /What is in these\?$/);
  });

  void it('an invalid or missing key: 401 in Anthropic\'s error shape (SDK AuthenticationError)', async () => {
    const bad = new Anthropic({ baseURL: origin, apiKey: 'sk-wrong-key-000000000000', maxRetries: 0 });
    await assert.rejects(bad.messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }), (err: unknown) => {
      assert.ok(err instanceof Anthropic.AuthenticationError);
      assert.equal(err.status, 401);
      assert.equal(err.type, 'authentication_error');
      return true;
    });
    for (const path of ['/v1/messages', '/v1/messages/count_tokens']) {
      const res = await fetch(`${origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      assert.equal(res.status, 401);
      const body = await res.json() as Record<string, unknown>;
      assert.equal(body.type, 'error');
      const e = body.error as Record<string, unknown>;
      assert.equal(e.type, 'authentication_error');
      assert.match(String(e.message), /x-api-key/);
    }
    // Authorization: Bearer works too (ANTHROPIC_AUTH_TOKEN), and /v1/chat keeps OpenAI's shape.
    const bearer = new Anthropic({ baseURL: origin, authToken: API_KEY, apiKey: null, maxRetries: 0 });
    const ok = await bearer.messages.countTokens({ model: MODEL, messages: [{ role: 'user', content: 'x' }] });
    assert.ok(ok.input_tokens > 0);
    const chat = await fetch(`${origin}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(chat.status, 401);
    assert.ok(((await chat.json()) as { error: { code: string } }).error.code === 'invalid_api_key');
  });

  void it('bad requests: 400 invalid_request_error naming the field (SDK BadRequestError); unknown model 404', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ model: MODEL, messages: [{ role: 'user', content: 'x' }] }, /max_tokens/],
      [{ model: MODEL, max_tokens: 10, messages: [{ role: 'system', content: 'x' }] }, /messages\[0\]\.role/],
      [{ model: MODEL, max_tokens: 10, tools: [weather], tool_choice: { type: 'tool', name: 'nope' }, messages: [{ role: 'user', content: 'x' }] }, /tool_choice/],
      [{ model: MODEL, max_tokens: 10, tools: [weather, weather], messages: [{ role: 'user', content: 'x' }] }, /unique/],
      [{ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: 'The answer is' }] }, /prefill/],
      [{ model: MODEL, max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: 4000 }, messages: [{ role: 'user', content: 'x' }] }, /budget_tokens/],
      [{ model: MODEL, max_tokens: 10, tools: [{ type: 'bash_20250124', name: 'bash' }], messages: [{ role: 'user', content: 'x' }] }, /tools\[0\]\.type/],
      [{ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file', file_id: 'file_1' } }] }] }, /Files API/],
      [{ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'audio_clip', data: 'x' }] }] }, /messages\[0\]\.content/],
    ];
    for (const [body, re] of cases) {
      await assert.rejects(client.messages.create(body as never), (err: unknown) => {
        assert.ok(err instanceof Anthropic.BadRequestError, `${JSON.stringify(body)}: ${String(err)}`);
        assert.equal(err.type, 'invalid_request_error');
        assert.match(err.message, re);
        return true;
      });
    }
    const res = await fetch(`${origin}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': API_KEY }, body: '{not json' });
    assert.equal(res.status, 400);
    assert.deepEqual(Object.keys((await res.json()) as object), ['type', 'error']);
    await assert.rejects(client.messages.create({ model: 'gpt-4o', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }), (err: unknown) => {
      assert.ok(err instanceof Anthropic.NotFoundError);
      assert.equal(err.type, 'not_found_error');
      return true;
    });
  });

  void it('an upstream failure mid-stream arrives as an error event (SDK APIError)', async () => {
    const stream = client.messages.stream({ model: MODEL, max_tokens: 1024, messages: [{ role: 'user', content: 'Hi [sim:inband-error=other]' }] });
    await assert.rejects(stream.finalMessage(), (err: unknown) => err instanceof Anthropic.APIError);
    // Not streaming: the upstream failure's own status and Anthropic's type, not a 500.
    await assert.rejects(client.messages.create({ model: MODEL, max_tokens: 1024, messages: [{ role: 'user', content: 'Hi [sim:inband-error=other]' }] }), (err: unknown) => {
      assert.ok(err instanceof Anthropic.APIError);
      assert.equal(err.status, 502);
      assert.equal(err.type, 'api_error');
      return true;
    });
  });

  void it('a request shaped like Claude Code\'s: system blocks with cache_control, input_schema tools, anthropic-beta, ?beta=true, stream', async () => {
    const body = {
      model: 'claude-haiku-4-5-20251001',
      max_tokens: 32000,
      stream: true,
      metadata: { user_id: 'user_0f3a_account__session_5d2c' },
      temperature: 1,
      system: [
        { type: 'text', text: "You are Claude Code, Anthropic's official CLI for Claude.", cache_control: { type: 'ephemeral' } },
        { type: 'text', text: 'You are an interactive CLI tool that helps users with software engineering tasks.', cache_control: { type: 'ephemeral' } },
      ],
      messages: [{
        role: 'user',
        content: [
          { type: 'text', text: '<system-reminder>\nAs you answer the user\'s questions, you can use the following context.\n</system-reminder>' },
          { type: 'text', text: 'Read package.json', cache_control: { type: 'ephemeral' } },
        ],
      }],
      tools: [
        {
          name: 'Read',
          description: 'Reads a file from the local filesystem.',
          input_schema: {
            type: 'object',
            properties: { file_path: { type: 'string', description: 'The absolute path to the file to read' }, offset: { type: 'number' }, limit: { type: 'number' } },
            required: ['file_path'],
            additionalProperties: false,
            $schema: 'http://json-schema.org/draft-07/schema#',
          },
        },
        {
          name: 'Bash',
          description: 'Executes a given bash command.',
          input_schema: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'], additionalProperties: false, $schema: 'http://json-schema.org/draft-07/schema#' },
          cache_control: { type: 'ephemeral' },
        },
      ],
    };
    const res = await fetch(`${origin}/v1/messages?beta=true`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${API_KEY}`,
        'anthropic-version': '2023-06-01',
        'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14',
        'x-app': 'cli',
        'user-agent': 'claude-cli/2.0.14 (external, cli)',
      },
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 200);
    const ev = sseEvents(await res.text());
    assert.equal(ev[0]?.event, 'message_start');
    assert.equal(ev.at(-1)?.event, 'message_stop');
    const starts = ev.filter((e) => e.event === 'content_block_start').map((e) => e.data.content_block as Record<string, unknown>);
    const use = starts.find((b) => b.type === 'tool_use');
    assert.equal(use?.name, 'Read');
    assert.match(String(use?.id), /^toolu_/);
    const json = ev.filter((e) => e.event === 'content_block_delta' && (e.data.delta as Record<string, unknown>).type === 'input_json_delta')
      .map((e) => String((e.data.delta as Record<string, unknown>).partial_json)).join('');
    assert.equal(typeof (JSON.parse(json) as Record<string, unknown>).file_path, 'string');
    const delta = ev.find((e) => e.event === 'message_delta')?.data.delta as Record<string, unknown>;
    assert.equal(delta.stop_reason, 'tool_use');
    // cache_control changed nothing: the system blocks reached Grok as plain text.
    const sent = sentTurns(h).at(-1)?.prompt ?? '';
    assert.ok(sent.includes("You are Claude Code, Anthropic's official CLI for Claude.\nYou are an interactive CLI tool"), sent.slice(0, 300));
    assert.ok(!sent.includes('cache_control') && !sent.includes('ephemeral'));
  });
});
