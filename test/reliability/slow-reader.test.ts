// A client that reads an SSE stream very slowly: the gateway applies backpressure end to end
// (its socket buffer stays small and it stops reading from Grok) instead of buffering the answer,
// and the whole answer still arrives, exact, once the client reads again.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { URL } from 'node:url';
import { expectedAnswer, startFakeGrok, type FakeGrok } from '../fake-grok/index.js';
import { startHarness, type Harness } from '../e2e/harness.js';

const KEY = 'sk-test-harness-key-000000';

/** A TCP relay in front of the simulator that counts the bytes Grok sends to the gateway. */
class CountingRelay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  downstreamBytes = 0;
  port = 0;

  async start(targetPort: number): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(targetPort, '127.0.0.1');
      this.sockets.add(client).add(upstream);
      upstream.on('data', (d: Buffer) => (this.downstreamBytes += d.length));
      // pipe() respects backpressure both ways: when the gateway stops reading, so does the relay.
      client.pipe(upstream).pipe(client);
      const drop = (): void => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    const a = this.server.address();
    if (a && typeof a === 'object') this.port = a.port;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

void describe('slow SSE reader', () => {
  let sim: FakeGrok;
  let relay: CountingRelay;
  let h: Harness;
  let watch: (res: ServerResponse) => void = () => undefined;
  before(async () => {
    sim = await startFakeGrok({ tokenDelayMs: 0, tokens: { 'sso-slow-reader-00000001': {} } });
    relay = new CountingRelay();
    await relay.start(Number(new URL(sim.baseUrl).port));
    h = await startHarness(
      { tokens: ['sso-slow-reader-00000001'], overrides: { grok: { base_url: `http://127.0.0.1:${relay.port}`, assets_url: sim.assetsUrl, ws_url: sim.wsUrl } } },
      sim,
    );
    // The test watches the gateway's response objects: what it buffers and when it writes.
    h.gw.app.server.on('request', (_req, res: ServerResponse) => watch(res));
  });
  after(async () => {
    await h.close();
    await relay.stop();
    await sim.close();
  });

  // Bounded: without backpressure this test would buffer the whole answer and crawl.
  void it('pauses upstream reading while the client does not read; nothing is lost', { timeout: 60_000 }, async () => {
    // Kernel socket buffers on the loopback legs (up to tcp_wmem's max per sending socket) absorb
    // megabytes before anything blocks: the answer must be several times larger than that.
    const wmemMax = Number(readFileSync('/proc/sys/net/ipv4/tcp_wmem', 'utf8').trim().split(/\s+/)[2]) || 4 * 1024 * 1024;
    const TOKENS = Math.min(250_000, Math.max(40_000, Math.ceil((6 * wmemMax) / 200)));
    const prompt = `big [sim:tokens=${TOKENS}] [sim:no-thinking]`;
    const body = JSON.stringify({ model: 'grok-chat-fast', stream: true, messages: [{ role: 'user', content: prompt }] });

    // Watch the gateway's writes: after a write() that returned false, none may follow before 'drain'.
    let writesWhileBlocked = 0;
    let blockedWrites = 0;
    let maxBuffered = 0;
    const watched: ServerResponse[] = [];
    watch = (res) => {
      watched.push(res);
      const write = res.write.bind(res) as (...args: unknown[]) => boolean;
      let blocked = false;
      res.on('drain', () => (blocked = false));
      res.write = ((...args: unknown[]) => {
        if (blocked) writesWhileBlocked++;
        const ok = write(...args);
        if (!ok) {
          blocked = true;
          blockedWrites++;
        }
        return ok;
      }) as typeof res.write;
    };

    // A raw socket that reads nothing at all from the start: the slowest possible reader.
    // (An HTTP/1.0 request, so the body comes unframed and the server closes the socket at the end.)
    const url = new URL(h.baseURL);
    const sock = connect(Number(url.port), '127.0.0.1');
    sock.pause();
    await new Promise((r) => sock.once('connect', r));
    sock.write(
      `POST /v1/chat/completions HTTP/1.0\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${KEY}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    const samples: number[] = [];
    for (let i = 0; i < 20; i++) {
      await sleep(100);
      samples.push(relay.downstreamBytes);
      for (const r of watched) maxBuffered = Math.max(maxBuffered, r.writableLength);
    }
    const early = samples[9] ?? 0;
    const late = samples[19] ?? 0;

    const chunks: Buffer[] = [];
    sock.on('data', (d: Buffer) => chunks.push(d));
    sock.resume();
    const ended = await Promise.race([new Promise((r) => sock.once('end', () => r(true))), sleep(30_000).then(() => false)]);
    sock.destroy();
    assert.ok(ended, 'the stream ended within 30 s of the client reading again');
    const text = Buffer.concat(chunks).toString('utf8');
    const total = relay.downstreamBytes;

    const sse = text.slice(text.indexOf('\r\n\r\n') + 4);
    assert.match(text, /^HTTP\/1\.1 200 /);
    assert.ok(sse.endsWith('data: [DONE]\n\n'));
    let content = '';
    for (const block of sse.split('\n\n')) {
      if (!block.startsWith('data: {')) continue;
      content += (JSON.parse(block.slice(6)) as { choices?: Array<{ delta?: { content?: string } }> }).choices?.[0]?.delta?.content ?? '';
    }
    assert.equal(content, expectedAnswer(prompt).answer, 'the exact answer, nothing dropped');
    const info = `upstream bytes at 1 s ${early}, at 2 s ${late}, total ${total}; samples ${samples.join(' ')}`;
    // While the client read nothing, the gateway stopped reading from Grok ...
    assert.ok(late - early < 128 * 1024, `upstream kept flowing while the client was paused: ${info}`);
    assert.ok(late < total * 0.75, `most of the answer was still upstream when the pause ended: ${info}`);
    // ... kept only about one socket high-water mark of its own output in memory ...
    assert.ok(maxBuffered < 256 * 1024, `gateway buffered ${maxBuffered} bytes for the paused client`);
    // ... because it waits for 'drain' whenever a write says the socket is full.
    assert.ok(blockedWrites > 0, 'the client really applied backpressure');
    assert.equal(writesWhileBlocked, 0, 'no write between a full socket and its drain');
  });
});
