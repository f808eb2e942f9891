// /v1/images/generations end to end with the OpenAI SDK: the imagine WebSocket (rounds, moderation,
// errors, timeouts, reconnects) and the drawing chat, images served from the media cache.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { APIError } from 'openai';
import { chatTurns, type Harness } from './harness.js';
import { assertServesImage, isJpeg, isPng, startMediaHarness, wsRequests } from './media-helpers.js';

void describe('images.generate through the imagine WebSocket (image.use_ws = true)', () => {
  let h: Harness;
  before(async () => {
    h = await startMediaHarness({ tokens: ['sso-img-token-0001', 'sso-img-token-0002'], config: { image: { use_ws: true, round_timeout: 10, idle_timeout: 1 } } });
  });
  after(async () => {
    await h.close();
  });

  void it('returns n links that serve JPEG images', async () => {
    h.sim.clearRequests();
    const res = await h.openai.images.generate({ model: 'grok-imagine-image', prompt: 'a red fox in snow', n: 2, size: '1280x720' });
    assert.equal(res.data?.length, 2);
    for (const img of res.data ?? []) {
      assert.match(img.url ?? '', /^http:\/\/127\.0\.0\.1:\d+\/images\/[0-9a-f]{32}\.jpg$/);
      assert.ok(isJpeg(await assertServesImage(img.url ?? '')));
    }
    const sent = wsRequests(h);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]?.text, 'a red fox in snow');
    assert.equal(sent[0]?.props.aspect_ratio, '16:9');
    assert.equal(sent[0]?.props.enable_pro, false);
    assert.equal(sent[0]?.props.num_generations, 2, 'the server is asked for exactly n images');
    assert.equal(sent[0]?.props.enable_nsfw, false, 'image.nsfw defaults to false');
    assert.deepEqual(h.sim.statsigViolations(), [], 'no x-statsig-id on the WebSocket or the downloads');
    assert.ok(h.logs.some((l) => l.includes('"msg":"image request"') && l.includes('"path":"imagine-ws"') && l.includes('"reason":"image.use_ws = true"')));
  });

  void it('OpenAI image model names are aliases: dall-e-2, dall-e-3 and gpt-image-1 generate with grok-imagine-image', async () => {
    for (const model of ['dall-e-2', 'dall-e-3', 'gpt-image-1']) {
      h.sim.clearRequests();
      const res = await h.openai.images.generate({ model, prompt: 'a blue whale', response_format: 'b64_json' });
      assert.equal(res.data?.length, 1, model);
      assert.ok(isJpeg(Buffer.from(res.data?.[0]?.b64_json ?? '', 'base64')), model);
      assert.equal(wsRequests(h)[0]?.props.enable_pro, false, `${model} is the speed-mode model`);
    }
  });

  void it('b64_json: the images inline; pro model sends enable_pro', async () => {
    h.sim.clearRequests();
    const res = await h.openai.images.generate({ model: 'grok-imagine-image-pro', prompt: 'a lighthouse', response_format: 'b64_json', size: '16:9' });
    assert.equal(res.data?.length, 1);
    assert.ok(isJpeg(Buffer.from(res.data?.[0]?.b64_json ?? '', 'base64')));
    assert.equal(wsRequests(h)[0]?.props.enable_pro, true);
  });

  void it('runs more rounds until n images are in (a round yields fewer)', async () => {
    h.sim.clearRequests();
    const res = await h.openai.images.generate({ model: 'grok-imagine-image', prompt: 'tiles [sim:slots=3]', n: 7 });
    assert.equal(res.data?.length, 7);
    assert.equal(new Set(res.data?.map((d) => d.url)).size, 7);
    assert.deepEqual(wsRequests(h).map((r) => r.props.num_generations), [7, 4, 1], 'each round asks for what is still missing');
    const upgrades = h.sim.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/ws/imagine/listen'));
    assert.equal(upgrades.length, 3, 'one socket per round');
  });

  void it('reconnects when the server closes the socket after a round', async () => {
    h.sim.clearRequests();
    const res = await h.openai.images.generate({ model: 'grok-imagine-image', prompt: 'waves [sim:ws-close] [sim:slots=2]', n: 3 });
    assert.equal(res.data?.length, 3);
    const upgrades = h.sim.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/ws/imagine/listen'));
    assert.ok(upgrades.length >= 2, `upgrades: ${upgrades.length}`);
  });

  void it('streams partial_image then completed events (OpenAI images streaming)', async () => {
    const stream = await h.openai.images.generate({ model: 'grok-imagine-image', prompt: 'a cat', n: 2, stream: true, partial_images: 1 });
    const types: string[] = [];
    const completed: Array<{ b64_json: string; url?: string }> = [];
    for await (const ev of stream) {
      types.push(ev.type);
      if (ev.type === 'image_generation.partial_image') assert.ok(isPng(Buffer.from(ev.b64_json, 'base64')));
      if (ev.type === 'image_generation.completed') completed.push(ev as { b64_json: string; url?: string });
    }
    assert.ok(types.includes('image_generation.partial_image'), types.join());
    assert.equal(types[types.length - 1], 'image_generation.completed');
    assert.equal(completed.length, 2);
    for (const c of completed) {
      assert.ok(isJpeg(Buffer.from(c.b64_json, 'base64')));
      await assertServesImage(c.url ?? '');
    }
  });

  void it('every slot moderated → 400 content_policy_violation (no retry)', async () => {
    h.sim.clearRequests();
    await assert.rejects(
      h.openai.images.generate({ model: 'grok-imagine-image', prompt: 'nope [sim:moderated=6]' }),
      (err: unknown) => err instanceof APIError && err.status === 400 && err.code === 'content_policy_violation',
    );
    assert.equal(wsRequests(h).length, 1);
  });

  void it('a WebSocket error frame is retried on another account, then 502 upstream_error', async () => {
    h.sim.clearRequests();
    await assert.rejects(
      h.openai.images.generate({ model: 'grok-imagine-image', prompt: 'boom [sim:ws-error]' }),
      (err: unknown) => err instanceof APIError && err.status === 502 && err.code === 'upstream_error',
    );
    const tokens = new Set(h.sim.requests.filter((r) => r.method === 'WS').map((r) => r.token));
    assert.equal(tokens.size, 2, 'both accounts tried');
  });

  void it('silence beyond image.idle_timeout → retried, then 502 upstream_timeout', async () => {
    h.sim.clearRequests();
    await assert.rejects(
      h.openai.images.generate({ model: 'grok-imagine-image', prompt: 'slow [sim:slow=1500]' }),
      (err: unknown) => err instanceof APIError && err.status === 502 && err.code === 'upstream_timeout',
    );
    assert.equal(new Set(h.sim.requests.filter((r) => r.method === 'WS').map((r) => r.token)).size, 2);
  });

  void it('validates n, size and the model kind', async () => {
    await assert.rejects(h.openai.images.generate({ model: 'grok-imagine-image', prompt: 'x', n: 11 }), (e: unknown) => e instanceof APIError && e.status === 400 && e.param === 'n');
    await assert.rejects(h.openai.images.generate({ model: 'grok-imagine-image', prompt: 'x', size: 'huge' as never }), (e: unknown) => e instanceof APIError && e.status === 400 && e.param === 'size');
    await assert.rejects(h.openai.images.generate({ model: 'grok-chat-fast', prompt: 'x' }), (e: unknown) => e instanceof APIError && e.status === 400 && e.param === 'model');
    await assert.rejects(h.openai.images.generate({ model: 'nope', prompt: 'x' }), (e: unknown) => e instanceof APIError && e.status === 404);
  });
});

void describe('images.generate through the drawing chat (image.use_ws = false, and the lite model)', () => {
  let h: Harness;
  before(async () => {
    h = await startMediaHarness({ config: { image: { use_ws: false, round_timeout: 10, idle_timeout: 5 } } });
  });
  after(async () => {
    await h.close();
  });

  void it('"Drawing: <prompt>" chat calls collect exactly n images, served from the cache', async () => {
    h.sim.clearRequests();
    const res = await h.openai.images.generate({ model: 'grok-imagine-image', prompt: 'a blue bird', n: 3 });
    assert.equal(res.data?.length, 3);
    for (const img of res.data ?? []) await assertServesImage(img.url ?? '');
    // Over the default transport (mgw): one socket per drawing turn, the mode and count in session.create.
    const turns = chatTurns(h);
    assert.equal(turns.length, 2, 'ceil(3 / 2) chat calls');
    assert.equal(turns[0]?.prompt, 'Drawing: a blue bird');
    const sessions = h.sim.requests
      .filter((r) => r.method === 'WS' && (r.body as { event?: { type?: string } }).event?.type === 'session.create')
      .map((r) => (r.body as { event: { session: { model: string; x_grok: { image_generation_count: number } } } }).event.session);
    assert.deepEqual(sessions.map((x) => [x.model, x.x_grok.image_generation_count]), [['fast', 2], ['fast', 1]]);
    assert.equal(wsRequests(h).length, 0);
    assert.ok(h.logs.some((l) => l.includes('"path":"chat-image"') && l.includes('"reason":"image.use_ws = false"')));
  });

  void it('the lite model always draws through chat; b64_json works there too', async () => {
    const res = await h.openai.images.generate({ model: 'grok-imagine-image-lite', prompt: 'a tree', response_format: 'b64_json' });
    assert.ok(isJpeg(Buffer.from(res.data?.[0]?.b64_json ?? '', 'base64')));
  });

  void it('streams completed events on the chat path too', async () => {
    const stream = await h.openai.images.generate({ model: 'grok-imagine-image', prompt: 'a boat', stream: true });
    const types: string[] = [];
    for await (const ev of stream) types.push(ev.type);
    assert.deepEqual(types, ['image_generation.completed']);
  });
});

void describe('images.generate with image.nsfw = true', () => {
  let h: Harness;
  before(async () => {
    h = await startMediaHarness({ config: { image: { use_ws: true, nsfw: true } } });
  });
  after(async () => {
    await h.close();
  });

  void it('sends enable_nsfw: true', async () => {
    h.sim.clearRequests();
    const res = await h.openai.images.generate({ model: 'grok-imagine-image', prompt: 'a statue' });
    assert.equal(res.data?.length, 1);
    assert.equal(wsRequests(h)[0]?.props.enable_nsfw, true);
  });
});
