// The simulator as a model: it answers the gateway's tool and JSON instructions, follows scripted
// malformed attempts until a correction arrives, and fills schemas with minimal valid values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDirectives } from './directives.js';
import { sampleFromSchema } from './json-instance.js';
import { emulationAnswer } from './model-answers.js';

const TOOLS = '[system]: You can call the following client tools (functions).\n\nTool: get_weather\nDescription: Weather\nParameters: {"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}\n\nTool: get_time\nParameters: {"type":"object","properties":{"zone":{"type":"string","enum":["UTC","CET"]}}}\n';

function answer(prompt: string): string | undefined {
  const { directives, text } = parseDirectives(prompt);
  return emulationAnswer(text, directives, text.split('\n').pop() ?? '');
}

void test('a tool section gets a call block for the first (or mentioned, or forced) tool', () => {
  assert.equal(answer(`${TOOLS}\n[user]: hi`), '<tool_calls>\n  <tool_call>\n    <tool_name>get_weather</tool_name>\n    <parameters>{"city":"sim-city"}</parameters>\n  </tool_call>\n</tool_calls>');
  assert.match(answer(`${TOOLS}\n[user]: use get_time`) ?? '', /<tool_name>get_time<\/tool_name>\n {4}<parameters>\{"zone":"UTC"\}/);
  assert.match(answer(`${TOOLS}You must call the tool "get_time" now, and no other tool.\n\n[user]: weather`) ?? '', /get_time/);
});

void test('malformed first attempts are fixed by a correction unless scripted -always', () => {
  assert.match(answer(`${TOOLS}\n[user]: x [sim:tool-bad=unknown]`) ?? '', /undeclared_tool/);
  const corrected = `${TOOLS}\n[user]: x [sim:tool-bad=unknown]\n\n[assistant]: bad\n\n[system]: Correction: do it right`;
  assert.match(answer(corrected) ?? '', /get_weather/);
  assert.match(answer(corrected.replace('tool-bad=unknown', 'tool-bad=text-always')) ?? '', /^I would rather answer directly/);
});

void test('after the scripted number of tool rounds the answer is text about the last result', () => {
  const history = `${TOOLS}\n[user]: go [sim:tool-steps=2]\n\n[assistant]: <tool_calls>…</tool_calls>\n\n[tool result for call_1 (get_weather)]:\n{"t":1}`;
  assert.match(answer(history) ?? '', /<tool_calls>/, 'one result, two rounds scripted: call again');
  assert.equal(answer(`${history}\n\n[assistant]: <tool_calls>…</tool_calls>\n\n[tool result for call_2 (get_weather)]:\n{"t":2}`), 'Based on the tool result: {"t":2}');
});

void test('JSON sections: a minimal valid instance, optionally wrapped or wrong', () => {
  const json = '[system]: Answer with JSON only.\nSchema name: x\n<json_schema>\n{"type":"object","properties":{"n":{"type":"integer","minimum":3}}}\n</json_schema>\n\n[user]: go';
  assert.equal(answer(json), '{"n":3}');
  assert.match(answer(`${json} [sim:json-wrap]`) ?? '', /^Sure! .*\n```json\n\{"n":3\}\n```/);
  assert.equal(answer(`${json} [sim:json-bad]`), '"not what the schema wants"');
  assert.equal(answer('[user]: a plain prompt'), undefined);
});

void test('sampleFromSchema covers refs, unions, formats, arrays and bounds', () => {
  const schema = {
    type: 'object',
    $defs: { tag: { type: 'string', minLength: 8 } },
    properties: {
      tags: { type: 'array', items: { $ref: '#/$defs/tag' }, minItems: 2 },
      when: { type: 'string', format: 'date-time' },
      maybe: { anyOf: [{ type: 'null' }, { type: 'number', exclusiveMinimum: 4 }] },
      kind: { const: 'k' },
      flag: { type: ['boolean', 'null'] },
    },
  };
  assert.deepEqual(sampleFromSchema(schema), {
    tags: ['sim-tags', 'sim-tags'],
    when: '2026-01-01T00:00:00Z',
    maybe: 5,
    kind: 'k',
    flag: true,
  });
});

void test('the other flattening style ([role] on its own line, "Tool result (id):") is read the same way', () => {
  const tools = TOOLS.replace('[system]: ', '[system]\n');
  const history = `${tools}\n[user]\ngo\n\n[assistant]\n<tool_calls>…</tool_calls>\n\n[tool]\nTool result (call_1): {"t":3}`;
  assert.equal(answer(history), 'Based on the tool result: {"t":3}');
  assert.match(answer(`${tools}\n[user]\nx [sim:tool-bad]\n\n[system]\nCorrection: again`) ?? '', /get_weather/);
});
