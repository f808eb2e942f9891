// data: URL images over real HTTP: invalid base64, or bytes that are not an image, are a 400
// invalid_image naming the field, on chat (vision) and image edits; nothing reaches Grok.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { APIError } from 'openai';
import type { Harness } from './harness.js';
import { API_KEY, startMediaHarness } from './media-helpers.js';

const BAD_BASE64 = 'data:image/png;base64,definitely*not*base64!';
const NOT_AN_IMAGE = `data:image/png;base64,${Buffer.from('{"error":"this is JSON"}').toString('base64')}`;

void describe('data: URL images are checked before anything is uploaded', () => {
  let h: Harness;
  before(async () => {
    h = await startMediaHarness();
  });
  after(() => h.close());

  const upstreamCalls = (): number => h.sim.requests.filter((r) => r.origin === 'app').length;

  for (const [name, url] of [['invalid base64', BAD_BASE64], ['valid base64 of a non-image', NOT_AN_IMAGE]] as const) {
    void it(`chat image_url with ${name} → 400 invalid_image naming the part`, async () => {
      h.sim.clearRequests();
      await assert.rejects(
        h.openai.chat.completions.create({
          model: 'grok-chat-fast',
          messages: [{ role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url } }] }],
        }),
        (e: unknown) => e instanceof APIError && e.status === 400 && e.code === 'invalid_image' && e.param === 'messages[0].content[1].image_url' && e.type === 'invalid_request_error',
      );
      assert.equal(upstreamCalls(), 0);
    });

    void it(`image edit (JSON) with ${name} → 400 invalid_image naming image`, async () => {
      h.sim.clearRequests();
      const res = await fetch(`${h.baseURL}/images/edits`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
        body: JSON.stringify({ prompt: 'edit it', image: url }),
      });
      assert.equal(res.status, 400);
      const err = ((await res.json()) as { error: { code: string; param: string } }).error;
      assert.equal(err.code, 'invalid_image');
      assert.equal(err.param, 'image');
      assert.equal(upstreamCalls(), 0);
    });
  }
});
