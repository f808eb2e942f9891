// The assembler driven by the recorded NDJSON fixtures through the real stream parser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnswerAssembler } from '../../src/gateway/answer-assembler.js';
import type { ReasoningMode } from '../../src/gateway/types.js';
import type { GrokEvent } from '../../src/grok/events.js';
import { fixtureNames, loadFixture, parseChunks, split, type Chunking } from '../grok/helpers.js';

const MODES: ReasoningMode[] = ['reasoning_content', 'think_tags', 'hidden'];

async function events(name: string, chunking: Chunking = { kind: 'whole' }): Promise<GrokEvent[]> {
  return (await parseChunks(split(loadFixture(name), chunking))).events;
}

function assemble(evs: GrokEvent[], mode: ReasoningMode, showSearchSources = false) {
  const a = new AnswerAssembler({ reasoning: mode, showSearchSources });
  let content = '';
  let reasoning = '';
  for (const e of evs) {
    const d = a.push(e);
    content += d?.content ?? '';
    reasoning += d?.reasoning ?? '';
  }
  const last = a.finish();
  content += last?.content ?? '';
  reasoning += last?.reasoning ?? '';
  return { a, content, reasoning };
}

void test('every fixture, every mode: no markup reaches the client; streamed deltas equal the collected texts', async () => {
  for (const name of fixtureNames()) {
    const evs = await events(name);
    for (const mode of MODES) {
      const { a, content, reasoning } = assemble(evs, mode, true);
      assert.equal(content, a.contentText(), `${name} ${mode}`);
      assert.equal(reasoning, a.reasoningText(), `${name} ${mode}`);
      for (const bad of ['grok:render', 'xai:tool_usage_card', 'xaiartifact', '<argument']) {
        assert.ok(!content.toLowerCase().includes(bad), `${name} ${mode}: ${bad} in ${content}`);
        assert.ok(!reasoning.toLowerCase().includes(bad), `${name} ${mode}: ${bad} in reasoning`);
      }
      for (const ann of a.annotations()) {
        const { url, start_index, end_index } = ann.url_citation;
        assert.ok(content.slice(start_index, end_index).endsWith(`(${url})`), `${name} ${mode}: annotation offsets`);
      }
    }
  }
});

void test('fixtures: same output however the upstream bytes were chunked', async () => {
  for (const name of fixtureNames()) {
    const whole = assemble(await events(name), 'think_tags', true).content;
    for (const chunking of [{ kind: 'bytes' } as const, { kind: 'random', seed: 7, max: 13 } as const]) {
      assert.equal(assemble(await events(name, chunking), 'think_tags', true).content, whole, `${name} ${chunking.kind}`);
    }
  }
});

void test('thinking-answer fixture', async () => {
  const { a, content, reasoning } = assemble(await events('thinking-answer.ndjson'), 'reasoning_content');
  assert.equal(reasoning, 'Thinking about the question\nThe user asks for the capital of France.\nParis is the capital.\n');
  assert.equal(content, 'The capital of France is **Paris**.');
  assert.equal(a.modelHash, 'Hk2pQ9xv1sX3LmA7');
  assert.equal(a.responseId, '5a1f6c2e-8d3b-4f7a-9c0e-2b4d6f8a1c3e');
});

void test('citations fixture: render tags split across tokens become numbered links with annotations', async () => {
  const { a, content } = assemble(await events('citations.ndjson'), 'think_tags');
  assert.equal(
    content,
    '<think>\nSearching the web\n</think>\n\n' +
      'Grok is a chatbot built by xAI [[1]](https://en.wikipedia.org/wiki/Grok). Its newest version launched in 2026 [[2]](https://x.ai/news/grok-4).',
  );
  assert.deepEqual(
    a.annotations().map((x) => content.slice(x.url_citation.start_index, x.url_citation.end_index)),
    ['[[1]](https://en.wikipedia.org/wiki/Grok)', '[[2]](https://x.ai/news/grok-4)'],
  );
});

void test('heavy fixture: agents are labelled, the answer is clean', async () => {
  const { reasoning, content } = assemble(await events('heavy-multi-agent.ndjson'), 'reasoning_content');
  assert.ok(reasoning.startsWith('[Agent 1]\nStarting analysis\n\n[Agent 2]\nStarting analysis\n'));
  assert.ok(reasoning.includes('[Agent 2] 💻 code_execution\n'));
  assert.ok(reasoning.includes('[Agent 3] 📋 chatroom_send: Agent 3 agrees: 8 primes\n'));
  assert.ok(!reasoning.includes('- '));
  assert.equal(content, 'There are **8** primes below 20: 2, 3, 5, 7, 11, 13, 17 and 19.');
});

void test('tool-search fixture: tool one-liners, search links, sources', async () => {
  const { a, reasoning, content } = assemble(await events('tool-search.ndjson'), 'reasoning_content', true);
  assert.ok(reasoning.includes('🔍 web_search: grok 4.20 release date\n'));
  assert.ok(reasoning.includes('🌐 browse_page: https://x.ai/news/grok-4-20\n'));
  assert.ok(reasoning.includes('- [Grok 4.20 | xAI](https://x.ai/news/grok-4-20)\n'));
  assert.ok(content.startsWith('Grok 4.20 was released on March 9, 2026.\n\n## Sources\n- [Grok 4.20 | xAI](https://x.ai/news/grok-4-20)\n'));
  assert.ok(a.searchSources().length >= 2);
});

void test('image fixtures: final images collected, no text invented', async () => {
  const { a } = assemble(await events('legacy-image-progress.ndjson'), 'hidden');
  assert.ok(a.generatedImages().length >= 1);
  for (const img of a.generatedImages()) assert.ok(img.url.length > 0);
});
