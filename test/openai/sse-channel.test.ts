// The SSE channel under every stream writer, over a real HTTP server and a raw client socket: the
// head (and no forced keep-alive for a client that asked to close), keep-alives only in silence,
// byte counting that matches what the client received, and nothing after end() or dispose().
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { SseChannel } from '../../src/openai/sse-channel.js';

const KEEP_ALIVE = ': keep-alive\n\n';

/** One request's response object, handed to the test, and everything the client received. */
interface Exchange {
  res: ServerResponse;
  received: () => Buffer;
  /** Resolves once the last chunk of the response has arrived. */
  ended: () => Promise<void>;
  closed: Promise<void>;
  hangUp: () => void;
}

void describe('SseChannel', () => {
  let server: Server;
  let port = 0;
  let pending: ((res: ServerResponse) => void) | undefined;

  before(async () => {
    server = createServer((_req, res) => pending?.(res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    // A failed test may leave its connection open: close them all, or close() would wait forever.
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  async function exchange(connection: 'keep-alive' | 'close' = 'keep-alive'): Promise<Exchange> {
    const got = new Promise<ServerResponse>((r) => (pending = r));
    const sock = connect(port, '127.0.0.1');
    const parts: Buffer[] = [];
    sock.on('data', (d: Buffer) => parts.push(d));
    const closed = new Promise<void>((r) => sock.once('close', () => r()));
    sock.write(`GET /s HTTP/1.1\r\nHost: x\r\nConnection: ${connection}\r\n\r\n`);
    const res = await got;
    const received = (): Buffer => Buffer.concat(parts);
    const ended = async (): Promise<void> => {
      while (!received().includes('\r\n0\r\n\r\n')) await sleep(10);
    };
    return { res, received, ended, closed, hangUp: () => sock.destroy() };
  }

  /** The head of a response, lower-cased. */
  function headOf(raw: Buffer): string {
    return raw.subarray(0, raw.indexOf('\r\n\r\n')).toString('latin1').toLowerCase();
  }

  /** The body of a chunked response, chunk framing removed (sizes are bytes, hence Buffers). */
  function body(raw: Buffer): string {
    let rest = raw.subarray(raw.indexOf('\r\n\r\n') + 4);
    const out: Buffer[] = [];
    for (;;) {
      const eol = rest.indexOf('\r\n');
      if (eol < 0) break;
      const size = parseInt(rest.subarray(0, eol).toString('latin1'), 16);
      if (!(size > 0)) break;
      out.push(rest.subarray(eol + 2, eol + 2 + size));
      rest = rest.subarray(eol + 2 + size + 2);
    }
    return Buffer.concat(out).toString('utf8');
  }

  void it('sends the SSE head with the given headers, does not force keep-alive, and counts the bytes the client gets', async () => {
    const x = await exchange('close');
    const sse = new SseChannel(x.res, 0, KEEP_ALIVE);
    sse.open({ 'x-request-id': 'r-1', 'x-count': 3, 'x-absent': undefined }, 'data: first\n\n');
    sse.open({ 'x-request-id': 'r-2' }, 'data: again\n\n'); // once only
    assert.equal(sse.write('data: é\n\n'), true);
    sse.end('data: [DONE]\n\n');
    await x.closed;
    const raw = x.received();
    const head = headOf(raw);
    assert.match(head, /^http\/1\.1 200/);
    assert.match(head, /\r\ncontent-type: text\/event-stream; charset=utf-8/);
    assert.match(head, /\r\ncache-control: no-cache, no-transform/);
    assert.match(head, /\r\nx-request-id: r-1\r\n/);
    assert.match(head, /\r\nx-count: 3\r\n/);
    assert.doesNotMatch(head, /x-absent/);
    assert.match(head, /\r\nconnection: close/);
    assert.doesNotMatch(head, /keep-alive/);
    const text = body(raw);
    assert.equal(text, 'data: first\n\ndata: é\n\ndata: [DONE]\n\n');
    assert.equal(sse.bytesWritten, Buffer.byteLength(text));
    assert.equal(sse.isOpen, true);
  });

  void it('sends keep-alives only while nothing else is written, and none after end()', async () => {
    const x = await exchange();
    const sse = new SseChannel(x.res, 500, KEEP_ALIVE);
    sse.open({}, 'data: start\n\n');
    // Writes every 50 ms for 600 ms: each postpones the keep-alive (500 ms of silence needed, so a
    // busy CI machine would have to stall the event loop for 450 ms to send one early).
    for (let i = 0; i < 12; i++) {
      await sleep(50);
      sse.write(`data: ${i}\n\n`);
    }
    assert.equal(body(x.received()).split(KEEP_ALIVE).length - 1, 0, 'no keep-alive while data flows');
    // Then silence: keep-alives fill it.
    await sleep(1200);
    const during = body(x.received()).split(KEEP_ALIVE).length - 1;
    assert.ok(during >= 1, `expected a keep-alive in 1200 ms of silence, got ${during}`);
    sse.end();
    assert.equal(sse.ended, true);
    assert.equal(sse.closed, true);
    await x.ended();
    const final = body(x.received());
    await sleep(1100);
    assert.equal(body(x.received()), final, 'nothing after end()');
    assert.equal(sse.bytesWritten, Buffer.byteLength(final));
    x.hangUp();
    await x.closed;
  });

  void it('dispose() stops the keep-alive and later writes without ending the response', async () => {
    const x = await exchange();
    const sse = new SseChannel(x.res, 200, KEEP_ALIVE);
    sse.open({}, 'data: start\n\n');
    sse.dispose();
    assert.equal(sse.write('data: late\n\n'), true);
    await sleep(600);
    assert.equal(body(x.received()), 'data: start\n\n');
    assert.equal(x.res.writableEnded, false, 'dispose() does not end the response');
    x.hangUp();
    await x.closed;
  });

  void it('drain() resolves at once on a destroyed response and when the socket closes', async () => {
    const x = await exchange();
    const sse = new SseChannel(x.res, 0, KEEP_ALIVE);
    sse.open({});
    const waiting = sse.drain();
    x.res.destroy();
    await waiting; // resolved by 'close'
    await sse.drain(); // destroyed: resolves at once
    assert.equal(sse.closed, true);
    assert.equal(x.res.listenerCount('drain'), 0, 'no listener left behind');
    await x.closed;
  });
});
