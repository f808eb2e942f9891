// Image models through /v1/chat/completions: markdown images (exactly n), progress as
// reasoning_content, both upstream paths, and multi-turn edits of the image generated before.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { APIError } from 'openai';
import { chatTurns, type Harness } from './harness.js';
import { assertServesImage, chatBodies, markdownImages, startMediaHarness, uploadsV2, wsRequests } from './media-helpers.js';

type Delta = { content?: string | null; reasoning_content?: string };

for (const useWs of [true, false]) {
  void describe(`chat completions with image models (image.use_ws = ${useWs})`, () => {
    let h: Harness;
    before(async () => {
      h = await startMediaHarness({ config: { image: { use_ws: useWs, round_timeout: 10, idle_timeout: 5 } } });
    });
    after(async () => {
      await h.close();
    });

    void it('non-streaming: exactly n markdown images that open, progress in reasoning_content', async () => {
      h.sim.clearRequests();
      const res = await h.openai.chat.completions.create({
        model: 'grok-imagine-image',
        n: 3,
        messages: [{ role: 'user', content: 'a castle on a hill' }],
      });
      const content = res.choices[0]?.message.content ?? '';
      const urls = markdownImages(content);
      assert.equal(urls.length, 3, content);
      assert.equal(content.replace(/!\[image\]\([^)]+\)/g, '').trim(), '', 'nothing but the images');
      for (const u of urls) await assertServesImage(u);
      const reasoning = (res.choices[0]?.message as { reasoning_content?: string }).reasoning_content ?? '';
      assert.match(reasoning, /Image 1: \d+%/);
      if (useWs) assert.equal(wsRequests(h)[0]?.text, 'a castle on a hill');
      else assert.equal(chatTurns(h)[0]?.prompt, 'Drawing: a castle on a hill');
    });

    void it('image_config.size picks the aspect ratio; n > 1 stays an error for chat models', async () => {
      h.sim.clearRequests();
      await h.openai.chat.completions.create({
        model: 'grok-imagine-image',
        messages: [{ role: 'user', content: 'a wide valley' }],
        // @ts-expect-error gateway extension
        image_config: { size: '1280x720' },
      });
      if (useWs) assert.equal(wsRequests(h)[0]?.props.aspect_ratio, '16:9');
      await assert.rejects(
        h.openai.chat.completions.create({ model: 'grok-chat-fast', n: 2, messages: [{ role: 'user', content: 'hi' }] }),
        (e: unknown) => e instanceof APIError && e.status === 400 && e.param === 'n',
      );
    });

    void it('streaming: progress as reasoning_content deltas, then the images, finish_reason stop', async () => {
      const stream = await h.openai.chat.completions.create({
        model: 'grok-imagine-image',
        stream: true,
        messages: [{ role: 'user', content: 'a windmill' }],
      });
      let content = '';
      let reasoning = '';
      let finish: string | null | undefined;
      for await (const chunk of stream) {
        const d = chunk.choices[0]?.delta as Delta | undefined;
        content += d?.content ?? '';
        reasoning += d?.reasoning_content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      assert.equal(markdownImages(content).length, 1, content);
      assert.match(reasoning, /Image 1: 100%/);
      assert.equal(finish, 'stop');
    });

    void it('multi-turn: the earlier turns and the previous image (re-uploaded from our cache) are the context', async () => {
      const first = await h.openai.chat.completions.create({ model: 'grok-imagine-image', messages: [{ role: 'user', content: 'a red car' }] });
      const previous = first.choices[0]?.message.content ?? '';
      const prevUrl = markdownImages(previous)[0] ?? '';
      const prevBytes = await assertServesImage(prevUrl);
      h.sim.clearRequests();
      const res = await h.openai.chat.completions.create({
        model: 'grok-imagine-image',
        messages: [
          { role: 'user', content: 'a red car' },
          { role: 'assistant', content: previous },
          { role: 'user', content: 'now make it blue' },
        ],
      });
      const content = res.choices[0]?.message.content ?? '';
      const urls = markdownImages(content);
      assert.equal(urls.length, 1, content);
      assert.equal(content.replace(/!\[image\]\([^)]+\)/g, '').trim(), '', 'none of our instructions in the answer');
      await assertServesImage(urls[0] ?? '');
      // The previous image went up again, byte for byte, from our cache (no fetch of our own URL).
      const uploads = uploadsV2(h);
      assert.equal(uploads.length, 1);
      assert.equal(createHash('sha256').update(uploads[0]?.bytes ?? Buffer.alloc(0)).digest('hex'), createHash('sha256').update(prevBytes).digest('hex'));
      assert.equal(uploads[0]?.fileSource, 'IMAGINE_SELF_UPLOAD_FILE_SOURCE');
      // Neither the imagine WebSocket nor a drawing chat edits an image: the edit flow does, with
      // the upload as its input asset (in both use_ws modes).
      const body = chatBodies(h)[0] ?? {};
      assert.equal(body.modelName, 'imagine-image-edit');
      assert.match(String(body.message), /now make it blue/);
      assert.match(String(body.message), /a red car/);
      const input = (body.mediaGenInput as { imageToImage: { inputAssets: string[] } }).imageToImage;
      assert.equal(input.inputAssets.length, 1);
      assert.match(input.inputAssets[0] ?? '', /^[0-9a-f-]{36}$/);
    });

    void it('multi-turn with the lite model: the previous image is attached to the drawing chat', async () => {
      const first = await h.openai.chat.completions.create({ model: 'grok-imagine-image-lite', messages: [{ role: 'user', content: 'a green hat' }] });
      const previous = first.choices[0]?.message.content ?? '';
      h.sim.clearRequests();
      const res = await h.openai.chat.completions.create({
        model: 'grok-imagine-image-lite',
        messages: [
          { role: 'user', content: 'a green hat' },
          { role: 'assistant', content: previous },
          { role: 'user', content: 'add a feather' },
        ],
      });
      assert.equal(markdownImages(res.choices[0]?.message.content ?? '').length, 1);
      // Over the default transport (mgw): the drawing prompt as the text chunk, the image as a file mention.
      const sent = chatTurns(h)[0];
      assert.match(String(sent?.prompt), /^Drawing: add a feather/);
      assert.equal(sent?.fileIds.length, 1);
    });
  });
}
