// One attempt's answer shaped by the output controls: plain (limits only), tools auto (sieve),
// buffered (forced call or JSON) with its verdicts, and think_tags wrapping kept out of the parsers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileJsonSpec, type JsonValidator } from '../../src/gateway/json-output.js';
import type { OutputControls, ToolSet } from '../../src/gateway/output-controls.js';
import { OutputPipeline, type PipelineOut } from '../../src/gateway/output-pipeline.js';

const tools = (choice: ToolSet['choice']): ToolSet => ({
  tools: [{ name: 'get_weather', parameters: { type: 'object' } }], choice, hostedSearch: false, parallel: true,
});
const CALL = '<tool_calls><tool_call><tool_name>get_weather</tool_name><parameters>{"city":"Oslo"}</parameters></tool_call></tool_calls>';

function run(controls: OutputControls, pieces: Array<{ content?: string; reasoning?: string }>, opts: { thinkTags?: boolean; retryAllowed?: boolean; validator?: JsonValidator } = {}) {
  const p = new OutputPipeline({ controls, validator: opts.validator, thinkTags: opts.thinkTags ?? false, retryAllowed: opts.retryAllowed ?? true });
  const outs: PipelineOut[] = [];
  for (const d of pieces) outs.push(p.push(d));
  const fin = p.finish();
  outs.push(fin.out);
  return {
    streamed: outs.slice(0, -1).map((o) => o.content).join(''),
    content: outs.map((o) => o.content).join(''),
    reasoning: outs.map((o) => o.reasoning).join(''),
    calls: outs.flatMap((o) => o.calls),
    verdict: fin.verdict,
    limitReached: p.limitReached,
  };
}

void test('think_tags: reasoning becomes a <think> block before the answer, and the sieve never sees it', () => {
  const r = run({ tools: tools({ mode: 'auto' }) }, [{ reasoning: 'I should call <tool_calls>' }, { content: 'Sure. ' }, { content: CALL }], { thinkTags: true });
  assert.equal(r.content, '<think>\nI should call <tool_calls>\n</think>\n\nSure. ');
  assert.equal(r.calls.length, 1);
  assert.deepEqual(r.verdict, { kind: 'done', finishReason: 'tool_calls' });
});

void test('tools auto: text streams as it comes; the call ends the answer', () => {
  const r = run({ tools: tools({ mode: 'auto' }) }, [{ content: 'Checking. ' }, { content: CALL.slice(0, 30) }, { content: CALL.slice(30) + ' bye' }]);
  assert.equal(r.streamed, 'Checking. ');
  assert.equal(r.calls[0]?.arguments, '{"city":"Oslo"}');
});

void test('forced call: nothing streams; a missing call asks for a retry, and after the retry it is text', () => {
  const first = run({ tools: tools({ mode: 'required' }) }, [{ content: 'No calls from me.' }]);
  assert.equal(first.content, '');
  assert.equal(first.verdict.kind, 'retry');
  assert.match(first.verdict.kind === 'retry' ? first.verdict.correction : '', /^Correction: .*no <tool_calls> block/);
  const second = run({ tools: tools({ mode: 'required' }) }, [{ content: 'No calls from me.' }], { retryAllowed: false });
  assert.equal(second.content, 'No calls from me.');
  assert.deepEqual(second.verdict, { kind: 'done', finishReason: 'stop' });
  const named = run({ tools: { ...tools({ mode: 'named', name: 'other' }), tools: [{ name: 'get_weather', parameters: {} }, { name: 'other', parameters: {} }] } }, [{ content: CALL }]);
  assert.equal(named.verdict.kind, 'retry', 'a call to another tool than the named one');
});

void test('JSON: buffered, extracted, validated; a retry, then invalid', () => {
  const spec = { kind: 'json_schema' as const, name: 'r', strict: true, schema: { type: 'object', properties: { a: { type: 'integer' } }, required: ['a'] } };
  const c = compileJsonSpec(spec);
  assert.ok(c.ok);
  const ok = run({ json: spec }, [{ reasoning: 'hmm' }, { content: 'Here:\n```json\n{"a":' }, { content: ' 1}\n```' }], { validator: c.validate, thinkTags: true });
  assert.equal(ok.content, '{"a": 1}', 'no think block and no chatter in a JSON answer');
  const bad = run({ json: spec }, [{ content: '{"a":"x"}' }], { validator: c.validate });
  assert.equal(bad.verdict.kind, 'retry');
  const still = run({ json: spec }, [{ content: '{"a":"x"}' }], { validator: c.validate, retryAllowed: false });
  assert.equal(still.verdict.kind, 'invalid');
  assert.match(still.verdict.kind === 'invalid' ? still.verdict.message : '', /must be integer/);
});

void test('limits apply to the answer before parsing: a stop inside the text ends it before a call', () => {
  const r = run({ tools: tools({ mode: 'auto' }), stop: ['Checking'] }, [{ content: 'Ok. Checking. ' + CALL }]);
  assert.equal(r.content, 'Ok. ');
  assert.equal(r.calls.length, 0);
  assert.ok(r.limitReached);
  assert.deepEqual(r.verdict, { kind: 'done', finishReason: 'stop' });
  const cut = run({ json: { kind: 'json_object' }, maxTokens: 3 }, [{ content: '{"alpha": "beta gamma delta"}' }], { validator: () => undefined });
  assert.deepEqual(cut.verdict, { kind: 'done', finishReason: 'length' }, 'a cut JSON answer is returned as is, like OpenAI');
});

void test('parallel_tool_calls false keeps the first call only', () => {
  const two = CALL.replace('</tool_calls>', '<tool_call><tool_name>get_weather</tool_name><parameters>{}</parameters></tool_call></tool_calls>');
  const r = run({ tools: { ...tools({ mode: 'auto' }), parallel: false } }, [{ content: two }]);
  assert.equal(r.calls.length, 1);
});

void test('a call block cut by max_tokens is dropped, not shown as half a tag', () => {
  const r = run({ tools: tools({ mode: 'auto' }), maxTokens: 6 }, [{ content: 'Ok then. ' }, { content: CALL }]);
  assert.equal(r.content, 'Ok then. ');
  assert.equal(r.calls.length, 0);
  assert.deepEqual(r.verdict, { kind: 'done', finishReason: 'length' });
});
