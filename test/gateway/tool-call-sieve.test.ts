// Tool-call emulation, parsing side: every accepted block shape, what is rejected, and the
// streaming sieve cut at every position of the answer (no tag fragment may reach the content).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ToolCallSieve, parseToolAnswer } from '../../src/gateway/tool-call-sieve.js';

const declared = new Set(['get_weather', 'search_docs']);
const BLOCK = '<tool_calls>\n  <tool_call>\n    <tool_name>get_weather</tool_name>\n    <parameters>{"city": "Oslo"}</parameters>\n  </tool_call>\n</tool_calls>';

void test('the contract block: one call, compact arguments, call_<32 hex> id, nothing visible', () => {
  const r = parseToolAnswer(BLOCK, declared);
  assert.equal(r.text, '');
  assert.equal(r.calls.length, 1);
  assert.equal(r.calls[0]?.name, 'get_weather');
  assert.equal(r.calls[0]?.arguments, '{"city":"Oslo"}');
  assert.match(r.calls[0]?.id ?? '', /^call_[0-9a-f]{32}$/);
});

void test('variants models drift into are accepted', () => {
  const cases: Array<[string, string, string]> = [
    ['<function_call><name>get_weather</name><arguments>{"city":"Rome"}</arguments></function_call>', 'get_weather', '{"city":"Rome"}'],
    ['<function_calls><invoke name="search_docs"><parameter name="q">zod</parameter><parameter name="limit">3</parameter></invoke></function_calls>', 'search_docs', '{"q":"zod","limit":3}'],
    ['<invoke name="get_weather">{"city":"Paris"}</invoke>', 'get_weather', '{"city":"Paris"}'],
    ['{"tool_calls":[{"name":"get_weather","arguments":{"city":"Bern"}}]}', 'get_weather', '{"city":"Bern"}'],
    ['{"tool_calls":[{"type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Kyiv\\"}"}}]}', 'get_weather', '{"city":"Kyiv"}'],
    ['{ "tool_calls": [{"tool_name":"get_weather","parameters":{"city":"Lima"}}]}', 'get_weather', '{"city":"Lima"}'],
    ['```xml\n' + BLOCK + '\n```', 'get_weather', '{"city":"Oslo"}'],
    ['```json\n{"tool_calls":[{"name":"get_weather","arguments":{"city":"Bern"}}]}\n```', 'get_weather', '{"city":"Bern"}'],
    ['<tool_call><tool_name>get_weather</tool_name><parameters><![CDATA[{"city":"A&B"}]]></parameters></tool_call>', 'get_weather', '{"city":"A&B"}'],
    ['<tool_calls><tool_call><tool_name>get_weather</tool_name></tool_call></tool_calls>', 'get_weather', '{}'],
  ];
  for (const [answer, name, args] of cases) {
    const r = parseToolAnswer(answer, declared);
    assert.equal(r.calls.length, 1, answer);
    assert.equal(r.calls[0]?.name, name, answer);
    assert.equal(r.calls[0]?.arguments, args, answer);
    assert.equal(r.text, '', answer);
  }
});

void test('several calls in one block are parallel calls; text before stays, text after goes', () => {
  const answer = 'Checking both.\n<tool_calls><tool_call><tool_name>get_weather</tool_name><parameters>{"city":"A"}</parameters></tool_call>' +
    '<tool_call><tool_name>search_docs</tool_name><parameters>{"q":"b"}</parameters></tool_call></tool_calls>\nDone!';
  const r = parseToolAnswer(answer, declared);
  assert.deepEqual(r.calls.map((c) => c.name), ['get_weather', 'search_docs']);
  assert.equal(r.text, 'Checking both.\n');
  assert.notEqual(r.calls[0]?.id, r.calls[1]?.id);
});

void test('unknown names and non-object arguments are dropped with a reason; a block with none left is text', () => {
  const unknown = '<tool_calls><tool_call><tool_name>rm_rf</tool_name><parameters>{}</parameters></tool_call></tool_calls>';
  const r1 = parseToolAnswer(unknown, declared);
  assert.equal(r1.calls.length, 0);
  assert.equal(r1.text, unknown);
  assert.match(r1.problems.join(), /unknown tool "rm_rf"/);
  const badArgs = '<tool_calls><tool_call><tool_name>get_weather</tool_name><parameters>{city: Oslo</parameters></tool_call></tool_calls>';
  const r2 = parseToolAnswer(badArgs, declared);
  assert.equal(r2.calls.length, 0);
  assert.match(r2.problems.join(), /not a JSON object/);
  const arrayArgs = parseToolAnswer('<invoke name="get_weather">[1,2]</invoke>', declared);
  assert.equal(arrayArgs.calls.length, 0);
  const mixed = parseToolAnswer('<tool_calls><tool_call><tool_name>nope</tool_name></tool_call><tool_call><tool_name>get_weather</tool_name><parameters>{"city":"X"}</parameters></tool_call></tool_calls>', declared);
  assert.deepEqual(mixed.calls.map((c) => c.name), ['get_weather']);
});

void test('ordinary text with angle brackets, braces and code fences passes untouched', () => {
  const texts = [
    'a < b and c > d; <b>bold</b> { "x": 1 } ```js\nconst x = {a: 1};\n```',
    'The <tool_calls> tag is what I would use.',
    '<invoke> without a name </invoke>',
    '{"tool_calls": "not a list"}',
    'ends with <tool_ca',
    'ends with ```',
  ];
  for (const t of texts) {
    const r = parseToolAnswer(t, declared);
    assert.equal(r.calls.length, 0, t);
    assert.equal(r.text, t, t);
  }
});

/** Feeds `answer` to a sieve in the given pieces; returns the visible text and the call names. */
function sieveIn(pieces: string[]): { text: string; calls: string[]; args: string[] } {
  const s = new ToolCallSieve(declared);
  let text = '';
  const calls: string[] = [];
  const args: string[] = [];
  for (const p of [...pieces.map((x) => s.push(x)), s.finish()]) {
    text += p.text;
    for (const c of p.calls) {
      calls.push(c.name);
      args.push(c.arguments);
    }
  }
  return { text, calls, args };
}

const FRAGMENTS = ['<tool', '</tool', 'tool_name', 'parameters>', '<function', '<invoke', '"tool_calls"', '```'];

void test('fuzz: a call answer cut at every position (1 and 2 cuts) never shows a tag fragment', () => {
  const answers = [
    'Let me look that up.\n' + BLOCK,
    BLOCK + '\nI will wait for the result.',
    'Sure: ```xml\n' + BLOCK + '\n```',
    'Both: <function_call><name>get_weather</name><arguments>{"city":"Rome"}</arguments></function_call>' +
      '<function_call><name>search_docs</name><arguments>{"q":"x"}</arguments></function_call>',
    'JSON form {"tool_calls":[{"name":"get_weather","arguments":{"city":"Bern"}}]} trailing',
    'héllo 世界 🌍 <invoke name="get_weather">{"city":"Zürich"}</invoke>',
  ];
  for (const answer of answers) {
    const whole = parseToolAnswer(answer, declared);
    assert.ok(whole.calls.length > 0, answer);
    for (let i = 0; i <= answer.length; i++) {
      const one = sieveIn([answer.slice(0, i), answer.slice(i)]);
      assert.equal(one.text, whole.text, `cut at ${i}: ${answer}`);
      assert.deepEqual(one.calls, whole.calls.map((c) => c.name), `cut at ${i}`);
      for (const f of FRAGMENTS) assert.ok(!one.text.includes(f), `fragment ${f} at cut ${i}`);
      for (let j = i; j <= answer.length; j += 7) {
        const two = sieveIn([answer.slice(0, i), answer.slice(i, j), answer.slice(j)]);
        assert.equal(two.text, whole.text, `cuts ${i},${j}`);
        assert.deepEqual(two.args, whole.calls.map((c) => c.arguments));
      }
    }
    // One character at a time, too.
    const chars = sieveIn(Array.from(answer));
    assert.equal(chars.text, whole.text);
  }
});

void test('fuzz: the text before a call streams before the call block completes', () => {
  const s = new ToolCallSieve(declared);
  const out = s.push('Here is some text and then ');
  assert.equal(out.text, 'Here is some text and then ');
  const mid = s.push(BLOCK.slice(0, 40));
  assert.equal(mid.text, '');
  assert.equal(mid.calls.length, 0);
  const end = s.push(BLOCK.slice(40));
  assert.equal(end.calls.length, 1);
});

void test('fuzz: plain text cut anywhere comes out whole and in order', () => {
  const text = 'a <b> {c} ``` `x` <tool_ <invoke>{ "tool": 1 } ```py\nprint(1)\n``` end <';
  for (let i = 0; i <= text.length; i++) {
    assert.equal(sieveIn([text.slice(0, i), text.slice(i)]).text, text, `cut at ${i}`);
  }
});

void test('fuzz: the answer as UTF-8 bytes cut at every byte position (decoded as a stream decodes it)', () => {
  const answer = 'Zürich 世界 🌍 first.\n' + BLOCK.replace('Oslo', 'Zürich 🌍') + ' après';
  const bytes = Buffer.from(answer, 'utf8');
  const whole = parseToolAnswer(answer, declared);
  assert.equal(whole.calls[0]?.arguments, '{"city":"Zürich 🌍"}');
  for (let i = 0; i <= bytes.length; i++) {
    const dec = new TextDecoder('utf-8');
    const pieces = [dec.decode(bytes.subarray(0, i), { stream: true }), dec.decode(bytes.subarray(i))];
    const r = sieveIn(pieces);
    assert.equal(r.text, 'Zürich 世界 🌍 first.\n', `byte cut at ${i}`);
    assert.deepEqual(r.args, ['{"city":"Zürich 🌍"}']);
    for (const f of FRAGMENTS) assert.ok(!r.text.includes(f));
  }
});

void test('hostile text (thousands of unclosed tags, long open blocks streamed in small pieces) is handled in linear time', () => {
  const opens = '<tool_calls>' + '<tool_call><tool_name>x'.repeat(20000) + '</tool_calls>';
  let started = Date.now();
  const r = parseToolAnswer(opens, declared);
  assert.equal(r.calls.length, 0);
  assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
  for (const [open, piece] of [['{"tool_calls": [', '"aaaa}aaaa", '], ['<tool_calls><tool_call><tool_name>get_weather</tool_name><parameters>{"a":"', 'x > y </tool '], ['```xml\n<invoke name="get_weather">', '`a` < b ']]) {
    const s = new ToolCallSieve(declared);
    started = Date.now();
    s.push(open ?? '');
    for (let i = 0; i < 40000; i++) s.push(piece ?? '');
    const out = s.finish();
    assert.ok(out.text.startsWith(open ?? ''), 'released as text at the end');
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
  }
});
