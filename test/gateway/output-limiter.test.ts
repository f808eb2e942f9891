// stop and max_tokens emulation: stop sequences found across every chunk boundary, never partly
// sent; the token budget cut where the estimator says the next token starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OutputLimiter } from '../../src/gateway/output-limiter.js';
import { estimateTokens } from '../../src/gateway/usage.js';

function run(l: OutputLimiter, pieces: string[]): string {
  let out = '';
  for (const p of pieces) out += l.push(p);
  return out + l.finish();
}

void test('a stop sequence split at every position (and one char at a time) is found and not sent', () => {
  const text = 'Thought: I need data.\nAction: search\nObservation: the result\nmore';
  const want = 'Thought: I need data.\nAction: search\n';
  for (let i = 0; i <= text.length; i++) {
    for (const j of [i, Math.min(text.length, i + 3), Math.min(text.length, i + 11)]) {
      const l = new OutputLimiter(['Observation:', 'zzz'], undefined);
      assert.equal(run(l, [text.slice(0, i), text.slice(i, j), text.slice(j)]), want, `cuts ${i},${j}`);
      assert.equal(l.reached, 'stop');
    }
  }
  const l = new OutputLimiter(['Observation:'], undefined);
  assert.equal(run(l, Array.from(text)), want);
});

void test('the earliest of several stop sequences wins; a held prefix that never completes is released', () => {
  const l = new OutputLimiter(['END', 'STOP'], undefined);
  assert.equal(run(l, ['abc ST', 'OP def END']), 'abc ');
  const partial = new OutputLimiter(['Observation:'], undefined);
  assert.equal(partial.push('tail Observ'), 'tail ');
  assert.equal(partial.finish(), 'Observ');
  assert.equal(partial.reached, undefined);
});

void test('max tokens: the output is cut to the budget, finish is length, and pushes after it are empty', () => {
  const words = Array.from({ length: 50 }, (_, i) => `word${i} `);
  const l = new OutputLimiter([], 10);
  const out = run(l, words);
  assert.equal(l.reached, 'length');
  assert.equal(estimateTokens(out), 10);
  assert.ok(words.join('').startsWith(out));
  assert.equal(l.push('more'), '');
  // Exactly at the budget is not over it.
  const exact = new OutputLimiter([], estimateTokens('one two three'));
  assert.equal(run(exact, ['one ', 'two ', 'three']), 'one two three');
  assert.equal(exact.reached, undefined);
});

void test('max tokens never splits a surrogate pair', () => {
  const l = new OutputLimiter([], 3);
  const out = run(l, ['🌍🌍🌍🌍🌍']);
  assert.equal(out, '🌍🌍🌍');
});

void test('stopSequence names the stop sequence that ended the answer (the earliest one), and only then', () => {
  const l = new OutputLimiter(['END', 'STOP'], undefined);
  assert.equal(run(l, ['abc ST', 'OP def END']), 'abc ');
  assert.equal(l.stopSequence, 'STOP');
  const none = new OutputLimiter(['END'], undefined);
  run(none, ['no stop here']);
  assert.equal(none.stopSequence, undefined);
  // The budget ran out before the stop sequence: a length cut, no stop sequence.
  const budget = new OutputLimiter(['END'], 2);
  run(budget, ['one two three four END']);
  assert.equal(budget.reached, 'length');
  assert.equal(budget.stopSequence, undefined);
});
