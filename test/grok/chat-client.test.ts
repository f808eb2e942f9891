import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import zlib from 'node:zlib';
import { GrokClient, type ChatStreamResult } from '../../src/grok/chat-client.js';
import { UndiciTransport } from '../../src/egress/index.js';
import { GrokUpstreamError } from '../../src/grok/errors.js';
import type { GrokEvent } from '../../src/grok/events.js';
import { buildChatBody } from '../../src/grok/chat-body.js';
import { loadFixture, ofType, tokens } from './helpers.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

const UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/136.0.0.0 Safari/537.36';
const frame = (response: Record<string, unknown>): string => `${JSON.stringify({ result: { response } })}\n`;

class TestServer {
  readonly server: http.Server;
  handler: Handler = (_req, res) => res.end();
  connections = 0;
  readonly sockets = new Set<Socket>();
  lastRequest: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string } | undefined;
  /** Resolves when the socket of the most recent request closes. */
  requestSocketClosed: Promise<void> = Promise.resolve();

  constructor() {
    this.server = http.createServer((req, res) => {
      const closed = once(req.socket, 'close').then(() => undefined);
      this.requestSocketClosed = closed;
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.on('end', () => {
        const body = Buffer.concat(parts).toString('utf8');
        this.lastRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
        this.handler(req, res, body);
      });
    });
    this.server.keepAliveTimeout = 10_000;
    this.server.on('connection', (s: Socket) => {
      this.connections++;
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async listen(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.server.close();
    await once(this.server, 'close');
  }
}

function makeClient(baseUrl: string, over: Partial<ConstructorParameters<typeof GrokClient>[0]> = {}): GrokClient {
  return new GrokClient({
    endpoints: { baseUrl, assetsUrl: baseUrl, wsUrl: baseUrl.replace('http', 'ws') },
    userAgent: UA,
    acceptLanguage: 'en-US,en;q=0.9',
    headersTimeoutMs: 5_000,
    // What the client built for itself before transports moved to src/egress.
    transport: new UndiciTransport({ connectTimeoutMs: 2_000, headersTimeoutMs: 5_000, requestTimeoutMs: 5_000 }),
    ownsTransport: true,
    ...over,
  });
}

async function collect(result: ChatStreamResult): Promise<GrokEvent[]> {
  const out: GrokEvent[] = [];
  for await (const e of result.events) out.push(e);
  return out;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  assert.fail('expected a rejection');
}

async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  const timer = sleep(ms).then(() => {
    throw new Error(`timed out waiting for ${what}`);
  });
  return Promise.race([p, timer]);
}

const BODY = buildChatBody({ message: '[user]: hi', modeId: 'fast', temporary: true, disableMemory: true });

void describe('GrokClient', () => {
  const srv = new TestServer();
  let base = '';
  let client: GrokClient;

  before(async () => {
    base = await srv.listen();
    client = makeClient(base);
  });
  after(async () => {
    await client.close();
    await srv.close();
  });
  beforeEach(() => {
    srv.handler = (_req, res) => res.end();
  });

  void it('streams a 200 answer and sends the protocol headers and body', async () => {
    const fixture = loadFixture('thinking-answer.ndjson');
    srv.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      // dribble the fixture in uneven pieces
      let i = 0;
      const step = (): void => {
        if (i >= fixture.length) {
          res.end();
          return;
        }
        res.write(fixture.subarray(i, i + 97));
        i += 97;
        setImmediate(step);
      };
      step();
    };
    const result = await client.openChat(' sso=my-token ', BODY, {});
    assert.equal(result.status, 200);
    const events = await collect(result);
    assert.equal(tokens(events, (t) => !t.thinking), 'The capital of France is **Paris**.');
    assert.deepEqual(events.at(-1), { type: 'end', reason: 'final-metadata' });
    assert.equal(result.stats.malformedLines, 0);

    const req = srv.lastRequest;
    assert.ok(req);
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/rest/app-chat/conversations/new');
    assert.deepEqual(JSON.parse(req.body), BODY);
    assert.equal(req.headers.cookie, 'sso=my-token; sso-rw=my-token');
    assert.equal(req.headers['content-type'], 'application/json');
    assert.equal(req.headers.origin, base);
    assert.equal(req.headers.referer, `${base}/`);
    assert.equal(req.headers['user-agent'], UA);
    assert.equal(req.headers['x-xai-request-id'], result.requestId);
    assert.match(Buffer.from(String(req.headers['x-statsig-id']), 'base64').toString(), /^x1:TypeError/);
    assert.equal(req.headers['sec-fetch-site'], 'same-origin');
  });

  void it('custom referer', async () => {
    srv.handler = (_req, res) => res.end(frame({ isSoftStop: true }));
    const r = await client.openChat('t', BODY, { referer: `${base}/imagine/post/abc` });
    await collect(r);
    assert.equal(srv.lastRequest?.headers.referer, `${base}/imagine/post/abc`);
  });

  void it('401 with a session marker → invalid-credential', async () => {
    srv.handler = (_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"code":16,"message":"Failed to look up session ID","details":[]}');
    };
    const err = await rejection(client.openChat('t', BODY, {}));
    assert.ok(err instanceof GrokUpstreamError);
    assert.equal(err.kind, 'invalid-credential');
    assert.equal(err.status, 401);
    assert.match(err.bodyExcerpt, /session ID/);
  });

  void it('403 Cloudflare HTML → anti-bot', async () => {
    srv.handler = (_req, res) => {
      res.writeHead(403, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>cf-chl</body></html>');
    };
    const err = await rejection(client.openChat('t', BODY, {}));
    assert.ok(err instanceof GrokUpstreamError);
    assert.equal(err.kind, 'anti-bot');
    assert.equal(err.status, 403);
  });

  void it('429 with Retry-After → rate-limited with retryAfterSeconds', async () => {
    srv.handler = (_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '30' });
      res.end('{"error":{"code":8,"message":"Too many requests"}}');
    };
    const err = await rejection(client.openChat('t', BODY, {}));
    assert.ok(err instanceof GrokUpstreamError);
    assert.equal(err.kind, 'rate-limited');
    assert.equal(err.retryAfterSeconds, 30);
  });

  void it('a huge error body is read up to 64 KB and the connection is dropped', async () => {
    srv.handler = (_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.write('x'.repeat(32 * 1024));
      res.write('y'.repeat(64 * 1024)); // then keep the response open
    };
    const err = await within(rejection(client.openChat('t', BODY, {})), 3_000, 'the 500 rejection');
    assert.ok(err instanceof GrokUpstreamError);
    assert.equal(err.kind, 'upstream-5xx');
    await within(srv.requestSocketClosed, 2_000, 'server socket close');
  });

  void it('gzip-encoded error body is decoded before classification', async () => {
    srv.handler = (_req, res) => {
      res.writeHead(403, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(zlib.gzipSync('{"error":"blocked-user"}'));
    };
    const err = await rejection(client.openChat('t', BODY, {}));
    assert.ok(err instanceof GrokUpstreamError);
    assert.equal(err.kind, 'blocked-account');
  });

  void it('gzip-encoded stream is decoded as it arrives', async () => {
    let release: () => void = () => {};
    const released = new Promise<void>((r) => (release = r));
    srv.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      const gz = zlib.createGzip();
      gz.pipe(res);
      gz.write(frame({ token: 'first', messageTag: 'final' }));
      gz.flush(() => {
        void released.then(() => {
          gz.write(frame({ token: ' second', messageTag: 'final' }));
          gz.end(frame({ finalMetadata: {} }));
        });
      });
    };
    const r = await client.openChat('t', BODY, {});
    const it = r.events[Symbol.asyncIterator]();
    const first = await within(it.next(), 2_000, 'the first event before the server finished');
    assert.deepEqual(first.value, {
      type: 'token',
      text: 'first',
      thinking: false,
      tag: 'final',
      rolloutId: undefined,
      responseId: undefined,
    });
    release();
    const rest: GrokEvent[] = [];
    for (;;) {
      const n = await it.next();
      if (n.done === true) break;
      rest.push(n.value);
    }
    assert.equal(tokens(rest), ' second');
    assert.deepEqual(rest.at(-1), { type: 'end', reason: 'final-metadata' });
  });

  for (const [coding, compress] of [
    ['br', (b: Buffer) => zlib.brotliCompressSync(b)],
    ['deflate', (b: Buffer) => zlib.deflateSync(b)],
    ['gzip', (b: Buffer) => zlib.gzipSync(b)],
  ] as const) {
    void it(`${coding}-encoded unicode fixture is decoded`, async () => {
      srv.handler = (_req, res) => {
        res.writeHead(200, { 'content-encoding': coding });
        res.end(compress(Buffer.from(loadFixture('unicode.ndjson'))));
      };
      const events = await collect(await client.openChat('t', BODY, {}));
      assert.ok(tokens(events).includes('你好，世界！'));
      assert.deepEqual(events.at(-1), { type: 'end', reason: 'final-metadata' });
    });
  }

  void it('unsupported content-encoding → transport error, body released', async () => {
    srv.handler = (_req, res) => {
      res.writeHead(200, { 'content-encoding': 'snappy' });
      res.write('....');
    };
    const err = await rejection(client.openChat('t', BODY, {}));
    assert.ok(err instanceof GrokUpstreamError);
    assert.equal(err.kind, 'transport');
    await within(srv.requestSocketClosed, 2_000, 'server socket close');
  });

  void it('in-band error mid-stream throws the classified error', async () => {
    srv.handler = (_req, res) => {
      res.writeHead(200);
      res.end(loadFixture('inband-error.ndjson'));
    };
    const r = await client.openChat('t', BODY, {});
    const seen: GrokEvent[] = [];
    const err = await rejection(
      (async () => {
        for await (const e of r.events) seen.push(e);
      })(),
    );
    assert.ok(err instanceof GrokUpstreamError);
    assert.equal(err.kind, 'rate-limited');
    assert.equal(tokens(seen), 'Partial answer');
  });

  void it('AbortSignal mid-stream closes the upstream socket promptly and rejects with the reason', async () => {
    srv.handler = (_req, res) => {
      res.writeHead(200);
      res.write(frame({ token: 'hello', messageTag: 'final' })); // and never finish
    };
    const ac = new AbortController();
    const r = await client.openChat('t', BODY, { signal: ac.signal });
    const it = r.events[Symbol.asyncIterator]();
    const first = await it.next();
    assert.equal(first.done, false);
    const pending = it.next();
    ac.abort();
    const err = await within(rejection(pending), 2_000, 'the iterator to reject');
    assert.ok(err instanceof Error);
    assert.equal(err.name, 'AbortError');
    await within(srv.requestSocketClosed, 2_000, 'server socket close');
    assert.deepEqual(await it.next(), { done: true, value: undefined });
  });

  void it('AbortSignal before the headers arrive', async () => {
    srv.handler = () => {
      // never answer
    };
    const ac = new AbortController();
    const p = client.openChat('t', BODY, { signal: ac.signal });
    await sleep(50);
    ac.abort(new Error('client went away'));
    const err = await within(rejection(p), 2_000, 'openChat to reject');
    assert.ok(err instanceof Error);
    assert.equal(err.message, 'client went away');
    await within(srv.requestSocketClosed, 2_000, 'server socket close');
  });

  void it('already-aborted signal rejects at once', async () => {
    const err = await rejection(client.openChat('t', BODY, { signal: AbortSignal.abort() }));
    assert.ok(err instanceof Error);
    assert.equal(err.name, 'AbortError');
  });

  void it('result.abort() mid-stream closes the socket; iteration then ends quietly', async () => {
    srv.handler = (_req, res) => {
      res.writeHead(200);
      res.write(frame({ token: 'hello', messageTag: 'final' }));
    };
    const r = await client.openChat('t', BODY, {});
    const it = r.events[Symbol.asyncIterator]();
    await it.next();
    const pending = it.next();
    r.abort();
    assert.deepEqual(await within(pending, 2_000, 'pending next'), { done: true, value: undefined });
    await within(srv.requestSocketClosed, 2_000, 'server socket close');
  });

  void it('result.abort() before iterating closes the socket', async () => {
    srv.handler = (_req, res) => {
      res.writeHead(200);
      res.write(frame({ token: 'hello' }));
    };
    const r = await client.openChat('t', BODY, {});
    r.abort();
    await within(srv.requestSocketClosed, 2_000, 'server socket close');
    assert.deepEqual(await collect(r), []);
  });

  void it('leaving the loop early destroys the body (no socket leak)', async () => {
    srv.handler = (_req, res) => {
      res.writeHead(200);
      res.write(frame({ token: 'a' }));
      res.write(frame({ token: 'b' }));
    };
    const r = await client.openChat('t', BODY, {});
    for await (const e of r.events) {
      assert.equal(e.type, 'token');
      break;
    }
    await within(srv.requestSocketClosed, 2_000, 'server socket close');
  });

  void it('a socket reset mid-stream → transport error', async () => {
    srv.handler = (req, res) => {
      res.writeHead(200);
      res.write(frame({ token: 'a' }));
      setTimeout(() => req.socket.destroy(), 20);
    };
    const r = await client.openChat('t', BODY, {});
    const err = await rejection(collect(r));
    assert.ok(err instanceof GrokUpstreamError);
    assert.equal(err.kind, 'transport');
    assert.equal(err.status, 0);
  });

  void it('keeps the connection alive after a normal end (drains the tail)', async () => {
    srv.handler = (_req, res) => {
      res.writeHead(200);
      res.write(frame({ token: 'a' }));
      res.write(frame({ isSoftStop: true }));
      setTimeout(() => res.end(frame({ finalMetadata: {} })), 30);
    };
    const fresh = makeClient(base);
    try {
      const before = srv.connections;
      for (let i = 0; i < 3; i++) {
        const events = await collect(await fresh.openChat('t', BODY, {}));
        assert.deepEqual(events.at(-1), { type: 'end', reason: 'soft-stop' });
        await sleep(60);
      }
      assert.equal(srv.connections - before, 1, 'one connection for three requests');
    } finally {
      await fresh.close();
    }
  });

  void it('drops the connection when the tail after the end is too long', async () => {
    srv.handler = (_req, res) => {
      res.writeHead(200);
      res.write(frame({ isSoftStop: true }));
      const junk = frame({ token: 'x'.repeat(4000) });
      let n = 0;
      const pump = (): void => {
        if (n++ > 200 || res.destroyed) return;
        res.write(junk);
        setTimeout(pump, 1);
      };
      pump();
    };
    const r = await client.openChat('t', BODY, {});
    const events = await collect(r);
    assert.deepEqual(events, [{ type: 'end', reason: 'soft-stop' }]);
    await within(srv.requestSocketClosed, 3_000, 'server socket close');
  });

  void it('rateLimits: posts the mode and normalises the answer (gzip)', async () => {
    srv.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(zlib.gzipSync('{"windowSizeSeconds":7200,"remainingQueries":48,"totalQueries":50,"remainingTokens":48}'));
    };
    const rl = await client.rateLimits('tok', 'auto');
    assert.deepEqual(rl, { remaining: 48, total: 50, windowSeconds: 7200 });
    assert.equal(srv.lastRequest?.url, '/rest/rate-limits');
    assert.deepEqual(JSON.parse(srv.lastRequest?.body ?? ''), { modelName: 'auto' });
    assert.equal(srv.lastRequest?.headers.cookie, 'sso=tok; sso-rw=tok');
  });

  void it('rateLimits: no remaining field → null; 401 → invalid-credential', async () => {
    srv.handler = (_req, res) => res.end('{"lowEffortRateLimits":null}');
    assert.equal(await client.rateLimits('tok', 'fast'), null);
    srv.handler = (_req, res) => {
      res.writeHead(401);
      res.end('{"error":"session not found"}');
    };
    const err = await rejection(client.rateLimits('tok', 'fast'));
    assert.ok(err instanceof GrokUpstreamError);
    assert.equal(err.kind, 'invalid-credential');
  });

  void it('headers timeout → timeout', async () => {
    srv.handler = () => {
      // never answer
    };
    const slow = makeClient(base, { headersTimeoutMs: 150 });
    try {
      const err = await within(rejection(slow.openChat('t', BODY, {})), 3_000, 'the timeout');
      assert.ok(err instanceof GrokUpstreamError);
      assert.equal(err.kind, 'timeout');
    } finally {
      await slow.close();
    }
  });
});

void describe('GrokClient transport failures', () => {
  void it('connection refused → transport', async () => {
    const srv = http.createServer();
    srv.listen(0, '127.0.0.1');
    await once(srv, 'listening');
    const port = (srv.address() as AddressInfo).port;
    srv.close();
    await once(srv, 'close');
    const client = makeClient(`http://127.0.0.1:${port}`);
    try {
      const err = await rejection(client.openChat('t', BODY, {}));
      assert.ok(err instanceof GrokUpstreamError);
      assert.equal(err.kind, 'transport');
      assert.equal(err.status, 0);
      assert.match(err.message, /ECONNREFUSED/);
      const err2 = await rejection(client.rateLimits('t', 'auto'));
      assert.ok(err2 instanceof GrokUpstreamError);
      assert.equal(err2.kind, 'transport');
    } finally {
      await client.close();
    }
  });

  void it('events of a finished stream: model-response carries images', async () => {
    const srv = new TestServer();
    const base = await srv.listen();
    const client = makeClient(base);
    try {
      srv.handler = (_req, res) => res.end(loadFixture('image-cards.ndjson'));
      const events = await collect(await client.openChat('t', BODY, {}));
      assert.equal(ofType(events, 'image-progress').length, 6);
      assert.equal(ofType(events, 'model-response')[0]?.generatedImageUrls.length, 3);
    } finally {
      await client.close();
      await srv.close();
    }
  });
});
