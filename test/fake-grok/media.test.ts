// Uploads, media posts, video and image-edit streams, chat image mode and the assets origin.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { expectedAnswer, makePng, simHeaders, startFakeGrok } from './index.js';
import type { FakeGrok } from './index.js';
import { CHAT_PATH, answerText, chat, post, postAs, responses } from './test-client.js';

const UPLOAD = '/http/upload-file-v2/direct';
const QUOTA_INFO = '/rest/media/imagine/quota_info';

/** A multipart upload as the web app sends it (no statsig unless `statsig`). */
async function upload(
  sim: FakeGrok,
  token: string,
  o: { bytes?: Buffer; name?: string; mime?: string; fileSource?: string; statsig?: boolean; raw?: { body: Buffer; contentType: string } } = {},
): Promise<{ status: number; json: Record<string, unknown> | undefined; text: string }> {
  const boundary = 'simtestboundary42';
  const bytes = o.bytes ?? makePng(4, 4);
  const parts = [
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${o.name ?? 'a.png'}"\r\nContent-Type: ${o.mime ?? 'image/png'}\r\n\r\n`),
    bytes,
    Buffer.from('\r\n'),
  ];
  if (o.fileSource !== undefined) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file_source"\r\n\r\n${o.fileSource}\r\n`));
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  const headers: Record<string, string> = { cookie: `sso=${token}; sso-rw=${token}`, 'content-type': o.raw?.contentType ?? `multipart/form-data; boundary=${boundary}` };
  if (o.statsig === true) headers['x-statsig-id'] = simHeaders(token)['x-statsig-id'];
  const res = await request(sim.baseUrl + UPLOAD, { method: 'POST', headers, body: o.raw?.body ?? Buffer.concat(parts) });
  const text = await res.body.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, json, text };
}

function videoBody(prompt: string, over: Record<string, unknown> = {}, input: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    modelName: 'imagine-video-gen', message: `${prompt} --mode=custom`, enableImageStreaming: true, enableSideBySide: true, sendFinalMetadata: true,
    responseMetadata: { experiments: [], modelConfigOverride: { modelMap: {} } },
    mediaGenInput: { textToVideo: { prompt, aspectRatio: '9:16', duration: 6, resolutionName: '720p', ...input } },
    kind: 'CONVERSATION_KIND_IMAGINE',
    ...over,
  };
}

function editBody(prompt: string, inputAssets: string[], input: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    modelName: 'imagine-image-edit', message: prompt, enableImageStreaming: true, enableSideBySide: true, sendFinalMetadata: true,
    mediaGenInput: { imageToImage: { prompt, inputAssets, ...input } },
  };
}

const IMAGINE = { referer: 'http://grok.test/imagine' };

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

  void describe('upload v2', () => {
    void it('stores the bytes, answers uploadId + fileMetadata, serves the file from the assets origin', async () => {
      const png = makePng(4, 4);
      const r = await upload(sim, 'good', { bytes: png });
      assert.equal(r.status, 200, r.text);
      const meta = r.json?.fileMetadata as { fileMetadataId: string; fileUri: string };
      assert.match(String(r.json?.uploadId), /^upl_/);
      assert.equal(r.json?.terminalError, null);
      assert.match(meta.fileMetadataId, /^[0-9a-f-]{36}$/);
      assert.match(meta.fileUri, new RegExp(`^users/[0-9a-f-]{36}/${meta.fileMetadataId}/content$`));
      const a = await getAsset(sim, meta.fileUri);
      assert.equal(a.status, 200);
      assert.equal(a.headers['content-type'], 'image/png');
      assert.deepEqual(a.body, png);
      assert.equal((await getAsset(sim, meta.fileUri, {})).status, 401);
    });

    void it('answers 400 naming what is wrong with the form', async () => {
      const json = await upload(sim, 'good', { raw: { body: Buffer.from('{"content":"aGk="}'), contentType: 'application/json' } });
      assert.equal(json.status, 400);
      assert.match(json.text, /multipart\/form-data/);
      const badSource = await upload(sim, 'good', { fileSource: 'SELF_UPLOAD' });
      assert.equal(badSource.status, 400);
      assert.match(badSource.text, /file_source: expected IMAGINE_SELF_UPLOAD_FILE_SOURCE/);
      assert.equal((await upload(sim, 'good', { bytes: Buffer.alloc(0) })).status, 400);
    });

    void it('fails the first N uploads as scripted (502, socket reset, terminalError), then succeeds', async () => {
      sim.setToken('flaky', { uploadFailures: 2 });
      assert.equal((await upload(sim, 'flaky')).status, 502);
      assert.equal((await upload(sim, 'flaky')).status, 502);
      assert.equal((await upload(sim, 'flaky')).status, 200);
      sim.setToken('reset', { uploadFailures: 1, uploadFailMode: 'reset' });
      await assert.rejects(upload(sim, 'reset'));
      assert.equal((await upload(sim, 'reset')).status, 200);
      sim.setToken('scanned', { uploadTerminalErrors: 1 });
      const rejected = await upload(sim, 'scanned');
      assert.equal(rejected.status, 200);
      assert.ok(rejected.json?.terminalError);
      assert.equal(rejected.json?.fileMetadata, null);
      assert.ok((await upload(sim, 'scanned')).json?.fileMetadata);
    });

    void it('answers uploadId only when scripted (an upload completing later)', async () => {
      sim.setToken('async', { uploadIdOnly: true });
      const r = await upload(sim, 'async');
      assert.equal(r.status, 200);
      assert.equal(r.json?.fileMetadata, undefined);
      assert.match(String(r.json?.uploadId), /^upl_/);
    });

    void it('needs no x-statsig-id, and records one sent anyway as a violation', async () => {
      const before = sim.statsigViolations().length;
      assert.equal((await upload(sim, 'good')).status, 200);
      assert.equal(sim.statsigViolations().length, before);
      assert.equal((await upload(sim, 'good', { statsig: true })).status, 200);
      assert.deepEqual(sim.statsigViolations().slice(before), [{ method: 'POST', path: UPLOAD }]);
    });
  });

  void describe('quota_info', () => {
    void it('answers the five buckets (image null by default) and takes a scripted answer with missing counts', async () => {
      const r = JSON.parse((await postAs(sim.baseUrl, QUOTA_INFO, {}, 'good')).text) as Record<string, unknown>;
      assert.deepEqual(Object.keys(r).sort(), ['image', 'imageEdit', 'imagePro', 'video', 'video720p']);
      assert.equal(r.image, null);
      assert.equal((r.imagePro as { available: boolean }).available, true);
      sim.setToken('live', { mediaQuota: { video720p: { available: true, windowSizeSeconds: 64_800 }, video: null } });
      const live = JSON.parse((await postAs(sim.baseUrl, QUOTA_INFO, {}, 'live')).text) as Record<string, unknown>;
      assert.deepEqual(live.video720p, { available: true, windowSizeSeconds: 64_800 });
      assert.equal(live.video, null);
      assert.equal((await post(sim.baseUrl, QUOTA_INFO, {}, { cookie: 'sso=good' })).status, 403, 'statsig required');
    });
  });

  void describe('video (mediaGenInput.textToVideo)', () => {
    void it('streams progress 1..100 and serves the mp4 and thumbnail from the assets origin (with ranges)', async () => {
      const r = await post(sim.baseUrl, CHAT_PATH, videoBody('a fox running'), { ...simHeaders('good'), ...IMAGINE });
      assert.equal(r.status, 200, r.text);
      const vids = responses(r.text).flatMap((x) => x.streamingVideoGenerationResponse ? [x.streamingVideoGenerationResponse as Record<string, unknown>] : []);
      assert.deepEqual(vids.map((v) => v.progress), [1, 10, 25, 50, 75, 90, 100]);
      assert.ok(vids.every((v) => typeof v.videoPostId === 'string' && v.videoPostId === vids[0]?.videoPostId));
      const last = vids[vids.length - 1] as { videoUrl: string; thumbnailImageUrl: string; aspectRatio: string; videoLength: number };
      assert.match(last.videoUrl, /^users\/.+\.mp4$/);
      assert.equal(last.aspectRatio, '9:16');
      assert.equal(last.videoLength, 6);
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

    void it('answers 400 naming the field that drifted', async () => {
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [videoBody('x', {}, { duration: 16 }), /textToVideo\.duration/],
        [videoBody('x', {}, { resolutionName: '1080p' }), /resolutionName/],
        [videoBody('x', {}, { aspectRatio: '5:4' }), /aspectRatio/],
        [videoBody('x', { kind: 'CONVERSATION_KIND_DEFAULT' }), /^kind/],
        [videoBody('x', { temporary: true }), /exactly the top-level keys/],
        [videoBody('x', { message: 'x' }), /--mode=/],
        [{ ...videoBody('x'), responseMetadata: { experiments: [], modelConfigOverride: { modelMap: { videoGenModelConfig: { parentPostId: 'p' } } } } }, /media-post flow is retired/],
      ];
      for (const [body, re] of cases) {
        const r = await post(sim.baseUrl, CHAT_PATH, body, { ...simHeaders('good'), ...IMAGINE });
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.match((JSON.parse(r.text) as { error: { message: string } }).error.message, re);
      }
      const noReferer = await postAs(sim.baseUrl, CHAT_PATH, videoBody('x'), 'good');
      assert.match(noReferer.text, /referer: expected BASE\/imagine/);
    });

    void it('moderated marks the final frame moderated and gives no URL', async () => {
      const r = await post(sim.baseUrl, CHAT_PATH, videoBody('x [sim:moderated]'), { ...simHeaders('good'), ...IMAGINE });
      const vids = responses(r.text).flatMap((x) => x.streamingVideoGenerationResponse ? [x.streamingVideoGenerationResponse as Record<string, unknown>] : []);
      const last = vids[vids.length - 1];
      assert.equal(last?.moderated, true);
      assert.equal(last?.videoUrl, undefined);
    });
  });

  void describe('image edit (mediaGenInput.imageToImage)', () => {
    void it('streams one image to 100 (a -part- preview first) and lists it in modelResponse', async () => {
      const up = await upload(sim, 'good', { fileSource: 'IMAGINE_SELF_UPLOAD_FILE_SOURCE' });
      const id = (up.json?.fileMetadata as { fileMetadataId: string }).fileMetadataId;
      const r = await post(sim.baseUrl, CHAT_PATH, editBody('make it blue', [id], { aspectRatio: '1:1' }), { ...simHeaders('good'), ...IMAGINE });
      assert.equal(r.status, 200, r.text);
      const rs = responses(r.text);
      const frames = rs.flatMap((x) => (x.streamingImageGenerationResponse ? [x.streamingImageGenerationResponse as Record<string, unknown>] : []));
      assert.deepEqual(frames.map((f) => f.progress), [5, 50, 100]);
      assert.match(String(frames[1]?.imageUrl), /-part-0\//);
      const final = frames[2] as { imageUrl: string; assetId: string };
      const model = rs.find((x) => x.modelResponse)?.modelResponse as { generatedImageUrls: string[] };
      assert.deepEqual(model.generatedImageUrls, [final.imageUrl]);
      const img = await getAsset(sim, final.imageUrl);
      assert.equal(img.status, 200);
      assert.equal(img.body.readUInt16BE(0), 0xffd8);
    });

    void it('answers 400 for inputs that are not this account\'s imagine uploads, or a body that drifted', async () => {
      const chatUpload = await upload(sim, 'good');
      const chatId = (chatUpload.json?.fileMetadata as { fileMetadataId: string }).fileMetadataId;
      const imagine = await upload(sim, 'good', { fileSource: 'IMAGINE_SELF_UPLOAD_FILE_SOURCE' });
      const id = (imagine.json?.fileMetadata as { fileMetadataId: string }).fileMetadataId;
      sim.setToken('other', {});
      const cases: Array<[string, Record<string, unknown>, RegExp]> = [
        ['good', editBody('x', [chatId]), /file_source/],
        ['good', editBody('x', ['nope']), /not a fileMetadataId this account uploaded/],
        ['other', editBody('x', [id]), /not a fileMetadataId this account uploaded/],
        ['good', editBody('x', []), /1 to 8/],
        ['good', editBody('x', [id], { aspectRatio: '7:5' }), /aspectRatio/],
        ['good', { ...editBody('x', [id]), temporary: true }, /exactly the top-level keys/],
        ['good', editBody('x', [id], { imageReferences: ['u'] }), /unexpected/],
      ];
      for (const [token, body, re] of cases) {
        const r = await post(sim.baseUrl, CHAT_PATH, body, { ...simHeaders(token), ...IMAGINE });
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.match((JSON.parse(r.text) as { error: { message: string } }).error.message, re);
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

    void it('asset requests do not need x-statsig-id but the quota REST calls do', async () => {
      const r = await post(sim.baseUrl, '/rest/rate-limits', { modelName: 'fast' }, { cookie: 'sso=good', 'content-type': 'application/json' });
      assert.equal(r.status, 403);
      assert.equal((await postAs(sim.baseUrl, '/rest/rate-limits', { modelName: 'fast' }, 'good')).status, 200);
      assert.ok(simHeaders('good').cookie.includes('sso-rw=good'));
    });
  });
});
