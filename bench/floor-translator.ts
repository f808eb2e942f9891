// The floor for the benchmark: the least a translator can do (no auth, pool, retries, logging,
// metrics or validation). The gateway's CPU time per request is compared against this.
import { createServer } from 'node:http';
import { request, Agent } from 'undici';

const upstream = process.env.FLOOR_UPSTREAM ?? 'http://127.0.0.1:9100';
const token = process.env.FLOOR_TOKEN ?? 'bench-token';
const agent = new Agent({ keepAliveTimeout: 30_000 });
const headers = {
  'content-type': 'application/json',
  cookie: `sso=${token}; sso-rw=${token}`,
  'x-statsig-id': Buffer.from('x1:floor').toString('base64'),
};

createServer((req, res) => {
  const parts: Buffer[] = [];
  req.on('data', (c: Buffer) => parts.push(c));
  req.on('end', () => {
    void (async () => {
      const body = JSON.parse(Buffer.concat(parts).toString()) as { messages: Array<{ content: string }>; stream?: boolean };
      const message = body.messages.map((m) => m.content).join('\n\n');
      const up = await request(`${upstream}/rest/app-chat/conversations/new`, {
        method: 'POST', headers, body: JSON.stringify({ message, modeId: 'fast' }), dispatcher: agent,
      });
      if (body.stream) res.writeHead(200, { 'content-type': 'text/event-stream' });
      let text = '';
      let rest = '';
      for await (const chunk of up.body) {
        const lines = (rest + (chunk as Buffer).toString()).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) {
          if (!line) continue;
          const r = (JSON.parse(line) as { result?: { response?: { token?: string; messageTag?: string } } }).result?.response;
          if (r?.token === undefined || r.messageTag !== 'final') continue;
          if (body.stream) res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: r.token } }] })}\n\n`);
          else text += r.token;
        }
      }
      if (body.stream) res.end('data: [DONE]\n\n');
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: text } }] }));
    })().catch(() => res.writeHead(502).end());
  });
}).listen(Number(process.env.FLOOR_PORT ?? 9300), '127.0.0.1');
