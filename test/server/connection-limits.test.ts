// Slow clients over raw sockets: a request whose body (or headers) stops arriving is answered 408
// and closed within server.body_timeout / headers_timeout; a stream that lasts longer than those
// still completes (responses are not covered); one address cannot open more than
// server.max_connections_per_ip connections at once.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from '../e2e/harness.js';
import { httpTimeoutOptions } from '../../src/server/connection-limits.js';

interface Outcome {
  /** What the server sent before closing. */
  data: string;
  /** Milliseconds from the last byte we sent until the server closed the socket. */
  closedAfterMs: number;
}

function portOf(h: Harness): number {
  return Number(new URL(h.baseURL).port);
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

/** Writes `text`, then stays silent until the server closes (or `giveUpMs` passes: rejects). */
async function sendThenWait(port: number, text: string, giveUpMs: number): Promise<Outcome> {
  const s = await open(port);
  let data = '';
  s.on('data', (d: Buffer) => (data += d.toString('utf8')));
  s.on('error', () => undefined);
  const sentAt = Date.now();
  s.write(text);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`the server kept the socket open for ${giveUpMs} ms; got: ${JSON.stringify(data.slice(0, 200))}`));
    }, giveUpMs);
    s.once('close', () => {
      clearTimeout(timer);
      resolve({ data, closedAfterMs: Date.now() - sentAt });
    });
  });
}

const partialBody = (path: string, extra = ''): string =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n${extra}\r\n{`;

void describe('slow clients: request timeouts', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ overrides: { server: { body_timeout: 1, headers_timeout: 1 } } });
  });
  after(() => h.close());

  void it('closes a connection whose body stops arriving (admin login) within the body timeout: 408', async () => {
    const out = await sendThenWait(portOf(h), partialBody('/api/login'), 8000);
    assert.match(out.data, /^HTTP\/1\.1 408 /);
    assert.ok(out.closedAfterMs < 5000, `closed after ${out.closedAfterMs} ms`);
  });

  void it('does the same on /v1 with a valid key (the body is being read)', async () => {
    const out = await sendThenWait(portOf(h), partialBody('/v1/chat/completions', 'Authorization: Bearer sk-test-harness-key-000000\r\n'), 8000);
    assert.match(out.data, /^HTTP\/1\.1 408 /);
    assert.ok(out.closedAfterMs < 5000, `closed after ${out.closedAfterMs} ms`);
  });

  void it('closes a connection whose headers stop arriving, and one that never sends anything', async () => {
    const half = await sendThenWait(portOf(h), 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n', 8000);
    assert.ok(half.closedAfterMs < 5000, `closed after ${half.closedAfterMs} ms`);
    const silent = await sendThenWait(portOf(h), '', 8000);
    assert.ok(silent.closedAfterMs < 5000, `closed after ${silent.closedAfterMs} ms`);
  });

  void it('lets a stream run longer than the body timeout (the response is not covered)', async () => {
    const started = Date.now();
    const stream = await h.openai.chat.completions.create({
      model: 'grok-chat-fast',
      stream: true,
      messages: [{ role: 'user', content: 'one two [sim:stall=2500] three four' }],
    });
    let text = '';
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.ok(Date.now() - started >= 2500, `the stream took ${Date.now() - started} ms`);
    assert.equal(finish, 'stop');
    assert.ok(text.length > 0);
  });

  void it('answers normal requests as before', async () => {
    const res = await fetch(`${h.baseURL.replace(/\/v1$/, '')}/health`);
    assert.equal(res.status, 200);
  });
});

void describe('slow clients: connections per address', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ overrides: { server: { max_connections_per_ip: 3 } } });
  });
  after(() => h.close());

  void it('refuses connections beyond server.max_connections_per_ip with 429 before reading them, and lets new ones in once some close', async () => {
    const port = portOf(h);
    const held = await Promise.all([open(port), open(port), open(port)]);
    try {
      const refused = await sendThenWait(port, 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 5000);
      assert.match(refused.data, /^HTTP\/1\.1 429 /);
      assert.match(refused.data, /"code":"too_many_connections"/);
      assert.match(refused.data, /Retry-After: 1/i);
      assert.ok(h.logs.join('').includes('connections refused'), 'logged');
    } finally {
      for (const s of held) s.destroy();
    }
    // The slots are free again.
    for (let i = 0; i < 50; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
      if (res?.status === 200) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.fail('no connection was let in after the held ones closed');
  });

  void it('takes a new cap live (0 = no cap)', async () => {
    const port = portOf(h);
    h.gw.loaded.config = { ...h.gw.loaded.config, server: { ...h.gw.loaded.config.server, max_connections_per_ip: 0 } };
    const held = await Promise.all(Array.from({ length: 6 }, () => open(port)));
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      assert.equal(res.status, 200);
    } finally {
      for (const s of held) s.destroy();
    }
  });
});

void describe('httpTimeoutOptions', () => {
  void it('keeps the headers timeout within the request timeout (Node refuses otherwise) and checks often enough', () => {
    const o = httpTimeoutOptions({ headers_timeout: 20, body_timeout: 5, keep_alive_timeout: 72 });
    assert.deepEqual(o, { requestTimeout: 5000, keepAliveTimeout: 72_000, http: { headersTimeout: 5000, requestTimeout: 5000, connectionsCheckingInterval: 1000 } });
    const off = httpTimeoutOptions({ headers_timeout: 0.2, body_timeout: 0, keep_alive_timeout: 5 });
    assert.deepEqual(off, { requestTimeout: 0, keepAliveTimeout: 5000, http: { headersTimeout: 200, requestTimeout: 0, connectionsCheckingInterval: 50 } });
  });
});
