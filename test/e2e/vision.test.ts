// Vision input in chat: image_url parts (data: and http(s) URLs) and file parts are uploaded with
// uploads v2 (multipart, no file_source, no statsig) and attached by their ids; remote URLs only
// from public addresses unless media.allow_private_urls (the simulator's assets host is on 127.0.0.1).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { APIError } from 'openai';
import { makePng } from '../fake-grok/index.js';
import type { Harness } from './harness.js';
import { chatTurns } from './harness.js';
import { assertNoStatsigWhereNotSent, isJpeg, startMediaHarness, uploadsV2 } from './media-helpers.js';

function uploads(h: Harness): Array<{ fileName: string | undefined; fileMimeType: string | undefined; bytes: Buffer; fileSource: string | undefined; referer: unknown }> {
  return uploadsV2(h).map((u) => ({ fileName: u.filename, fileMimeType: u.contentType, bytes: u.bytes, fileSource: u.fileSource, referer: u.headers.referer }));
}

void describe('vision input in chat completions', () => {
  let open: Harness;
  let strict: Harness;
  let publicImageUrl = '';
  before(async () => {
    // format "upstream" hands out the simulator's own (public imagine) image URLs: a remote image to fetch.
    open = await startMediaHarness({ config: { media: { allow_private_urls: true, format: 'upstream' } } });
    strict = await startMediaHarness({ config: { media: { allow_private_urls: false } } }, open.sim);
    const gen = await open.openai.images.generate({ model: 'grok-imagine-image', prompt: 'a source image' });
    publicImageUrl = gen.data?.[0]?.url ?? '';
    assert.ok(publicImageUrl.startsWith(open.sim.assetsUrl), publicImageUrl);
  });
  after(async () => {
    await strict.close();
    await open.close();
  });

  void it('an http(s) image_url is fetched, uploaded and attached (non-streaming)', async () => {
    open.sim.clearRequests();
    const res = await open.openai.chat.completions.create({
      model: 'grok-chat-fast',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is in this picture?' }, { type: 'image_url', image_url: { url: publicImageUrl } }] }],
    });
    assert.ok(res.choices[0]?.message.content);
    const up = uploads(open);
    assert.equal(up.length, 1);
    assert.ok(isJpeg(up[0]?.bytes ?? Buffer.alloc(0)));
    assert.equal(up[0]?.fileMimeType, 'image/jpeg');
    assert.equal(up[0]?.fileSource, undefined, 'a chat attachment has no file_source');
    assert.equal(up[0]?.referer, `${open.sim.baseUrl}/`);
    const sent = chatTurns(open)[0];
    assert.equal(sent?.fileIds.length, 1);
    assert.equal(sent?.prompt, sent?.transport === 'mgw' ? '[user]\nWhat is in this picture?' : 'What is in this picture?');
    assertNoStatsigWhereNotSent(open);
  });

  void it('data: URLs and file parts are uploaded too (streaming), in message order', async () => {
    open.sim.clearRequests();
    const png = makePng(3, 3);
    const stream = await open.openai.chat.completions.create({
      model: 'grok-chat-fast',
      stream: true,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } },
            { type: 'file', file: { filename: 'notes.txt', file_data: `data:text/plain;base64,${Buffer.from('hello notes').toString('base64')}` } },
          ],
        },
      ],
    });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
    assert.ok(text.length > 0);
    const up = uploads(open);
    assert.deepEqual(up.map((u) => u.fileName), ['image.png', 'notes.txt']);
    assert.deepEqual(up[0]?.bytes, png);
    assert.equal(up[1]?.bytes.toString(), 'hello notes');
    assert.equal(chatTurns(open)[0]?.fileIds.length, 2);
  });

  void it('a URL on a private address is refused with a 400 naming the field; nothing goes upstream', async () => {
    strict.sim.clearRequests();
    for (const url of [publicImageUrl, 'http://localhost:9/a.png', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/x.png', 'http://10.0.0.1/x.png']) {
      await assert.rejects(
        strict.openai.chat.completions.create({
          model: 'grok-chat-fast',
          messages: [{ role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url } }] }],
        }),
        (e: unknown) =>
          e instanceof APIError &&
          e.status === 400 &&
          e.code === 'invalid_image_url' &&
          e.param === 'messages[0].content[1].image_url' &&
          /private|loopback|link-local|metadata/.test(e.message),
        url,
      );
    }
    assert.equal(strict.sim.requests.filter((r) => r.origin === 'app').length, 0);
  });

  void it('a URL that does not serve an image, or a bad scheme, is a clear 400', async () => {
    await assert.rejects(
      open.openai.chat.completions.create({
        model: 'grok-chat-fast',
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `${open.sim.assetsUrl}/no/such/file.png` } }] }],
      }),
      (e: unknown) => e instanceof APIError && e.status === 400 && /HTTP 4\d\d/.test(e.message) && e.param === 'messages[0].content[0].image_url',
    );
    await assert.rejects(
      open.openai.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'file:///etc/passwd' } }] }] }),
      (e: unknown) => e instanceof APIError && e.status === 400 && /scheme/.test(e.message),
    );
  });
});
