// A client key's model allow-list on /v1/messages compares the Grok model a Claude name maps to
// through anthropic.model_aliases (haiku → grok-chat-fast, opus → grok-chat-expert by default):
// a key allowed only grok-chat-fast may call claude-*-haiku names, and gets Anthropic's 403
// permission_error for a name that maps elsewhere, on count_tokens too. The OpenAI routes are
// unchanged (a claude name is not a model there).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { loggedIn } from '../admin/helpers.js';

void describe('client key model allow-list on /v1/messages', () => {
  void it('checks the aliased Grok model; a refusal is a 403 permission_error in Anthropic\'s shape', async () => {
    const admin = await loggedIn();
    try {
      const res = await admin.call('POST', '/api/keys', { name: 'fast only', models: ['grok-chat-fast'] });
      assert.equal(res.status, 201, res.body);
      const { key } = res.json<{ key: string }>();
      const claude = new Anthropic({ baseURL: admin.h.baseURL.replace(/\/v1$/, ''), apiKey: key, maxRetries: 0 });

      const ok = await claude.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 100, messages: [{ role: 'user', content: 'hello' }] });
      assert.equal(ok.content[0]?.type, 'text');
      const counted = await claude.messages.countTokens({ model: 'claude-3-5-haiku-latest', messages: [{ role: 'user', content: 'hello' }] });
      assert.ok(counted.input_tokens > 0);
      // A Grok id is its own name on /v1/messages too.
      assert.ok(await claude.messages.create({ model: 'grok-chat-fast', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }));

      for (const call of [
        () => claude.messages.create({ model: 'claude-opus-4-1', max_tokens: 100, messages: [{ role: 'user', content: 'no' }] }),
        () => claude.messages.countTokens({ model: 'claude-opus-4-1', messages: [{ role: 'user', content: 'no' }] }),
      ]) {
        const err = await call().then(() => assert.fail('opus maps to grok-chat-expert: refused'), (e: unknown) => e);
        assert.ok(err instanceof Anthropic.PermissionDeniedError, String(err));
        assert.deepEqual(Object.keys(err.error as object).sort(), ['error', 'type']);
        const body = err.error as { type: string; error: { type: string; message: string } };
        assert.equal(body.type, 'error');
        assert.equal(body.error.type, 'permission_error');
        assert.match(body.error.message, /'claude-opus-4-1' \(served by 'grok-chat-expert'\) is not allowed/);
      }

      // On the OpenAI routes a claude name maps to nothing: still refused by name.
      const openai = new OpenAI({ baseURL: admin.h.baseURL, apiKey: key, maxRetries: 0 });
      const e2 = await openai.chat.completions.create({ model: 'claude-3-5-haiku-latest', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
      assert.ok(e2 instanceof OpenAI.PermissionDeniedError, String(e2));
    } finally {
      await admin.close();
    }
  });
});
