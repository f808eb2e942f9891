// Protocol drift end to end: the simulator changes the mgw protocol for one request (a new event
// type; a renamed answer field) and the very next /metrics scrape and GET /api/protocol/drift show
// the signature, at the default sample rate; the additive change leaves the answer as it was.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loggedIn, type AdminClient } from '../admin/helpers.js';
import { makePng } from '../fake-grok/index.js';

interface DriftAnswer {
  sampleRate: number;
  signatures: Array<{ signature: string; kind: string; count: number; firstSeen: number; lastSeen: number; models: string[]; sources: string[]; sample: unknown }>;
}

void describe('protocol drift (simulator → /metrics, /api/protocol/drift)', () => {
  let c: AdminClient;
  before(async () => {
    c = await loggedIn({ tokens: ['sso-drift-token-aaaaaaaaaaaaaaaa-0001'] });
  });
  after(async () => {
    await c?.close();
  });

  const ask = async (content: string): Promise<string> => {
    const r = await c.h.openai.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content }] });
    return r.choices[0]?.message.content ?? '';
  };

  void it('today\'s protocol gives no signature (chat, session lookup, upload)', async () => {
    await ask('hello there');
    const png = makePng(3, 3).toString('base64');
    const r = await c.h.openai.chat.completions.create({
      model: 'grok-chat-fast',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } }] }],
    });
    assert.ok(r.choices[0]?.message.content);
    assert.ok(c.h.sim.requests.some((q) => q.path === '/http/upload-file-v2/direct'), 'an upload answer was checked');
    const d = (await c.call('GET', '/api/protocol/drift')).json<DriftAnswer & { checked: number }>();
    assert.equal(d.sampleRate, 0.05);
    assert.deepEqual(d.signatures, []);
    // The session answer and the upload answer are checked every time.
    assert.ok(d.checked >= 2, `checked ${d.checked}`);
  });

  void it('a new event type shows within one request, and the answer is unaffected', async () => {
    const plain = await ask('tell me a fact');
    const drifted = await ask('tell me a fact [sim:extra-event=response.memory.updated]');
    assert.equal(drifted, plain);
    const res = await c.call('GET', '/api/protocol/drift');
    assert.equal(res.status, 200);
    const sig = res.json<DriftAnswer>().signatures.find((s) => s.kind === 'unknown-event');
    assert.ok(sig, res.body);
    assert.equal(sig.signature, 'unknown-event mgw response.memory.updated object');
    assert.equal(sig.count, 1);
    assert.deepEqual(sig.sources, ['mgw']);
    assert.ok(sig.models.length === 1 && sig.firstSeen > 0 && sig.lastSeen >= sig.firstSeen);
    const metrics = await c.h.gw.app.inject({ method: 'GET', url: '/metrics' });
    assert.match(metrics.body, /grok2api_protocol_drift_total\{kind="unknown-event",signature="unknown-event mgw response\.memory\.updated object"\} 1/);
    const logged = c.h.logs.filter((l) => l.includes('protocol drift'));
    assert.equal(logged.length, 1, 'one warning line for the new signature');
    await ask('again [sim:extra-event=response.memory.updated]');
    assert.equal(c.h.logs.filter((l) => l.includes('protocol drift')).length, 1, 'no second warning for a known signature');
  });

  void it('a renamed answer field shows within one request', async () => {
    await ask('rename please [sim:rename-field]').catch(() => '');
    const d = (await c.call('GET', '/api/protocol/drift')).json<DriftAnswer>();
    const names = d.signatures.map((s) => s.signature);
    assert.ok(names.includes('renamed-field mgw response.chunk.chunk.text.text content:string'), names.join('\n'));
    const ready = await c.h.gw.app.inject({ method: 'GET', url: '/ready' });
    assert.equal(ready.statusCode, 200, 'drift is a warning, not an outage');
  });

  void it('needs an admin session', async () => {
    const res = await c.h.gw.app.inject({ method: 'GET', url: '/api/protocol/drift' });
    assert.equal(res.statusCode, 401);
  });
});

void describe('protocol drift: imagine WebSocket messages, every one checked', () => {
  let c: AdminClient;
  before(async () => {
    c = await loggedIn({
      tokens: ['sso-drift-img-aaaaaaaaaaaaaaaa-0001'],
      overrides: {
        accounts: { sync_on_import: false, default_tier: 'heavy' },
        image: { use_ws: true, round_timeout: 10, idle_timeout: 1 },
        grok: { drift_sample_rate: 1 },
      },
    });
  });
  after(async () => {
    await c?.close();
  });

  void it('a generation through the simulator\'s imagine socket gives no signature', async () => {
    const res = await c.h.openai.images.generate({ model: 'grok-imagine-image', prompt: 'a red fox in snow', n: 2 });
    assert.equal(res.data?.length, 2);
    const d = (await c.call('GET', '/api/protocol/drift')).json<DriftAnswer & { checked: number }>();
    assert.equal(d.sampleRate, 1);
    assert.deepEqual(d.signatures, []);
    // start_stage, preview, final and completed per slot: every message was looked at.
    assert.ok(d.checked >= 8, `checked ${d.checked}`);
  });
});
