// Client keys end to end with the official SDK (file store): created in the admin API, limited per
// minute with OpenAI's headers, limited to models, disabled at once, and their usage recorded.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { loggedIn, type AdminClient } from '../admin/helpers.js';

interface CreatedKey {
  id: string;
  key: string;
  masked: string;
}

async function createKey(admin: AdminClient, body: Record<string, unknown>): Promise<CreatedKey> {
  const res = await admin.call('POST', '/api/keys', body);
  assert.equal(res.status, 201, res.body);
  return res.json<CreatedKey>();
}

const sdk = (admin: AdminClient, apiKey: string) => new OpenAI({ baseURL: admin.h.baseURL, apiKey, maxRetries: 0 });
const ask = (client: OpenAI, text: string, model = 'grok-chat-fast') => client.chat.completions.create({ model, messages: [{ role: 'user', content: text }] });

void describe('client keys', () => {
  void it('a key limited to 5 requests a minute gets 5 answers, then 429 with the headers', async () => {
    const admin = await loggedIn();
    try {
      const created = await createKey(admin, { name: 'five a minute', limits: { rpm: 5 } });
      assert.match(created.key, /^sk-[A-Za-z0-9_-]{43}$/);
      const client = sdk(admin, created.key);
      for (let i = 1; i <= 5; i++) {
        const { data, response } = await client.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: `q${i}` }] }).withResponse();
        assert.equal(data.choices[0]?.message.content, `Echo: q${i}`);
        assert.equal(response.headers.get('x-ratelimit-limit-requests'), '5');
        assert.equal(response.headers.get('x-ratelimit-remaining-requests'), String(5 - i));
        assert.match(response.headers.get('x-ratelimit-reset-requests') ?? '', /^\d+s$|^1m0s$/);
      }
      const err = await ask(client, 'q6').then(
        () => assert.fail('the sixth request must be refused'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof OpenAI.RateLimitError, String(err));
      assert.equal((err.error as { code?: string }).code, 'rate_limit_exceeded');
      assert.equal(err.headers?.get('x-ratelimit-remaining-requests'), '0');
      assert.equal(err.headers?.get('x-ratelimit-limit-requests'), '5');
      const retryAfter = Number(err.headers?.get('retry-after'));
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
      // A stream carries the headers too (they are on the SSE response head).
      const other = await createKey(admin, { name: 'tokens', limits: { rpm: 10, tokens_per_day: 100000 } });
      const { response } = await sdk(admin, other.key).chat.completions.create({ model: 'grok-chat-fast', stream: true, messages: [{ role: 'user', content: 's' }] }).withResponse();
      assert.equal(response.headers.get('x-ratelimit-remaining-requests'), '9');
      assert.equal(response.headers.get('x-ratelimit-limit-tokens'), '100000');
      assert.ok(response.headers.get('x-ratelimit-reset-tokens'));
      await response.text();
    } finally {
      await admin.close();
    }
  });

  void it('a key limited to one model gets 403 model_not_allowed on another (aliases count as their model)', async () => {
    const admin = await loggedIn();
    try {
      const created = await createKey(admin, { name: 'fast only', models: ['grok-chat-fast'] });
      const client = sdk(admin, created.key);
      assert.equal((await ask(client, 'ok')).choices[0]?.message.content, 'Echo: ok');
      assert.equal((await ask(client, 'alias', 'grok-4-fast')).choices[0]?.message.content, 'Echo: alias', 'an alias of an allowed model');
      const err = await ask(client, 'no', 'grok-chat-expert').then(
        () => assert.fail('another model must be refused'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof OpenAI.PermissionDeniedError, String(err));
      assert.equal((err.error as { code?: string }).code, 'model_not_allowed');
      assert.equal((err.error as { param?: string }).param, 'model');
      // The model list shows what the key may use; another model by id is the same 403.
      assert.deepEqual((await client.models.list()).data.map((m) => m.id), ['grok-chat-fast']);
      assert.equal((await client.models.retrieve('grok-4-fast')).id, 'grok-4-fast');
      assert.ok((await client.models.retrieve('grok-chat-expert').catch((e: unknown) => e)) instanceof OpenAI.PermissionDeniedError);
      assert.ok((await admin.h.openai.models.list()).data.length > 1, 'a static key still sees every model');
      // Not counted against anything, and the video route's multipart body is checked too.
      const form = new FormData();
      form.set('model', 'grok-imagine-video');
      form.set('prompt', 'a cat');
      const res = await fetch(`${admin.h.baseURL}/videos`, { method: 'POST', headers: { authorization: `Bearer ${created.key}` }, body: form });
      assert.equal(res.status, 403, await res.clone().text());
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'model_not_allowed');
    } finally {
      await admin.close();
    }
  });

  void it('disabled, expired, deleted and unknown keys get 401 invalid_api_key; static keys keep working', async () => {
    const admin = await loggedIn();
    try {
      const created = await createKey(admin, { name: 'revocable', note: 'for the test' });
      const client = sdk(admin, created.key);
      assert.ok(await ask(client, 'before'));
      const off = await admin.call('PATCH', `/api/keys/${created.id}`, { enabled: false });
      assert.equal(off.status, 200, off.body);
      const e1 = await ask(client, 'after').catch((e: unknown) => e);
      assert.ok(e1 instanceof OpenAI.AuthenticationError && (e1.error as { code?: string }).code === 'invalid_api_key', String(e1));
      await admin.call('PATCH', `/api/keys/${created.id}`, { enabled: true, expires_at: new Date(Date.now() - 1000).toISOString() });
      assert.ok((await ask(client, 'expired').catch((e: unknown) => e)) instanceof OpenAI.AuthenticationError);
      await admin.call('PATCH', `/api/keys/${created.id}`, { expires_at: null });
      assert.ok(await ask(client, 'again'));
      assert.equal((await admin.call('DELETE', `/api/keys/${created.id}`)).status, 200);
      assert.ok((await ask(client, 'deleted').catch((e: unknown) => e)) instanceof OpenAI.AuthenticationError);
      // Once client keys exist the gateway is never open: no key, or a made-up one, is refused.
      await createKey(admin, { name: 'keeps keys on' });
      assert.ok((await ask(sdk(admin, 'sk-made-up'), 'x').catch((e: unknown) => e)) instanceof OpenAI.AuthenticationError);
      const noKey = await fetch(`${admin.h.baseURL}/models`);
      assert.equal(noKey.status, 401);
      // The harness's static key (app.api_keys) still works, unlimited, and is listed read-only.
      assert.ok(await ask(admin.h.openai, 'static'));
      const list = (await admin.call('GET', '/api/keys')).json<{ items: Array<Record<string, unknown>>; static: Array<{ masked: string; static: boolean }> }>();
      assert.equal(list.static.length, 1);
      assert.equal(list.static[0]?.static, true);
      assert.ok(!JSON.stringify(list).includes('sk-test-harness-key-000000'), 'static keys are masked');
    } finally {
      await admin.close();
    }
  });

  void it('/mcp takes client keys too, and is never open once a client key exists', async () => {
    // No static key at all: only the client key may get in.
    const admin = await loggedIn({ overrides: { app: { api_keys: [] } } });
    try {
      const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } };
      const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
      const mcp = admin.h.baseURL.replace(/\/v1$/, '/mcp');
      const open = await fetch(mcp, { method: 'POST', headers, body: JSON.stringify(init) });
      assert.equal(open.status, 200, 'no key of any kind: open, as before');
      await open.body?.cancel();
      const created = await createKey(admin, { name: 'mcp user' });
      const none = await fetch(mcp, { method: 'POST', headers, body: JSON.stringify(init) });
      assert.equal(none.status, 401);
      await none.body?.cancel();
      const ok = await fetch(mcp, { method: 'POST', headers: { ...headers, authorization: `Bearer ${created.key}` }, body: JSON.stringify(init) });
      assert.equal(ok.status, 200);
      await ok.body?.cancel();
      assert.equal((await fetch(`${admin.h.baseURL}/models`)).status, 401, '/v1 is closed too');
    } finally {
      await admin.close();
    }
  });

  void it('lists keys masked, validates input, and records usage per key (JSON, CSV, /api/stats)', async () => {
    const admin = await loggedIn();
    try {
      const bad = await admin.call('POST', '/api/keys', { name: 'x', limits: { rpn: 5 } });
      assert.equal(bad.status, 400);
      assert.match(bad.body, /rpn/);
      assert.equal((await admin.call('POST', '/api/keys', { name: '' })).status, 400);
      assert.equal((await admin.call('POST', '/api/keys', { name: 'x', expires_at: 'tomorrow-ish' })).status, 400);
      const created = await createKey(admin, { name: 'metered', limits: { requests_per_day: 100 } });
      const client = sdk(admin, created.key);
      await ask(client, 'one');
      await ask(client, 'two');
      await ask(client, 'three', 'grok-4-fast');
      const list = await admin.call('GET', '/api/keys');
      assert.ok(!list.body.includes(created.key), 'the secret is shown once, at creation');
      const item = list.json<{ items: Array<{ id: string; masked: string; limits: Record<string, number> }> }>().items.find((k) => k.id === created.id);
      assert.equal(item?.masked, created.masked);
      assert.deepEqual(item?.limits, { requests_per_day: 100 });
      // The usage is recorded when each response closes.
      let usage: { total: { requests: number; tokensIn: number; tokensOut: number; errors: number }; byModel: Record<string, { requests: number }> } | undefined;
      for (let i = 0; i < 50; i++) {
        usage = (await admin.call('GET', `/api/keys/${created.id}/usage`)).json();
        if (usage?.total.requests === 3) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(usage?.total.requests, 3);
      assert.equal(usage?.total.errors, 0);
      assert.ok((usage?.total.tokensIn ?? 0) > 0 && (usage?.total.tokensOut ?? 0) > 0);
      assert.equal(usage?.byModel['grok-chat-fast']?.requests, 2);
      assert.equal(usage?.byModel['grok-4-fast']?.requests, 1);
      const csv = await admin.call('GET', `/api/keys/${created.id}/usage?format=csv`);
      assert.match(String(csv.headers['content-type']), /text\/csv/);
      assert.match(csv.body, /^key_id,key_name,day,model,requests,errors,tokens_in,tokens_out\r\n/);
      assert.match(csv.body, new RegExp(`${created.id},metered,\\d{4}-\\d\\d-\\d\\d,grok-chat-fast,2,0,`));
      const stats = (await admin.call('GET', '/api/stats')).json<{ keys: Array<{ id: string; today: { requests: number } }>; queue: { depth: number } }>();
      assert.equal(stats.keys.find((k) => k.id === created.id)?.today.requests, 3);
      assert.equal(stats.queue.depth, 0);
      const all = await admin.call('GET', '/api/keys/usage.csv');
      assert.match(all.body, /metered/);
    } finally {
      await admin.close();
    }
  });
});
