// The floor for the benchmark: the least a translator that could really talk to grok.com does.
// It sends the same protocol request as the gateway (browser headers, cookie, statsig, the full
// chat body: built by src/grok's pure builders) and maps answer tokens to OpenAI shapes, with no
// auth, pool, retries, validation, logging or metrics. The gateway's CPU per request is compared to this.
import { createServer } from 'node:http';
import { request, Agent } from 'undici';
import { GrokHeaders, buildChatBody, generateStatsigId } from '../src/grok/index.js';

const upstream = process.env.FLOOR_UPSTREAM ?? 'http://127.0.0.1:9100';
const token = process.env.FLOOR_TOKEN ?? 'bench-token';
const agent = new Agent({ keepAliveTimeout: 30_000 });
// One x-statsig-id for the run, as the gateway's local mode caches one per method + path.
const statsig = generateStatsigId();
const headers = new GrokHeaders({
  baseUrl: upstream,
  userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/136.0.0.0 Safari/537.36',
  acceptLanguage: 'en',
});

createServer((req, res) => {
  const parts: Buffer[] = [];
  req.on('data', (c: Buffer) => parts.push(c));
  req.on('end', () => {
    void (async () => {
      const body = JSON.parse(Buffer.concat(parts).toString()) as { messages: Array<{ content: string }>; stream?: boolean };
      const message = body.messages.map((m) => m.content).join('\n\n');
      const grokBody = buildChatBody({ message, modeId: 'fast', temporary: true, disableMemory: true });
      const up = await request(`${upstream}/rest/app-chat/conversations/new`, {
        method: 'POST', headers: headers.rest(token, { statsig }), body: JSON.stringify(grokBody), dispatcher: agent,
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
