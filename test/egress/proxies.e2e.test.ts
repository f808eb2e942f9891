// The gateway with real local proxies (HTTP CONNECT with basic auth, SOCKS5 with auth) in front of
// the simulator: each account's traffic goes through its bound proxy only; a stopped proxy loses no
// client request and its accounts move; the health check takes it out and brings it back; a proxy
// whose IP gets Cloudflare's 403 is a proxy problem, never the account's; `proxyURL@token` pins.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { accountIdFor } from '../../src/accounts/index.js';
import { request } from 'undici';
import { createTransport, egressMediaTransport, type ProxyView } from '../../src/egress/index.js';
import { expectedAnswer, simHeaders } from '../fake-grok/index.js';
import { startHarness, type Harness } from '../e2e/harness.js';
import { startHttpProxy, startSocks5Proxy, type TestProxy } from './test-proxies.js';

const HTTP_PASS = 'http-pass-S3CRET';
const SOCKS_PASS = 'socks-pass-S3CRET';

function proxyOverrides(urls: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    proxy: { urls, probe_interval: 0.4, probe_backoff: 0.2, probe_timeout: 1, fail_threshold: 2, ...extra },
    chat: { connect_timeout: 1 },
    retry: { backoff_base: 0.01, backoff_max: 0.05, max_attempts: 3 },
  };
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 8000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for: ${what}`);
    await sleep(25);
  }
}

async function ask(h: Harness, n: number, tag: string): Promise<void> {
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const content = `${tag} ${i}`;
      if (i % 2 === 0) {
        const res = await h.openai.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content }] });
        assert.equal(res.choices[0]?.message.content, expectedAnswer(content).answer);
      } else {
        const stream = await h.openai.chat.completions.create({ model: 'grok-chat-fast', stream: true, messages: [{ role: 'user', content }] });
        let text = '';
        for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
        assert.equal(text, expectedAnswer(content).answer);
      }
    }),
  );
}

function view(h: Harness, proxy: TestProxy): ProxyView {
  const v = h.gw.egress.list().find((p) => p.url.endsWith(`:${proxy.port}`));
  assert.ok(v, `proxy on port ${proxy.port} is listed`);
  return v;
}

function proxyIdOf(h: Harness, proxy: TestProxy): string {
  return view(h, proxy).id;
}

function boundTo(h: Harness, token: string): string | undefined {
  return h.gw.accounts.proxyOf(accountIdFor(token));
}

async function ready(h: Harness): Promise<{ status: number; reasons: string[] }> {
  const res = await fetch(h.baseURL.replace(/\/v1$/, '/ready'));
  const body = (await res.json()) as { reasons?: string[] };
  return { status: res.status, reasons: body.reasons ?? [] };
}

void describe('egress: accounts bound to real proxies', () => {
  const tokens = ['sso-egress-acct-0001', 'sso-egress-acct-0002', 'sso-egress-acct-0003', 'sso-egress-acct-0004'];
  let http: TestProxy;
  let socks: TestProxy;
  let h: Harness;
  before(async () => {
    http = await startHttpProxy({ auth: { user: 'alice', pass: HTTP_PASS } });
    socks = await startSocks5Proxy({ auth: { user: 'bob', pass: SOCKS_PASS } });
    h = await startHarness({ tokens, overrides: proxyOverrides([http.url, socks.url]) });
  });
  after(async () => {
    await h.close();
    await http.close();
    await socks.close();
  });

  void it('spreads accounts evenly and sends each account only through its bound proxy', async () => {
    await ask(h, 16, 'spread');
    const httpId = proxyIdOf(h, http);
    const socksId = proxyIdOf(h, socks);
    const byProxy = new Map<string, string[]>();
    for (const t of tokens) {
      const pid = boundTo(h, t);
      assert.ok(pid === httpId || pid === socksId, `${t} is bound`);
      byProxy.set(pid, [...(byProxy.get(pid) ?? []), t]);
    }
    assert.equal(byProxy.get(httpId)?.length, 2, 'least-bound first: 2 and 2');
    assert.equal(view(h, http).boundAccounts, 2);
    assert.equal(view(h, socks).boundAccounts, 2);
    let total = 0;
    for (const [proxy, id] of [[http, httpId], [socks, socksId]] as const) {
      for (const [token, n] of proxy.tokenCounts()) {
        assert.equal(boundTo(h, token), id, `${token} went through a proxy it is not bound to`);
        total += n;
      }
    }
    // 16 chat turns, plus (on mgw) each account's user-id lookup: every HTTP request or upgrade the simulator saw.
    const upstream = h.sim.requests.filter((r) => r.method !== 'WS' && r.token !== undefined && tokens.includes(r.token)).length;
    assert.ok(upstream >= 16, `${upstream} upstream calls`);
    assert.equal(total, upstream, 'every upstream call went through a proxy');
    // Sticky: a second round changes nothing.
    const before = tokens.map((t) => boundTo(h, t));
    await ask(h, 8, 'sticky');
    assert.deepEqual(tokens.map((t) => boundTo(h, t)), before);
  });

  void it('media transport: uploads (fresh connections) and asset downloads leave through the account\'s proxy', async () => {
    const direct = createTransport({ kind: 'undici', connectTimeoutMs: 1000, headersTimeoutMs: 2000, requestTimeoutMs: 5000 });
    try {
      const media = egressMediaTransport(h.gw.egress, direct, accountIdFor);
      const token = tokens[0] as string;
      const proxy = boundTo(h, token) === proxyIdOf(h, http) ? http : socks;
      proxy.reset();
      const before = proxy.connections;
      for (const e of [media.fresh(token), media.shared(token), media.assets(token)]) {
        const res = await request(`${h.sim.baseUrl}/rest/rate-limits`, { method: 'POST', headers: simHeaders(token), body: '{"modelName":"auto"}', dispatcher: e.dispatcher });
        await res.body.text();
        assert.ok(e.headers, 'per-proxy headers go with the proxy\'s connections');
        assert.equal(e.report, undefined, 'no asset pool: the caller reports');
      }
      assert.equal(proxy.tokenCounts().get(token), 3);
      assert.ok(proxy.connections > before, 'the fresh dispatcher opened its own tunnel');
      const ws = media.webSocket(token);
      assert.ok(ws.agent && ws.headers, 'the WebSocket tunnels through the proxy, with its headers');
    } finally {
      await direct.close();
    }
  });

  void it('never shows a proxy password in listings or logs; the call line names the proxy masked', () => {
    const listing = JSON.stringify(h.gw.egress.list());
    assert.ok(!listing.includes(HTTP_PASS) && !listing.includes(SOCKS_PASS));
    assert.match(listing, /http:\/\/alice:\*\*\*\*@127\.0\.0\.1:\d+/);
    const logs = h.logs.join('');
    assert.ok(!logs.includes(HTTP_PASS) && !logs.includes(SOCKS_PASS), 'no password in any log line');
    assert.match(logs, /"proxy":"(http:\/\/alice|socks5:\/\/bob):\*\*\*\*@127\.0\.0\.1:\d+"/);
  });

  void it('a stopped proxy loses no request, its accounts are rebound, and the health check brings it back', async () => {
    const httpId = proxyIdOf(h, http);
    const socksId = proxyIdOf(h, socks);
    const onHttp = tokens.filter((t) => boundTo(h, t) === httpId);
    assert.equal(onHttp.length, 2);
    await http.stop();
    socks.reset();
    await ask(h, 12, 'failover'); // every one must succeed (asserted inside)
    await waitFor('http proxy unhealthy', () => !view(h, http).healthy);
    for (const t of tokens) assert.equal(boundTo(h, t), socksId, `${t} rebound to the healthy proxy`);
    assert.equal(view(h, http).boundAccounts, 0);
    assert.ok(view(h, http).lastError, 'the failure is reported');
    // The healthy proxy carried every answer meanwhile, for every account (12 calls in all).
    let carried = 0;
    for (const t of tokens) carried += socks.tokenCounts().get(t) ?? 0;
    assert.equal(carried, 12);
    assert.equal((await ready(h)).status, 200, 'one healthy proxy is enough');

    await http.start();
    await waitFor('http proxy healthy again', () => view(h, http).healthy && view(h, http).checkedAt > 0);
    assert.equal(view(h, http).consecutiveFailures, 0);
    assert.ok((view(h, http).latencyMs ?? -1) >= 0);
  });

  void it('/ready says "no healthy proxy" while every proxy is down', async () => {
    await http.stop();
    await socks.stop();
    try {
      await waitFor('both unhealthy', () => h.gw.egress.list().every((p) => !p.healthy));
      const r = await ready(h);
      assert.equal(r.status, 503);
      assert.ok(r.reasons.some((x) => x.includes('no healthy proxy')), r.reasons.join('; '));
    } finally {
      await http.start();
      await socks.start();
    }
    await waitFor('healthy again', () => h.gw.egress.list().every((p) => p.healthy));
    assert.equal((await ready(h)).status, 200);
    await ask(h, 4, 'back');
  });
});

void describe('egress: a proxy whose IP gets the Cloudflare challenge', () => {
  const tokens = ['sso-challenge-0001', 'sso-challenge-0002', 'sso-challenge-0003', 'sso-challenge-0004'];
  let challenged: TestProxy;
  let good: TestProxy;
  let h: Harness;
  before(async () => {
    challenged = await startHttpProxy({ mode: 'challenge' });
    good = await startSocks5Proxy();
    // Long probe interval: the traffic alone must take the challenged proxy out.
    h = await startHarness({ tokens, overrides: proxyOverrides([challenged.url, good.url], { probe_interval: 30, probe_backoff: 30 }) });
  });
  after(async () => {
    await h.close();
    await challenged.close();
    await good.close();
  });

  void it('is a clearance problem: retried through another proxy, counted against the proxy, accounts untouched', async () => {
    await ask(h, 8, 'challenge');
    const v = view(h, challenged);
    assert.ok(challenged.tokenCounts().size > 0, 'some calls did reach the challenged proxy');
    assert.ok(v.failures >= 2, `failures counted against the proxy (${v.failures})`);
    assert.equal(v.healthy, false, 'fail_threshold reached: unhealthy');
    assert.match(v.lastError ?? '', /anti-bot|Just a moment/i);
    const goodId = proxyIdOf(h, good);
    for (const t of tokens) {
      const acc = h.gw.accounts.pool.get(accountIdFor(t));
      assert.equal(acc?.rec.status, 'active', `${t} stays active`);
      assert.notEqual(acc?.rec.lastErrorKind, 'invalid-credential');
      assert.equal(boundTo(h, t), goodId, `${t} now bound to the good proxy`);
    }
    // From now on nothing goes through the challenged proxy.
    challenged.reset();
    await ask(h, 4, 'after');
    assert.equal(challenged.tokenCounts().size, 0);
  });
});

void describe('egress: proxyURL@token imports pin the account', () => {
  const tokens = ['sso-pinned-acct-0001', 'sso-free-acct-00002', 'sso-free-acct-00003'];
  let http: TestProxy;
  let socks: TestProxy;
  let h: Harness;
  let seed = '';
  let restartedDir: string | undefined;
  before(async () => {
    http = await startHttpProxy();
    socks = await startSocks5Proxy({ auth: { user: 'pin', pass: SOCKS_PASS } });
    seed = [`${socks.url}@${tokens[0]}`, tokens[1], tokens[2]].join(',');
    h = await startHarness({ tokens, env: { GROK2API_SSO_TOKENS: seed }, overrides: proxyOverrides([http.url]) });
  });
  after(async () => {
    if (restartedDir) {
      await h.sim.close();
      rmSync(restartedDir, { recursive: true, force: true });
    } else {
      await h.close();
    }
    await http.close();
    await socks.close();
  });

  void it('adds the unknown proxy, pins the account to it, and keeps the pin when that proxy fails', async () => {
    const s = view(h, socks);
    assert.equal(s.source, 'import');
    assert.equal(s.pinnedAccounts, 1);
    assert.equal(boundTo(h, tokens[0] as string), s.id);
    await ask(h, 9, 'pinned');
    assert.ok((socks.tokenCounts().get(tokens[0] as string) ?? 0) > 0);
    assert.equal(http.tokenCounts().get(tokens[0] as string), undefined, 'the pinned account never used the other proxy');

    await socks.stop();
    await waitFor('socks unhealthy', () => !view(h, socks).healthy);
    await ask(h, 6, 'pinned-down'); // still served (temporarily through the healthy proxy)
    assert.equal(boundTo(h, tokens[0] as string), s.id, 'a pinned account is not rebound');
    await socks.start();
  });

  void it('the admin operations: add (bulk, bad lines by number), bind, test, remove', async () => {
    const egress = h.gw.egress;
    const extra = await startHttpProxy({ auth: { user: 'carol', pass: 'carol-P4SS' } });
    try {
      const res = await egress.add(`# proxies\n\n  ${extra.url} cf_clearance=abcdefghijklmnopqrstuvwxyz user_agent=Mozilla/5.0 Test UA\nftp://nope:1\nsocks5://\n`);
      assert.equal(res.added, 1);
      assert.deepEqual(res.errors.map((e) => e.line), [4, 5]);
      const id = res.ids[0] as string;
      const listed = egress.list().find((p) => p.id === id);
      assert.ok(listed);
      assert.equal(listed.cfClearance, 'abcdef****wxyz');
      assert.equal(listed.userAgent, 'Mozilla/5.0 Test UA');
      assert.ok(!JSON.stringify(egress.list()).includes('carol-P4SS'));
      const probe = await egress.test(id);
      assert.equal(probe.ok, true, probe.error);
      const acc = accountIdFor(tokens[1] as string);
      assert.deepEqual(await egress.bind(acc, id), { ok: true });
      assert.equal(h.gw.accounts.proxyOf(acc), id);
      extra.reset();
      await ask(h, 6, 'bound');
      assert.ok((extra.tokenCounts().get(tokens[1] as string) ?? 0) > 0, 'the bound account now goes through the new proxy');
      for (const [token] of extra.tokenCounts()) assert.equal(token, tokens[1]);
      // The clearance profile goes with that proxy only.
      const isChat = (path: string): boolean => path.startsWith('/rest/app-chat') || path.startsWith('/ws/mgw/');
      const sent = h.sim.requests.filter((r) => r.token === tokens[1] && r.method !== 'WS' && isChat(r.path));
      assert.ok(sent.at(-1)?.headers.cookie?.toString().includes('cf_clearance=abcdefghijklmnopqrstuvwxyz'));
      assert.equal(sent.at(-1)?.headers['user-agent'], 'Mozilla/5.0 Test UA');
      const others = h.sim.requests.filter((r) => r.token === tokens[2] && r.method !== 'WS' && isChat(r.path));
      assert.ok(others.length > 0 && others.every((r) => !String(r.headers.cookie).includes('cf_clearance')));

      const config = view(h, http);
      const removed = await egress.remove([id, config.id, 'px_unknown']);
      assert.equal(removed.removed, 1);
      assert.deepEqual(removed.skipped.map((s) => s.id).sort(), [config.id, 'px_unknown'].sort());
      assert.equal(h.gw.accounts.proxyOf(acc), undefined, 'its accounts are unbound');
      await ask(h, 2, 'after-remove');
      assert.notEqual(h.gw.accounts.proxyOf(acc), undefined, 'and rebound on next use');
    } finally {
      await extra.close();
    }
  });

  void it('keeps the proxy list and pins across a restart (store)', async () => {
    const stored = await h.gw.store.kv.get('egress.proxies');
    assert.ok(stored);
    const doc = JSON.parse(stored) as { proxies: Array<{ url: string }>; pins: Record<string, string> };
    assert.ok(doc.proxies.some((p) => p.url.includes(`:${socks.port}`)));
    const socksId = view(h, socks).id;
    assert.equal(doc.pins[accountIdFor(tokens[0] as string)], socksId);

    const dir = h.gw.loaded.dataDir;
    await h.gw.close();
    restartedDir = dir;
    // Same data directory, no seed this time: everything comes from the store.
    const h2 = await startHarness({ tokens: [], env: { GROK2API_SSO_TOKENS: '' }, overrides: proxyOverrides([http.url]), dataDir: dir }, h.sim);
    try {
      const again = h2.gw.egress.list().find((p) => p.id === socksId);
      assert.equal(again?.source, 'import');
      assert.equal(again?.pinnedAccounts, 1);
      assert.equal(h2.gw.accounts.proxyOf(accountIdFor(tokens[0] as string)), socksId);
      await waitFor('socks healthy', () => h2.gw.egress.list().every((p) => p.healthy));
      socks.reset();
      http.reset();
      await ask(h2, 6, 'restarted');
      assert.ok((socks.tokenCounts().get(tokens[0] as string) ?? 0) > 0, 'the pinned account still goes through its proxy');
      assert.equal(http.tokenCounts().get(tokens[0] as string), undefined);
    } finally {
      await h2.close();
    }
  });
});
