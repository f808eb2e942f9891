// Tool calling on chat completions, emulated through the prompt: the official OpenAI SDK against
// the gateway in front of the simulator (which answers tool instructions like a model would).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type OpenAI from 'openai';
import type { RunnableToolFunctionWithParse } from 'openai/lib/RunnableFunction';
import { startHarness, type Harness } from './harness.js';
import { chatTurns, hasTagFragment, manyAccounts, timeTool, weatherTool } from './emulation-helpers.js';

type Msg = OpenAI.Chat.Completions.ChatCompletionMessageParam;

async function streamCollect(h: Harness, params: Omit<OpenAI.Chat.Completions.ChatCompletionCreateParamsStreaming, 'stream' | 'model'>) {
  const stream = await h.openai.chat.completions.create({ model: 'grok-chat-fast', stream: true, ...params });
  let content = '';
  const calls: Array<{ index: number; id?: string; name?: string; args: string }> = [];
  let finish: string | null = null;
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    if (!choice) continue;
    content += choice.delta.content ?? '';
    for (const tc of choice.delta.tool_calls ?? []) {
      let c = calls.find((x) => x.index === tc.index);
      if (!c) {
        c = { index: tc.index, args: '' };
        calls.push(c);
      }
      if (tc.id) c.id = tc.id;
      if (tc.function?.name) c.name = tc.function.name;
      c.args += tc.function?.arguments ?? '';
    }
    if (choice.finish_reason) finish = choice.finish_reason;
  }
  return { content, calls, finish };
}

void describe('tool calling (OpenAI SDK → gateway → simulator)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ tokens: manyAccounts('tool-') });
  });
  after(async () => {
    await h.close();
  });

  void it('non-streaming: tool_calls with a valid id and JSON arguments, content null, finish tool_calls', async () => {
    const res = await h.openai.chat.completions.create({
      model: 'grok-chat-fast',
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      tools: [weatherTool, timeTool],
    });
    const choice = res.choices[0];
    assert.equal(choice?.finish_reason, 'tool_calls');
    assert.equal(choice?.message.content, null);
    const call = choice?.message.tool_calls?.[0];
    assert.ok(call && call.type === 'function');
    assert.match(call.id, /^call_[0-9a-f]{32}$/);
    assert.equal(call.function.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'sim-city', unit: 'celsius' });
    // The definitions reached Grok: the simulator filled the call from the declared schema.
  });

  void it('streaming: text before the call streams, the call leaves as delta.tool_calls, no tag fragment in content', async () => {
    for (const variant of ['xml', 'function_call', 'invoke', 'json', 'fence']) {
      const r = await streamCollect(h, {
        messages: [{ role: 'user', content: `Weather? [sim:tool-prose] [sim:tool-variant=${variant}]` }],
        tools: [weatherTool],
      });
      assert.equal(r.finish, 'tool_calls', variant);
      assert.equal(r.content, 'Let me check that for you.\n', variant);
      assert.ok(!hasTagFragment(r.content), variant);
      assert.equal(r.calls.length, 1, variant);
      assert.equal(r.calls[0]?.name, 'get_weather');
      assert.match(r.calls[0]?.id ?? '', /^call_[0-9a-f]{32}$/);
      assert.deepEqual(JSON.parse(r.calls[0]?.args ?? ''), { city: 'sim-city', unit: 'celsius' });
    }
  });

  void it('streaming with the simulator writing 11-byte network chunks: still no fragment', async () => {
    const r = await streamCollect(h, {
      messages: [{ role: 'user', content: 'Weather? [sim:tool-prose] [sim:chunk=11]' }],
      tools: [weatherTool],
    });
    assert.equal(r.content, 'Let me check that for you.\n');
    assert.equal(r.calls.length, 1);
  });

  void it('several calls in one answer are parallel tool calls (indexes 0 and 1); parallel_tool_calls:false keeps one', async () => {
    const r = await streamCollect(h, {
      messages: [{ role: 'user', content: 'Weather and time [sim:tool-parallel=2]' }],
      tools: [weatherTool, timeTool],
    });
    assert.deepEqual(r.calls.map((c) => [c.index, c.name]), [[0, 'get_weather'], [1, 'get_time']]);
    assert.notEqual(r.calls[0]?.id, r.calls[1]?.id);
    const one = await h.openai.chat.completions.create({
      model: 'grok-chat-fast',
      messages: [{ role: 'user', content: 'Weather and time [sim:tool-parallel=2]' }],
      tools: [weatherTool, timeTool],
      parallel_tool_calls: false,
    });
    assert.equal(one.choices[0]?.message.tool_calls?.length, 1);
  });

  void it('tool_choice none: no tool section upstream and a plain answer', async () => {
    const res = await h.openai.chat.completions.create({
      model: 'grok-chat-fast',
      messages: [{ role: 'user', content: 'Hello' }],
      tools: [weatherTool],
      tool_choice: 'none',
    });
    assert.equal(res.choices[0]?.finish_reason, 'stop');
    // The simulator calls a tool whenever it reads a tool section: this echo means there was none.
    assert.equal(res.choices[0]?.message.content, 'Echo: Hello');
  });

  void it('a named tool_choice forces that tool', async () => {
    const res = await h.openai.chat.completions.create({
      model: 'grok-chat-fast',
      messages: [{ role: 'user', content: 'What about get_weather?' }],
      tools: [weatherTool, timeTool],
      tool_choice: { type: 'function', function: { name: 'get_time' } },
    });
    const forced = res.choices[0]?.message.tool_calls?.[0];
    assert.ok(forced?.type === 'function');
    assert.equal(forced.function.name, 'get_time');
  });

  void it('required + a malformed first answer: one corrective retry, then the call (both streaming and not)', async () => {
    for (const bad of ['unknown', 'args', 'text']) {
      h.sim.clearRequests();
      const res = await h.openai.chat.completions.create({
        model: 'grok-chat-fast',
        messages: [{ role: 'user', content: `Weather [sim:tool-bad=${bad}]` }],
        tools: [weatherTool],
        tool_choice: 'required',
      });
      assert.equal(res.choices[0]?.finish_reason, 'tool_calls', bad);
      const call = res.choices[0]?.message.tool_calls?.[0];
      assert.ok(call?.type === 'function');
      assert.equal(call.function.name, 'get_weather');
      // The simulator only fixes its scripted bad answer once it reads a correction.
      assert.equal(chatTurns(h), 2, `one retry for ${bad}`);
    }
    const r = await streamCollect(h, {
      messages: [{ role: 'user', content: 'Weather [sim:tool-bad=unknown]' }],
      tools: [weatherTool],
      tool_choice: 'required',
    });
    assert.equal(r.finish, 'tool_calls');
    assert.equal(r.content, '', 'the malformed first answer never reached the client');
    assert.equal(r.calls[0]?.name, 'get_weather');
  });

  void it('required + malformed twice: answered as text, never a half call', async () => {
    h.sim.clearRequests();
    const res = await h.openai.chat.completions.create({
      model: 'grok-chat-fast',
      messages: [{ role: 'user', content: 'Weather [sim:tool-bad=text-always]' }],
      tools: [weatherTool],
      tool_choice: 'required',
    });
    assert.equal(res.choices[0]?.finish_reason, 'stop');
    assert.equal(res.choices[0]?.message.tool_calls, undefined);
    assert.match(res.choices[0]?.message.content ?? '', /answer directly/);
    assert.equal(chatTurns(h), 2);
  });

  void it('auto + an unknown tool name: the block is text, not a call (no retry)', async () => {
    h.sim.clearRequests();
    const res = await h.openai.chat.completions.create({
      model: 'grok-chat-fast',
      messages: [{ role: 'user', content: 'Weather [sim:tool-bad=unknown]' }],
      tools: [weatherTool],
    });
    assert.equal(res.choices[0]?.finish_reason, 'stop');
    assert.equal(res.choices[0]?.message.tool_calls, undefined);
    assert.equal(chatTurns(h), 1);
  });

  void it('tool results go back to Grok with the earlier call, and the model answers from them', async () => {
    const messages: Msg[] = [
      { role: 'user', content: 'Weather in Oslo?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_abc', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: 'call_abc', content: '{"temp":21,"sky":"clear"}' },
    ];
    const res = await h.openai.chat.completions.create({ model: 'grok-chat-fast', messages, tools: [weatherTool] });
    assert.equal(res.choices[0]?.finish_reason, 'stop');
    // The simulator read the result back from the flattened history (its exact shape is unit-tested).
    assert.equal(res.choices[0]?.message.content, 'Based on the tool result: {"temp":21,"sky":"clear"}');
  });

  void it('a 5-step agent loop completes: 4 rounds of calls, then the answer', async () => {
    const messages: Msg[] = [{ role: 'user', content: 'Plan my trip [sim:tool-steps=4]' }];
    const tools = { get_weather: (a: { city: string }) => ({ city: a.city, temp: 20 }), get_time: (a: { zone: string }) => ({ zone: a.zone, time: '12:00' }) };
    let steps = 0;
    for (; steps < 5; steps++) {
      const res = await h.openai.chat.completions.create({ model: 'grok-chat-fast', messages, tools: [weatherTool, timeTool] });
      const msg = res.choices[0]?.message;
      assert.ok(msg);
      if (res.choices[0]?.finish_reason !== 'tool_calls') {
        assert.match(msg.content ?? '', /^Based on the tool result: /);
        break;
      }
      messages.push({ role: 'assistant', content: msg.content, tool_calls: msg.tool_calls });
      for (const call of msg.tool_calls ?? []) {
        assert.ok(call.type === 'function');
        const fn = tools[call.function.name as keyof typeof tools] as (a: never) => unknown;
        messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(fn(JSON.parse(call.function.arguments) as never)) });
      }
    }
    assert.equal(steps, 4, 'answered at the fifth step');
  });

  void it("the SDK's own agent runner (chat.completions.runTools) runs the loop to the answer, streaming and not", async () => {
    for (const stream of [false, true]) {
      const calls: string[] = [];
      const weather: RunnableToolFunctionWithParse<{ city: string }> = {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Current weather for a city',
          parameters: weatherTool.function.parameters,
          parse: (s: string) => JSON.parse(s) as { city: string },
          function: (a: { city: string }) => {
            calls.push(a.city);
            return { city: a.city, temp: 5 };
          },
        },
      };
      const messages: Msg[] = [{ role: 'user', content: 'Weather twice [sim:tool-steps=2]' }];
      const runner = stream
        ? h.openai.chat.completions.runTools({ model: 'grok-chat-fast', messages, tools: [weather], stream: true })
        : h.openai.chat.completions.runTools({ model: 'grok-chat-fast', messages, tools: [weather] });
      const content = await runner.finalContent();
      assert.equal(content, 'Based on the tool result: {"city":"sim-city","temp":5}', `stream=${stream}`);
      assert.deepEqual(calls, ['sim-city', 'sim-city']);
    }
  });

  void it('web_search declarations add nothing to the prompt (Grok searches natively)', async () => {
    const res = await h.openai.chat.completions.create({
      model: 'grok-chat-fast',
      messages: [{ role: 'user', content: 'News?' }],
      tools: [{ type: 'web_search' } as never],
    });
    // No tool section (the simulator would have answered with a call): a plain answer.
    assert.equal(res.choices[0]?.message.content, 'Echo: News?');
  });

  void it('bad tool declarations are 400s naming the parameter', async () => {
    const cases: Array<[unknown, string | RegExp, string]> = [
      [[weatherTool, weatherTool], /Duplicate tool name 'get_weather'/, 'tools[1].function.name'],
      [[{ type: 'code_interpreter' }], /code_interpreter/, 'tools[0].type'],
      [[{ type: 'function', function: { name: 'bad name!' } }], /must match/, 'tools[0].function.name'],
      [Array.from({ length: 129 }, (_, i) => ({ type: 'function', function: { name: `t${i}` } })), /at most 128/, 'tools'],
    ];
    for (const [tools, message, param] of cases) {
      const err = await h.openai.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'x' }], tools: tools as never })
        .then(() => undefined, (e: unknown) => e as { status: number; message: string; param: string });
      assert.equal(err?.status, 400);
      assert.match(err?.message ?? '', message instanceof RegExp ? message : new RegExp(message));
      assert.equal(err?.param, param);
    }
    const named = await h.openai.chat.completions.create({
      model: 'grok-chat-fast', messages: [{ role: 'user', content: 'x' }], tools: [weatherTool],
      tool_choice: { type: 'function', function: { name: 'nope' } },
    }).then(() => undefined, (e: unknown) => e as { status: number; param: string });
    assert.equal(named?.status, 400);
    assert.equal(named?.param, 'tool_choice');
  });
});
