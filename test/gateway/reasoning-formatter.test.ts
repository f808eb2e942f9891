import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReasoningFormatter, toSnakeCase } from '../../src/gateway/reasoning-formatter.js';

function all(f: ReasoningFormatter, steps: Array<(f: ReasoningFormatter) => string>): string {
  let out = '';
  for (const s of steps) out += s(f);
  return out + f.flush();
}

void test('summary lines: bullet stripped, one per line, exact repeats dropped', () => {
  const out = all(new ReasoningFormatter(), [
    (f) => f.thinking('Thinking about your request', 'header', undefined),
    (f) => f.thinking('- The user asks about X', 'summary', undefined),
    (f) => f.thinking('- Searching the web', 'summary', undefined),
    (f) => f.thinking('- The user asks about X', 'summary', undefined),
    (f) => f.thinking('- Done', 'summary', undefined),
  ]);
  assert.equal(out, 'Thinking about your request\nThe user asks about X\nSearching the web\nDone');
});

void test('a rollout change inserts a [rollout] line; repeats are per rollout', () => {
  const out = all(new ReasoningFormatter(), [
    (f) => f.thinking('- Plan the answer\n', 'summary', 'Agent 1'),
    (f) => f.thinking('- Plan the answer\n', 'summary', 'Agent 1'),
    (f) => f.thinking('- Plan the answer\n', 'summary', 'Agent 2'),
    (f) => f.thinking('- Check facts\n', 'summary', 'Agent 1'),
  ]);
  assert.equal(out, '[Agent 1]\nPlan the answer\n\n[Agent 2]\nPlan the answer\n\n[Agent 1]\nCheck facts\n');
});

void test('fragments stream as they come and keep paragraphs (one blank line at most)', () => {
  const f = new ReasoningFormatter();
  assert.equal(f.thinking('The user', undefined, undefined), 'The user');
  assert.equal(f.thinking(' wants a poem.', undefined, undefined), ' wants a poem.');
  assert.equal(f.thinking('\n\n\n\nI will', undefined, undefined), '\n\n'); // "I will" is held: could repeat a line
  assert.equal(f.thinking(' write it.', undefined, undefined), 'I will write it.');
  assert.equal(f.flush(), '');
});

void test('a line that repeats an earlier one is held until it differs, then streamed', () => {
  const f = new ReasoningFormatter();
  let out = f.thinking('Searching the web for cats\n', undefined, undefined);
  assert.equal(out, 'Searching the web for cats\n');
  out = f.thinking('Searching the web', undefined, undefined);
  assert.equal(out, ''); // still a prefix of the earlier line
  out = f.thinking(' for dogs', undefined, undefined);
  assert.equal(out, 'Searching the web for dogs');
  out = f.thinking('\nSearching the web for cats', undefined, undefined);
  assert.equal(out, '\n');
  assert.equal(f.thinking('\n', undefined, undefined), ''); // the repeat is dropped with its newline
});

void test('a dash alone at a line start is held until it is known not to be a bullet', () => {
  const f = new ReasoningFormatter();
  assert.equal(f.thinking('-', undefined, undefined), '');
  assert.equal(f.thinking(' item', undefined, undefined), 'item');
  const g = new ReasoningFormatter();
  assert.equal(g.thinking('-', undefined, undefined), '');
  assert.equal(g.thinking('1 is negative', undefined, undefined), '-1 is negative');
  const h = new ReasoningFormatter();
  assert.equal(h.thinking('-', undefined, undefined), '');
  assert.equal(h.flush(), '-');
});

void test('tool cards become one-liners with snake_case names and the useful argument', () => {
  const f = new ReasoningFormatter();
  assert.equal(f.toolCard('webSearch', { query: '  grok\n4.20 ' }, undefined), '🔍 web_search: grok 4.20\n');
  assert.equal(f.toolCard('webSearch', { query: 'grok 4.20' }, undefined), ''); // exact repeat
  assert.equal(f.toolCard('browsePage', { url: 'https://x.ai' }, 'Agent 2'), '[Agent 2] 🌐 browse_page: https://x.ai\n');
  assert.equal(f.toolCard('codeExecution', { code: 'print(1)' }, undefined), '💻 code_execution\n');
  assert.equal(f.toolCard('someNewTool', { message: 'hi' }, undefined), '🔧 some_new_tool: hi\n');
  assert.equal(f.toolCard('xKeywordSearch', { query: 'q'.repeat(500) }, undefined).length < 200, true);
});

void test('tool card after a partial line breaks the line first', () => {
  const f = new ReasoningFormatter();
  let out = f.thinking('- Looking it up', 'summary', undefined);
  out += f.toolCard('webSearch', { query: 'cats' }, undefined);
  out += f.thinking('- Found it', 'summary', undefined);
  out += f.flush();
  assert.equal(out, 'Looking it up\n🔍 web_search: cats\nFound it');
});

void test('search results: short markdown lines, each URL once, capped per event', () => {
  const f = new ReasoningFormatter({ maxSearchResults: 2 });
  const out = f.searchResults([
    { url: 'https://a.example', title: 'A [1]' },
    { url: 'https://a.example', title: 'A again' },
    { url: 'https://b.example/x y', title: '' },
    { url: 'https://c.example', title: 'C' },
  ]);
  assert.equal(out, '- [A \\[1\\]](https://a.example)\n- [https://b.example/x y](https://b.example/x%20y)\n');
  assert.equal(f.searchResults([{ url: 'https://c.example', title: 'C' }]), ''); // seen (not shown) already
});

void test('unicode and empty tokens', () => {
  const f = new ReasoningFormatter();
  assert.equal(f.thinking('', undefined, undefined), '');
  assert.equal(f.thinking('- 考虑用户的问题 🤔', 'summary', undefined), '考虑用户的问题 🤔');
  assert.equal(f.flush(), '');
});

void test('toSnakeCase', () => {
  assert.equal(toSnakeCase('webSearch'), 'web_search');
  assert.equal(toSnakeCase('xKeywordSearch'), 'x_keyword_search');
  assert.equal(toSnakeCase('web_search'), 'web_search');
  assert.equal(toSnakeCase('WebSearch'), 'web_search');
});
