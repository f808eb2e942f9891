// /v1/images/edits end to end with the OpenAI SDK (multipart): uploads v2 (imagine file source,
// each on a fresh connection, retried after a reset or a 502), then one mediaGenInput.imageToImage
// call per image (docs/grok-protocol.md, "Image edit"); no media post.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { APIError, toFile } from 'openai';
import { makeJpeg, makePng } from '../fake-grok/index.js';
import type { Harness } from './harness.js';
import { assertNoStatsigWhereNotSent, assertServesImage, chatBodies, startMediaHarness, uploadsV2 } from './media-helpers.js';

const TOKEN = 'sso-edit-token-0001';

void describe('images.edit (multipart) through the image-edit flow', () => {
  let h: Harness;
  before(async () => {
    h = await startMediaHarness({ tokens: [TOKEN] });
  });
  after(async () => {
    await h.close();
  });

  void it('uploads every image as an imagine input, then one imageToImage call per image with their fileMetadataIds', async () => {
    h.sim.clearRequests();
    const res = await h.openai.images.edit({
      model: 'grok-imagine-image-edit',
      image: [await toFile(makePng(8, 8), 'a.png', { type: 'image/png' }), await toFile(makeJpeg(), 'b.jpg', { type: 'image/jpeg' })],
      prompt: 'put @IMAGE1 next to @IMAGE2',
      n: 2,
    });
    assert.equal(res.data?.length, 2);
    for (const img of res.data ?? []) await assertServesImage(img.url ?? '');

    const uploads = uploadsV2(h);
    assert.equal(uploads.length, 2);
    assert.deepEqual(uploads.map((u) => u.contentType), ['image/png', 'image/jpeg']);
    assert.deepEqual(uploads.map((u) => u.filename), ['a.png', 'b.jpg']);
    assert.ok(uploads.every((u) => u.fileSource === 'IMAGINE_SELF_UPLOAD_FILE_SOURCE'));
    assert.ok(uploads.every((u) => u.headers.referer === `${h.sim.baseUrl}/imagine`));
    assert.equal(h.sim.requests.filter((r) => r.path === '/rest/media/post/create').length, 0, 'no media post any more');

    const edits = h.sim.requests.filter((r) => r.path === '/rest/app-chat/conversations/new');
    assert.equal(edits.length, 2, 'n = 2 is two calls of one image each');
    const body = edits[0]?.body as { modelName: string; message: string; mediaGenInput: { imageToImage: { prompt: string; inputAssets: string[]; aspectRatio?: string } } };
    assert.equal(body.modelName, 'imagine-image-edit');
    assert.equal(body.message, 'put @IMAGE1 next to @IMAGE2', 'the prompt as written (no @IMAGEn rewriting)');
    assert.equal(body.mediaGenInput.imageToImage.inputAssets.length, 2);
    assert.ok(body.mediaGenInput.imageToImage.inputAssets.every((id) => /^[0-9a-f-]{36}$/.test(id)));
    assert.equal(body.mediaGenInput.imageToImage.aspectRatio, undefined, 'no size given: no aspectRatio');
    for (const e of edits) {
      assert.equal(e.headers.referer, `${h.sim.baseUrl}/imagine`);
      assert.ok(e.headers['x-statsig-id'], 'the edit POST carries x-statsig-id (local mode)');
    }
    assertNoStatsigWhereNotSent(h);
  });

  void it('a size becomes the aspectRatio of the edit', async () => {
    h.sim.clearRequests();
    await h.openai.images.edit({ image: await toFile(makePng(4, 4), 'x.png', { type: 'image/png' }), prompt: 'wider', size: '1536x1024' });
    const body = chatBodies(h)[0] as { mediaGenInput: { imageToImage: { aspectRatio?: string } } };
    assert.equal(body.mediaGenInput.imageToImage.aspectRatio, '3:2');
  });

  void it('an upload rejected with a terminalError is a clear error and the edit is never called', async () => {
    h.sim.setToken(TOKEN, { uploadTerminalErrors: 1 });
    h.sim.clearRequests();
    await assert.rejects(
      h.openai.images.edit({ image: await toFile(makePng(4, 4), 'x.png', { type: 'image/png' }), prompt: 'scan me' }),
      (e: unknown) => e instanceof APIError && e.status === 502 && /refused the upload of 'x\.png': terminalError: file rejected/.test(e.message),
    );
    assert.equal(uploadsV2(h).length, 1, 'a rejected upload is not retried');
    assert.equal(chatBodies(h).length, 0);
    h.sim.setToken(TOKEN, {});
  });

  void it('b64_json and n = 3 (three edit calls)', async () => {
    h.sim.clearRequests();
    const res = await h.openai.images.edit({ image: await toFile(makePng(4, 4), 'x.png', { type: 'image/png' }), prompt: 'brighter', n: 3, response_format: 'b64_json' });
    assert.equal(res.data?.length, 3);
    for (const d of res.data ?? []) assert.equal(Buffer.from(d.b64_json ?? '', 'base64')[0], 0xff);
    assert.equal(chatBodies(h).length, 3);
    assert.equal(uploadsV2(h).length, 1, 'the input is uploaded once');
  });

  for (const mode of ['reset', 502] as const) {
    void it(`an upload failing with ${mode} is retried on a fresh connection and succeeds`, async () => {
      h.sim.setToken(TOKEN, { uploadFailures: 2, uploadFailMode: mode });
      h.sim.clearRequests();
      const res = await h.openai.images.edit({ image: await toFile(makePng(4, 4), 'x.png', { type: 'image/png' }), prompt: 'retry me' });
      assert.equal(res.data?.length, 1);
      const uploads = uploadsV2(h);
      assert.equal(uploads.length, 3, 'two failures, then success');
      h.sim.setToken(TOKEN, {});
    });
  }

  void it('an edit with every image moderated → 400 content_policy_violation', async () => {
    await assert.rejects(
      h.openai.images.edit({ image: await toFile(makePng(4, 4), 'x.png', { type: 'image/png' }), prompt: 'no [sim:moderated=1]' }),
      (e: unknown) => e instanceof APIError && e.status === 400 && e.code === 'content_policy_violation',
    );
  });

  void it('rejects a missing image, more than 8 images, a non-image file and a chat model', async () => {
    await assert.rejects(
      h.openai.images.edit({ image: await Promise.all(Array.from({ length: 9 }, (_, i) => toFile(makePng(2, 2), `${i}.png`, { type: 'image/png' }))), prompt: 'x' }),
      (e: unknown) => e instanceof APIError && e.status === 400 && e.param === 'image' && /8/.test(e.message),
    );
    await assert.rejects(
      h.openai.images.edit({ image: [], prompt: 'x' } as never),
      (e: unknown) => e instanceof APIError && e.status === 400 && e.param === 'image',
    );
    await assert.rejects(
      h.openai.images.edit({ image: await toFile(Buffer.from('<html>no</html>'), 'x.png', { type: 'image/png' }), prompt: 'x' }),
      (e: unknown) => e instanceof APIError && e.status === 400 && e.param === 'image',
    );
    await assert.rejects(
      h.openai.images.edit({ model: 'grok-chat-fast', image: await toFile(makePng(2, 2), 'x.png'), prompt: 'x' }),
      (e: unknown) => e instanceof APIError && e.status === 400 && e.param === 'model',
    );
  });

  void it('JSON body with image URLs (data: URL) works too', async () => {
    const res = await fetch(`${h.baseURL}/images/edits`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test-harness-key-000000' },
      body: JSON.stringify({ prompt: 'json edit', images: [{ image_url: `data:image/png;base64,${makePng(3, 3).toString('base64')}` }] }),
    });
    assert.equal(res.status, 200);
    const json = (await res.json()) as { data: Array<{ url: string }> };
    await assertServesImage(json.data[0]?.url ?? '');
  });
});
