// Video end to end: chat completions with the video model (progress as reasoning, a link or a
// <video> tag), the async job API with the OpenAI SDK (create / retrieve / downloadContent),
// extension segments, Range requests on the cached video, and signed callbacks.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { APIError, toFile } from 'openai';
import { makePng } from '../fake-grok/index.js';
import type { Harness } from './harness.js';
import { chatBodies, startMediaHarness } from './media-helpers.js';

type Delta = { content?: string | null; reasoning_content?: string };
type VideoConfig = Record<string, unknown>;

function videoConfigs(h: Harness): VideoConfig[] {
  return chatBodies(h).map(
    (b) => (b.responseMetadata as { modelConfigOverride: { modelMap: { videoGenModelConfig: VideoConfig } } }).modelConfigOverride.modelMap.videoGenModelConfig,
  );
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

    const post = h.sim.requests.find((r) => r.path === '/rest/media/post/create');
    assert.deepEqual(post?.body, { mediaType: 'MEDIA_POST_TYPE_VIDEO', prompt: 'a dog surfing' });
    const body = chatBodies(h)[0] ?? {};
    assert.equal(body.modelName, 'imagine-video-gen');
    assert.equal(body.message, 'a dog surfing --mode=custom');
    const cfg = videoConfigs(h)[0] ?? {};
    assert.equal(cfg.videoLength, 6);
    assert.equal(cfg.resolutionName, '480p');
  });

  void it('chat (non-streaming) with video_config: 16 s = a 10 s segment plus a 6 s extension', async () => {
    h.sim.clearRequests();
    const res = await h.openai.chat.completions.create({
      model: 'grok-imagine-video',
      messages: [{ role: 'user', content: 'a long ride' }],
      // @ts-expect-error gateway extension
      video_config: { seconds: 16, aspect_ratio: '9:16', resolution: '720p', preset: 'fun' },
    });
    assert.match(res.choices[0]?.message.content ?? '', /^\[video\]\(/);
    const cfgs = videoConfigs(h);
    assert.equal(cfgs.length, 2);
    assert.equal(cfgs[0]?.videoLength, 10);
    assert.equal(cfgs[0]?.aspectRatio, '9:16');
    assert.equal(cfgs[0]?.resolutionName, '720p');
    assert.equal(cfgs[1]?.isVideoExtension, true);
    assert.equal(cfgs[1]?.videoLength, 6);
    assert.ok(Math.abs(Number(cfgs[1]?.videoExtensionStartTime) - (10 + 1 / 24)) < 1e-9);
    assert.equal(cfgs[1]?.originalRefType, 'ORIGINAL_REF_TYPE_VIDEO_EXTENSION');
    assert.equal(cfgs[1]?.mode, 'fun');
    assert.ok(typeof cfgs[1]?.extendPostId === 'string');
    assert.match(String(chatBodies(h)[0]?.message), /--mode=extremely-crazy$/);
    const bodies = h.sim.requests.filter((r) => r.path === '/rest/app-chat/conversations/new');
    assert.match(String(bodies[1]?.headers.referer), /\/imagine\/post\//);
  });

  void it('a moderated video is a 400 content_policy_violation', async () => {
    await assert.rejects(
      h.openai.chat.completions.create({ model: 'grok-imagine-video', messages: [{ role: 'user', content: 'no [sim:moderated=1]' }] }),
      (e: unknown) => e instanceof APIError && e.status === 400 && e.code === 'content_policy_violation',
    );
  });

  void it('job API: videos.create with a reference image, retrieve until completed, downloadContent; signed callback retried', async () => {
    h.sim.clearRequests();
    hooks.length = 0;
    failHooks = 1;
    const created = await h.openai.videos.create({
      model: 'grok-imagine-video' as never,
      prompt: 'the picture comes alive',
      seconds: '8' as never,
      input_reference: await toFile(makePng(6, 6), 'ref.png', { type: 'image/png' }),
      // @ts-expect-error gateway extension
      callback_url: hookUrl,
    });
    assert.equal(created.object, 'video');
    assert.match(created.id, /^video_[0-9a-f]{24}$/);
    const job = await waitForJob(h, created.id);
    assert.equal(job.status, 'completed', JSON.stringify(job.error));
    assert.equal(job.progress, 100);
    assert.equal(job.seconds, '10');
    assert.match(job.url ?? '', /\/videos\/[0-9a-f]{32}\.mp4$/);
    await assertRangeServing(job.url ?? '');

    const content = await h.openai.videos.downloadContent(created.id);
    const bytes = Buffer.from(await content.arrayBuffer());
    assert.equal(bytes.subarray(4, 8).toString('latin1'), 'ftyp');

    const post = h.sim.requests.find((r) => r.path === '/rest/media/post/create');
    assert.equal((post?.body as { mediaType: string }).mediaType, 'MEDIA_POST_TYPE_IMAGE');
    const cfg = videoConfigs(h)[0] ?? {};
    assert.equal(cfg.isReferenceToVideo, true);
    assert.equal((cfg.imageReferences as string[]).length, 1);

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
