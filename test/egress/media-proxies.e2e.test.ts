// Media traffic through real local proxies in front of the simulator: the imagine WebSocket, an
// image edit's upload (v2), edit call and asset download, and a video's generation call
// and download all leave through the account's
// bound proxy with that proxy's own clearance (cf_clearance + User-Agent), never grok.cf_clearance;
// asset downloads take the asset pool (proxy.asset_urls) when there is one; a proxy that stopped
// answering costs no media request: the retry goes through another proxy, and the failure counts
// against the proxy, not the account.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { toFile } from 'openai';
import { accountIdFor } from '../../src/accounts/index.js';
import type { ProxyView } from '../../src/egress/index.js';
import { makePng, type RecordedRequest } from '../fake-grok/index.js';
import type { Harness } from '../e2e/harness.js';
import { startMediaHarness } from '../e2e/media-helpers.js';
import { startHttpProxy, startSocks5Proxy, type TestProxy } from './test-proxies.js';

const DIRECT_CLEARANCE = 'direct-ip-clearance-never-through-a-proxy';

interface Profile {
  clearance: string;
  userAgent: string;
}

function profile(name: string): Profile {
  return { clearance: `clearance-of-${name}-0123456789`, userAgent: `Mozilla/5.0 (X11; Linux x86_64) ${name} Chrome/136.0.0.0 Safari/537.36` };
}

function entry(proxy: TestProxy, p: Profile): string {
  return `${proxy.url} cf_clearance=${p.clearance} user_agent=${p.userAgent}`;
}

function overrides(urls: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    proxy: { urls, probe_interval: 30, probe_backoff: 30, probe_timeout: 1, fail_threshold: 10, ...extra },
    image: { use_ws: true, round_timeout: 10, idle_timeout: 2 },
    chat: { connect_timeout: 1 },
    retry: { backoff_base: 0.01, backoff_max: 0.05, max_attempts: 3 },
  };
}

/** grok.cf_clearance, the direct IP's clearance (an environment variable: `grok` overrides belong to the harness). */
const env = { GROK2API_GROK_CF_CLEARANCE: DIRECT_CLEARANCE };

function view(h: Harness, proxy: TestProxy): ProxyView {
  const v = h.gw.egress.list().find((p) => p.url.endsWith(`:${proxy.port}`));
  assert.ok(v, `proxy on port ${proxy.port} is listed`);
  return v;
}

/** HTTP requests (not WebSocket messages) the simulator received with `token`. */
function httpRequestsOf(h: Harness, token: string): RecordedRequest[] {
  return h.sim.requests.filter((r) => r.token === token && r.method !== 'WS');
}

function assertProfile(r: RecordedRequest, p: Profile): void {
  const cookie = String(r.headers.cookie);
  assert.ok(cookie.includes(`cf_clearance=${p.clearance}`), `${r.method} ${r.path}: the proxy's clearance (${cookie})`);
  assert.equal(r.headers['user-agent'], p.userAgent, `${r.method} ${r.path}: the proxy's User-Agent`);
}

function assertNoDirectClearance(h: Harness): void {
  assert.equal(h.gw.loaded.config.grok.cf_clearance, DIRECT_CLEARANCE, 'the direct clearance is configured');
  for (const r of h.sim.requests) assert.ok(!String(r.headers.cookie).includes(DIRECT_CLEARANCE), `${r.method} ${r.path} carried grok.cf_clearance through a proxy`);
}

async function editOnce(h: Harness, prompt: string): Promise<void> {
  const res = await h.openai.images.edit({
    model: 'grok-imagine-image-edit',
    image: await toFile(makePng(4, 4), 'in.png', { type: 'image/png' }),
    prompt,
    n: 1,
  });
  assert.equal(res.data?.length, 1);
  assert.match(res.data?.[0]?.url ?? '', /\/images\/[0-9a-f]{32}\.jpg$/, 'a cached link: the asset was downloaded');
}

void describe('egress: media traffic leaves through the account\'s proxy', () => {
  const tokens = ['sso-media-proxy-0001', 'sso-media-proxy-0002'];
  const profiles = { http: profile('HttpProxyBrowser'), socks: profile('SocksProxyBrowser') };
  let http: TestProxy;
  let socks: TestProxy;
  let h: Harness;
  before(async () => {
    http = await startHttpProxy({ auth: { user: 'media', pass: 'media-P4SS' } });
    socks = await startSocks5Proxy();
    h = await startMediaHarness({ tokens, env, config: overrides([entry(http, profiles.http), entry(socks, profiles.socks)]) });
  });
  after(async () => {
    await h.close();
    await http.close();
    await socks.close();
  });

  const proxyOf = (token: string): { proxy: TestProxy; other: TestProxy; profile: Profile } => {
    const bound = h.gw.accounts.proxyOf(accountIdFor(token));
    assert.ok(bound, `${token} is bound`);
    return bound === view(h, http).id ? { proxy: http, other: socks, profile: profiles.http } : { proxy: socks, other: http, profile: profiles.socks };
  };

  void it('image generation: the imagine WebSocket handshake goes through the bound proxy with its clearance', async () => {
    for (let i = 0; i < 2; i++) {
      h.sim.clearRequests();
      http.reset();
      socks.reset();
      const res = await h.openai.images.generate({ model: 'grok-imagine-image', prompt: `a fox ${i}`, n: 1 });
      assert.equal(res.data?.length, 1);
      const upgrades = h.sim.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/ws/imagine/listen'));
      assert.equal(upgrades.length, 1);
      const up = upgrades[0] as RecordedRequest;
      const token = up.token as string;
      const { proxy, other, profile: p } = proxyOf(token);
      assertProfile(up, p);
      assert.equal(proxy.tokenCounts().get(token), 1, 'the handshake was tunneled through the bound proxy');
      assert.equal(other.tokenCounts().get(token), undefined, 'and not through the other one');
    }
    assertNoDirectClearance(h);
  });

  void it('image edit: upload, edit call and asset download all go through the bound proxy', async () => {
    h.sim.clearRequests();
    http.reset();
    socks.reset();
    await editOnce(h, 'brighter');
    const upload = h.sim.requests.find((r) => r.path === '/http/upload-file-v2/direct');
    const token = upload?.token as string;
    const sent = httpRequestsOf(h, token);
    const paths = sent.map((r) => `${r.origin ?? 'app'} ${r.path.split('?')[0] ?? ''}`);
    for (const want of ['app /http/upload-file-v2/direct', 'app /rest/app-chat/conversations/new']) {
      assert.ok(paths.includes(want), `${want} in ${paths.join(', ')}`);
    }
    assert.ok(!paths.includes('app /rest/media/post/create'), 'no media post any more');
    const downloads = sent.filter((r) => r.origin === 'assets');
    assert.equal(downloads.length, 1, 'the generated image was downloaded');
    const { proxy, other, profile: p } = proxyOf(token);
    for (const r of sent) assertProfile(r, p);
    assert.ok((proxy.tokenCounts().get(token) ?? 0) >= 3, 'upload + edit + download through the bound proxy');
    assert.equal(other.tokenCounts().get(token), undefined);
    assertNoDirectClearance(h);
  });

  void it('video: the generation calls and the video download go through the bound proxy', async () => {
    h.sim.clearRequests();
    http.reset();
    socks.reset();
    const res = await h.openai.chat.completions.create({ model: 'grok-imagine-video', messages: [{ role: 'user', content: 'a dog surfing' }] });
    assert.match(res.choices[0]?.message.content ?? '', /^\[video\]\(http:\/\/127\.0\.0\.1:\d+\/videos\/[0-9a-f]{32}\.mp4\)$/, 'a cached link: the video was downloaded');
    const chat = h.sim.requests.find((r) => r.path === '/rest/app-chat/conversations/new');
    const token = chat?.token as string;
    const sent = httpRequestsOf(h, token);
    const downloads = sent.filter((r) => r.origin === 'assets');
    assert.ok(downloads.length >= 1, 'the video was fetched from the assets origin');
    const { proxy, other, profile: p } = proxyOf(token);
    for (const r of sent) assertProfile(r, p);
    assert.ok((proxy.tokenCounts().get(token) ?? 0) >= sent.length, 'every call of the video went through the bound proxy');
    assert.equal(other.tokenCounts().get(token), undefined);
    assertNoDirectClearance(h);
  });
});

void describe('egress: asset downloads take proxy.asset_urls', () => {
  const token = 'sso-media-asset-pool-01';
  const appProfile = profile('AppPoolBrowser');
  const assetProfile = profile('AssetPoolBrowser');
  let app: TestProxy;
  let assets: TestProxy;
  let h: Harness;
  before(async () => {
    app = await startHttpProxy();
    assets = await startSocks5Proxy({ auth: { user: 'assets', pass: 'assets-P4SS' } });
    h = await startMediaHarness({ tokens: [token], env, config: overrides([entry(app, appProfile)], { asset_urls: [entry(assets, assetProfile)] }) });
  });
  after(async () => {
    await h.close();
    await app.close();
    await assets.close();
  });

  void it('downloads go through the asset proxy with its clearance; the rest through the account\'s proxy', async () => {
    h.sim.clearRequests();
    await editOnce(h, 'asset pool');
    const sent = httpRequestsOf(h, token);
    const downloads = sent.filter((r) => r.origin === 'assets');
    const rest = sent.filter((r) => r.origin !== 'assets');
    assert.equal(downloads.length, 1);
    assert.ok(rest.length >= 2, 'upload, edit call');
    for (const r of downloads) assertProfile(r, assetProfile);
    for (const r of rest) assertProfile(r, appProfile);
    assert.equal(assets.tokenCounts().get(token), downloads.length, 'the asset proxy carried the downloads, nothing else');
    assert.ok((app.tokenCounts().get(token) ?? 0) >= rest.length);
    assert.ok(view(h, assets).successes >= 1, 'the download was reported to the asset proxy');
    assertNoDirectClearance(h);
  });
});

void describe('egress: a proxy that stops answering during media calls', () => {
  const tokens = ['sso-media-failover-01', 'sso-media-failover-02'];
  let dead: TestProxy;
  let alive: TestProxy;
  let h: Harness;
  before(async () => {
    dead = await startHttpProxy();
    alive = await startSocks5Proxy();
    // fail_threshold 10 and slow probes: the stopped proxy still looks healthy, so every request
    // meets it first and must be retried through the other one.
    h = await startMediaHarness({ tokens, env, config: overrides([dead.url, alive.url]) });
    const deadId = view(h, dead).id;
    for (const t of tokens) assert.deepEqual(await h.gw.egress.bind(accountIdFor(t), deadId), { ok: true });
    await dead.stop();
  });
  after(async () => {
    await h.close();
    await dead.close();
    await alive.close();
  });

  const assertRetriedThroughAlive = (failuresBefore: number): void => {
    const v = view(h, dead);
    assert.ok(v.failures > failuresBefore, `the failure counts against the stopped proxy (${v.failures})`);
    assert.ok(v.lastError, 'with its error');
    const carried = tokens.filter((t) => (alive.tokenCounts().get(t) ?? 0) > 0);
    assert.equal(carried.length, 1, 'the retry (another account) went through the live proxy');
    for (const t of tokens) {
      const acc = h.gw.accounts.pool.get(accountIdFor(t));
      assert.equal(acc?.rec.status, 'active', `${t} is not blamed`);
      assert.equal(h.gw.accounts.proxyOf(accountIdFor(t)), v.id, `${t} keeps its pin`);
    }
  };

  void it('imagine WebSocket: the handshake through the stopped proxy fails, the retry succeeds through another', async () => {
    alive.reset();
    const failures = view(h, dead).failures;
    const res = await h.openai.images.generate({ model: 'grok-imagine-image', prompt: 'failover fox', n: 1 });
    assert.equal(res.data?.length, 1);
    assertRetriedThroughAlive(failures);
    assert.ok(h.logs.some((l) => l.includes('retrying on another account') && l.includes('"kind":"transport"')));
  });

  void it('image edit: the upload through the stopped proxy fails, the retry succeeds through another', async () => {
    alive.reset();
    h.sim.clearRequests();
    const failures = view(h, dead).failures;
    await editOnce(h, 'failover edit');
    assertRetriedThroughAlive(failures);
    const uploads = h.sim.requests.filter((r) => r.path === '/http/upload-file-v2/direct');
    assert.equal(uploads.length, 1, 'only the retry reached Grok');
  });
});
