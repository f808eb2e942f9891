// response_format emulated through the prompt: the simulator answers JSON instructions like a
// model would (sometimes wrapped in chatter, sometimes wrong), the gateway extracts and validates.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { startHarness, type Harness } from './harness.js';
import { chatTurns, manyAccounts } from './emulation-helpers.js';

const Event = z.object({
  name: z.string(),
  date: z.string(),
  attendees: z.array(z.string()).min(1),
  priority: z.enum(['low', 'high']),
  seats: z.number().int().min(2),
});

const eventSchema = {
  type: 'object',
  properties: { title: { type: 'string', minLength: 3 }, score: { type: 'integer', minimum: 1, maximum: 5 } },
  required: ['title', 'score'],
  additionalProperties: false,
};

void describe('structured output (OpenAI SDK → gateway → simulator)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ tokens: manyAccounts('struc') });
  });
  after(async () => {
    await h.close();
  });

  void it('chat.completions.parse with zodResponseFormat (zod 4) returns the parsed object', async () => {
    const res = await h.openai.chat.completions.parse({
      model: 'grok-chat-fast',
      messages: [{ role: 'user', content: 'Extract the event' }],
      response_format: zodResponseFormat(Event, 'event'),
    });
    const parsed = res.choices[0]?.message.parsed;
    assert.ok(parsed);
    assert.deepEqual(Event.parse(parsed), parsed);
    // The simulator built this from the schema it read in the prompt (first enum value, minimum).
    assert.equal(parsed.priority, 'low');
    assert.equal(parsed.seats, 2);
  });

  void it('the streaming helper (chat.completions.stream with a zod format) parses the final message', async () => {
    const runner = h.openai.chat.completions.stream({
      model: 'grok-chat-fast',
      messages: [{ role: 'user', content: 'Extract the event [sim:json-wrap]' }],
      response_format: zodResponseFormat(Event, 'event'),
    });
    const final = await runner.finalChatCompletion();
    const parsed = final.choices[0]?.message.parsed;
    assert.ok(parsed);
    assert.deepEqual(Event.parse(parsed), parsed);
  });

  void it('json_schema: fences and chatter around the JSON are stripped; content is the JSON alone', async () => {
    const res = await h.openai.chat.completions.create({
      model: 'grok-chat-fast',
      messages: [{ role: 'user', content: 'Rate it [sim:json-wrap]' }],
      response_format: { type: 'json_schema', json_schema: { name: 'rating', schema: eventSchema, strict: true } },
    });
    assert.equal(res.choices[0]?.message.content, '{"title":"sim-title","score":1}');
    assert.equal(res.choices[0]?.finish_reason, 'stop');
  });

  void it('json_object: one JSON object as the content', async () => {
    const res = await h.openai.chat.completions.create({
      model: 'grok-chat-fast',
      messages: [{ role: 'user', content: 'Give me JSON' }],
      response_format: { type: 'json_object' },
    });
    assert.deepEqual(JSON.parse(res.choices[0]?.message.content ?? ''), { echo: 'Give me JSON' });
  });

  void it('an invalid first answer gets one corrective retry', async () => {
    h.sim.clearRequests();
    const res = await h.openai.chat.completions.create({
      model: 'grok-chat-fast',
      messages: [{ role: 'user', content: 'Rate it [sim:json-bad]' }],
      response_format: { type: 'json_schema', json_schema: { name: 'rating', schema: eventSchema, strict: true } },
    });
    assert.deepEqual(JSON.parse(res.choices[0]?.message.content ?? ''), { title: 'sim-title', score: 1 });
    // Fixed only because the simulator read the correction on the second turn.
    assert.equal(chatTurns(h), 2);
  });

  void it('still invalid after the retry: 502 invalid_model_output (non-streaming) and an error event (streaming)', async () => {
    const params = {
      model: 'grok-chat-fast',
      messages: [{ role: 'user' as const, content: 'Rate it [sim:json-bad=always]' }],
      response_format: { type: 'json_schema' as const, json_schema: { name: 'rating', schema: eventSchema, strict: true } },
    };
    const err = await h.openai.chat.completions.create(params).then(() => undefined, (e: unknown) => e as { status: number; code: string; message: string });
    assert.equal(err?.status, 502);
    assert.equal(err?.code, 'invalid_model_output');
    assert.match(err?.message ?? '', /must be object/);
    const stream = await h.openai.chat.completions.create({ ...params, stream: true });
    let content = '';
    const failed = await (async () => {
      for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? '';
    })().then(() => undefined, (e: unknown) => e as { message: string });
    assert.match(failed?.message ?? '', /response_format/);
    assert.equal(content, '', 'nothing of the invalid answers was streamed');
  });

  void it('streaming: only the JSON arrives as content; reasoning still streams', async () => {
    const stream = await h.openai.chat.completions.create({
      model: 'grok-chat-fast',
      stream: true,
      messages: [{ role: 'user', content: 'Rate it [sim:json-wrap]' }],
      response_format: { type: 'json_schema', json_schema: { name: 'rating', schema: eventSchema } },
    });
    let content = '';
    let reasoning = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      const d = chunk.choices[0]?.delta as { content?: string; reasoning_content?: string } | undefined;
      content += d?.content ?? '';
      reasoning += d?.reasoning_content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(content, '{"title":"sim-title","score":1}');
    assert.ok(reasoning.length > 0);
    assert.equal(finish, 'stop');
  });

  void it('an invalid JSON schema is a 400 naming response_format', async () => {
    const err = await h.openai.chat.completions.create({
      model: 'grok-chat-fast',
      messages: [{ role: 'user', content: 'x' }],
      response_format: { type: 'json_schema', json_schema: { name: 'bad', schema: { type: 'object', properties: { a: { type: 'strng' } } } } },
    }).then(() => undefined, (e: unknown) => e as { status: number; param: string; code: string });
    assert.equal(err?.status, 400);
    assert.equal(err?.param, 'response_format');
    assert.equal(err?.code, 'invalid_json_schema');
  });
});
