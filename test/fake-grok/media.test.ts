// Uploads, media posts, video and image-edit streams, chat image mode and the assets origin.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { expectedAnswer, makePng, simHeaders, startFakeGrok } from './index.js';
import type { FakeGrok } from './index.js';
import { CHAT_PATH, answerText, chat, post, postAs, responses } from './test-client.js';

const UPLOAD = '/rest/app-chat/upload-file';
const POST_CREATE = '/rest/media/post/create';

async function getAsset(sim: FakeGrok, path: string, headers: Record<string, string> = { cookie: 'sso=good' }, method: 'GET' | 'HEAD' = 'GET') {
  const res = await request(`${sim.assetsUrl}/${path}`, { method, headers });
  const body = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, headers: res.headers, body };
}

void describe('fake-grok media', () => {
  let sim: FakeGrok;
  before(async () => {
    sim = await startFakeGrok({ tokens: { good: {} } });
  });
  after(async () => {
    await sim.close();
  });

  void describe('upload-file', () => {
    void it('stores the bytes and serves them from the assets origin with the sso cookie', async () => {
      const png = makePng(4, 4);
      const r = await postAs(sim.baseUrl, UPLOAD, { fileName: 'a.png', fileMimeType: 'image/png', content: png.toString('base64') }, 'good');
      assert.equal(r.status, 200);
      const j = JSON.parse(r.text) as { fileMetadataId: string; fileUri: string };
      assert.match(j.fileMetadataId, /^[0-9a-f-]{36}$/);
      assert.match(j.fileUri, new RegExp(`^users/[0-9a-f-]{36}/${j.fileMetadataId}/content$`));
      const a = await getAsset(sim, j.fileUri);
      assert.equal(a.status, 200);
      assert.equal(a.headers['content-type'], 'image/png');
      assert.deepEqual(a.body, png);
      assert.equal((await getAsset(sim, j.fileUri, {})).status, 401);
      assert.equal((await getAsset(sim, j.fileUri, { cookie: 'sso=stranger' })).status, 401);
    });

    void it('rejects a body without content', async () => {
      assert.equal((await postAs(sim.baseUrl, UPLOAD, { fileName: 'a' }, 'good')).status, 400);
    });

    void it('fails the first N uploads as scripted (502, then socket reset)', async () => {
      const body = { fileName: 'a.txt', fileMimeType: 'text/plain', content: Buffer.from('hi').toString('base64') };
      sim.setToken('flaky', { uploadFailures: 2 });
      assert.equal((await postAs(sim.baseUrl, UPLOAD, body, 'flaky')).status, 502);
      assert.equal((await postAs(sim.baseUrl, UPLOAD, body, 'flaky')).status, 502);
      assert.equal((await postAs(sim.baseUrl, UPLOAD, body, 'flaky')).status, 200);
      sim.setToken('reset', { uploadFailures: 1, uploadFailMode: 'reset' });
      await assert.rejects(postAs(sim.baseUrl, UPLOAD, body, 'reset'));
      assert.equal((await postAs(sim.baseUrl, UPLOAD, body, 'reset')).status, 200);
    });
  });

  void describe('media post create', () => {
    void it('accepts camelCase and snake_case keys and echoes the prompt', async () => {
      const a = JSON.parse((await postAs(sim.baseUrl, POST_CREATE, { mediaType: 'MEDIA_POST_TYPE_VIDEO', prompt: 'a fox' }, 'good')).text);
      assert.match(a.post.id, /^[0-9a-f-]{36}$/);
      assert.equal(a.post.originalPrompt, 'a fox');
      const d = await postAs(sim.baseUrl, POST_CREATE, { media_type: 'MEDIA_POST_TYPE_IMAGE', media_url: 'https://assets.grok.com/x' }, 'good');
      assert.equal(d.status, 200);
      assert.equal(JSON.parse(d.text).post.mediaUrl, 'https://assets.grok.com/x');
      assert.equal((await postAs(sim.baseUrl, POST_CREATE, { prompt: 'x' }, 'good')).status, 400);
    });
  });

  void describe('video', () => {
    const aBody = {
      temporary: true, modelName: 'imagine-video-gen', message: 'a fox running --mode=custom',
      responseMetadata: { experiments: [], modelConfigOverride: { modelMap: { videoGenModelConfig: {
        parentPostId: 'p1', aspectRatio: '9:16', videoLength: 6, resolutionName: '720p' } } } },
    };

    void it('streams progress 1..100 and serves the mp4 and thumbnail from the assets origin (with ranges)', async () => {
      const r = await postAs(sim.baseUrl, CHAT_PATH, aBody, 'good');
      assert.equal(r.status, 200);
      const vids = responses(r.text).flatMap((x) => x.streamingVideoGenerationResponse ? [x.streamingVideoGenerationResponse as Record<string, unknown>] : []);
      assert.deepEqual(vids.map((v) => v.progress), [1, 10, 25, 50, 75, 90, 100]);
      assert.ok(vids.every((v) => typeof v.videoPostId === 'string' && v.videoPostId === vids[0]?.videoPostId));
      const last = vids[vids.length - 1] as { videoUrl: string; thumbnailImageUrl: string; aspectRatio: string };
      assert.match(last.videoUrl, /^users\/.+\.mp4$/);
      assert.equal(last.aspectRatio, '9:16');
      assert.ok(vids.slice(0, -1).every((v) => v.videoUrl === undefined));

      const mp4 = await getAsset(sim, last.videoUrl);
      assert.equal(mp4.status, 200);
      assert.equal(mp4.headers['content-type'], 'video/mp4');
      assert.equal(mp4.headers['accept-ranges'], 'bytes');
      assert.equal(mp4.body.subarray(4, 8).toString(), 'ftyp');
      const part = await getAsset(sim, last.videoUrl, { cookie: 'sso=good', range: 'bytes=0-99' });
      assert.equal(part.status, 206);
      assert.equal(part.headers['content-range'], `bytes 0-99/${mp4.body.length}`);
      assert.deepEqual(part.body, mp4.body.subarray(0, 100));
      const tail = await getAsset(sim, last.videoUrl, { cookie: 'sso=good', range: 'bytes=-10' });
      assert.deepEqual(tail.body, mp4.body.subarray(mp4.body.length - 10));
      assert.equal((await getAsset(sim, last.videoUrl, { cookie: 'sso=good', range: `bytes=${mp4.body.length}-` })).status, 416);
      const head = await getAsset(sim, last.videoUrl, { cookie: 'sso=good' }, 'HEAD');
      assert.equal(head.headers['content-length'], String(mp4.body.length));

      const thumb = await getAsset(sim, last.thumbnailImageUrl);
      assert.equal(thumb.headers['content-type'], 'image/jpeg');
      assert.equal(thumb.body.readUInt16BE(0), 0xffd8);
    });

    void it('is also triggered by toolOverrides.videoGen (D) and videoGenModelConfig (F)', async () => {
      const d = await postAs(sim.baseUrl, CHAT_PATH, { modelName: 'grok-3', message: 'x --mode=custom', toolOverrides: { videoGen: true } }, 'good');
      assert.ok(responses(d.text).some((x) => x.streamingVideoGenerationResponse));
      const f = await postAs(sim.baseUrl, CHAT_PATH, {
        modelName: 'grok-3', modelMode: null, message: 'x',
        responseMetadata: { modelConfigOverride: { modelMap: { videoGenModelConfig: { videoLength: 6 } } } },
      }, 'good');
      assert.ok(responses(f.text).some((x) => x.streamingVideoGenerationResponse));
    });

    void it('moderated marks the final frame moderated and gives no URL', async () => {
      const r = await postAs(sim.baseUrl, CHAT_PATH, { ...aBody, message: 'x [sim:moderated]' }, 'good');
      const vids = responses(r.text).flatMap((x) => x.streamingVideoGenerationResponse ? [x.streamingVideoGenerationResponse as Record<string, unknown>] : []);
      const last = vids[vids.length - 1];
      assert.equal(last?.moderated, true);
      assert.equal(last?.videoUrl, undefined);
    });
  });

  void describe('image edit', () => {
    void it('streams two slots to 100 and lists them in modelResponse', async () => {
      const r = await postAs(sim.baseUrl, CHAT_PATH, {
        temporary: true, modelName: 'imagine-image-edit', message: 'make it blue', imageGenerationCount: 2,
        responseMetadata: { modelConfigOverride: { modelMap: { imageEditModel: 'imagine',
          imageEditModelConfig: { imageReferences: ['https://assets.grok.com/x'], parentPostId: 'p' } } } },
      }, 'good');
      const rs = responses(r.text);
      const finals = rs.flatMap((x) => {
        const s = x.streamingImageGenerationResponse as Record<string, unknown> | undefined;
        return s && s.progress === 100 ? [s] : [];
      });
      assert.deepEqual(finals.map((s) => s.imageIndex), [0, 1]);
      const model = rs.find((x) => x.modelResponse)?.modelResponse as { generatedImageUrls: string[]; fileAttachments: string[] };
      assert.deepEqual(model.generatedImageUrls, finals.map((s) => s.imageUrl));
      assert.deepEqual(model.fileAttachments, finals.map((s) => s.assetId));
      for (const s of finals) {
        const img = await getAsset(sim, s.imageUrl as string);
        assert.equal(img.status, 200);
        assert.equal(img.body.readUInt16BE(0), 0xffd8);
        assert.equal(img.body.readUInt16BE(img.body.length - 2), 0xffd9);
        const uid = (s.imageUrl as string).split('/')[1] ?? '';
        assert.equal((await getAsset(sim, `users/${uid}/${String(s.assetId)}/content`)).status, 200);
      }
    });
  });

  void describe('chat image mode', () => {
    void it('"Drawing:" emits progress frames, image_chunk cards and generatedImageUrls', async () => {
      const msg = 'Drawing: a cat in a hat';
      const r = await chat(sim.baseUrl, 'good', msg);
      const rs = responses(r.text);
      const progress = rs.filter((x) => x.streamingImageGenerationResponse);
      assert.equal(progress.length, 6);
      const cards = rs.flatMap((x) => x.cardAttachment
        ? [JSON.parse((x.cardAttachment as { jsonData: string }).jsonData) as { id: string; image_chunk: Record<string, unknown> }] : []);
      const finalCards = cards.filter((c) => c.image_chunk.progress === 100);
      assert.equal(finalCards.length, 2);
      const model = rs.find((x) => x.modelResponse)?.modelResponse as { generatedImageUrls: string[] };
      assert.deepEqual(model.generatedImageUrls, finalCards.map((c) => c.image_chunk.imageUrl));
      assert.equal(answerText(r.text), expectedAnswer(msg).answer);
      for (const url of model.generatedImageUrls) assert.equal((await getAsset(sim, url)).status, 200);
      const three = await chat(sim.baseUrl, 'good', 'Image Generation: dogs', { imageGenerationCount: 3 });
      const m3 = responses(three.text).find((x) => x.modelResponse)?.modelResponse as { generatedImageUrls: string[] };
      assert.equal(m3.generatedImageUrls.length, 3);
    });
  });

  void describe('assets origin', () => {
    void it('404 for unknown paths, 401 without cookie, per-token status applies', async () => {
      assert.equal((await getAsset(sim, 'users/x/nope/content')).status, 404);
      assert.equal((await getAsset(sim, 'users/x/nope/content', {})).status, 401);
      sim.setToken('blocked', { status: 403, variant: 'blocked' });
      assert.equal((await getAsset(sim, 'users/x/nope/content', { cookie: 'sso=blocked' })).status, 403);
      assert.ok(sim.requests.some((q) => q.origin === 'assets' && q.path === '/users/x/nope/content'));
    });

    void it('asset requests do not need x-statsig-id but REST does', async () => {
      const r = await post(sim.baseUrl, UPLOAD, { content: 'aGk=' }, { cookie: 'sso=good', 'content-type': 'application/json' });
      assert.equal(r.status, 403);
      assert.equal((await postAs(sim.baseUrl, UPLOAD, { content: 'aGk=' }, 'good')).status, 200);
      assert.ok(simHeaders('good').cookie.includes('sso-rw=good'));
    });
  });
});
