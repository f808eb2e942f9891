// The agent SDKs people point at a gateway, against the gateway in front of the simulator: the
// Vercel AI SDK (openai-compatible provider) and LangChain's ChatOpenAI. Tool loops, structured
// output, streaming objects: what failed silently before the emulation existed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateObject, generateText, stepCountIs, streamObject, streamText, tool } from 'ai';
import { ChatOpenAI } from '@langchain/openai';
import { AIMessage, HumanMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { tool as lcTool } from '@langchain/core/tools';
import { z } from 'zod';
import { startHarness, type Harness } from './harness.js';
import { hasTagFragment, manyAccounts } from './emulation-helpers.js';

const API_KEY = 'sk-test-harness-key-000000';

const Recipe = z.object({
  name: z.string(),
  steps: z.array(z.string()).min(1),
  minutes: z.number().int().min(1),
  vegetarian: z.boolean(),
});

void describe('agent SDKs (AI SDK, LangChain → gateway → simulator)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ apiKey: API_KEY, tokens: manyAccounts('sdk') });
  });
  after(async () => {
    await h.close();
  });

  const aiModel = () =>
    createOpenAICompatible({ name: 'grok2api', baseURL: h.baseURL, apiKey: API_KEY, supportsStructuredOutputs: true }).chatModel('grok-chat-fast');

  const lc = () => new ChatOpenAI({ model: 'grok-chat-fast', apiKey: API_KEY, configuration: { baseURL: h.baseURL }, maxRetries: 0 });

  void it('AI SDK generateText: a 5-step tool loop runs the tools and ends with the answer', async () => {
    const seen: string[] = [];
    const result = await generateText({
      model: aiModel(),
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
  });

  void it('AI SDK streamText with tools and toolChoice required: tool-call parts, no fragment in text', async () => {
    const result = streamText({
      model: aiModel(),
      prompt: 'Weather please [sim:tool-prose]',
      tools: { get_weather: tool({ description: 'Weather', inputSchema: z.object({ city: z.string() }) }) },
      toolChoice: 'required',
    });
    let text = '';
    for await (const part of result.textStream) text += part;
    const calls = await result.toolCalls;
    assert.equal(calls.length, 1);
    assert.equal(calls[0]?.toolName, 'get_weather');
    assert.deepEqual(calls[0]?.input, { city: 'sim-city' });
    assert.ok(!hasTagFragment(text), text);
    assert.equal(await result.finishReason, 'tool-calls');
  });

  // supportsStructuredOutputs: true makes the provider send the schema (json_schema); without it the
  // provider sends a bare json_object and drops the schema, so no model could know the shape.
  void it('AI SDK generateObject and streamObject', async () => {
    const { object } = await generateObject({ model: aiModel(), schema: Recipe, prompt: 'A quick recipe [sim:json-wrap]' });
    assert.deepEqual(Recipe.parse(object), object);
    assert.equal(object.vegetarian, true);
    const stream = streamObject({ model: aiModel(), schema: Recipe, prompt: 'Another recipe' });
    let partials = 0;
    for await (const partial of stream.partialObjectStream) if (partial) partials++;
    const streamed = await stream.object;
    assert.ok(partials > 0);
    assert.deepEqual(Recipe.parse(streamed), streamed);
  });

  void it('LangChain bindTools + a 5-step tool loop', async () => {
    const weather = lcTool(({ city }: { city: string }) => JSON.stringify({ city, temp: 18 }), {
      name: 'get_weather',
      description: 'Weather for a city',
      schema: z.object({ city: z.string() }),
    });
    const model = lc().bindTools([weather]);
    const messages: BaseMessage[] = [new HumanMessage('Trip plan [sim:tool-steps=4]')];
    let steps = 0;
    let last: AIMessage | undefined;
    for (; steps < 5; steps++) {
      last = await model.invoke(messages);
      messages.push(last);
      if (!last.tool_calls || last.tool_calls.length === 0) break;
      for (const call of last.tool_calls) {
        assert.equal(call.name, 'get_weather');
        const out = await weather.invoke(call.args as { city: string });
        messages.push(new ToolMessage({ tool_call_id: call.id ?? '', content: String(out) }));
      }
    }
    assert.equal(steps, 4);
    assert.equal(last?.content, 'Based on the tool result: {"city":"sim-city","temp":18}');
  });

  void it('LangChain streaming with bound tools: the call arrives in the chunks', async () => {
    const model = lc().bindTools([{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }]);
    let text = '';
    let merged: import('@langchain/core/messages').AIMessageChunk | undefined;
    for await (const chunk of await model.stream('Weather? [sim:tool-prose]')) {
      text += typeof chunk.content === 'string' ? chunk.content : '';
      merged = merged ? merged.concat(chunk) : chunk;
    }
    assert.equal(text, 'Let me check that for you.\n');
    assert.equal(merged?.tool_calls?.[0]?.name, 'get_weather');
    assert.deepEqual(merged?.tool_calls?.[0]?.args, { city: 'sim-city' });
  });

  void it('LangChain withStructuredOutput: functionCalling, jsonSchema and jsonMode', async () => {
    for (const method of ['functionCalling', 'jsonSchema', 'jsonMode'] as const) {
      // jsonMode sends json_object only: the shape has to be in the prompt, as LangChain documents.
      const prompt = method === 'jsonMode' ? `A recipe as JSON matching this schema: ${JSON.stringify(z.toJSONSchema(Recipe))}` : 'A recipe';
      const out = await lc().withStructuredOutput(Recipe, { method, name: 'recipe' }).invoke(prompt);
      assert.ok(out, method);
      assert.deepEqual(Recipe.parse(out), out, method);
    }
  });
});
