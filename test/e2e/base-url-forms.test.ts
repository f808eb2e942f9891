// Clients configured with the gateway's base URL in its other common forms: without /v1 (the text
// API is also served unprefixed, behind the same API key) and with a trailing slash.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startHarness, type Harness } from './harness.js';

const KEY = 'sk-test-base-url-key-00000';

void describe('base URL forms (openai SDK → gateway → simulator)', () => {
  let h: Harness;
  let root: string;
  before(async () => {
    h = await startHarness({ apiKey: KEY });
    root = h.baseURL.replace(/\/v1$/, '');
  });
  after(async () => {
    await h.close();
  });

  void it('without /v1: models, chat completions and responses work, and are in the call log', async () => {
    const c = new OpenAI({ baseURL: root, apiKey: KEY, maxRetries: 0 });
    const models = await c.models.list();
    assert.ok(models.data.some((m) => m.id === 'grok-chat-fast'));
    const chat = await c.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'hi' }] });
    assert.ok((chat.choices[0]?.message.content ?? '').length > 0);
    const r = await c.responses.create({ model: 'grok-chat-fast', input: 'hi' });
    assert.equal((await c.responses.retrieve(r.id)).id, r.id);
    let logged = false;
    for (let i = 0; i < 50 && !logged; i++) {
      logged = h.gw.callLog.query({}, 1, 50).items.some((e) => e.endpoint === '/chat/completions' && e.status === 200);
      if (!logged) await new Promise((res) => setTimeout(res, 20));
    }
    assert.ok(logged, 'the unprefixed call is in the call log');
  });

  void it('without /v1 and without the key: 401, as under /v1', async () => {
    const c = new OpenAI({ baseURL: root, apiKey: 'sk-wrong-key-0000000000', maxRetries: 0 });
    await assert.rejects(c.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'hi' }] }), (e: unknown) => e instanceof OpenAI.AuthenticationError);
    const res = await fetch(`${root}/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(res.status, 401);
  });

  void it('with a trailing slash (…/v1/ and …/): the SDK joins the paths and the calls work', async () => {
    for (const baseURL of [`${h.baseURL}/`, `${root}/`]) {
      const c = new OpenAI({ baseURL, apiKey: KEY, maxRetries: 0 });
      const chat = await c.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'hi' }] });
      assert.ok((chat.choices[0]?.message.content ?? '').length > 0, baseURL);
    }
  });
});
