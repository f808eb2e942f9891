// EgressService with fake transports and a fake shared store: binding policy (even spread under a
// burst, sticky, exclusion without rebinding, rebinding on unhealthy, pins), health probes with
// backoff, readiness, persistence shared by two instances, and bulk-line parsing.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { EgressService, RouteAttempts, parseProxyEntry, parseProxyLines, proxyIdFor, throughRoute, type EgressSettings, type ProxyBindings } from '../../src/egress/index.js';
import type { CreateTransportOptions } from '../../src/egress/index.js';
import { GrokUpstreamError, type Transport, type TransportResponse } from '../../src/grok/index.js';
import type { Dispatcher } from 'undici';

class FakeBindings implements ProxyBindings {
  readonly map = new Map<string, string | undefined>();
  constructor(ids: string[]) {
    for (const id of ids) this.map.set(id, undefined);
  }
  proxyOf(id: string): string | undefined {
    return this.map.get(id);
  }
  setProxy(id: string, proxyId: string | undefined): boolean {
    if (!this.map.has(id)) return false;
    this.map.set(id, proxyId);
    return true;
  }
  hasAccount(id: string): boolean {
    return this.map.has(id);
  }
  *proxyBindings(): Generator<readonly [string, string | undefined]> {
    yield* this.map.entries();
  }
}

/** Probe answers per proxy URL host:port: 'up' (404 page), 'down' (connection refused), 'challenge'. */
const network = new Map<string, 'up' | 'down' | 'challenge'>();

function fakeTransport(opts: CreateTransportOptions): Transport {
  const key = opts.proxyUrl ?? 'direct';
  return {
    kind: 'undici',
    label: key,
    request: async (): Promise<TransportResponse> => {
      const state = [...network.entries()].find(([k]) => key.includes(k))?.[1] ?? 'up';
      if (state === 'down') throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      if (state === 'challenge') return { status: 403, headers: { 'cf-mitigated': 'challenge' }, body: Readable.from([Buffer.from('<title>Just a moment...</title>')]), decoded: true };
      return { status: 404, headers: {}, body: Readable.from([Buffer.from('not found')]), decoded: true };
    },
    webSocketAgent: () => undefined,
    dispatcher: () => ({}) as Dispatcher,
    freshDispatcher: () => ({}) as Dispatcher,
    close: async () => undefined,
  };
}

function settings(over: Partial<EgressSettings> = {}): EgressSettings {
  return {
    urls: [],
    assetUrls: [],
    required: false,
    failThreshold: 2,
    probeUrl: 'http://grok.test/',
    assetProbeUrl: 'http://assets.test/',
    probeIntervalMs: 60_000,
    probeBackoffMs: 50,
    probeTimeoutMs: 500,
    transport: 'undici',
    impitBrowser: 'auto',
    connectTimeoutMs: 500,
    headersTimeoutMs: 500,
    requestTimeoutMs: 1000,
    baseUrl: 'http://grok.test',
    userAgent: 'UA-default',
    acceptLanguage: 'en',
    pollMs: 50,
    ...over,
  };
}

function sharedStore(mode: 'file' | 'redis' = 'redis') {
  const kv = new Map<string, string>();
  const locks = new Map<string, string>();
  return {
    mode,
    kv: {
      get: async (k: string) => kv.get(k),
      set: async (k: string, v: string) => void kv.set(k, v),
      delete: async (k: string) => void kv.delete(k),
    },
    locks: {
      tryLock: async (name: string, owner: string) => {
        const cur = locks.get(name);
        if (cur && cur !== owner) return false;
        locks.set(name, owner);
        return true;
      },
      unlock: async (name: string, owner: string) => {
        if (locks.get(name) === owner) locks.delete(name);
      },
    },
  };
}

const logger = pino({ level: 'silent' });
const services: EgressService[] = [];
async function make(bindings: ProxyBindings, s: EgressSettings, store = sharedStore('file'), instanceId = 'i1'): Promise<EgressService> {
  const svc = await EgressService.create({ store, bindings, logger, settings: () => s, instanceId, transportFactory: fakeTransport, tickMs: 10 });
  services.push(svc);
  return svc;
}

async function waitFor(what: string, cond: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out: ${what}`);
    await sleep(5);
  }
}

const P1 = 'http://u:pw-one-secret@10.0.0.1:3128';
const P2 = 'socks5://10.0.0.2:1080';
const P3 = 'socks5h://10.0.0.3:1080';
const transportError = (): GrokUpstreamError => new GrokUpstreamError({ kind: 'transport', status: 0, message: 'Network error talking to Grok: ECONNREFUSED' });

void describe('EgressService', () => {
  after(async () => {
    for (const s of services) await s.close();
  });

  void it('spreads a burst of first uses evenly, then stays sticky', async () => {
    network.clear();
    const accounts = Array.from({ length: 30 }, (_, i) => `acc_${i}`);
    const b = new FakeBindings(accounts);
    const e = await make(b, settings({ urls: [P1, P2, P3] }));
    const routes = accounts.map((a) => e.routeFor(a, new Set()));
    const counts = new Map<string, number>();
    for (const r of routes) counts.set(r.proxyId as string, (counts.get(r.proxyId as string) ?? 0) + 1);
    assert.deepEqual([...counts.values()], [10, 10, 10]);
    for (const a of accounts) assert.equal(e.routeFor(a, new Set()).proxyId, b.proxyOf(a));
    assert.deepEqual(e.list().map((p) => p.boundAccounts), [10, 10, 10]);
    assert.ok(!JSON.stringify(e.list()).includes('pw-one-secret'));
  });

  void it('an excluded proxy is avoided for that request without rebinding; threshold failures rebind (pins stay)', async () => {
    network.clear();
    const b = new FakeBindings(['a', 'b', 'c', 'd']);
    const e = await make(b, settings({ urls: [P1, P2] }));
    for (const a of ['a', 'b', 'c', 'd']) e.routeFor(a, new Set());
    const p1 = proxyIdFor(parseProxyEntry(P1).url);
    const p2 = proxyIdFor(parseProxyEntry(P2).url);
    const onP1 = ['a', 'b', 'c', 'd'].filter((a) => b.proxyOf(a) === p1);
    assert.equal(onP1.length, 2);
    const [first, second] = onP1 as [string, string];
    const temp = e.routeFor(first, new Set([p1]));
    assert.equal(temp.proxyId, p2, 'goes through the other proxy');
    assert.equal(b.proxyOf(first), p1, 'binding kept');

    assert.deepEqual(await e.bind(second, p1), { ok: true }); // pinned by the operator
    const r = e.routeFor(first, new Set());
    assert.equal(e.report(r, transportError()), true);
    assert.equal(e.list().find((p) => p.id === p1)?.healthy, true, 'one failure is below the threshold');
    assert.equal(e.report(e.routeFor(first, new Set()), transportError()), true);
    const v = e.list().find((p) => p.id === p1);
    assert.equal(v?.healthy, false);
    assert.equal(b.proxyOf(first), p2, 'rebound to the healthy proxy');
    assert.equal(b.proxyOf(second), p1, 'the pinned account is not moved');
    assert.equal(e.routeFor(second, new Set()).proxyId, p2, 'but is served through a healthy proxy meanwhile');
    // Non-egress failures (rate limit, 401) do not count against the proxy.
    const before = e.list().find((p) => p.id === p2)?.failures;
    assert.equal(e.report(e.routeFor('c', new Set()), new GrokUpstreamError({ kind: 'rate-limited', status: 429, message: 'x' })), false);
    assert.equal(e.list().find((p) => p.id === p2)?.failures, before);
  });

  void it('probes: a dead proxy turns unhealthy (with backoff) and comes back; readiness follows', async () => {
    network.clear();
    network.set('10.0.0.1', 'down');
    network.set('10.0.0.2', 'challenge');
    const b = new FakeBindings(['x']);
    const e = await make(b, settings({ urls: [P1, P2], probeIntervalMs: 100 }));
    await waitFor('both unhealthy', () => e.list().every((p) => !p.healthy));
    assert.match(e.list().find((p) => p.url.includes('10.0.0.1'))?.lastError ?? '', /ECONNREFUSED/);
    assert.match(e.list().find((p) => p.url.includes('10.0.0.2'))?.lastError ?? '', /Cloudflare challenge/);
    assert.match(e.readinessProblem() ?? '', /no healthy proxy/);
    // Nothing healthy: still a proxy (never direct).
    assert.ok(e.routeFor('x', new Set()).proxyId);
    network.set('10.0.0.1', 'up');
    await waitFor('p1 back', () => e.list().find((p) => p.url.includes('10.0.0.1'))?.healthy === true);
    assert.equal(e.readinessProblem(), undefined);
    const probe = await e.test(proxyIdFor(parseProxyEntry(P1).url));
    assert.equal(probe.ok, true);
    assert.equal(probe.status, 404);
  });

  void it('asset pool: one healthy asset proxy per account with its own profile, none when the pool is empty or down', async () => {
    network.clear();
    const A1 = 'http://10.0.1.1:3128 cf_clearance=asset-one-clearance user_agent=UA-asset-one';
    const A2 = 'socks5://10.0.1.2:1080';
    const b = new FakeBindings(['acc_a', 'acc_b']);
    const noPool = await make(b, settings({ urls: [P1] }));
    assert.equal(noPool.assetRoute('acc_a'), undefined, 'no asset pool: the caller\'s route is used');
    const e = await make(new FakeBindings(['acc_a', 'acc_b']), settings({ urls: [P1], assetUrls: [A1, A2], probeIntervalMs: 20 }));
    const r = e.assetRoute('acc_a');
    assert.ok(r?.proxyId);
    assert.equal(e.assetRoute('acc_a')?.proxyId, r.proxyId, 'stable per account');
    const one = e.list().find((p) => p.url.includes('10.0.1.1'));
    const r1 = [...Array(20).keys()].map((i) => e.assetRoute(`acc_${i}`)).find((x) => x?.proxyId === one?.id);
    assert.equal(r1?.headers?.userAgent, 'UA-asset-one', 'the asset proxy\'s own User-Agent');
    assert.match(r1?.headers?.cookie('tok') ?? '', /cf_clearance=asset-one-clearance/);
    assert.notEqual(e.assetRoute('acc_a')?.proxyId, e.routeFor('acc_a', new Set()).proxyId, 'not an app proxy');
    network.set('10.0.1.1', 'down');
    network.set('10.0.1.2', 'down');
    await waitFor('asset pool down', () => e.list().filter((p) => p.pool === 'asset').every((p) => !p.healthy));
    assert.equal(e.assetRoute('acc_a'), undefined, 'the pool is down: the caller\'s route is used');
    network.clear();
  });

  void it('counts one failure against one proxy only (an asset proxy, then the attempt\'s route around it)', async () => {
    network.clear();
    const b = new FakeBindings(['acc_1']);
    const e = await make(b, settings({ urls: [P1], assetUrls: [P2], failThreshold: 5 }));
    const asset = e.assetRoute('acc_1');
    const app = e.routeFor('acc_1', new Set());
    assert.ok(asset && app.proxyId);
    const err = transportError();
    assert.equal(e.report(asset, err), true);
    assert.equal(e.report(app, err), false, 'already counted against the asset proxy');
    const byId = new Map(e.list().map((p) => [p.id, p]));
    assert.equal(byId.get(asset.proxyId as string)?.failures, 1);
    assert.equal(byId.get(app.proxyId)?.failures, 0);
    assert.equal(e.report(app, transportError()), true, 'a new failure counts');
  });

  void it('no proxies: direct, unless proxy.required', async () => {
    network.clear();
    const e = await make(new FakeBindings(['x']), settings());
    assert.equal(e.routeFor('x', new Set()).label, 'direct');
    assert.equal(e.readinessProblem(), undefined);
    const r = await make(new FakeBindings(['x']), settings({ required: true }));
    assert.throws(() => r.routeFor('x', new Set()), /proxy.required/);
    assert.match(r.readinessProblem() ?? '', /no healthy proxy/);
  });

  void it('two instances share the stored list and pins; config proxies cannot be removed', async () => {
    network.clear();
    const store = sharedStore('redis');
    const b = new FakeBindings(['k']);
    const s = settings({ urls: [P1] });
    const a = await make(b, s, store, 'A');
    const c = await make(b, s, store, 'B');
    const added = await a.add(`${P2} cf_clearance=clear-value-1234567890 user_agent=Mozilla/5.0 (X11) Firefox/135.0\n# note\nbogus line\n`);
    assert.equal(added.added, 1);
    assert.deepEqual(added.errors.map((x) => x.line), [3]);
    await waitFor('B sees it', () => c.list().length === 2);
    const p2 = added.ids[0] as string;
    const seen = c.list().find((p) => p.id === p2);
    assert.equal(seen?.userAgent, 'Mozilla/5.0 (X11) Firefox/135.0');
    assert.equal(seen?.cfClearance, 'clear-****7890');
    assert.equal(seen?.source, 'admin');
    // Its headers carry that proxy's own clearance and UA, nothing else.
    const route = c.routeFor('k', new Set([proxyIdFor(parseProxyEntry(P1).url)]));
    assert.equal(route.proxyId, p2);
    const h = route.headers?.rest('tok-123456789');
    assert.equal(h?.['User-Agent'], 'Mozilla/5.0 (X11) Firefox/135.0');
    assert.match(h?.Cookie ?? '', /cf_clearance=clear-value-1234567890/);
    const p1route = c.routeFor('k', new Set([p2]));
    assert.doesNotMatch(p1route.headers?.rest('tok-123456789').Cookie ?? '', /cf_clearance/);

    assert.deepEqual(await a.bind('k', p2), { ok: true });
    const removed = await c.remove([p2, proxyIdFor(parseProxyEntry(P1).url)]);
    assert.equal(removed.removed, 1);
    assert.equal(removed.skipped.length, 1);
    await waitFor('A drops it', () => a.list().length === 1);
    assert.equal(b.proxyOf('k'), undefined, 'its account was unbound');
  });

  void it('parses bulk lines: comments, blanks, profiles, bad lines by number, no password in errors', () => {
    const r = parseProxyLines(['', '# c', ' socks5://a:b@h:1 ', 'http://h2 cf_clearance=x1 user_agent=Mozilla/5.0 (A; B) C', 'gopher://u:hunter2@h', 'http://u:hunter2@h:1 extra=1'].join('\n'));
    assert.equal(r.entries.length, 2);
    assert.equal(r.entries[0]?.url, 'socks5://a:b@h:1');
    assert.deepEqual(r.entries[1]?.profile, { cfClearance: 'x1', userAgent: 'Mozilla/5.0 (A; B) C' });
    assert.equal(r.entries[1]?.url, 'http://h2:80');
    assert.deepEqual(r.errors.map((e) => e.line), [5, 6]);
    for (const e of r.errors) assert.ok(!e.message.includes('hunter2'), e.message);
  });
});

void describe('route → attempt → report (RouteAttempts, throughRoute)', () => {
  // Every probe answers (so only the reported calls move the counters).
  beforeEach(() => network.clear());
  after(async () => {
    await Promise.all(services.splice(0).map((s) => s.close()));
  });
  const network503 = (): GrokUpstreamError => new GrokUpstreamError({ kind: 'upstream-5xx', status: 503, message: 'Grok is down' });
  const stats = (e: EgressService, url: string) => e.list().find((p) => p.id === proxyIdFor(parseProxyEntry(url).url));

  void it('a proxy fault is reported and the request\'s next attempt goes around that proxy; each attempt is labelled', async () => {
    const e = await make(new FakeBindings(['a1', 'a2']), settings({ urls: [P1, P2], failThreshold: 5 }));
    // a1 binds to the least-bound proxy first: P1 (list order).
    assert.equal(e.routeFor('a1', new Set()).proxyId, proxyIdFor(parseProxyEntry(P1).url));
    const routes = new RouteAttempts(e, new AbortController().signal);
    await assert.rejects(routes.run('a1', async () => {
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    }), /socket hang up/);
    assert.equal(stats(e, P1)?.failures, 1);
    const second = await routes.run('a1', async (route) => route?.proxyId);
    assert.equal(second, proxyIdFor(parseProxyEntry(P2).url), 'the retry avoided the proxy that failed it');
    assert.equal(stats(e, P2)?.successes, 1);
    const records: Array<{ proxy?: string | undefined }> = [{}, {}];
    routes.annotate(records);
    assert.deepEqual(records.map((r) => r.proxy), [stats(e, P1)?.url, stats(e, P2)?.url]);
    assert.equal(routes.last, stats(e, P2)?.url);
    // Not the proxy's fault (Grok's 503): reported, not counted, and the proxy is not avoided.
    const other = new RouteAttempts(e);
    await assert.rejects(other.run('a1', async () => {
      throw network503();
    }));
    assert.equal(stats(e, P1)?.failures, 1);
    assert.equal(await other.run('a1', async (route) => route?.proxyId), proxyIdFor(parseProxyEntry(P1).url));
  });

  void it('a failure after the client went away says nothing about the proxy: not reported', async () => {
    const e = await make(new FakeBindings(['a1']), settings({ urls: [P1] }));
    const ctl = new AbortController();
    const routes = new RouteAttempts(e, ctl.signal);
    await assert.rejects(routes.run('a1', async () => {
      ctl.abort();
      throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    }));
    assert.equal(stats(e, P1)?.failures, 0);
  });

  void it('without an egress every attempt leaves by the defaults (no route, no label)', async () => {
    const routes = new RouteAttempts(undefined);
    assert.equal(await routes.run('a1', async (route) => route), undefined);
    const records: Array<{ proxy?: string | undefined }> = [{}];
    routes.annotate(records);
    assert.equal(records[0]?.proxy, undefined);
  });

  void it('throughRoute credits a success, counts a network error against the proxy, and lets a missing route throw as it is', async () => {
    const e = await make(new FakeBindings(['a1']), settings({ urls: [P1], failThreshold: 5 }));
    assert.equal(await throughRoute(e, 'a1', async (route) => route.label), stats(e, P1)?.url);
    assert.equal(stats(e, P1)?.successes, 1);
    await assert.rejects(throughRoute(e, 'a1', async () => {
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    }), /ECONNREFUSED/);
    assert.equal(stats(e, P1)?.failures, 1);
    const required = await make(new FakeBindings(['a1']), settings({ required: true }));
    let called = false;
    await assert.rejects(throughRoute(required, 'a1', async () => {
      called = true;
    }), (err: unknown) => (err as { code?: string }).code === 'ERR_NO_PROXY');
    assert.equal(called, false);
  });
});
