import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildUsage, estimatePromptTokens, estimateTokens } from '../../src/gateway/usage.js';

// The estimator is an approximation: the bounds below are deliberately loose (a factor, not a count),
// except for the pangram, whose o200k_base split is one token per word plus the period.
const ENGLISH =
  'The quick brown fox jumps over the lazy dog. OpenAI-compatible gateways translate requests between ' +
  'protocols, and they usually estimate token usage when the upstream does not report it. This paragraph ' +
  'is ordinary English prose with punctuation, numbers like 2026 and 3.14, and a few longer words such as ' +
  'internationalization and characteristically.';
const CHINESE = '今天天气很好，我们一起去公园散步吧。人工智能正在改变世界，语言模型可以理解和生成自然语言。';
const CODE = 'function add(a, b) {\n  return a + b;\n}\n\nconst result = add(40, 2);\nconsole.log(`result: ${result}`);\n';

void test('empty text is 0 tokens', () => {
  assert.equal(estimateTokens(''), 0);
});

void test('known short sample', () => {
  // o200k_base: "The quick brown fox jumps over the lazy dog." = 10 tokens
  assert.equal(estimateTokens('The quick brown fox jumps over the lazy dog.'), 10);
  assert.equal(estimateTokens('Hello'), 1);
});

void test('English prose lands near chars/4', () => {
  const est = estimateTokens(ENGLISH);
  const rule = ENGLISH.length / 4;
  assert.ok(est > rule * 0.75 && est < rule * 1.35, `estimate ${est} vs chars/4 ${rule}`);
});

void test('CJK: about one token per character', () => {
  const est = estimateTokens(CHINESE);
  const chars = [...CHINESE].length;
  assert.ok(est >= chars * 0.6 && est <= chars * 1.2, `estimate ${est} for ${chars} chars`);
  assert.equal(estimateTokens('こんにちは'), 5);
  assert.equal(estimateTokens('안녕하세요'), 5);
});

void test('code is counted by its symbols too', () => {
  const est = estimateTokens(CODE);
  // o200k_base splits this snippet into roughly 30-35 tokens
  assert.ok(est >= 25 && est <= 50, `estimate ${est}`);
});

void test('other scripts, emoji and digits', () => {
  assert.ok(estimateTokens('Привет, как дела?') >= 4);
  assert.equal(estimateTokens('😀😀'), 2);
  assert.equal(estimateTokens('1234567'), 3);
  assert.equal(estimateTokens('👍🏽'), 2);
});

void test('monotonic: appending text never lowers the estimate', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 30 }), (a, b) => {
      assert.ok(estimateTokens(a + b) >= estimateTokens(a));
    }),
    { numRuns: 500 },
  );
  for (const sample of [ENGLISH, CHINESE, CODE]) {
    let prev = 0;
    for (let i = 0; i <= sample.length; i++) {
      const n = estimateTokens(sample.slice(0, i));
      assert.ok(n >= prev, `not monotonic at ${i}`);
      prev = n;
    }
  }
});

void test('prompt estimate: per-message overhead and priming', () => {
  assert.equal(estimatePromptTokens([]), 3);
  const one = estimatePromptTokens([{ role: 'user', text: 'Hello', attachments: [] }]);
  assert.equal(one, 3 + 4 + 1);
  const named = estimatePromptTokens([{ role: 'user', text: 'Hello', name: 'alice', attachments: [] }]);
  assert.equal(named, one + 1 + 1);
  const withCall = estimatePromptTokens([
    { role: 'assistant', text: '', attachments: [], toolCalls: [{ id: 'c', name: 'f', arguments: '{}' }] },
  ]);
  assert.ok(withCall > 3 + 4);
});

void test('buildUsage counts reasoning inside completion tokens', () => {
  assert.deepEqual(buildUsage(10, 20, 5), {
    prompt_tokens: 10,
    completion_tokens: 25,
    total_tokens: 35,
    completion_tokens_details: { reasoning_tokens: 5 },
  });
});
