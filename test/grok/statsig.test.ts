// x-statsig-id: the three modes, the per method+path cache and its invalidation, the signer's page
// meta + signer call (against local servers: no third party), and GrokClient re-making the value
// and retrying once after a challenge 403 (against the simulator, which refuses a bad value).
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  GrokClient,
  GrokHeaders,
  StatsigProvider,
  createStatsigSigner,
  decodeStatsig,
  findSiteVerification,
  generateStatsigId,
  statsigProblem,
  type StatsigSettings,
} from '../../src/grok/index.js';
import { startFakeGrok, type FakeGrok } from '../fake-grok/index.js';
import { UndiciTransport } from '../../src/egress/index.js';

const VALID70 = Buffer.alloc(70, 7).toString('base64');

function settings(over: Partial<StatsigSettings>): () => StatsigSettings {
  const s: StatsigSettings = { mode: 'local', manualValue: '', signerUrl: '', ...over };
  return () => s;
}

async function listen(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void>; server: http.Server }> {
  const server = http.createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, server, close: () => new Promise((r) => server.close(() => r())) };
}

void describe('StatsigProvider', () => {
  void it('local: the SDK-not-ready text, cached per method + path (query ignored), re-made after invalidate', async () => {
    const p = new StatsigProvider(settings({ mode: 'local' }));
    const a = await p.value('POST', '/rest/rate-limits');
    assert.match(Buffer.from(a, 'base64').toString(), /^x1:TypeError/);
    assert.equal(await p.value('post', '/rest/rate-limits?x=1'), a);
    const other = await p.value('POST', '/rest/app-chat/conversations/new');
    assert.notEqual(other, a, 'another path has its own value');
    p.invalidate('POST', '/rest/rate-limits');
    assert.notEqual(await p.value('POST', '/rest/rate-limits'), a);
    assert.equal(p.renewable, true);
  });

  void it('cached for an hour', async () => {
    let now = 1_000_000;
    let calls = 0;
    const p = new StatsigProvider(settings({ mode: 'signer', signerUrl: 'http://signer.test' }), async () => `v${++calls}`, () => now);
    assert.equal(await p.value('POST', '/a'), 'v1');
    now += 59 * 60_000;
    assert.equal(await p.value('POST', '/a'), 'v1');
    now += 2 * 60_000;
    assert.equal(await p.value('POST', '/a'), 'v2');
  });

  void it('manual: the operator value unchanged, never renewed', async () => {
    const p = new StatsigProvider(settings({ mode: 'manual', manualValue: ` ${VALID70} ` }));
    assert.equal(await p.value('POST', '/a'), VALID70);
    assert.equal(p.renewable, false);
    assert.equal(statsigProblem(VALID70), undefined);
    assert.match(String(statsigProblem(generateStatsigId())), /decodes to \d+ bytes/);
    assert.equal(statsigProblem('not base64!'), 'is not base64');
    assert.equal(decodeStatsig('a!'), undefined);
    assert.equal(decodeStatsig(VALID70)?.length, 70);
  });

  void it('signer: concurrent misses share one call; a failure reuses a stale value; a changed setting clears the cache', async () => {
    let now = 0;
    let calls = 0;
    let fail = false;
    const s: StatsigSettings = { mode: 'signer', manualValue: '', signerUrl: 'http://signer.test' };
    const p = new StatsigProvider(() => s, async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 5));
      if (fail) throw new Error('signer down');
      return `v${calls}`;
    }, () => now);
    const [a, b] = await Promise.all([p.value('POST', '/x'), p.value('POST', '/x')]);
    assert.equal(a, 'v1');
    assert.equal(b, 'v1');
    assert.equal(calls, 1);
    now += 2 * 3600_000;
    fail = true;
    assert.equal(await p.value('POST', '/x'), 'v1', 'stale beats none');
    fail = false;
    s.signerUrl = 'http://other-signer.test';
    const next = `v${calls + 1}`;
    assert.equal(await p.value('POST', '/x'), next, 'a new signer URL drops the cached value');
  });

  void it('signer mode without a URL fails and calls nothing', async () => {
    let called = false;
    const p = new StatsigProvider(settings({ mode: 'signer', signerUrl: '' }), async () => {
      called = true;
      return 'x';
    });
    await assert.rejects(p.value('POST', '/x'), /statsig_signer_url/);
    assert.equal(called, false);
  });
});

void describe('createStatsigSigner', () => {
  void it('reads the grok-site-verification meta (BASE/ after a 404 /index), then asks the signer', async () => {
    const seen: Array<{ path: string; cookie: string | undefined; body?: string }> = [];
    const site = await listen((req, res) => {
      seen.push({ path: req.url ?? '', cookie: req.headers.cookie });
      if (req.url === '/index') {
        res.writeHead(404, { 'content-type': 'text/html' }).end('<html>not here</html>');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><head><meta name="Grok\u2011Site-Verification" content="META-123"/></head></html>');
    });
    const signer = await listen((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ path: `signer ${req.url ?? ''}`, cookie: req.headers.cookie, body });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ 'x-statsig-id': VALID70 }));
      });
    });
    try {
      const sign = createStatsigSigner({
        baseUrl: site.url,
        signerUrl: () => `${signer.url}/sign`,
        headers: new GrokHeaders({ baseUrl: site.url, userAgent: 'UA', acceptLanguage: 'en' }),
        token: () => 'tok',
      });
      assert.equal(await sign('POST', '/rest/rate-limits'), VALID70);
      assert.deepEqual(seen.map((s) => s.path), ['/index', '/', 'signer /sign']);
      assert.equal(seen[0]?.cookie, 'sso=tok; sso-rw=tok');
      assert.equal(seen[2]?.cookie, undefined, 'the SSO cookie never goes to the signer');
      assert.deepEqual(JSON.parse(seen[2]?.body ?? ''), { method: 'POST', path: '/rest/rate-limits', environment: { metaContent: 'META-123' } });
    } finally {
      await site.close();
      await signer.close();
    }
  });

  void it('a signer answer that does not decode to 70 bytes is refused (after one retry)', async () => {
    let signs = 0;
    const site = await listen((_req, res) => res.writeHead(200).end('<meta name="grok-site-verification" content="M">'));
    const signer = await listen((_req, res) => {
      signs++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"x-statsig-id":"c2hvcnQ="}');
    });
    try {
      const sign = createStatsigSigner({ baseUrl: site.url, signerUrl: () => signer.url, headers: new GrokHeaders({ baseUrl: site.url, userAgent: 'UA', acceptLanguage: 'en' }), token: () => undefined });
      await assert.rejects(sign('POST', '/x'), /70 bytes/);
      assert.equal(signs, 2);
    } finally {
      await site.close();
      await signer.close();
    }
  });

  void it('findSiteVerification', () => {
    assert.equal(findSiteVerification('<meta content="x"><meta name="other" content="y"><META NAME="grok-site-verification" CONTENT="z">'), 'z');
    assert.equal(findSiteVerification('<html></html>'), undefined);
  });
});

void describe('GrokClient and statsig', () => {
  const TOKEN = 'sso-statsig-client-01';
  let sim: FakeGrok;
  before(async () => {
    sim = await startFakeGrok({ tokens: { [TOKEN]: {} } });
  });
  after(async () => {
    await sim.close();
  });

  function clientWith(values: string[], mode: StatsigSettings['mode'] = 'signer'): { client: GrokClient; signed: () => number } {
    let i = 0;
    const provider = new StatsigProvider(settings({ mode, signerUrl: 'http://signer.test', manualValue: values[0] ?? '' }), async () => values[Math.min(i++, values.length - 1)] as string);
    const client = new GrokClient({
      endpoints: { baseUrl: sim.baseUrl, assetsUrl: sim.assetsUrl, wsUrl: sim.wsUrl },
      userAgent: 'UA',
      acceptLanguage: 'en',
      headersTimeoutMs: 5000,
      // What the client built for itself before transports moved to src/egress.
      transport: new UndiciTransport({ connectTimeoutMs: 2000, headersTimeoutMs: 5000, requestTimeoutMs: 5000 }),
      ownsTransport: true,
      statsig: provider,
    });
    return { client, signed: () => i };
  }

  void it('a media call whose value draws a challenge 403 gets a new value and goes through on the one retry', async () => {
    const { client, signed } = clientWith(['not base64!', VALID70]);
    sim.clearRequests();
    const r = await client.openChat(TOKEN, { message: 'hi', modeId: 'fast' }, { renewStatsig: true });
    r.abort();
    const sent = sim.requests.filter((q) => q.path === '/rest/app-chat/conversations/new').map((q) => q.headers['x-statsig-id']);
    assert.deepEqual(sent, ['not base64!', VALID70]);
    assert.equal(signed(), 2);
    await client.close();
  });

  void it('rate-limits renews too; quota_info never retries; manual mode never retries', async () => {
    const rl = clientWith(['not base64!', VALID70]);
    assert.ok(await rl.client.rateLimits(TOKEN, 'fast'));
    await rl.client.close();
    const qi = clientWith(['not base64!', VALID70]);
    sim.clearRequests();
    await assert.rejects(qi.client.quotaInfo(TOKEN), (e: unknown) => e instanceof Error && /anti-bot/.test(e.message));
    assert.equal(sim.requests.filter((q) => q.path === '/rest/media/imagine/quota_info').length, 1);
    await qi.client.close();
    const manual = clientWith(['not base64!'], 'manual');
    sim.clearRequests();
    await assert.rejects(manual.client.openChat(TOKEN, { message: 'hi' }, { renewStatsig: true }));
    assert.equal(sim.requests.filter((q) => q.path === '/rest/app-chat/conversations/new').length, 1);
    await manual.client.close();
  });

  void it('without renewStatsig (the chat path) a 403 is not retried', async () => {
    const { client } = clientWith(['not base64!', VALID70]);
    sim.clearRequests();
    await assert.rejects(client.openChat(TOKEN, { message: 'hi' }));
    assert.equal(sim.requests.filter((q) => q.path === '/rest/app-chat/conversations/new').length, 1);
    await client.close();
  });
});
