// ImagineClient against the simulator: the wire messages (reset + request), refused handshakes
// classified, cancellation.
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

  const req = { aspectRatio: '1:1', enablePro: false, n: 2, roundTimeoutMs: 5000, idleTimeoutMs: 2000 };

  void it('sends a reset, then the request with the A properties; returns n final JPEGs', async () => {
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
    assert.deepEqual(c.properties, {
      section_count: 0, is_kids_mode: false, enable_nsfw: true, skip_upsampler: false, is_initial: false,
      aspect_ratio: '1:1', enable_side_by_side: true, enable_pro: false,
    });
    const upgrade = sim.requests.find((x) => x.path.startsWith('/ws/imagine/listen') && x.method === 'GET');
    assert.match(String(upgrade?.headers.cookie), new RegExp(`sso=${TOKEN}; sso-rw=${TOKEN}`));
    assert.equal(upgrade?.headers.origin, sim.baseUrl);
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
