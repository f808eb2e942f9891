// A turn that ends "successfully" with nothing in it (here: grok.com renamed the answer field, so
// the gateway reads no text) is the failure kind `empty-answer`: tried on one other account, then
// a 502 `empty_answer` — never a 200 with "" as the answer. Streams that already opened end with
// the error event instead of a silent stop.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { chatCalls, startHarness, type Harness } from './harness.js';
import { weatherTool } from './emulation-helpers.js';

const TOKENS = ['sso-empty-aaaaaaaaaaaaaaaaaaaa-0001', 'sso-empty-bbbbbbbbbbbbbbbbbbbb-0002', 'sso-empty-cccccccccccccccccccc-0003'];

void describe('empty answers (failure kind empty-answer)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ tokens: TOKENS, overrides: { retry: { max_attempts: 3 } } });
  });
  after(async () => {
    await h?.close();
  });

  void it('non-streaming: retried on one other account, then 502 empty_answer', async () => {
    const before = chatCalls(h).length;
    const err = await h.openai.chat.completions
      .create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'say something [sim:rename-field]' }] })
      .then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof OpenAI.APIError, String(err));
    assert.equal(err.status, 502);
    assert.equal(err.code, 'empty_answer');
    assert.match(err.message, /without an answer/);
    const calls = chatCalls(h).slice(before);
    assert.equal(calls.length, 2, 'one retry, not three attempts');
    assert.notEqual(calls[0]?.token, calls[1]?.token, 'the retry used another account');
  });

  void it('streaming: the stream ends with the empty_answer error, not a silent stop', async () => {
    let finish: string | null | undefined;
    let content = '';
    const err = await (async () => {
      const stream = await h.openai.chat.completions.create({ model: 'grok-chat-fast', stream: true, messages: [{ role: 'user', content: 'think then nothing [sim:rename-field]' }] });
      for await (const chunk of stream) {
        content += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
    })().then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof OpenAI.APIError, `expected an error, got finish_reason=${String(finish)}`);
    assert.match(err.message, /without an answer/);
    assert.equal(content, '');
    assert.notEqual(finish, 'stop');
  });

  void it('emulated (tools, chat completions): retried on one other account, then 502 empty_answer', async () => {
    const before = chatCalls(h).length;
    const err = await h.openai.chat.completions
      .create({ model: 'grok-chat-fast', tools: [weatherTool], messages: [{ role: 'user', content: 'weather in Oslo? [sim:rename-field]' }] })
      .then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof OpenAI.APIError, String(err));
    assert.equal(err.status, 502);
    assert.equal(err.code, 'empty_answer');
    const calls = chatCalls(h).slice(before);
    assert.equal(calls.length, 2, 'one retry, not three attempts');
    assert.notEqual(calls[0]?.token, calls[1]?.token, 'the retry used another account');
  });

  void it('emulated (Responses, JSON output): non-streaming 502 empty_answer; streaming ends with the error event, after one retry each', async () => {
    const format = { type: 'json_schema' as const, name: 'w', schema: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false }, strict: true };
    let before = chatCalls(h).length;
    const err = await h.openai.responses
      .create({ model: 'grok-chat-fast', input: 'json please [sim:rename-field]', text: { format } })
      .then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof OpenAI.APIError, String(err));
    assert.equal(err.status, 502);
    assert.equal(err.code, 'empty_answer');
    assert.equal(chatCalls(h).length - before, 2);

    before = chatCalls(h).length;
    const types: string[] = [];
    let code: string | null | undefined;
    const stream = await h.openai.responses.create({ model: 'grok-chat-fast', input: 'json please [sim:rename-field]', text: { format }, stream: true });
    for await (const ev of stream) {
      types.push(ev.type);
      if (ev.type === 'error') code = ev.code;
    }
    assert.deepEqual(types, ['response.created', 'response.in_progress', 'error', 'response.failed']);
    assert.equal(code, 'empty_answer');
    const calls = chatCalls(h).slice(before);
    assert.equal(calls.length, 2);
    assert.notEqual(calls[0]?.token, calls[1]?.token);
  });

  void it('an answered turn is untouched', async () => {
    const r = await h.openai.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'hello' }] });
    assert.ok((r.choices[0]?.message.content ?? '').length > 0);
  });
});
