// The Responses API (POST /v1/responses and the stored-response routes) driven by the official
// openai SDK and the AI SDK's default Responses provider, against the gateway in front of the
// simulator (which answers tool and JSON instructions like a model would).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { zodTextFormat } from 'openai/helpers/zod';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, stepCountIs, streamText, tool } from 'ai';
import { z } from 'zod';
import { startHarness, type Harness } from './harness.js';
import { hasTagFragment, manyAccounts } from './emulation-helpers.js';
import { uploadsV2 } from './media-helpers.js';

const KEY_A = 'sk-test-responses-key-a-0000';
const KEY_B = 'sk-test-responses-key-b-0000';
const PNG_1PX = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

const weather = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
    required: ['city', 'unit'],
    additionalProperties: false,
  },
  strict: true,
};

void describe('Responses API (openai SDK, AI SDK → gateway → simulator)', () => {
  let h: Harness;
  let b: OpenAI;
  before(async () => {
    h = await startHarness({ apiKey: KEY_A, tokens: manyAccounts('resp-', 8), overrides: { app: { api_keys: [KEY_A, KEY_B] } } });
    b = new OpenAI({ baseURL: h.baseURL, apiKey: KEY_B, maxRetries: 0 });
  });
  after(async () => {
    await h.close();
  });

  void it('string input: a completed response with output_text, usage, stored and retrievable', async () => {
    const r = await h.openai.responses.create({ model: 'grok-chat-fast', input: 'Say hello', instructions: 'Be brief' });
    assert.match(r.id, /^resp_[0-9a-f]{48}$/);
    assert.equal(r.object, 'response');
    assert.equal(r.status, 'completed');
    assert.ok(r.output_text.length > 0);
    const msg = r.output.find((o) => o.type === 'message');
    assert.ok(msg && msg.type === 'message' && msg.content[0]?.type === 'output_text');
    assert.ok((r.usage?.input_tokens ?? 0) > 0 && (r.usage?.output_tokens ?? 0) > 0);
    assert.equal(r.instructions, 'Be brief');
    const again = await h.openai.responses.retrieve(r.id);
    assert.equal(again.id, r.id);
    assert.equal(again.output_text, r.output_text);
    const items = await h.openai.responses.inputItems.list(r.id);
    assert.equal(items.data.length, 1);
    const first = items.data[0];
    assert.ok(first && first.type === 'message');
    assert.deepEqual(first.type === 'message' ? first.content : null, [{ type: 'input_text', text: 'Say hello' }]);
  });

  void it('items with an input_image reach Grok as an attachment', async () => {
    h.sim.clearRequests();
    const r = await h.openai.responses.create({
      model: 'grok-chat-fast',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'What is in this image?' }, { type: 'input_image', image_url: PNG_1PX, detail: 'auto' }] }],
    });
    assert.equal(r.status, 'completed');
    const up = uploadsV2(h);
    assert.equal(up.length, 1, 'the image was uploaded to Grok');
    assert.equal(up[0]?.contentType, 'image/png');
  });

  void it('tools non-streaming: a function_call item with call_id, name and JSON arguments', async () => {
    const r = await h.openai.responses.create({ model: 'grok-chat-fast', input: 'Weather in Oslo?', tools: [weather] });
    const calls = r.output.filter((o) => o.type === 'function_call');
    assert.equal(calls.length, 1);
    const c = calls[0];
    assert.ok(c && c.type === 'function_call');
    assert.equal(c.name, 'get_weather');
    assert.match(c.call_id, /^call_[0-9a-f]{32}$/);
    assert.deepEqual(JSON.parse(c.arguments), { city: 'sim-city', unit: 'celsius' });
    assert.equal(r.output_text, '');
  });

  void it('tools streaming: the typed event sequence, sequence numbers in order, no tag fragment in text', async () => {
    const stream = await h.openai.responses.create({
      model: 'grok-chat-fast', stream: true, tools: [weather],
      input: 'Weather? [sim:tool-prose]',
    });
    const types: string[] = [];
    const seqs: number[] = [];
    let text = '';
    let args = '';
    let completed: OpenAI.Responses.Response | undefined;
    for await (const ev of stream) {
      types.push(ev.type);
      seqs.push(ev.sequence_number);
      if (ev.type === 'response.output_text.delta') text += ev.delta;
      if (ev.type === 'response.function_call_arguments.delta') args += ev.delta;
      if (ev.type === 'response.completed') completed = ev.response;
    }
    assert.deepEqual(seqs, seqs.map((_, i) => i));
    assert.deepEqual(types, [
      'response.created', 'response.in_progress',
      'response.output_item.added', 'response.content_part.added', ...types.filter((t) => t === 'response.output_text.delta'),
      'response.output_text.done', 'response.content_part.done', 'response.output_item.done',
      'response.output_item.added', 'response.function_call_arguments.delta', 'response.function_call_arguments.done', 'response.output_item.done',
      'response.completed',
    ]);
    assert.equal(text, 'Let me check that for you.\n');
    assert.ok(!hasTagFragment(text));
    assert.deepEqual(JSON.parse(args), { city: 'sim-city', unit: 'celsius' });
    assert.equal(completed?.output.length, 2);
    assert.equal(completed?.output[1]?.type, 'function_call');
  });

  void it('reasoning.summary: Grok\'s reasoning arrives as a reasoning item with summary events, before the message', async () => {
    const stream = await h.openai.responses.create({ model: 'grok-chat-fast', stream: true, input: 'Think, then answer', reasoning: { effort: 'low', summary: 'auto' } });
    const types: string[] = [];
    let summary = '';
    let completed: OpenAI.Responses.Response | undefined;
    for await (const ev of stream) {
      types.push(ev.type);
      if (ev.type === 'response.reasoning_summary_text.delta') summary += ev.delta;
      if (ev.type === 'response.completed') completed = ev.response;
    }
    assert.ok(summary.length > 0);
    assert.ok(types.indexOf('response.reasoning_summary_part.added') < types.indexOf('response.reasoning_summary_text.done'));
    assert.ok(types.indexOf('response.reasoning_summary_part.done') < types.indexOf('response.content_part.added'));
    assert.deepEqual(completed?.output.map((o) => o.type), ['reasoning', 'message']);
    const r = completed?.output[0];
    assert.equal(r?.type === 'reasoning' ? r.summary[0]?.text : undefined, summary);
    assert.ok((completed?.usage?.output_tokens_details.reasoning_tokens ?? 0) > 0);
    // Without a summary asked for, the reasoning is counted but not shown.
    const plain = await h.openai.responses.create({ model: 'grok-chat-fast', input: 'Think, then answer' });
    assert.deepEqual(plain.output.map((o) => o.type), ['message']);
  });

  void it('text.format json_schema through responses.parse with zod', async () => {
    const Recipe = z.object({ name: z.string(), minutes: z.number().int(), vegetarian: z.boolean() });
    const r = await h.openai.responses.parse({
      model: 'grok-chat-fast', input: 'A quick recipe [sim:json-wrap]',
      text: { format: zodTextFormat(Recipe, 'recipe') },
    });
    assert.ok(r.output_parsed);
    assert.equal(typeof r.output_parsed.name, 'string');
    assert.equal(typeof r.output_parsed.vegetarian, 'boolean');
  });

  void it('previous_response_id continues the conversation; another key gets 404 everywhere', async () => {
    // Two tool rounds are scripted in the FIRST turn's text: the second turn only calls a tool again
    // when the first turn's question reached Grok with the tool result (the history was continued).
    const first = await h.openai.responses.create({ model: 'grok-chat-fast', input: 'Weather in Oslo? [sim:tool-steps=2]', tools: [weather] });
    const call = first.output.find((o) => o.type === 'function_call');
    assert.ok(call && call.type === 'function_call');
    const second = await h.openai.responses.create({
      model: 'grok-chat-fast', previous_response_id: first.id, tools: [weather],
      input: [{ type: 'function_call_output', call_id: call.call_id, output: '{"temp":21}' }],
    });
    assert.equal(second.previous_response_id, first.id);
    const again = second.output.find((o) => o.type === 'function_call');
    assert.ok(again && again.type === 'function_call', JSON.stringify(second.output));
    const third = await h.openai.responses.create({
      model: 'grok-chat-fast', previous_response_id: second.id, tools: [weather],
      input: [{ type: 'function_call_output', call_id: again.call_id, output: '{"temp":21}' }],
    });
    assert.equal(third.output_text, 'Based on the tool result: {"temp":21}');

    await assert.rejects(b.responses.retrieve(first.id), (e: unknown) => e instanceof OpenAI.NotFoundError);
    await assert.rejects(b.responses.inputItems.list(first.id), (e: unknown) => e instanceof OpenAI.NotFoundError);
    await assert.rejects(b.responses.delete(first.id), (e: unknown) => e instanceof OpenAI.NotFoundError);
    await assert.rejects(
      b.responses.create({ model: 'grok-chat-fast', previous_response_id: first.id, input: 'and now?' }),
      (e: unknown) => e instanceof OpenAI.NotFoundError && e.param === 'previous_response_id',
    );
    await h.openai.responses.delete(first.id);
    await assert.rejects(h.openai.responses.retrieve(first.id), (e: unknown) => e instanceof OpenAI.NotFoundError);
  });

  void it('store: false keeps nothing; unsupported parameters are refused by name', async () => {
    const r = await h.openai.responses.create({ model: 'grok-chat-fast', input: 'hi', store: false });
    await assert.rejects(h.openai.responses.retrieve(r.id), (e: unknown) => e instanceof OpenAI.NotFoundError);
    for (const [extra, param] of [
      [{ background: true }, 'background'],
      [{ conversation: 'conv_1' }, 'conversation'],
      [{ include: ['message.output_text.logprobs'] }, 'include[0]'],
      [{ tools: [{ type: 'code_interpreter', container: { type: 'auto' } }] }, 'tools[0].type'],
      [{ tools: [{ type: 'function', name: 'bad name!', parameters: {} }] }, 'tools[0].name'],
    ] as const) {
      await assert.rejects(
        h.openai.responses.create({ model: 'grok-chat-fast', input: 'hi', ...extra } as never),
        (e: unknown) => e instanceof OpenAI.BadRequestError && e.param === param,
        param,
      );
    }
    const res = await fetch(`${h.baseURL}/responses/${r.id}?stream=true`, { headers: { authorization: `Bearer ${KEY_A}` } });
    assert.equal(res.status, 400);
  });

  void it('max_output_tokens cuts the answer: status incomplete with reason max_output_tokens', async () => {
    const r = await h.openai.responses.create({ model: 'grok-chat-fast', input: 'Tell me a long story [sim:tokens=400]', max_output_tokens: 16 });
    assert.equal(r.status, 'incomplete');
    assert.deepEqual(r.incomplete_details, { reason: 'max_output_tokens' });
  });

  void it('a 5-step tool-calling agent loop through the Responses API (openai SDK)', async () => {
    let previous: string | undefined;
    let input: OpenAI.Responses.ResponseInput = [{ role: 'user', content: 'Plan a picnic [sim:tool-steps=4]' }];
    let steps = 0;
    let final = '';
    for (; steps < 5; ) {
      const r = await h.openai.responses.create({ model: 'grok-chat-fast', input, tools: [weather], ...(previous ? { previous_response_id: previous } : {}) });
      steps++;
      previous = r.id;
      const calls = r.output.filter((o): o is OpenAI.Responses.ResponseFunctionToolCall => o.type === 'function_call');
      if (calls.length === 0) {
        final = r.output_text;
        break;
      }
      input = calls.map((c) => ({ type: 'function_call_output' as const, call_id: c.call_id, output: JSON.stringify({ step: steps }) }));
    }
    assert.equal(steps, 5);
    assert.equal(final, 'Based on the tool result: {"step":4}');
  });

  void it('AI SDK Responses provider: generateText with tools in a 5-step loop, and streamText', async () => {
    const provider = createOpenAI({ baseURL: h.baseURL, apiKey: KEY_A });
    const seen: string[] = [];
    const result = await generateText({
      model: provider.responses('grok-chat-fast'),
      prompt: 'Plan a picnic [sim:tool-steps=4]',
      tools: {
        get_weather: tool({
          description: 'Weather for a city',
          inputSchema: z.object({ city: z.string() }),
          execute: ({ city }) => {
            seen.push(city);
            return Promise.resolve({ city, temp: 22 });
          },
        }),
      },
      stopWhen: stepCountIs(5),
    });
    assert.equal(result.steps.length, 5);
    assert.deepEqual(seen, ['sim-city', 'sim-city', 'sim-city', 'sim-city']);
    assert.equal(result.text, 'Based on the tool result: {"city":"sim-city","temp":22}');
    assert.equal(result.finishReason, 'stop');

    const s = streamText({ model: provider.responses('grok-chat-fast'), prompt: 'Say hello' });
    let text = '';
    for await (const piece of s.textStream) text += piece;
    assert.ok(text.length > 0);
    assert.equal(await s.finishReason, 'stop');
  });

  void it('input_items: every item with an id, newest first by default; order, limit and after page them', async () => {
    const r = await h.openai.responses.create({
      model: 'grok-chat-fast',
      input: [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'second' },
        { role: 'user', content: [{ type: 'input_text', text: 'third' }] },
      ],
    });
    const texts = (list: OpenAI.Responses.ResponseItem[]) => list.map((i) => (i.type === 'message' ? (i.content[0] as { text: string }).text : i.type));
    const desc = await h.openai.responses.inputItems.list(r.id);
    assert.deepEqual(texts(desc.data), ['third', 'second', 'first']);
    assert.ok(desc.data.every((i) => typeof i.id === 'string' && i.id.length > 0));
    const page1 = await h.openai.responses.inputItems.list(r.id, { order: 'asc', limit: 2 });
    assert.deepEqual(texts(page1.data), ['first', 'second']);
    assert.equal(page1.has_more, true);
    const page2 = await h.openai.responses.inputItems.list(r.id, { order: 'asc', limit: 2, after: page1.data[1]?.id });
    assert.deepEqual(texts(page2.data), ['third']);
    assert.equal(page2.has_more, false);
  });

  void it('the call log records the tool calls made on chat completions too', async () => {
    await h.openai.chat.completions.create({
      model: 'grok-chat-fast', messages: [{ role: 'user', content: 'Weather? [sim:tool-parallel=2]' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: weather.parameters } }, { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } }],
    });
    await new Promise((r) => setTimeout(r, 50));
    const hit = h.gw.callLog.query({}, 1, 10).items.find((e) => e.endpoint === '/v1/chat/completions' && e.toolCalls !== undefined);
    assert.deepEqual(hit?.toolCalls, ['get_weather', 'get_time']);
  });

  void it('a client that leaves mid-stream ends the call (499 in the call log), and nothing is stored', async () => {
    const ac = new AbortController();
    const stream = await h.openai.responses.create(
      { model: 'grok-chat-fast', stream: true, input: 'A long story [sim:tokens=400] [sim:slow=20]' },
      { signal: ac.signal },
    );
    let id = '';
    let completed = false;
    try {
      for await (const ev of stream) {
        if (ev.type === 'response.created') id = ev.response.id;
        if (ev.type === 'response.output_text.delta') ac.abort();
        if (ev.type === 'response.completed') completed = true;
      }
    } catch {
      // The SDK may end the iteration quietly or raise the abort: either way the client is gone.
    }
    assert.equal(completed, false);
    assert.match(id, /^resp_/);
    let entry;
    for (let i = 0; i < 100 && !entry; i++) {
      entry = h.gw.callLog.query({}, 1, 20).items.find((e) => e.endpoint === '/v1/responses' && e.status === 499);
      if (!entry) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(entry, 'the call is logged as 499');
    await assert.rejects(h.openai.responses.retrieve(id), (e: unknown) => e instanceof OpenAI.NotFoundError);
  });

  void it('the call log records the endpoint and the tool calls made', async () => {
    await h.openai.responses.create({ model: 'grok-chat-fast', input: 'Weather in Paris? [sim:tool-parallel=2]', tools: [weather, { ...weather, name: 'get_time' }] });
    await new Promise((r) => setTimeout(r, 50));
    const entries = h.gw.callLog.query({}, 1, 10).items;
    const hit = entries.find((e) => e.endpoint === '/v1/responses' && e.toolCalls !== undefined);
    assert.ok(hit, JSON.stringify(entries.map((e) => e.endpoint)));
    assert.deepEqual(hit.toolCalls, ['get_weather', 'get_time']);
  });
});
