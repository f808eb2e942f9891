import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GrokEvent } from '../../src/grok/events.js';
import { parseChatStream } from '../../src/grok/parse-chat-stream.js';
import {
  ChunkSource,
  fixtureNames,
  loadFixture,
  ofType,
  parseChunks,
  split,
  tokens,
  type Chunking,
  type ParseOutcome,
} from './helpers.js';

const enc = new TextEncoder();
const RID = '5a1f6c2e-8d3b-4f7a-9c0e-2b4d6f8a1c3e';

async function parseFixture(name: string, chunking: Chunking = { kind: 'whole' }): Promise<ParseOutcome> {
  return parseChunks(split(loadFixture(name), chunking));
}

async function parseText(text: string): Promise<ParseOutcome> {
  return parseChunks([enc.encode(text)]);
}

void describe('parseChatStream: every fixture gives the same events however the bytes are split', () => {
  const names = fixtureNames();
  void it('has the expected fixtures', () => {
    for (const f of [
      'thinking-answer.ndjson',
      'citations.ndjson',
      'tool-search.ndjson',
      'heavy-multi-agent.ndjson',
      'sse-done.ndjson',
      'inband-error.ndjson',
      'image-cards.ndjson',
      'video-progress.ndjson',
      'malformed.ndjson',
      'unicode.ndjson',
      'legacy-image-progress.ndjson',
    ]) {
      assert.ok(names.includes(f), `missing fixture ${f}`);
    }
  });
  for (const name of names) {
    void it(name, async () => {
      const whole = await parseFixture(name);
      assert.ok(whole.events.length > 0);
      const bytes = await parseFixture(name, { kind: 'bytes' });
      assert.deepEqual(bytes, whole, 'one byte at a time');
      for (const seed of [1, 2, 3, 42, 1337]) {
        for (const max of [3, 17, 64, 700]) {
          const random = await parseFixture(name, { kind: 'random', seed, max });
          assert.deepEqual(random, whole, `random chunks seed=${seed} max=${max}`);
        }
      }
    });
  }
});

void describe('parseChatStream: fixture contents', () => {
  void it('thinking-answer: exact event sequence, stops at finalMetadata', async () => {
    const src = new ChunkSource([loadFixture('thinking-answer.ndjson')]);
    const { events, stats, error } = await parseChunks(src);
    assert.equal(error, undefined);
    const expected: GrokEvent[] = [
      { type: 'meta', model: 'grok-4.20', modelHash: undefined },
      { type: 'meta', model: undefined, modelHash: 'Hk2pQ9xv1sX3LmA7' },
      { type: 'token', text: 'Thinking about the question', thinking: true, tag: 'header', rolloutId: undefined, responseId: RID },
      { type: 'token', text: '- The user asks for the capital of France.\n', thinking: true, tag: 'summary', rolloutId: undefined, responseId: RID },
      { type: 'token', text: '- Paris is the capital.\n', thinking: true, tag: 'summary', rolloutId: undefined, responseId: RID },
      { type: 'token', text: 'The capital', thinking: false, tag: 'final', rolloutId: undefined, responseId: RID },
      { type: 'token', text: ' of France is ', thinking: false, tag: 'final', rolloutId: undefined, responseId: RID },
      { type: 'token', text: '**Paris**.', thinking: false, tag: 'final', rolloutId: undefined, responseId: RID },
      { type: 'meta', model: undefined, modelHash: 'Hk2pQ9xv1sX3LmA7' },
      {
        type: 'model-response',
        message: 'The capital of France is **Paris**.',
        responseId: RID,
        generatedImageUrls: [],
        fileAttachments: [],
        error: undefined,
      },
      { type: 'end', reason: 'final-metadata' },
    ];
    assert.deepEqual(events, expected);
    assert.equal(stats.malformedLines, 0);
    assert.equal(src.returned, true, 'the body iterator is released after the end event');
    assert.equal(src.exhausted, false);
  });

  void it('citations: cards first, grok:render spans reassemble from tokens, soft stop ends', async () => {
    const { events } = await parseFixture('citations.ndjson');
    const cards = ofType(events, 'card');
    assert.deepEqual(
      cards.map((c) => [c.id, c.card.url]),
      [
        ['a1b2c3', 'https://en.wikipedia.org/wiki/Grok'],
        ['d4e5f6', 'https://x.ai/news/grok-4'],
      ],
    );
    assert.equal(cards[0]?.card.cardType, 'citation_card');
    const answer = tokens(events, (t) => !t.thinking && t.tag === 'final');
    assert.ok(answer.startsWith('Grok is a chatbot built by xAI<grok:render card_id="a1b2c3"'));
    assert.ok(answer.includes('type="render_inline_citation">\n<argument name="citation_id">0</argument>\n</grok:render>.'));
    assert.equal(ofType(events, 'model-response')[0]?.message, answer);
    assert.deepEqual(events.at(-1), { type: 'end', reason: 'soft-stop' });
    assert.equal(ofType(events, 'end').length, 1);
  });

  void it('tool-search: tool cards, web and X results', async () => {
    const { events } = await parseFixture('tool-search.ndjson');
    const tools = ofType(events, 'tool-card');
    assert.deepEqual(tools, [
      { type: 'tool-card', rolloutId: undefined, name: 'webSearch', args: { query: 'grok 4.20 release date', num_results: 10 } },
      { type: 'tool-card', rolloutId: undefined, name: 'xKeywordSearch', args: { query: 'grok 4.20', limit: 5, mode: 'Latest' } },
      { type: 'tool-card', rolloutId: undefined, name: 'browsePage', args: { url: 'https://x.ai/news/grok-4-20', instructions: 'Find the release date' } },
      { type: 'tool-card', rolloutId: undefined, name: 'codeExecution', args: {} },
    ]);
    const search = ofType(events, 'search-results');
    assert.equal(search.length, 2);
    assert.deepEqual(search[0]?.results, [
      { url: 'https://x.ai/news/grok-4-20', title: 'Grok 4.20 | xAI', preview: 'Today we are releasing Grok 4.20…' },
      { url: 'https://en.wikipedia.org/wiki/Grok_(chatbot)', title: 'Grok (chatbot) - Wikipedia', preview: 'Grok is a generative AI chatbot…' },
    ]);
    assert.deepEqual(search[1]?.results, [
      { url: 'https://x.com/xai/status/1799112233445566778', title: '@xai', preview: 'Grok 4.20 is live for everyone' },
      { url: 'https://x.com/elonmusk/status/1799000000000000000', title: '@elonmusk', preview: 'Try it' },
    ]);
    // The tool-card frame also carried a token: the card comes first, then the token.
    const i = events.findIndex((e) => e.type === 'tool-card');
    assert.equal(events[i + 1]?.type, 'token');
    const raw = ofType(events, 'token').find((t) => t.tag === 'raw_function_result');
    assert.ok(raw);
    assert.equal(tokens(events, (t) => t.tag === 'final' && !t.thinking), 'Grok 4.20 was released on March 9, 2026.');
    assert.deepEqual(events.at(-1), { type: 'end', reason: 'final-metadata' });
  });

  void it('heavy-multi-agent: rollout ids carried on tokens and tool cards', async () => {
    const { events } = await parseFixture('heavy-multi-agent.ndjson');
    const rollouts = [...new Set(ofType(events, 'token').map((t) => t.rolloutId))];
    assert.deepEqual(rollouts, ['Agent 1', 'Agent 2', 'Agent 3', 'Grok']);
    assert.deepEqual(
      ofType(events, 'tool-card').map((t) => [t.rolloutId, t.name]),
      [
        ['Agent 2', 'codeExecution'],
        ['Agent 3', 'chatroomSend'],
      ],
    );
    assert.equal(
      tokens(events, (t) => t.tag === 'final' && !t.thinking),
      'There are **8** primes below 20: 2, 3, 5, 7, 11, 13, 17 and 19.',
    );
    const metas = ofType(events, 'meta');
    assert.deepEqual(metas[0], { type: 'meta', model: 'grok-4.20-heavy', modelHash: undefined });
    assert.deepEqual(events.at(-1), { type: 'end', reason: 'soft-stop' });
  });

  void it('sse-done: data: prefixes, CRLF, event/id/comment lines, [DONE] ends', async () => {
    const src = new ChunkSource([loadFixture('sse-done.ndjson')]);
    const { events, stats } = await parseChunks(src);
    assert.equal(tokens(events), 'Hello, world!');
    assert.equal(ofType(events, 'model-response')[0]?.message, 'Hello, world!');
    assert.deepEqual(events.at(-1), { type: 'end', reason: 'done' });
    assert.equal(stats.malformedLines, 0);
    assert.equal(stats.lines, 4);
    assert.equal(src.returned, true);
  });

  void it('inband-error: events before the error, then a classified rate-limit error', async () => {
    const { events, error } = await parseFixture('inband-error.ndjson');
    assert.equal(tokens(events), 'Partial answer');
    assert.equal(ofType(events, 'end').length, 0);
    assert.ok(error);
    assert.equal(error.kind, 'rate-limited');
    assert.equal(error.status, 429);
    assert.match(error.message, /Too many requests/);
  });

  void it('image-cards: card events plus image progress indexed by imageUuid order', async () => {
    const { events, stats } = await parseFixture('image-cards.ndjson');
    const progress = ofType(events, 'image-progress');
    assert.deepEqual(
      progress.map((p) => [p.index, p.progress, p.moderated]),
      [
        [0, 0, false],
        [1, 0, false],
        [0, 50, false],
        [1, 50, false],
        [0, 100, false],
        [1, 100, true],
      ],
    );
    assert.equal(progress[4]?.url, 'users/7f3a9c1e/generated/8f2e4b6a-1c3d-4e5f-8a9b-0c1d2e3f4a5b/image.jpg');
    assert.equal(progress[4]?.assetId, 'asset-fox-1');
    // Each image chunk card is a card event immediately followed by its progress event.
    const first = events.findIndex((e) => e.type === 'card');
    assert.equal(events[first + 1]?.type, 'image-progress');
    const cards = ofType(events, 'card');
    assert.equal(cards.length, 7, 'six image chunks + one searched image; broken jsonData ignored');
    assert.deepEqual(cards[6]?.card.image, {
      title: 'Red fox',
      thumbnail: 'https://img.example/t.jpg',
      original: 'https://img.example/o.jpg',
      link: 'https://example.org/fox',
    });
    const mr = ofType(events, 'model-response')[0];
    assert.deepEqual(mr?.generatedImageUrls, [
      'users/7f3a9c1e/generated/8f2e4b6a-1c3d-4e5f-8a9b-0c1d2e3f4a5b/image.jpg',
      'users/7f3a9c1e/generated/0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d/image.jpg',
      'users/7f3a9c1e/generated/extra/image.png',
    ]);
    assert.deepEqual(mr?.fileAttachments, ['asset-fox-1']);
    assert.equal(stats.malformedLines, 0, 'a broken jsonData string is not a malformed line');
  });

  void it('video-progress: progress events, final url, EOF end without trailing newline', async () => {
    const { events } = await parseFixture('video-progress.ndjson');
    const video = ofType(events, 'video-progress');
    assert.deepEqual(
      video.map((v) => v.progress),
      [1, 12, 37, 64, 88, 100],
    );
    assert.deepEqual(video[5], {
      type: 'video-progress',
      progress: 100,
      videoId: 'v-3c2b1a09',
      videoPostId: 'post-77aa',
      videoUrl: 'users/7f3a9c1e/generated/v-3c2b1a09/generated_video.mp4',
      thumbnailUrl: 'users/7f3a9c1e/generated/v-3c2b1a09/preview_image.jpg',
      assetId: 'asset-vid-1',
      moderated: false,
    });
    assert.equal(video[0]?.videoUrl, undefined);
    assert.deepEqual(ofType(events, 'model-response')[0]?.fileAttachments, ['asset-vid-1']);
    assert.deepEqual(events.at(-1), { type: 'end', reason: 'eof' });
  });

  void it('legacy-image-progress: streamingImageGenerationResponse frames', async () => {
    const { events } = await parseFixture('legacy-image-progress.ndjson');
    assert.deepEqual(
      ofType(events, 'image-progress').map((p) => [p.index, p.progress, p.url, p.assetId, p.moderated]),
      [
        [0, 0, undefined, undefined, false],
        [1, 0, undefined, undefined, false],
        [0, 50, undefined, undefined, false],
        [1, 60, undefined, undefined, false],
        [0, 100, 'users/7f3a9c1e/generated/e1/image.jpg', 'asset-e1', false],
        [1, 100, 'users/7f3a9c1e/generated/e2/image.jpg', 'asset-e2', true],
      ],
    );
    assert.deepEqual(events.at(-1), { type: 'end', reason: 'eof' });
  });

  void it('malformed: junk is skipped and counted, never thrown', async () => {
    const { events, stats, error } = await parseFixture('malformed.ndjson');
    assert.equal(error, undefined);
    assert.equal(tokens(events), 'One two three');
    assert.equal(stats.malformedLines, 3);
    assert.equal(ofType(events, 'tool-card').length, 0, 'a card with only its id is a follow-up');
    assert.equal(ofType(events, 'search-results').length, 0);
    assert.deepEqual(events.at(-1), { type: 'end', reason: 'final-metadata' });
    assert.equal(ofType(events, 'end').length, 1, 'finalMetadata:null and isSoftStop:false do not end');
  });

  void it('unicode: multi-byte characters survive every split', async () => {
    const { events } = await parseFixture('unicode.ndjson', { kind: 'bytes' });
    assert.equal(tokens(events, (t) => t.thinking), '思考中…');
    assert.equal(
      tokens(events, (t) => !t.thinking),
      '你好，世界！ Привет, мир! مرحبا بالعالم 🦊🔥👩‍👩‍👧‍👦 e\u0301 n\u0303 line\u2028sep\u2029para é中😀 escaped',
    );
    assert.ok(!tokens(events).includes('\ufffd'));
  });
});

void describe('parseChatStream: frame details', () => {
  void it('one frame with many keys emits one event per key in a fixed order', async () => {
    const frame = {
      result: {
        response: {
          modelResponse: { message: 'm', responseId: 'r', metadata: { llm_info: { modelHash: 'h2' } } },
          streamingVideoGenerationResponse: { progress: 5 },
          streamingImageGenerationResponse: { imageIndex: 1, progress: 10 },
          token: 't',
          rolloutId: 'Agent 9',
          xSearchResults: { results: [{ postId: '1', username: 'u' }] },
          webSearchResults: { results: [{ url: 'https://a', title: 'A' }] },
          toolUsageCard: { toolUsageCardId: 'x', webSearch: { args: { query: 'q' } } },
          cardAttachment: { jsonData: '{"id":"c","image_chunk":{"imageUuid":"u1","progress":100}}' },
          llmInfo: { modelHash: 'h1' },
          userResponse: { model: 'grok-x' },
          isSoftStop: true,
          finalMetadata: {},
        },
      },
    };
    const { events } = await parseText(`${JSON.stringify(frame)}\n`);
    assert.deepEqual(
      events.map((e) => e.type),
      [
        'meta',
        'card',
        'tool-card',
        'search-results',
        'search-results',
        'token',
        'image-progress',
        'image-progress',
        'video-progress',
        'model-response',
        'end',
      ],
    );
    assert.deepEqual(events[0], { type: 'meta', model: 'grok-x', modelHash: 'h1' });
    assert.deepEqual(events.at(-1), { type: 'end', reason: 'soft-stop' });
    assert.equal(events.length, 11, 'a single end event even with both signals');
  });

  void it('stops right after the end event and releases the body; eof when the body runs out', async () => {
    const lines = `${JSON.stringify({ result: { response: { isSoftStop: true } } })}\n`;
    const src = new ChunkSource([enc.encode(lines), enc.encode('{"result":{"response":{"token":"late"}}}\n')]);
    const got: GrokEvent[] = [];
    for await (const e of parseChatStream(src)) got.push(e);
    assert.deepEqual(got, [{ type: 'end', reason: 'soft-stop' }]);
    assert.equal(src.consumed, 1);
    assert.equal(src.returned, true);

    const empty = await parseChunks([]);
    assert.deepEqual(empty.events, [{ type: 'end', reason: 'eof' }]);
  });

  void it('in-band error variants: error.error message, non rate-limit code → 502', async () => {
    const a = await parseText('{"error":{"code":13,"error":"internal failure"}}\n');
    assert.equal(a.error?.kind, 'upstream-5xx');
    assert.equal(a.error?.status, 502);
    assert.match(a.error?.message ?? '', /internal failure/);
    const b = await parseText('{"error":{"message":"Rate limit reached for this model"}}');
    assert.equal(b.error?.kind, 'rate-limited');
    const c = await parseText('data: {"error":{"code":8,"message":"x"}}\r\n');
    assert.equal(c.error?.status, 429);
  });

  void it('modelResponse.error and tokens with odd types', async () => {
    const text = [
      '{"result":{"response":{"modelResponse":{"message":"","error":"model overloaded"}}}}',
      '{"result":{"response":{"token":null,"isThinking":true}}}',
      '{"result":{"response":{"token":"ok","isThinking":"yes","messageTag":5,"responseId":"","rolloutId":""}}}',
    ].join('\n');
    const { events } = await parseText(text);
    assert.equal(ofType(events, 'model-response')[0]?.error, 'model overloaded');
    assert.deepEqual(ofType(events, 'token'), [
      { type: 'token', text: 'ok', thinking: false, tag: undefined, rolloutId: undefined, responseId: undefined },
    ]);
  });

  void it('a line split exactly at \\r and \\n boundaries and a final line without newline', async () => {
    const line = '{"result":{"response":{"token":"a"}}}';
    const chunks = [line.slice(0, 10), `${line.slice(10)}\r`, `\n${line.slice(0, 5)}`, line.slice(5)].map((s) => enc.encode(s));
    const { events } = await parseChunks(chunks);
    assert.equal(tokens(events), 'aa');
  });
});
