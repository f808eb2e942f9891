// ImagineClient against the simulator: the wire messages (reset + request with num_generations,
// enable_nsfw, enable_pro, img_ request id), one round per socket, previews vs finals, refused
// handshakes classified, cancellation.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GrokHeaders, GrokUpstreamError, ImagineClient } from '../../src/grok/index.js';
import { startFakeGrok, type FakeGrok } from '../fake-grok/index.js';

const TOKEN = 'sso-imagine-client-01';

void describe('ImagineClient', () => {
  let sim: FakeGrok;
  let client: ImagineClient;
  before(async () => {
    sim = await startFakeGrok({ tokens: { [TOKEN]: {}, 'sso-blocked-token-01': { status: 403, variant: 'blocked' } } });
    client = new ImagineClient({
      wsUrl: sim.wsUrl,
      headers: new GrokHeaders({ baseUrl: sim.baseUrl, userAgent: 'Mozilla/5.0 Chrome/136.0.0.0', acceptLanguage: 'en' }),
      connectTimeoutMs: 2000,
    });
  });
  after(async () => {
    await sim.close();
  });

  const req = { aspectRatio: '1:1', enablePro: false, n: 2, nsfw: false, roundTimeoutMs: 5000, idleTimeoutMs: 2000 };

  void it('sends a reset, then the request asking for exactly n images; returns n final JPEGs, previews as partials', async () => {
    sim.clearRequests();
    const partials: number[] = [];
    const r = await client.generate(TOKEN, { ...req, prompt: 'a moon', onPartial: (p) => partials.push(p.slot) });
    assert.equal(r.images.length, 2);
    assert.ok(r.images.every((i) => i.mimeType === 'image/jpeg' && i.bytes[0] === 0xff && i.url?.endsWith('.jpg')));
    assert.ok(partials.length >= 2);
    const msgs = sim.requests.filter((x) => x.method === 'WS').map((x) => x.body as { item: { content: Array<Record<string, unknown>> } });
    assert.equal(msgs[0]?.item.content[0]?.type, 'reset');
    const c = msgs[1]?.item.content[0] ?? {};
    assert.equal(c.type, 'input_text');
    assert.equal(c.text, 'a moon');
    assert.match(String(c.requestId), /^img_[0-9a-f]{32}$/);
    assert.deepEqual(c.properties, {
      section_count: 0, is_kids_mode: false, enable_nsfw: false, skip_upsampler: false, enable_side_by_side: true, is_initial: false,
      aspect_ratio: '1:1', enable_pro: false, num_generations: 2,
    });
    const upgrade = sim.requests.find((x) => x.path.startsWith('/ws/imagine/listen') && x.method === 'GET');
    assert.match(String(upgrade?.headers.cookie), new RegExp(`sso=${TOKEN}; sso-rw=${TOKEN}`));
    assert.equal(upgrade?.headers.origin, sim.baseUrl);
    assert.equal(upgrade?.headers['x-statsig-id'], undefined);
    assert.equal(upgrade?.headers['sec-ch-ua'], undefined);
    assert.deepEqual(sim.statsigViolations(), []);
  });

  void it('enable_nsfw and enable_pro follow the request; a short round is topped up on a new socket', async () => {
    sim.clearRequests();
    // [sim:slots=1]: the server makes one image per round whatever was asked.
    const r = await client.generate(TOKEN, { ...req, n: 2, nsfw: true, enablePro: true, prompt: 'two suns [sim:slots=1]' });
    assert.equal(r.images.length, 2);
    assert.equal(r.rounds, 2);
    const upgrades = sim.requests.filter((x) => x.path.startsWith('/ws/imagine/listen') && x.method === 'GET');
    assert.equal(upgrades.length, 2, 'one socket per round');
    const asks = sim.requests
      .filter((x) => x.method === 'WS')
      .map((x) => (x.body as { item: { content: Array<{ type: string; properties?: Record<string, unknown> }> } }).item.content[0])
      .filter((c) => c?.type === 'input_text');
    assert.deepEqual(asks.map((c) => c?.properties?.num_generations), [2, 1], 'the second round asks only for the missing image');
    assert.ok(asks.every((c) => c?.properties?.enable_nsfw === true && c.properties.enable_pro === true));
  });

  void it('classifies a refused handshake (401 unknown session, 403 blocked)', async () => {
    await assert.rejects(client.generate('sso-unknown-0000', { ...req, prompt: 'x' }), (e: unknown) => e instanceof GrokUpstreamError && e.kind === 'invalid-credential');
    await assert.rejects(client.generate('sso-blocked-token-01', { ...req, prompt: 'x' }), (e: unknown) => e instanceof GrokUpstreamError && e.kind === 'blocked-account');
  });

  void it('stops when the caller aborts', async () => {
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(new Error('client gone')), 100);
    await assert.rejects(client.generate(TOKEN, { ...req, prompt: 'slow [sim:slow=300]', signal: ctl.signal }), /client gone/);
  });
});
