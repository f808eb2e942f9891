// An over-limit JSON body gets a 413 the client can read: the gateway reads and discards the
// announced body (up to server.body_drain_limit_mb) before answering, instead of closing the socket
// mid-upload (which gave the openai SDK EPIPE, and made it re-send the body).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import OpenAI from 'openai';
import { startHarness, type Harness } from '../e2e/harness.js';
import { portOf } from './raw-http.js';

const KEY = 'sk-test-harness-key-000000';

/** Uploads `total` bytes as fast as the socket takes them; resolves with what the server answered. */
async function upload(port: number, total: number): Promise<{ wrote: number; writeError: string | undefined; response: string }> {
  const s = net.connect(port, '127.0.0.1');
  let response = '';
  let writeError: string | undefined;
  s.on('data', (d: Buffer) => {
    response += d.toString('latin1');
  });
  s.on('error', (e: NodeJS.ErrnoException) => {
    writeError = e.code ?? e.message;
  });
  await new Promise((r) => s.once('connect', r));
  s.write(`POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${KEY}\r\ncontent-type: application/json\r\ncontent-length: ${total}\r\n\r\n`);
  const chunk = Buffer.alloc(64 * 1024, 0x78);
  let wrote = 0;
  while (wrote < total && !s.destroyed) {
    const piece = chunk.subarray(0, Math.min(chunk.length, total - wrote));
    const ok = s.write(piece);
    wrote += piece.length;
    if (!ok) await new Promise((r) => { s.once('drain', r); s.once('close', r); });
  }
  for (let i = 0; i < 200 && !/\r\n\r\n[\s\S]*\}/.test(response) && !s.destroyed; i++) await new Promise((r) => setTimeout(r, 10));
  s.destroy();
  return { wrote, writeError, response };
}

void describe('over-limit request bodies', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ apiKey: KEY, overrides: { server: { body_limit_mb: 1, body_drain_limit_mb: 8 } } });
  });
  after(async () => {
    await h.close();
  });

  void it('a body over the limit (within the drain bound) is read to its end, then answered 413 on a kept-alive connection', async () => {
    const r = await upload(portOf(h.baseURL), 6 * 1024 * 1024);
    assert.equal(r.writeError, undefined, 'no EPIPE / reset while uploading');
    assert.equal(r.wrote, 6 * 1024 * 1024);
    assert.match(r.response, /^HTTP\/1\.1 413 /);
    assert.doesNotMatch(r.response, /connection: close/i);
    assert.match(r.response, /"code":"request_too_large"/);
  });

  void it('the openai SDK reads the 413 as an APIError, every time', async () => {
    for (let i = 0; i < 5; i++) {
      await assert.rejects(
        h.openai.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'x'.repeat(3 * 1024 * 1024) }] }),
        (e: unknown) => e instanceof OpenAI.APIError && e.status === 413 && e.code === 'request_too_large',
      );
    }
  });

  void it('beyond the drain bound the 413 comes at once and the connection is closed', async () => {
    const r = await upload(portOf(h.baseURL), 20 * 1024 * 1024);
    assert.ok(r.wrote < 20 * 1024 * 1024 || r.writeError !== undefined || /connection: close/i.test(r.response), 'not drained');
  });
});
