// McpSessions over a real socket with the SDK's client: sessions belong to their owner, the table
// is bounded (busy sessions are never evicted; a full table of them refuses new ones), idle
// sessions expire, and DELETE frees a slot.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { McpSessions } from '../../src/mcp/sessions.js';

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return chunks.length === 0 ? undefined : JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

void describe('McpSessions', () => {
  let sessions: McpSessions;
  let server: Server;
  let url: URL;
  const clients: Client[] = [];

  before(async () => {
    sessions = new McpSessions(() => new McpServer({ name: 't', version: '1' }, { capabilities: { tools: {} } }), 600, 2);
    server = createServer((req, res) => {
      void (async () => {
        const owner = String(req.headers['x-owner'] ?? 'a');
        const body = req.method === 'POST' ? await readJson(req) : undefined;
        const sid = req.headers['mcp-session-id'];
        let s = typeof sid === 'string' ? sessions.find(sid, owner) : undefined;
        if (typeof sid === 'string' && !s) return void res.writeHead(404).end();
        if (!s && isInitializeRequest(body)) s = await sessions.open(owner);
        if (!s) return void res.writeHead(503).end();
        res.once('close', sessions.use(s));
        await s.transport.handleRequest(req, res, body);
      })();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`);
  });
  after(async () => {
    await Promise.allSettled(clients.map((c) => c.close()));
    await sessions.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  async function connect(owner = 'a'): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
    const transport = new StreamableHTTPClientTransport(url, { requestInit: { headers: { 'x-owner': owner } } });
    const client = new Client({ name: 'c', version: '1' });
    await client.connect(transport);
    clients.push(client);
    return { client, transport };
  }

  void it('bounds the table: busy sessions stay, a new one is refused until a DELETE frees a slot', async () => {
    const a = await connect();
    const b = await connect('b');
    assert.equal(sessions.size, 2);
    // Both hold their server-to-client stream open (busy): nothing may be evicted.
    await new Promise((r) => setTimeout(r, 50));
    await assert.rejects(connect());
    assert.ok(sessions.find(b.transport.sessionId ?? '', 'b'));
    assert.equal(sessions.find(b.transport.sessionId ?? '', 'a'), undefined, 'another owner does not find it');
    await a.transport.terminateSession();
    await a.client.close();
    assert.equal(sessions.size, 1);
    const c = await connect();
    assert.equal(sessions.size, 2);
    await c.transport.terminateSession();
    await c.client.close();
  });

  void it('closes a session left idle (client gone without DELETE)', async () => {
    const d = await connect('d');
    const id = d.transport.sessionId ?? '';
    assert.ok(sessions.find(id, 'd'));
    await d.client.close();
    for (let i = 0; i < 200 && sessions.find(id, 'd'); i++) await new Promise((r) => setTimeout(r, 25));
    assert.equal(sessions.find(id, 'd'), undefined);
  });
});
