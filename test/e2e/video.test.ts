// Video end to end: chat completions with the video model (progress as reasoning, a link or a
// <video> tag), the async job API with the OpenAI SDK (create / retrieve / downloadContent), the
// mediaGenInput.textToVideo body (one 1-15 s generation; longer is a 400, image-to-video refused),
// Range requests on the cached video, and signed callbacks.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { APIError, toFile } from 'openai';
import { makePng } from '../fake-grok/index.js';
import type { Harness } from './harness.js';
import { assertNoStatsigWhereNotSent, chatBodies, startMediaHarness } from './media-helpers.js';

type Delta = { content?: string | null; reasoning_content?: string };
type TextToVideo = { prompt: string; aspectRatio: string; duration: number; resolutionName: string };

function textToVideos(h: Harness): TextToVideo[] {
  return chatBodies(h).map((b) => (b.mediaGenInput as { textToVideo: TextToVideo }).textToVideo);
}

async function waitForJob(h: Harness, id: string): Promise<{ status: string; url?: string | null; progress: number; error: unknown; seconds: string }> {
  for (let i = 0; i < 200; i++) {
    const job = (await h.openai.videos.retrieve(id)) as unknown as { status: string; url?: string | null; progress: number; error: unknown; seconds: string };
    if (job.status === 'completed' || job.status === 'failed') return job;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('job did not finish');
}

async function assertRangeServing(url: string): Promise<void> {
  const full = await fetch(url);
  assert.equal(full.status, 200);
  assert.equal(full.headers.get('content-type'), 'video/mp4');
  assert.equal(full.headers.get('accept-ranges'), 'bytes');
  const bytes = Buffer.from(await full.arrayBuffer());
  assert.equal(bytes.subarray(4, 8).toString('latin1'), 'ftyp');
  const part = await fetch(url, { headers: { range: 'bytes=100-199' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), `bytes 100-199/${bytes.length}`);
  assert.deepEqual(Buffer.from(await part.arrayBuffer()), bytes.subarray(100, 200));
  const tail = await fetch(url, { headers: { range: 'bytes=-10' } });
  assert.equal(tail.status, 206);
  assert.deepEqual(Buffer.from(await tail.arrayBuffer()), bytes.subarray(bytes.length - 10));
  const bad = await fetch(url, { headers: { range: `bytes=${bytes.length + 5}-` } });
  assert.equal(bad.status, 416);
  assert.equal(bad.headers.get('content-range'), `bytes */${bytes.length}`);
  const etag = full.headers.get('etag') ?? '';
  const cached = await fetch(url, { headers: { 'if-none-match': etag } });
  assert.equal(cached.status, 304);
}

void describe('video generation', () => {
  let h: Harness;
  let hook: Server;
  let hookUrl = '';
  const hooks: Array<{ body: string; signature: string | undefined }> = [];
  let failHooks = 0;
  before(async () => {
    hook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        hooks.push({ body: Buffer.concat(chunks).toString('utf8'), signature: req.headers['x-signature'] as string | undefined });
        if (failHooks > 0) {
          failHooks--;
          res.writeHead(500).end();
        } else res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    h = await startMediaHarness({
      config: {
        media: { allow_private_urls: true },
        video: { callback_secret: 'shh-secret', callback_attempts: 3, callback_backoff: 0.02 },
      },
    });
  });
  after(async () => {
    await h.close();
    await new Promise<void>((r) => hook.close(() => r()));
  });

  void it('chat (streaming): progress as reasoning_content, the answer a link to a video served with ranges', async () => {
    h.sim.clearRequests();
    const stream = await h.openai.chat.completions.create({ model: 'grok-imagine-video', stream: true, messages: [{ role: 'user', content: 'a dog surfing' }] });
    let content = '';
    let reasoning = '';
    for await (const chunk of stream) {
      const d = chunk.choices[0]?.delta as Delta | undefined;
      content += d?.content ?? '';
      reasoning += d?.reasoning_content ?? '';
    }
    assert.match(reasoning, /Video 50%/);
    assert.match(reasoning, /Video 100%/);
    const m = /^\[video\]\((http:\/\/127\.0\.0\.1:\d+\/videos\/[0-9a-f]{32}\.mp4)\)$/.exec(content);
    assert.ok(m, content);
    await assertRangeServing(m[1] ?? '');

    assert.equal(h.sim.requests.filter((r) => r.path === '/rest/media/post/create').length, 0, 'no media post any more');
    const calls = h.sim.requests.filter((r) => r.path === '/rest/app-chat/conversations/new');
    assert.equal(calls.length, 1, 'one generation, no segments');
    const body = chatBodies(h)[0] ?? {};
    assert.equal(body.modelName, 'imagine-video-gen');
    assert.equal(body.message, 'a dog surfing --mode=custom');
    assert.equal(body.kind, 'CONVERSATION_KIND_IMAGINE');
    assert.deepEqual(textToVideos(h)[0], { prompt: 'a dog surfing', aspectRatio: '16:9', duration: 8, resolutionName: '720p' });
    assert.equal(calls[0]?.headers.referer, `${h.sim.baseUrl}/imagine`);
    assert.ok(calls[0]?.headers['x-statsig-id'], 'the video POST carries x-statsig-id (local mode)');
    assertNoStatsigWhereNotSent(h);
  });

  void it('chat (non-streaming) with video_config: 15 s, 9:16, 480p, preset fun in one call', async () => {
    h.sim.clearRequests();
    const res = await h.openai.chat.completions.create({
      model: 'grok-imagine-video',
      messages: [{ role: 'user', content: 'a long ride' }],
      // @ts-expect-error gateway extension
      video_config: { seconds: 15, aspect_ratio: '9:16', resolution: '480p', preset: 'fun' },
    });
    assert.match(res.choices[0]?.message.content ?? '', /^\[video\]\(/);
    assert.deepEqual(textToVideos(h), [{ prompt: 'a long ride', aspectRatio: '9:16', duration: 15, resolutionName: '480p' }]);
    assert.match(String(chatBodies(h)[0]?.message), /^a long ride --mode=extremely-crazy$/);
  });

  void it('longer than 15 s is a 400 naming seconds and the limit, and nothing is sent to Grok', async () => {
    h.sim.clearRequests();
    await assert.rejects(
      h.openai.chat.completions.create({
        model: 'grok-imagine-video',
        messages: [{ role: 'user', content: 'too long' }],
        // @ts-expect-error gateway extension
        video_config: { seconds: 16 },
      }),
      (e: unknown) => e instanceof APIError && e.status === 400 && e.param === 'video_config.seconds' && /at most 15 seconds/.test(e.message),
    );
    await assert.rejects(
      h.openai.videos.create({ model: 'grok-imagine-video' as never, prompt: 'too long', seconds: '20' as never }),
      (e: unknown) => e instanceof APIError && e.status === 400 && e.param === 'seconds' && /at most 15 seconds/.test(e.message),
    );
    assert.equal(chatBodies(h).length, 0);
  });

  void it('images in the conversation of a video model are refused (text-to-video only)', async () => {
    await assert.rejects(
      h.openai.chat.completions.create({
        model: 'grok-imagine-video',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'animate this' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${makePng(4, 4).toString('base64')}` } }] }],
      }),
      (e: unknown) => e instanceof APIError && e.status === 400 && e.param === 'messages' && /text prompt only/.test(e.message),
    );
  });

  void it('a moderated video is a 400 content_policy_violation', async () => {
    await assert.rejects(
      h.openai.chat.completions.create({ model: 'grok-imagine-video', messages: [{ role: 'user', content: 'no [sim:moderated=1]' }] }),
      (e: unknown) => e instanceof APIError && e.status === 400 && e.code === 'content_policy_violation',
    );
  });

  void it('job API: videos.create, retrieve until completed, downloadContent; signed callback retried', async () => {
    h.sim.clearRequests();
    hooks.length = 0;
    failHooks = 1;
    const created = await h.openai.videos.create({
      model: 'grok-imagine-video' as never,
      prompt: 'the picture comes alive',
      seconds: '12' as never,
      size: '720x1280' as never,
      // @ts-expect-error gateway extension
      callback_url: hookUrl,
    });
    assert.equal(created.object, 'video');
    assert.match(created.id, /^video_[0-9a-f]{24}$/);
    const job = await waitForJob(h, created.id);
    assert.equal(job.status, 'completed', JSON.stringify(job.error));
    assert.equal(job.progress, 100);
    assert.equal(job.seconds, '12');
    assert.match(job.url ?? '', /\/videos\/[0-9a-f]{32}\.mp4$/);
    await assertRangeServing(job.url ?? '');

    const content = await h.openai.videos.downloadContent(created.id);
    const bytes = Buffer.from(await content.arrayBuffer());
    assert.equal(bytes.subarray(4, 8).toString('latin1'), 'ftyp');

    // size 720x1280 → 9:16 at 720p
    assert.deepEqual(textToVideos(h)[0], { prompt: 'the picture comes alive', aspectRatio: '9:16', duration: 12, resolutionName: '720p' });

    for (let i = 0; i < 100 && hooks.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(hooks.length, 2, 'first delivery failed with 500, the retry succeeded');
    const last = hooks[1];
    assert.equal(last?.signature, createHmac('sha256', 'shh-secret').update(last?.body ?? '').digest('hex'));
    const posted = JSON.parse(last?.body ?? '{}') as { id: string; status: string; url: string };
    assert.equal(posted.id, created.id);
    assert.equal(posted.status, 'completed');
  });

  void it('job API: a failed generation ends as status failed with the error; unknown ids are 404', async () => {
    const created = await h.openai.videos.create({ model: 'grok-imagine-video' as never, prompt: 'nope [sim:moderated=1]' });
    const job = await waitForJob(h, created.id);
    assert.equal(job.status, 'failed');
    assert.deepEqual((job.error as { code: string }).code, 'content_policy_violation');
    await assert.rejects(h.openai.videos.retrieve('video_nope'), (e: unknown) => e instanceof APIError && e.status === 404);
  });

  void it('job API: an input_reference is refused (image-to-video is not on the web protocol)', async () => {
    await assert.rejects(
      h.openai.videos.create({ model: 'grok-imagine-video' as never, prompt: 'x', input_reference: await toFile(makePng(6, 6), 'ref.png', { type: 'image/png' }) }),
      (e: unknown) => e instanceof APIError && e.status === 400 && e.param === 'input_reference',
    );
  });

  void it('job API: size 854x480 asks for 480p', async () => {
    h.sim.clearRequests();
    const created = await h.openai.videos.create({ model: 'grok-imagine-video' as never, prompt: 'small', size: '854x480' as never });
    assert.equal((await waitForJob(h, created.id)).status, 'completed');
    assert.equal(textToVideos(h)[0]?.resolutionName, '480p');
    assert.equal(textToVideos(h)[0]?.aspectRatio, '16:9');
  });

  void it('job API validation: seconds, model kind, callback_url', async () => {
    const post = (body: unknown): Promise<Response> =>
      fetch(`${h.baseURL}/videos`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test-harness-key-000000' }, body: JSON.stringify(body) });
    let res = await post({ prompt: 'x', seconds: 99 });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { param: string } }).error.param, 'seconds');
    res = await post({ prompt: 'x', model: 'grok-chat-fast' });
    assert.equal(res.status, 400);
    res = await post({ prompt: 'x', callback_url: 'ftp://example.org/x' });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { param: string } }).error.param, 'callback_url');
  });
});

void describe('video with video.html_tag = true and private callbacks refused', () => {
  let h: Harness;
  before(async () => {
    h = await startMediaHarness({ config: { video: { html_tag: true } } });
  });
  after(async () => {
    await h.close();
  });

  void it('answers with a <video> tag', async () => {
    const res = await h.openai.chat.completions.create({ model: 'grok-imagine-video', messages: [{ role: 'user', content: 'rain' }] });
    assert.match(res.choices[0]?.message.content ?? '', /^<video controls src="http:\/\/127\.0\.0\.1:\d+\/videos\/[0-9a-f]{32}\.mp4"><\/video>$/);
  });

  void it('a callback_url on a private address is refused (media.allow_private_urls = false)', async () => {
    const res = await fetch(`${h.baseURL}/videos`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test-harness-key-000000' },
      body: JSON.stringify({ prompt: 'x', callback_url: 'http://127.0.0.1:9/hook' }),
    });
    assert.equal(res.status, 400);
    const err = ((await res.json()) as { error: { param: string; message: string } }).error;
    assert.equal(err.param, 'callback_url');
    assert.match(err.message, /loopback/);
  });
});
