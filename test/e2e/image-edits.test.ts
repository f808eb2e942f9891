// /v1/images/edits end to end with the OpenAI SDK (multipart): uploads (each on a fresh
// connection, retried after a reset or a 502), the media post, the edit call (protocol 6.2).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { APIError, toFile } from 'openai';
import { makeJpeg, makePng } from '../fake-grok/index.js';
import type { Harness } from './harness.js';
import { assertServesImage, chatBodies, startMediaHarness } from './media-helpers.js';

const TOKEN = 'sso-edit-token-0001';

void describe('images.edit (multipart) through the image-edit flow', () => {
  let h: Harness;
  before(async () => {
    h = await startMediaHarness({ tokens: [TOKEN] });
  });
  after(async () => {
    await h.close();
  });

  void it('uploads every image, creates the media post, runs the edit with @IMAGEn references', async () => {
    h.sim.clearRequests();
    const res = await h.openai.images.edit({
      model: 'grok-imagine-image-edit',
      image: [await toFile(makePng(8, 8), 'a.png', { type: 'image/png' }), await toFile(makeJpeg(), 'b.jpg', { type: 'image/jpeg' })],
      prompt: 'put @IMAGE1 next to @IMAGE2',
      n: 2,
    });
    assert.equal(res.data?.length, 2);
    for (const img of res.data ?? []) await assertServesImage(img.url ?? '');

    const uploads = h.sim.requests.filter((r) => r.path === '/rest/app-chat/upload-file');
    assert.equal(uploads.length, 2);
    const names = uploads.map((u) => (u.body as { fileName: string; fileMimeType: string }).fileMimeType).sort();
    assert.deepEqual(names, ['image/jpeg', 'image/png']);

    const post = h.sim.requests.find((r) => r.path === '/rest/media/post/create');
    const postBody = post?.body as { mediaType: string; prompt: string };
    assert.equal(postBody.mediaType, 'MEDIA_POST_TYPE_IMAGE');
    assert.doesNotMatch(postBody.prompt, /@IMAGE\d/);
    assert.match(postBody.prompt, /^put @[0-9a-f-]{36} next to @[0-9a-f-]{36}$/);
    assert.equal(post?.headers.referer, `${h.sim.baseUrl}/imagine`);

    const edit = h.sim.requests.find((r) => r.path === '/rest/app-chat/conversations/new');
    const body = edit?.body as Record<string, unknown>;
    assert.equal(body.modelName, 'imagine-image-edit');
    assert.equal(body.modeId, undefined);
    const cfg = (body.responseMetadata as { modelConfigOverride: { modelMap: { imageEditModel: string; imageEditModelConfig: { imageReferences: string[]; parentPostId: string } } } })
      .modelConfigOverride.modelMap;
    assert.equal(cfg.imageEditModel, 'imagine');
    assert.equal(cfg.imageEditModelConfig.imageReferences.length, 2);
    assert.match(String(edit?.headers.referer), new RegExp(`/imagine/post/${cfg.imageEditModelConfig.parentPostId}$`));
  });

  void it('b64_json and n = 3 (two edit calls)', async () => {
    h.sim.clearRequests();
    const res = await h.openai.images.edit({ image: await toFile(makePng(4, 4), 'x.png', { type: 'image/png' }), prompt: 'brighter', n: 3, response_format: 'b64_json' });
    assert.equal(res.data?.length, 3);
    for (const d of res.data ?? []) assert.equal(Buffer.from(d.b64_json ?? '', 'base64')[0], 0xff);
    assert.equal(chatBodies(h).length, 2);
  });

  for (const mode of ['reset', 502] as const) {
    void it(`an upload failing with ${mode} is retried on a fresh connection and succeeds`, async () => {
      h.sim.setToken(TOKEN, { uploadFailures: 2, uploadFailMode: mode });
      h.sim.clearRequests();
      const res = await h.openai.images.edit({ image: await toFile(makePng(4, 4), 'x.png', { type: 'image/png' }), prompt: 'retry me' });
      assert.equal(res.data?.length, 1);
      const uploads = h.sim.requests.filter((r) => r.path === '/rest/app-chat/upload-file');
      assert.equal(uploads.length, 3, 'two failures, then success');
      h.sim.setToken(TOKEN, {});
    });
  }

  void it('an edit with every image moderated → 400 content_policy_violation', async () => {
    await assert.rejects(
      h.openai.images.edit({ image: await toFile(makePng(4, 4), 'x.png', { type: 'image/png' }), prompt: 'no [sim:moderated=2]' }),
      (e: unknown) => e instanceof APIError && e.status === 400 && e.code === 'content_policy_violation',
    );
  });

  void it('rejects a missing image, a non-image file and a chat model', async () => {
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
