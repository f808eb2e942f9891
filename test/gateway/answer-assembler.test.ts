import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GrokEvent } from '../../src/grok/events.js';
import { AnswerAssembler, type AnswerDelta } from '../../src/gateway/answer-assembler.js';
import { stripGatewayArtifacts } from '../../src/gateway/messages-to-grok-prompt.js';
import type { ReasoningMode } from '../../src/gateway/types.js';

const think = (text: string, tag: string | undefined = 'summary', rolloutId?: string): GrokEvent => ({
  type: 'token', text, thinking: true, tag, rolloutId, responseId: 'resp-1',
});
const answer = (text: string, tag: string | undefined = 'final'): GrokEvent => ({
  type: 'token', text, thinking: false, tag, rolloutId: undefined, responseId: 'resp-1',
});
const modelResponse = (message: string, error?: string): GrokEvent => ({
  type: 'model-response', message, responseId: 'resp-1', generatedImageUrls: [], fileAttachments: [], error,
});
const CITE = '<grok:render card_id="cc1" card_type="citation_card" type="render_inline_citation"><argument name="citation_id">0</argument></grok:render>';

/** A realistic A-shape stream: meta, reasoning with a search, an answer with a citation split across tokens. */
function searchStream(): GrokEvent[] {
  return [
    { type: 'meta', model: 'grok-4', modelHash: 'hash-1' },
    think('Thinking about your request', 'header'),
    think('- The user wants the weather'),
    { type: 'tool-card', rolloutId: undefined, name: 'webSearch', args: { query: 'paris weather' } },
    { type: 'search-results', results: [{ url: 'https://w.example/paris', title: 'Paris forecast', preview: undefined }] },
    think('- The user wants the weather'), // repeat: dropped
    think('- Found a forecast'),
    { type: 'card', id: 'cc1', card: { id: 'cc1', type: 'citation', cardType: 'citation_card', url: 'https://w.example/paris' } },
    answer('It is '),
    answer('sunny'),
    answer(CITE.slice(0, 20)),
    answer(CITE.slice(20)),
    answer('.'),
    think('- late thought'), // after the answer started: dropped
    { type: 'tool-card', rolloutId: undefined, name: 'webSearch', args: { query: 'late' } },
    modelResponse('It is sunny.'),
    { type: 'end', reason: 'final-metadata' },
  ];
}

function run(mode: ReasoningMode, events: GrokEvent[], showSearchSources = false) {
  const a = new AnswerAssembler({ reasoning: mode, showSearchSources });
  const deltas: AnswerDelta[] = [];
  for (const e of events) {
    const d = a.push(e);
    if (d) deltas.push(d);
  }
  const last = a.finish();
  if (last) deltas.push(last);
  const content = deltas.map((d) => d.content ?? '').join('');
  const reasoning = deltas.map((d) => d.reasoning ?? '').join('');
  return { a, deltas, content, reasoning };
}

const REASONING = 'Thinking about your request\nThe user wants the weather\n🔍 web_search: paris weather\n- [Paris forecast](https://w.example/paris)\nFound a forecast';
const ANSWER = 'It is sunny [[1]](https://w.example/paris).';

void test('reasoning_content: reasoning and answer in separate channels', () => {
  const { a, deltas, content, reasoning } = run('reasoning_content', searchStream());
  assert.equal(reasoning, REASONING);
  assert.equal(content, ANSWER);
  assert.equal(a.contentText(), ANSWER);
  assert.equal(a.reasoningText(), REASONING);
  assert.equal(a.rawReasoningText(), REASONING);
  assert.equal(a.responseId, 'resp-1');
  assert.equal(a.modelHash, 'hash-1');
  assert.equal(a.upstreamModel, 'grok-4');
  assert.equal(a.modelError, undefined);
  assert.ok(a.hasContent);
  // reasoning streams before any content, and no delta is empty
  assert.ok(deltas[0]?.reasoning !== undefined && deltas[0].content === undefined);
  for (const d of deltas) assert.ok((d.content ?? '') !== '' || (d.reasoning ?? '') !== '');
  const [ann] = a.annotations();
  assert.ok(ann);
  assert.deepEqual(ann.url_citation, { url: 'https://w.example/paris', title: 'Paris forecast', start_index: 12, end_index: 12 + '[[1]](https://w.example/paris)'.length });
  assert.equal(content.slice(ann.url_citation.start_index, ann.url_citation.end_index), '[[1]](https://w.example/paris)');
  assert.deepEqual(a.searchSources(), [{ url: 'https://w.example/paris', title: 'Paris forecast' }]);
});

void test('think_tags: reasoning inside <think> at the start of content; offsets account for it', () => {
  const { a, content, reasoning } = run('think_tags', searchStream());
  assert.equal(reasoning, '');
  assert.equal(content, `<think>\n${REASONING}\n</think>\n\n${ANSWER}`);
  assert.equal(a.contentText(), content);
  assert.equal(a.reasoningText(), '');
  assert.equal(a.rawReasoningText(), REASONING);
  const [ann] = a.annotations();
  assert.ok(ann);
  assert.equal(content.slice(ann.url_citation.start_index, ann.url_citation.end_index), '[[1]](https://w.example/paris)');
});

void test('think_tags: the think block opens with the first reasoning and closes before the first answer token', () => {
  const a = new AnswerAssembler({ reasoning: 'think_tags' });
  assert.deepEqual(a.push(think('Step one\n', undefined)), { content: '<think>\nStep one\n' });
  assert.deepEqual(a.push(answer('Hi')), { content: '</think>\n\nHi' });
  assert.equal(a.finish(), undefined);
});

void test('hidden: reasoning is dropped, the answer is the same', () => {
  const { a, content, reasoning } = run('hidden', searchStream());
  assert.equal(reasoning, '');
  assert.equal(content, ANSWER);
  assert.equal(a.reasoningText(), '');
  assert.equal(a.rawReasoningText(), REASONING); // still there for usage estimates
  assert.equal(a.annotations()[0]?.url_citation.start_index, 12);
});

void test('think_tags with reasoning only: the block is closed at finish', () => {
  const { content } = run('think_tags', [think('just thinking', undefined), { type: 'end', reason: 'eof' }]);
  assert.equal(content, '<think>\njust thinking\n</think>\n\n');
});

void test('model-response is the answer only when no answer token came', () => {
  const streamed = run('reasoning_content', [answer('Hello'), modelResponse('Hello (repeated)')]);
  assert.equal(streamed.content, 'Hello');
  const onlyFinal = run('think_tags', [
    think('hmm', undefined),
    { type: 'card', id: 'cc1', card: { url: 'https://x.example' } },
    modelResponse(`Answer${CITE} here`),
  ]);
  assert.equal(onlyFinal.content, '<think>\nhmm\n</think>\n\nAnswer [[1]](https://x.example) here');
  const ann = onlyFinal.a.annotations()[0];
  assert.ok(ann);
  assert.equal(onlyFinal.content.slice(ann.url_citation.start_index, ann.url_citation.end_index), '[[1]](https://x.example)');
});

void test('model error is exposed, not thrown', () => {
  const { a, content } = run('reasoning_content', [modelResponse('', 'model overloaded')]);
  assert.equal(a.modelError, 'model overloaded');
  assert.equal(content, '');
  assert.equal(a.hasContent, false);
  assert.equal(a.hasOutput, false);
});

void test('non-final, tool and raw-function-result tokens are not answer text', () => {
  const { content, reasoning } = run('reasoning_content', [
    answer('header text', 'header'),
    answer('{"raw":1}', 'raw_function_result'),
    think('card text', 'tool_usage_card'),
    answer('A', undefined),
    answer('B', 'final'),
  ]);
  assert.equal(content, 'AB');
  assert.equal(reasoning, '');
});

void test('sources block: appended at finish when asked, and stripped again from history', () => {
  const { a, content } = run('reasoning_content', searchStream(), true);
  assert.equal(content, `${ANSWER}\n\n## Sources\n- [Paris forecast](https://w.example/paris)\n`);
  assert.equal(a.contentText(), content);
  assert.equal(stripGatewayArtifacts(content).trimEnd(), ANSWER);
  const think = run('think_tags', searchStream(), true).content;
  assert.equal(stripGatewayArtifacts(think).trim(), ANSWER);
});

void test('sources block from citations alone, and none without sources', () => {
  const cited = run('hidden', [{ type: 'card', id: 'cc1', card: { url: 'https://c.example' } }, answer(`X${CITE}`)], true);
  assert.equal(cited.content, 'X [[1]](https://c.example)\n\n## Sources\n- [https://c.example](https://c.example)\n');
  assert.equal(run('hidden', [answer('plain')], true).content, 'plain');
});

void test('an echoed [assistant]: label at the start of the answer is dropped', () => {
  assert.equal(run('hidden', [answer('[assist'), answer('ant]:'), answer(' '), answer('\nHello')]).content, 'Hello');
  assert.equal(run('hidden', [answer('[assistant]: Hi [assistant]: there')]).content, 'Hi [assistant]: there');
  assert.equal(run('hidden', [answer('[a'), answer('link](https://x)')]).content, '[alink](https://x)');
  assert.equal(run('hidden', [answer('['), answer('assist')]).content, '[assist'); // released at finish
  const off = new AnswerAssembler({ reasoning: 'hidden', stripEchoedRoleLabel: false });
  assert.deepEqual(off.push(answer('[assistant]: x')), { content: '[assistant]: x' });
});

void test('a held label prefix does not stall other text: the first token usually decides at once', () => {
  const a = new AnswerAssembler({ reasoning: 'hidden' });
  assert.deepEqual(a.push(answer('Hello')), { content: 'Hello' });
  const b = new AnswerAssembler({ reasoning: 'hidden' });
  assert.equal(b.push(answer('[')), undefined);
  assert.deepEqual(b.push(answer('1] note')), { content: '[1] note' });
});

void test('generated images: final, unmoderated, deduplicated; video ignored', () => {
  const { a, content } = run('hidden', [
    { type: 'image-progress', index: 0, progress: 50, url: undefined, assetId: undefined, moderated: false },
    { type: 'image-progress', index: 0, progress: 100, url: 'users/u/generated/1/image.jpg', assetId: 'as1', moderated: false },
    { type: 'image-progress', index: 1, progress: 100, url: 'users/u/generated/2/image.jpg', assetId: 'as2', moderated: true },
    { type: 'video-progress', progress: 10, videoId: 'v', videoPostId: undefined, videoUrl: undefined, thumbnailUrl: undefined, assetId: undefined, moderated: false },
    { type: 'model-response', message: '', responseId: undefined, generatedImageUrls: ['users/u/generated/1/image.jpg', 'users/u/generated/3/image.jpg'], fileAttachments: [], error: undefined },
  ]);
  assert.equal(content, '');
  assert.deepEqual(a.generatedImages(), [
    { url: 'users/u/generated/1/image.jpg', assetId: 'as1' },
    { url: 'users/u/generated/3/image.jpg', assetId: undefined },
  ]);
});

const img = (index: number, progress: number, url: string | undefined, moderated = false): GrokEvent => ({
  type: 'image-progress', index, progress, url, assetId: undefined, moderated,
});

void test('generated images: a moderated image stays out even when modelResponse names it again', () => {
  const a = new AnswerAssembler({ reasoning: 'hidden' });
  a.push(img(0, 100, 'users/u/generated/1/image.jpg'));
  a.push(img(1, 100, 'users/u/generated/2/image.jpg', true));
  a.push({ type: 'model-response', message: '', responseId: undefined, generatedImageUrls: ['users/u/generated/2/image.jpg', 'users/u/generated/1/image.jpg'], fileAttachments: [], error: undefined });
  assert.deepEqual(a.generatedImages().map((i) => i.url), ['users/u/generated/1/image.jpg']);
  // Moderated after an unmoderated final of the same URL: withdrawn.
  const b = new AnswerAssembler({ reasoning: 'hidden' });
  b.push(img(0, 100, 'users/u/generated/9/image.jpg'));
  b.push(img(0, 100, 'users/u/generated/9/image.jpg', true));
  assert.deepEqual(b.generatedImages(), []);
});

void test('generated images: a preview below 100 % is never collected, even with a URL', () => {
  const a = new AnswerAssembler({ reasoning: 'hidden' });
  a.push(img(0, 50, 'users/u/generated/1/image.jpg'));
  a.push(img(0, 99.9, 'users/u/generated/1/image.jpg'));
  assert.deepEqual(a.generatedImages(), []);
});

void test('finish(links): the images end the answer, one Markdown image each, before the sources block', () => {
  const a = new AnswerAssembler({ reasoning: 'hidden', showSearchSources: true });
  a.push({ type: 'search-results', results: [{ url: 'https://w.example/fox', title: 'Foxes', preview: undefined }] });
  a.push(answer('Here is your fox.'));
  const tail = a.finish(['https://gw.example/images/a.jpg', 'https://gw.example/images/b (1).jpg']);
  const images = '\n\n![image](https://gw.example/images/a.jpg)\n\n![image](https://gw.example/images/b%20(1%29.jpg)';
  assert.deepEqual(tail, { content: `${images}\n\n## Sources\n- [Foxes](https://w.example/fox)\n` });
  assert.equal(a.contentText(), `Here is your fox.${images}\n\n## Sources\n- [Foxes](https://w.example/fox)\n`);
});

void test('finish(links): an image-only answer is content (think_tags closes the think block first)', () => {
  const a = new AnswerAssembler({ reasoning: 'think_tags' });
  a.push(think('Drawing a fox'));
  a.push(img(0, 100, 'users/u/generated/1/image.jpg'));
  assert.equal(a.hasContent, false);
  a.finish(['https://gw.example/images/a.jpg']);
  assert.equal(a.contentText(), '<think>\nDrawing a fox\n</think>\n\n![image](https://gw.example/images/a.jpg)');
  assert.equal(a.hasContent, true);
  const b = new AnswerAssembler({ reasoning: 'reasoning_content' });
  b.push(answer('Done:\n'));
  assert.deepEqual(b.finish(['u1']), { content: '\n![image](u1)' });
  // No links (none could be published, or no images): finish as before.
  const c = new AnswerAssembler({ reasoning: 'hidden' });
  c.push(answer('text'));
  assert.equal(c.finish([]), undefined);
  assert.equal(c.contentText(), 'text');
});

void test('finish is idempotent and later events are ignored', () => {
  const a = new AnswerAssembler({ reasoning: 'reasoning_content' });
  a.push(answer('x <grok:render card_id="zz"'));
  assert.deepEqual(a.finish(), undefined); // the unfinished tag is dropped; nothing else to say
  assert.equal(a.finish(), undefined);
  assert.equal(a.push(answer('more')), undefined);
  assert.equal(a.contentText(), 'x ');
});

void test('heavy mode: rollout headers and tool cards from several agents', () => {
  const { reasoning, content } = run('reasoning_content', [
    think('- Planning', 'summary', 'Grok'),
    { type: 'tool-card', rolloutId: 'Agent 1', name: 'xKeywordSearch', args: { query: 'news' } },
    think('- Planning', 'summary', 'Agent 1'),
    think('- Planning', 'summary', 'Agent 1'),
    answer('Done.'),
  ]);
  assert.equal(reasoning, '[Grok]\nPlanning\n[Agent 1] 🔍 x_keyword_search: news\nPlanning\n');
  assert.equal(content, 'Done.');
});

void test('no sources block without answer text', () => {
  const { content } = run('hidden', [
    { type: 'search-results', results: [{ url: 'https://s.example', title: 'S', preview: undefined }] },
    modelResponse('', 'boom'),
  ], true);
  assert.equal(content, '');
});

void test('answer tokens split char by char give the same content and annotations', () => {
  const whole = run('think_tags', searchStream());
  const split: GrokEvent[] = [];
  for (const e of searchStream()) {
    if (e.type === 'token' && !e.thinking) for (const ch of e.text) split.push({ ...e, text: ch });
    else split.push(e);
  }
  const chars = run('think_tags', split);
  assert.equal(chars.content, whole.content);
  assert.deepEqual(chars.a.annotations(), whole.a.annotations());
});
