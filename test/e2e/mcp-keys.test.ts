// Client keys on /mcp: each tool call that reaches Grok is one request for the key's limits (the
// same counters as /v1), its model must be on the key's allow-list, and list_models shows only the
// key's models. Refusals are MCP tool errors with /v1's words and codes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { expectedAnswer } from '../fake-grok/index.js';
import { loggedIn, type AdminClient } from '../admin/helpers.js';

async function createKey(admin: AdminClient, body: Record<string, unknown>): Promise<{ id: string; key: string }> {
  const res = await admin.call('POST', '/api/keys', body);
  assert.equal(res.status, 201, res.body);
  return res.json<{ id: string; key: string }>();
}

async function connect(admin: AdminClient, key: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', admin.h.baseURL), { requestInit: { headers: { authorization: `Bearer ${key}` } } });
  const client = new Client({ name: 'e2e-keys', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args }, undefined, { timeout: 30_000 })) as CallToolResult;
}

const text = (r: CallToolResult): string => r.content.map((b) => (b.type === 'text' ? b.text : '')).join('\n');

void describe('client keys on /mcp', () => {
  let admin: AdminClient;
  before(async () => {
    admin = await loggedIn();
  });
  after(async () => {
    await admin.close();
  });

  void it('a key limited to 2 requests a minute gets 2 answers, then a tool error naming the rate limit; /v1 shares the count', async () => {
    const { key } = await createKey(admin, { name: 'mcp two a minute', limits: { rpm: 2 } });
    const client = await connect(admin, key);
    try {
      // Listing models does not reach Grok: not counted.
      assert.notEqual((await call(client, 'list_models', {})).isError, true);
      for (const q of ['first question', 'second question']) {
        const r = await call(client, 'ask_grok', { prompt: q, model: 'grok-chat-fast' });
        assert.notEqual(r.isError, true, text(r));
        assert.equal(r.content[0]?.type === 'text' ? r.content[0].text : '', expectedAnswer(q).answer);
      }
      const refused = await call(client, 'ask_grok', { prompt: 'third question', model: 'grok-chat-fast' });
      assert.equal(refused.isError, true);
      assert.match(text(refused), /^Rate limit reached for this API key: rpm \(2\); retry after \d+ s \[rate_limit_exceeded\]$/);
      const secs = Number(/retry after (\d+) s/.exec(text(refused))?.[1]);
      assert.ok(secs >= 1 && secs <= 60, `retry after ${secs}`);
      // The very same counter as /v1: the key has no request left there either.
      const v1 = await fetch(new URL('/v1/chat/completions', admin.h.baseURL), {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'x' }] }),
      });
      assert.equal(v1.status, 429);
      // Still not counted, still served.
      assert.notEqual((await call(client, 'list_models', {})).isError, true);
    } finally {
      await client.close();
    }
  });

  void it('a key limited to one model: model_not_allowed for another, list_models shows only its model, usage recorded', async () => {
    const created = await createKey(admin, { name: 'mcp fast only', models: ['grok-chat-fast'] });
    const client = await connect(admin, created.key);
    try {
      const ok = await call(client, 'ask_grok', { prompt: 'allowed', model: 'grok-chat-fast' });
      assert.notEqual(ok.isError, true, text(ok));
      const refused = await call(client, 'ask_grok', { prompt: 'refused', model: 'grok-chat-expert' });
      assert.equal(refused.isError, true);
      assert.equal(text(refused), "The model 'grok-chat-expert' is not allowed for this API key [model_not_allowed]");
      const search = await call(client, 'search_web', { query: 'q', model: 'grok-chat-expert' });
      assert.match(text(search), /\[model_not_allowed\]$/);
      const listed = await call(client, 'list_models', {});
      const ids = (listed.structuredContent as { models: Array<{ id: string }> }).models.map((m) => m.id);
      assert.deepEqual(ids, ['grok-chat-fast']);
      assert.equal(text(listed).split('\n').length, 1);
      const usage = await admin.call('GET', `/api/keys/${created.id}/usage`);
      assert.equal(usage.status, 200, usage.body);
      assert.match(usage.body, /grok-chat-fast/);
    } finally {
      await client.close();
    }
  });

  void it('the default model a tool resolves must be on the list too', async () => {
    const { key } = await createKey(admin, { name: 'mcp expert only', models: ['grok-chat-expert'] });
    const client = await connect(admin, key);
    try {
      const refused = await call(client, 'ask_grok', { prompt: 'no model named' });
      assert.equal(text(refused), "The model 'grok-chat-fast' is not allowed for this API key [model_not_allowed]");
      // The named model passes the allow-list (the harness's accounts lack its tier: that refusal is the pool's).
      const named = await call(client, 'ask_grok', { prompt: 'named', model: 'grok-chat-expert' });
      assert.doesNotMatch(text(named), /model_not_allowed/);
    } finally {
      await client.close();
    }
  });
});
