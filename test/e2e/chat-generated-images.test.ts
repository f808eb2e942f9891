// Images Grok draws inside a chat model's answer ("draw a fox" to a chat model) end the answer as
// `![image](link)`, one per final image, in order: streamed and not, over mgw and REST, through
// chat completions, the Responses API and /v1/messages. Recorded fixtures pin the hard cases: a
// preview (progress < 100) and a moderated image are never shown nor fetched. The links serve the
// cached copy (media.format "url"), or are Grok's own asset URLs (media.format "upstream").
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startFakeGrok, type FakeGrok } from '../fake-grok/index.js';
import { startHarness, type Harness } from './harness.js';
import { assertServesImage, markdownImages } from './media-helpers.js';

const fixture = (p: string): string => fileURLToPath(new URL(`../fixtures/${p}`, import.meta.url));
const CACHE_LINK = /^http:\/\/127\.0\.0\.1:\d+\/images\/[0-9a-f]{32}\.jpg$/;

type ChunkDelta = { content?: string | null };

/** A gateway whose one account answers every turn with a recorded fixture. */
async function replayGateway(sim: FakeGrok, file: string, transport: 'mgw' | 'rest', extra: Record<string, unknown> = {}): Promise<Harness> {
  const token = `sso-chat-images-${transport}-${file.replace(/[^a-z0-9]/gi, '-')}-${Object.keys(extra).join('-')}`;
  sim.setToken(token, { replay: fixture(file) });
  return startHarness({
    tokens: [token],
    overrides: { accounts: { sync_on_import: false, default_tier: 'heavy' }, ...(transport === 'rest' ? { grok: { chat_transport: 'rest' } } : {}), ...extra },
  }, sim);
}

/** The asset paths the gateway fetched from Grok's asset origin. */
function assetFetches(sim: FakeGrok): string[] {
  return sim.requests.filter((r) => r.origin === 'assets').map((r) => r.path);
}

async function ask(h: Harness, stream: boolean): Promise<{ content: string; completionTokens: number | undefined }> {
  const messages = [{ role: 'user' as const, content: 'draw a fox' }];
  if (!stream) {
    const r = await h.openai.chat.completions.create({ model: 'grok-chat-expert', messages });
    return { content: r.choices[0]?.message.content ?? '', completionTokens: r.usage?.completion_tokens };
  }
  const s = await h.openai.chat.completions.create({ model: 'grok-chat-expert', messages, stream: true, stream_options: { include_usage: true } });
  let content = '';
  let completionTokens: number | undefined;
  for await (const c of s) {
    content += (c.choices[0]?.delta as ChunkDelta | undefined)?.content ?? '';
    if (c.usage) completionTokens = c.usage.completion_tokens;
  }
  return { content, completionTokens };
}

void describe('chat models: images Grok drew end the answer', () => {
  let sim: FakeGrok;
  before(async () => {
    sim = await startFakeGrok({ tokenDelayMs: 0 });
  });
  after(async () => {
    await sim.close();
  });

  const CARD_FINAL = '/users/3f6c2a9e/generated/5e7f0000-0000-4000-8000-000000000001/image.jpg';
  for (const stream of [false, true]) {
    void it(`mgw card images (${stream ? 'stream' : 'JSON'}): only the final image, never the preview or the moderated card`, async () => {
      const h = await replayGateway(sim, 'mgw/card-image.jsonl', 'mgw');
      try {
        sim.clearRequests();
        const { content, completionTokens } = await ask(h, stream);
        const urls = markdownImages(content);
        assert.equal(urls.length, 1, content);
        assert.equal(content, `![image](${urls[0] ?? ''})`);
        assert.match(urls[0] ?? '', CACHE_LINK);
        assert.deepEqual(assetFetches(sim), [CARD_FINAL], 'fetched once into the cache, nothing else');
        assert.ok((completionTokens ?? 0) > 0, 'the image markdown counts as completion tokens');
        await assertServesImage(urls[0] ?? '');
      } finally {
        await h.close();
      }
    });

    void it(`REST image cards (${stream ? 'stream' : 'JSON'}): the text, then the images; a moderated one is neither shown nor fetched`, async () => {
      const h = await replayGateway(sim, 'ndjson/image-cards.ndjson', 'rest');
      try {
        sim.clearRequests();
        const { content } = await ask(h, stream);
        const urls = markdownImages(content);
        assert.equal(urls.length, 2, content);
        assert.equal(content, `I generated images with the prompt: 'a red fox in snow'\n\n![image](${urls[0] ?? ''})\n\n![image](${urls[1] ?? ''})`);
        const fetched = assetFetches(sim);
        assert.deepEqual(fetched, [
          '/users/7f3a9c1e/generated/8f2e4b6a-1c3d-4e5f-8a9b-0c1d2e3f4a5b/image.jpg',
          '/users/7f3a9c1e/generated/extra/image.png',
        ]);
        assert.ok(!fetched.some((p) => p.includes('0a9b8c7d')), 'the moderated image (its previews had a URL too) stays out');
      } finally {
        await h.close();
      }
    });

    void it(`REST image progress (${stream ? 'stream' : 'JSON'}): an image-only answer is the final image`, async () => {
      const h = await replayGateway(sim, 'ndjson/legacy-image-progress.ndjson', 'rest');
      try {
        sim.clearRequests();
        const { content } = await ask(h, stream);
        const urls = markdownImages(content);
        assert.equal(urls.length, 1, content);
        assert.equal(content, `![image](${urls[0] ?? ''})`);
        assert.deepEqual(assetFetches(sim), ['/users/7f3a9c1e/generated/e1/image.jpg'], 'the moderated e2 is not fetched');
      } finally {
        await h.close();
      }
    });
  }

  void it('media.format "upstream": Grok\'s own asset URL, made absolute, nothing fetched', async () => {
    const h = await replayGateway(sim, 'mgw/card-image.jsonl', 'mgw', { media: { format: 'upstream' } });
    try {
      sim.clearRequests();
      const { content } = await ask(h, false);
      assert.equal(content, `![image](${sim.assetsUrl}${CARD_FINAL})`);
      assert.deepEqual(assetFetches(sim), []);
    } finally {
      await h.close();
    }
  });

  void it('app.app_url is the base of the links when set', async () => {
    const h = await replayGateway(sim, 'mgw/card-image.jsonl', 'mgw', { app: { app_url: 'https://gw.example/' } });
    try {
      const { content } = await ask(h, true);
      assert.match(content, /^!\[image\]\(https:\/\/gw\.example\/images\/[0-9a-f]{32}\.jpg\)$/);
    } finally {
      await h.close();
    }
  });
});

void describe('chat models: images Grok drew, through the Responses API and /v1/messages', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ overrides: { accounts: { sync_on_import: false, default_tier: 'heavy' } } });
  });
  after(async () => {
    await h.close();
  });

  void it('Responses API: output_text ends with the linked images', async () => {
    const r = await h.openai.responses.create({ model: 'grok-chat-fast', input: 'Drawing: a fox' });
    const urls = markdownImages(r.output_text);
    assert.equal(urls.length, 2, r.output_text);
    for (const u of urls) {
      assert.match(u, CACHE_LINK);
      await assertServesImage(u);
    }
  });

  void it('/v1/messages: the text block ends with the linked images', async () => {
    const res = await fetch(`${h.baseURL}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sk-test-harness-key-000000', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-3-5-haiku-latest', max_tokens: 1024, messages: [{ role: 'user', content: 'Drawing: a fox' }] }),
    });
    assert.equal(res.status, 200);
    const m = await res.json() as { content: Array<{ type: string; text?: string }>; usage: { output_tokens: number } };
    const text = m.content.map((b) => b.text ?? '').join('');
    const urls = markdownImages(text);
    assert.equal(urls.length, 2, text);
    for (const u of urls) await assertServesImage(u);
    assert.ok(m.usage.output_tokens >= 20, 'the image markdown counts as output tokens');
  });
});
