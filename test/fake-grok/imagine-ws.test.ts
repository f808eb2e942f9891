// The Imagine WebSocket with a real `ws` client: rounds, slots, moderation, errors, close.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import WebSocket from 'ws';
import { startFakeGrok } from './index.js';
import type { FakeGrok } from './index.js';

type Frame = Record<string, unknown>;

function connect(sim: FakeGrok, cookie = 'sso=good; sso-rw=good'): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(sim.wsUrl, { headers: { cookie, origin: 'https://grok.com' } });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function item(content: Record<string, unknown>): string {
  return JSON.stringify({ type: 'conversation.item.create', timestamp: Date.now(), item: { type: 'message', content: [content] } });
}

function sendRound(ws: WebSocket, text: string, props: Record<string, unknown> = {}): void {
  ws.send(item({ type: 'reset' }));
  ws.send(item({
    requestId: randomUUID(), text, type: 'input_text',
    properties: { section_count: 0, is_kids_mode: false, enable_nsfw: true, skip_upsampler: false, is_initial: false, aspect_ratio: '2:3', ...props },
  }));
}

/** Collects frames until `done(frames)` is true (or rejects after `ms`). */
function collect(ws: WebSocket, done: (fs: Frame[]) => boolean, ms = 5000): Promise<Frame[]> {
  return new Promise((resolve, reject) => {
    const fs: Frame[] = [];
    const timer = setTimeout(() => {
      ws.off('message', on);
      reject(new Error(`timeout after ${fs.length} frames`));
    }, ms);
    const on = (data: WebSocket.RawData): void => {
      fs.push(JSON.parse(data.toString()) as Frame);
      if (done(fs)) {
        clearTimeout(timer);
        ws.off('message', on);
        resolve(fs);
      }
    };
    ws.on('message', on);
  });
}

const completedCount = (n: number) => (fs: Frame[]): boolean => fs.filter((f) => f.current_status === 'completed').length >= n;

function closed(ws: WebSocket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) return resolve(true);
    const t = setTimeout(() => resolve(false), ms);
    ws.once('close', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

void describe('fake-grok imagine websocket', () => {
  let sim: FakeGrok;
  before(async () => {
    sim = await startFakeGrok({ tokens: { good: {} } });
  });
  after(async () => {
    await sim.close();
  });

  void it('refuses the upgrade without a valid sso cookie', async () => {
    await assert.rejects(connect(sim, ''), /HTTP 401/);
    await assert.rejects(connect(sim, 'sso=unknown'), /HTTP 401/);
    sim.setToken('limited', { status: 429 });
    await assert.rejects(connect(sim, 'sso=limited'), /HTTP 429/);
  });

  void it('speed mode (enable_pro:false) gives 6 slots: start_stage, PNG preview, big JPEG final, completed', async () => {
    const ws = await connect(sim);
    sendRound(ws, 'a red fox in snow', { enable_pro: false, enable_side_by_side: true });
    const fs = await collect(ws, completedCount(6));
    const ids = fs.filter((f) => f.current_status === 'start_stage').map((f) => f.image_id as string);
    assert.equal(ids.length, 6);
    for (const id of ids) {
      const mine = fs.filter((f) => f.image_id === id);
      assert.deepEqual(mine.map((f) => f.type === 'json' ? f.current_status : `image-${String(f.percentage_complete)}`),
        ['start_stage', 'image-50', 'image-100', 'completed']);
      const [, preview, final, done] = mine as [Frame, Frame, Frame, Frame];
      assert.match(preview.url as string, new RegExp(`/images/${id}\\.png$`));
      assert.ok((preview.blob as string).length < 30000);
      assert.ok(Buffer.from(preview.blob as string, 'base64').subarray(1, 4).toString() === 'PNG');
      assert.match(final.url as string, new RegExp(`/images/${id}\\.jpg$`));
      assert.ok((final.blob as string).length > 100000);
      assert.equal(Buffer.from(final.blob as string, 'base64').readUInt16BE(0), 0xffd8);
      assert.equal(done.moderated, false);
    }
    // The final URL is served (publicly) by the assets origin.
    const finalUrl = fs.find((f) => f.type === 'image' && f.percentage_complete === 100)?.url as string;
    assert.ok(finalUrl.startsWith(sim.assetsUrl));
    const res = await request(finalUrl);
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'image/jpeg');
    await res.body.dump();
    // The socket stays open after the round, and serves a second round.
    assert.equal(await closed(ws, 300), false);
    sendRound(ws, 'again', { enable_pro: true });
    const second = await collect(ws, completedCount(4));
    assert.equal(second.filter((f) => f.current_status === 'start_stage').length, 4);
    const recorded = sim.requests.filter((q) => q.method === 'WS');
    assert.ok(recorded.length >= 4);
    assert.equal(recorded[0]?.token, 'good');
    ws.close();
  });

  void it('quality mode and clients that do not say get 4 slots; slots=K overrides', async () => {
    const ws = await connect(sim);
    sendRound(ws, 'no pro flag');
    assert.equal((await collect(ws, completedCount(4))).filter((f) => f.current_status === 'start_stage').length, 4);
    sendRound(ws, 'two please [sim:slots=2]', { enable_pro: false });
    const fs = await collect(ws, completedCount(2));
    assert.equal(fs.filter((f) => f.current_status === 'start_stage').length, 2);
    ws.close();
  });

  void it('moderated=K completes K slots with moderated:true and no final image', async () => {
    const ws = await connect(sim);
    sendRound(ws, 'x [sim:moderated=2]', { enable_pro: true });
    const fs = await collect(ws, completedCount(4));
    const completed = fs.filter((f) => f.current_status === 'completed');
    assert.deepEqual(completed.map((f) => f.moderated), [false, false, true, true]);
    assert.equal(fs.filter((f) => f.type === 'image' && f.percentage_complete === 100).length, 2);
    ws.close();
  });

  void it('ws-error sends an error frame; ws-close closes after the round', async () => {
    const ws = await connect(sim);
    sendRound(ws, 'x [sim:ws-error]');
    const [err] = await collect(ws, (fs) => fs.length >= 1);
    assert.equal(err?.type, 'error');
    assert.equal(typeof err?.err_code, 'string');
    sendRound(ws, 'x [sim:ws-close][sim:slots=1]');
    await collect(ws, completedCount(1));
    assert.equal(await closed(ws, 1000), true);
  });

  void it('slow=MS spaces frames; reset cancels a round in flight', async () => {
    const ws = await connect(sim);
    const t0 = Date.now();
    sendRound(ws, 'x [sim:slow=30][sim:slots=1]');
    await collect(ws, completedCount(1));
    assert.ok(Date.now() - t0 >= 4 * 30 - 5);
    sendRound(ws, 'slow one [sim:slow=200][sim:slots=3]');
    await new Promise((r) => setTimeout(r, 50));
    ws.send(item({ type: 'reset' }));
    const got: Frame[] = [];
    ws.on('message', (d) => got.push(JSON.parse(d.toString()) as Frame));
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(got.length, 0, 'nothing after reset');
    ws.close();
  });

  void it('close() terminates open sockets', async () => {
    const s = await startFakeGrok({ acceptAnyToken: true });
    const ws = await connect(s, 'sso=z');
    await s.close();
    assert.equal(await closed(ws, 1000), true);
  });
});
