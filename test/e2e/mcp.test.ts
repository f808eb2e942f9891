// The MCP server end to end: the official SDK client (Client + StreamableHTTPClientTransport, and
// the stdio transport through src/mcp-stdio.ts) against the gateway in front of the simulator.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { APIError } from 'openai';
import { expectedAnswer, makePng, SIM_CITATION_URL } from '../fake-grok/index.js';
import type { Harness } from './harness.js';
import { API_KEY, assertServesImage, isJpeg, isPng, startMediaHarness } from './media-helpers.js';

const OTHER_KEY = 'sk-test-harness-key-111111';

type Block = CallToolResult['content'][number];

function mcpUrl(h: Harness): URL {
  return new URL('/mcp', h.baseURL);
}

async function connect(h: Harness, key = API_KEY): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(mcpUrl(h), { requestInit: { headers: { authorization: `Bearer ${key}` } } });
  const client = new Client({ name: 'e2e', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

async function call(client: Client, name: string, args: Record<string, unknown>, onprogress?: (p: Progress) => void): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args }, undefined, { timeout: 30_000, ...(onprogress ? { onprogress } : {}) })) as CallToolResult;
}

function texts(r: CallToolResult): string[] {
  return r.content.filter((b): b is Extract<Block, { type: 'text' }> => b.type === 'text').map((b) => b.text);
}

function links(r: CallToolResult): Array<Extract<Block, { type: 'resource_link' }>> {
  return r.content.filter((b): b is Extract<Block, { type: 'resource_link' }> => b.type === 'resource_link');
}

function callLines(h: Harness): Array<Record<string, unknown>> {
  return h.logs
    .flatMap((l) => l.split('\n'))
    .filter((l) => l.includes('"msg":"call"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

void describe('MCP server (/mcp)', () => {
  let h: Harness;
  let client: Client;
  before(async () => {
    h = await startMediaHarness({ config: { app: { api_keys: [API_KEY, OTHER_KEY] }, media: { allow_private_urls: true } } });
    ({ client } = await connect(h));
  });
  after(async () => {
    await client.close();
    await h.close();
  });

  void it('lists every tool with a description and input and output schemas', async () => {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), ['ask_grok', 'edit_image', 'generate_image', 'generate_video', 'list_models', 'search_web']);
    for (const t of tools) {
      assert.ok((t.description ?? '').length > 40, `${t.name} description`);
      assert.equal(t.inputSchema.type, 'object');
      assert.equal(t.outputSchema?.type, 'object', `${t.name} output schema`);
    }
    const ask = tools.find((t) => t.name === 'ask_grok');
    assert.deepEqual(ask?.inputSchema.required, ['prompt']);
    assert.ok(ask?.inputSchema.properties && 'include_reasoning' in ask.inputSchema.properties);
    assert.ok(ask?.inputSchema.properties && !('conversation_id' in ask.inputSchema.properties), 'no continuation parameter until it works');
    assert.match(ask?.description ?? '', /conversation_id/);
  });

  void it('ask_grok: the answer as text and structured content; one call line with endpoint /mcp', async () => {
    const prompt = 'What is the capital of France?';
    const r = await call(client, 'ask_grok', { prompt });
    assert.notEqual(r.isError, true, texts(r).join());
    const want = expectedAnswer(prompt).answer;
    assert.equal(texts(r)[0], want);
    assert.deepEqual(r.structuredContent, { model: 'grok-chat-fast', answer: want, citations: [] });
    const line = callLines(h).find((c) => c.endpoint === '/mcp' && c.model === 'grok-chat-fast');
    assert.ok(line, 'call line for the tool call');
    assert.equal(line.status, 200);
    assert.equal(line.apiKey, 'sk-tes****0000');
    assert.ok(typeof line.account === 'string' && line.account.length > 0);
    // The call log (admin console) has it too, under endpoint /mcp.
    let logged = false;
    for (let i = 0; i < 50 && !logged; i++) {
      logged = h.gw.callLog.query({}, 1, 100).items.some((r) => r.endpoint === '/mcp' && r.model === 'grok-chat-fast' && r.status === 200);
      if (!logged) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(logged, 'the tool call is in the call log');
  });

  void it('ask_grok: system prompt reaches Grok, reasoning summary when asked, citations as resource links', async () => {
    h.sim.clearRequests();
    const r = await call(client, 'ask_grok', { prompt: 'cite it [sim:citation]', system: 'Answer like a pirate.', include_reasoning: true, model: 'grok-4-fast' });
    assert.notEqual(r.isError, true, texts(r).join());
    const sc = r.structuredContent as { model: string; reasoning: string; citations: Array<{ url: string }> };
    assert.equal(sc.model, 'grok-4-fast');
    assert.ok(sc.reasoning.length > 0, 'reasoning summary');
    assert.ok(texts(r).some((t) => t.startsWith('Reasoning summary:')));
    assert.deepEqual(sc.citations.map((c) => c.url), [SIM_CITATION_URL]);
    assert.deepEqual(links(r).map((l) => l.uri), [SIM_CITATION_URL]);
    assert.ok(JSON.stringify(h.sim.requests.map((q) => q.body)).includes('Answer like a pirate.'), 'system prompt sent upstream');
  });

  void it('search_web: asks Grok to search; the search results come back as sources', async () => {
    h.sim.clearRequests();
    const r = await call(client, 'search_web', { query: 'latest rover news [sim:toolcard]' });
    assert.notEqual(r.isError, true, texts(r).join());
    const sc = r.structuredContent as { answer: string; sources: Array<{ url: string; title: string }> };
    assert.ok(sc.answer.length > 0);
    assert.ok(sc.sources.some((s) => s.url === 'https://example.org/search-1' && s.title === 'Example result 1'), JSON.stringify(sc.sources));
    assert.ok(links(r).some((l) => l.uri === 'https://example.org/search-1'));
    assert.ok(JSON.stringify(h.sim.requests.map((q) => q.body)).includes('Search the web'), 'search instruction sent upstream');
  });

  void it('generate_image: base64 image content plus a cached link that serves it', async () => {
    const r = await call(client, 'generate_image', { prompt: 'a red fox', n: 2, aspect_ratio: '16:9' });
    assert.notEqual(r.isError, true, texts(r).join());
    const images = r.content.filter((b): b is Extract<Block, { type: 'image' }> => b.type === 'image');
    assert.equal(images.length, 2);
    for (const img of images) {
      const bytes = Buffer.from(img.data, 'base64');
      assert.ok(isJpeg(bytes) || isPng(bytes), 'decodable image bytes');
    }
    const sc = r.structuredContent as { images: Array<{ url: string }> };
    assert.equal(sc.images.length, 2);
    assert.deepEqual(links(r).map((l) => l.uri), sc.images.map((i) => i.url));
    await assertServesImage(sc.images[0]?.url ?? '');
  });

  void it('edit_image: inputs as a data URL and as bare base64', async () => {
    const png = makePng(64, 64).toString('base64');
    const r = await call(client, 'edit_image', { prompt: 'make it blue', images: [`data:image/png;base64,${png}`, png] });
    assert.notEqual(r.isError, true, texts(r).join());
    const images = r.content.filter((b) => b.type === 'image');
    assert.ok(images.length >= 1);
    const sc = r.structuredContent as { model: string; images: Array<{ url: string }> };
    assert.equal(sc.model, 'grok-imagine-image-edit');
    await assertServesImage(sc.images[0]?.url ?? '');
  });

  void it('generate_video: progress notifications while the job runs, then the video URL', async () => {
    const progress: Progress[] = [];
    const r = await call(client, 'generate_video', { prompt: 'a cat surfing', seconds: 6, aspect_ratio: '9:16' }, (p) => progress.push(p));
    assert.notEqual(r.isError, true, texts(r).join());
    const sc = r.structuredContent as { url: string; job_id: string; seconds: number; size: string };
    assert.ok(progress.length >= 2, `progress notifications: ${JSON.stringify(progress)}`);
    assert.equal(progress[progress.length - 1]?.progress, 100);
    for (const p of progress) assert.equal(p.total, 100);
    assert.equal(sc.size, '720x1280');
    const res = await fetch(sc.url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'video/mp4');
    assert.equal(Buffer.from(await res.arrayBuffer()).subarray(4, 8).toString('latin1'), 'ftyp');
    // The same job store as /v1/videos: the key sees the job there too.
    const job = (await h.openai.videos.retrieve(sc.job_id)) as unknown as { status: string; url: string };
    assert.equal(job.status, 'completed');
    assert.equal(job.url, sc.url);
  });

  void it('list_models: the enabled models with their kinds', async () => {
    const r = await call(client, 'list_models', {});
    const sc = r.structuredContent as { models: Array<{ id: string; kind: string }> };
    const ids = (await h.openai.models.list()).data.map((m) => m.id);
    assert.deepEqual(sc.models.map((m) => m.id), ids);
    assert.equal(sc.models.find((m) => m.id === 'grok-imagine-video')?.kind, 'video');
  });

  void it('a bad argument is a tool error naming the field', async () => {
    const badPrompt = await call(client, 'ask_grok', { prompt: 5 });
    assert.equal(badPrompt.isError, true);
    assert.match(texts(badPrompt).join(), /^Invalid value for 'prompt': .*expected string.* \[invalid_value\]$/);
    const missing = await call(client, 'search_web', {});
    assert.match(texts(missing).join(), /^Invalid value for 'query': /);
    const badN = await call(client, 'generate_image', { prompt: 'x', n: 50 });
    assert.equal(badN.isError, true);
    assert.equal(texts(badN).join(), "Invalid value for 'n': expected 1 to 10 [invalid_value]");
    // The call line says what /v1 would have answered: a 400 naming the field.
    const line = callLines(h).filter((c) => c.endpoint === '/mcp').at(-1);
    assert.equal(line?.status, 400);
    assert.equal(line?.error, 'invalid_value');
    const badImages = await call(client, 'edit_image', { prompt: 'x', images: ['a', 7] });
    assert.equal(texts(badImages).join().split(':')[0], "Invalid value for 'images[1]'");
    const unknownTool = await call(client, 'no_such_tool', {});
    assert.equal(unknownTool.isError, true);
    assert.match(texts(unknownTool).join(), /^Unknown tool 'no_such_tool'/);
    const badModel = await call(client, 'ask_grok', { prompt: 'hi', model: 'grok-imagine-video' });
    assert.equal(badModel.isError, true);
    assert.equal(texts(badModel).join(), "The model 'grok-imagine-video' is a video model; ask_grok takes chat models [model_not_supported]");
    const notImage = await call(client, 'edit_image', { prompt: 'x', images: [makePng(8, 8).toString('base64'), 'AAAAAAAA'] });
    assert.equal(notImage.isError, true);
    assert.match(texts(notImage).join(), /'images\[1\]' is not a JPEG, PNG, WebP or GIF image \[invalid_image\]$/);
    const unknown = await call(client, 'ask_grok', { prompt: 'hi', model: 'no-such-model' });
    assert.equal(texts(unknown).join(), "The model 'no-such-model' does not exist or is disabled [model_not_found]");
  });

  void it('an upstream failure is a tool error with the /v1 words, no stack trace; the call line has the failure', async () => {
    const prompt = 'fail please [sim:status=500]';
    const v1 = await h.openai.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: prompt }] }).catch((e: unknown) => e);
    assert.ok(v1 instanceof APIError);
    const r = await call(client, 'ask_grok', { prompt });
    assert.equal(r.isError, true);
    const text = texts(r).join();
    assert.equal(text, `${v1.message.replace(/^\d+ /, '')} [${String(v1.code)}]`);
    assert.doesNotMatch(text, /\bat .*\.(ts|js):\d+/);
    const line = callLines(h).filter((c) => c.endpoint === '/mcp').at(-1);
    assert.equal(line?.status, v1.status);
    assert.equal(line?.error, v1.code);
  });

  void it('a missing or invalid key is a 401 with the /v1 words', async () => {
    const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } };
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const wrong = await fetch(mcpUrl(h), { method: 'POST', headers: { ...headers, authorization: 'Bearer sk-wrong-key-123456789' }, body: JSON.stringify(init) });
    assert.equal(wrong.status, 401);
    const v1 = await fetch(`${h.baseURL}/models`, { headers: { authorization: 'Bearer sk-wrong-key-123456789' } });
    assert.deepEqual(await wrong.json(), await v1.json());
    const none = await fetch(mcpUrl(h), { method: 'POST', headers, body: JSON.stringify(init) });
    assert.equal(none.status, 401);
    assert.match(((await none.json()) as { error: { message: string } }).error.message, /Missing API key/);
    await assert.rejects(connect(h, 'sk-wrong-key-123456789'));
    // With the key, the SDK's own response still carries the headers every gateway response has.
    const ok = await fetch(mcpUrl(h), { method: 'POST', headers: { ...headers, authorization: `Bearer ${API_KEY}`, 'x-request-id': 'mcp-init-0001' }, body: JSON.stringify(init) });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('x-request-id'), 'mcp-init-0001');
    assert.equal(ok.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(ok.headers.get('mcp-session-id'));
    await ok.body?.cancel();
  });

  void it('two concurrent sessions each get their own answers; a session belongs to its key', async () => {
    const a = await connect(h);
    const b = await connect(h, OTHER_KEY);
    try {
      assert.ok(a.transport.sessionId && b.transport.sessionId && a.transport.sessionId !== b.transport.sessionId);
      const [ra, rb] = await Promise.all([
        call(a.client, 'ask_grok', { prompt: 'first session question' }),
        call(b.client, 'ask_grok', { prompt: 'second session question' }),
      ]);
      assert.equal(texts(ra)[0], expectedAnswer('first session question').answer);
      assert.equal(texts(rb)[0], expectedAnswer('second session question').answer);
      // Another key presenting A's session id is told the session does not exist.
      const stolen = await fetch(mcpUrl(h), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          authorization: `Bearer ${OTHER_KEY}`,
          'mcp-session-id': a.transport.sessionId,
          'mcp-protocol-version': '2025-06-18',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }),
      });
      assert.equal(stolen.status, 404);
    } finally {
      await a.transport.terminateSession();
      await Promise.all([a.client.close(), b.client.close()]);
    }
    // B went away without DELETE: its server-to-client stream (GET) ending so is normal, not a 499.
    let gets: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 50 && gets.length < 2; i++) {
      gets = callLines(h).filter((c) => c.endpoint === '/mcp' && c.method === 'GET');
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(gets.length >= 2, 'GET stream call lines');
    assert.deepEqual(gets.map((c) => c.status).filter((st) => st !== 200), []);
  });

  void it('mcp.enabled = false: /mcp is an unknown route (live)', async () => {
    const before = h.gw.loaded.config;
    h.gw.loaded.config = { ...before, mcp: { enabled: false } };
    try {
      const res = await fetch(mcpUrl(h), { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` }, body: '{}' });
      assert.equal(res.status, 404);
    } finally {
      h.gw.loaded.config = before;
    }
  });

  void it('stdio entry (src/mcp-stdio.ts): lists tools and answers ask_grok through the gateway', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--import', 'tsx', 'src/mcp-stdio.ts'],
      env: { ...(process.env as Record<string, string>), MCP_GATEWAY_URL: new URL('/', h.baseURL).toString(), MCP_GATEWAY_KEY: API_KEY },
      stderr: 'pipe',
    });
    const stdio = new Client({ name: 'e2e-stdio', version: '1.0.0' });
    await stdio.connect(transport);
    try {
      const { tools } = await stdio.listTools();
      assert.ok(tools.some((t) => t.name === 'ask_grok'));
      const r = await call(stdio, 'ask_grok', { prompt: 'hello over stdio' });
      assert.equal(texts(r)[0], expectedAnswer('hello over stdio').answer);
    } finally {
      await stdio.close();
    }
  });
});
