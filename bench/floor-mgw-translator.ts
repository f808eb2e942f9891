// The floor for the benchmark on the mgw path: the least a translator that could really talk to
// grok.com over the mgw WebSocket does. Per request one new socket (the web app's way: one per
// turn) with the real handshake headers and cookies, session.create → wait for session.created and
// conversation.attached → item → response.create, then the answer chunks mapped to OpenAI shapes
// until response.done, and the socket closed. The user id is looked up once at start. No auth,
// pool, retries, validation, logging, metrics, watchdogs or pings. The gateway is compared to this.
import { createServer } from 'node:http';
import WebSocket from 'ws';
import { createTransport } from '../src/egress/index.js';
import { GrokHeaders, fetchSessionIdentity, itemCreate, mgwHandshakeHeaders, mgwUrl, newInitEventId, responseCreate, sessionCreate } from '../src/grok/index.js';

const upstream = process.env.FLOOR_UPSTREAM ?? 'http://127.0.0.1:9100';
const token = process.env.FLOOR_TOKEN ?? 'bench-token';
const headers = new GrokHeaders({
  baseUrl: upstream,
  userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/136.0.0.0 Safari/537.36',
  acceptLanguage: 'en',
});

interface Frame { session_id?: string; event?: { type?: string; chunk?: { text?: { text?: string; channel?: string } }; conversation?: { id?: string } } }

const transport = createTransport({ kind: 'undici', connectTimeoutMs: 10_000, headersTimeoutMs: 10_000, requestTimeoutMs: 10_000 });
const { userId } = await fetchSessionIdentity(token, { baseUrl: upstream, transport, headers, timeoutMs: 10_000 });
const url = mgwUrl(upstream, userId);
const wsHeaders = mgwHandshakeHeaders(headers, token, userId);

function turn(prompt: string, onText: (t: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: wsHeaders, perMessageDeflate: false });
    let created = false;
    let attached = false;
    let sent = false;
    let sid = '';
    ws.once('open', () => ws.send(JSON.stringify(sessionCreate(newInitEventId(), { model: 'fast', temporary: true, disableMemory: true, imageGenerationCount: 2 }))));
    ws.on('message', (data) => {
      const f = JSON.parse(String(data)) as Frame;
      const type = f.event?.type;
      if (type === 'response.chunk') {
        const t = f.event?.chunk?.text;
        if (t?.text && (t.channel === undefined || t.channel === 'CHANNEL_ASSISTANT_RESPONSE')) onText(t.text);
        return;
      }
      if (type === 'session.created') {
        created = true;
        sid = f.session_id ?? sid;
      } else if (type === 'conversation.attached') {
        attached = true;
        sid = f.event?.conversation?.id ?? sid;
      } else if (type === 'response.done') {
        ws.terminate();
        resolve();
        return;
      } else if (type === 'error') {
        ws.terminate();
        reject(new Error('upstream error event'));
        return;
      }
      if (created && attached && !sent) {
        sent = true;
        const stamp = Date.now();
        ws.send(JSON.stringify(itemCreate(sid, stamp, prompt, [])));
        ws.send(JSON.stringify(responseCreate(sid, stamp)));
      }
    });
    ws.once('error', reject);
    ws.once('close', () => reject(new Error('closed before response.done')));
  });
}

createServer((req, res) => {
  const parts: Buffer[] = [];
  req.on('data', (c: Buffer) => parts.push(c));
  req.on('end', () => {
    void (async () => {
      const body = JSON.parse(Buffer.concat(parts).toString()) as { messages: Array<{ content: string }>; stream?: boolean };
      const prompt = body.messages.map((m) => m.content).join('\n\n');
      if (body.stream) res.writeHead(200, { 'content-type': 'text/event-stream' });
      let text = '';
      await turn(prompt, (t) => {
        if (body.stream) res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: t } }] })}\n\n`);
        else text += t;
      });
      if (body.stream) res.end('data: [DONE]\n\n');
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: text } }] }));
    })().catch(() => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  });
}).listen(Number(process.env.FLOOR_PORT ?? 9300), '127.0.0.1');
