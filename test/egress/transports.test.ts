// Both transports (undici, impit) through real local proxies (HTTP CONNECT / forward with basic
// auth, SOCKS5 with auth) to the simulator: the chat answers arrive whole, the proxy saw the
// account's cookie, bad credentials and dead proxies are classified transport failures, fresh
// connections are not reused, and the WebSocket agent tunnels too.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import {
  GrokClient,
  GrokHeaders,
  GrokUpstreamError,
  buildChatBody,
  type GrokEvent,
  type Transport,
  type TransportKind,
} from '../../src/grok/index.js';
import { UndiciTransport, createTransport, maskProxyUrl, parseProxyUrl } from '../../src/egress/index.js';
import { expectedAnswer, simHeaders, startFakeGrok, type FakeGrok } from '../fake-grok/index.js';
import { startHttpProxy, startSocks5Proxy, type TestProxy } from './test-proxies.js';

const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/136.0.0.0 Safari/537.36';
const TOKEN = 'sso-transport-token-0001';

function transport(kind: TransportKind, proxyUrl?: string): Transport {
  return createTransport({ kind, proxyUrl, connectTimeoutMs: 2000, headersTimeoutMs: 5000, requestTimeoutMs: 20_000, userAgent: UA });
}

async function answerText(client: GrokClient, t: Transport | undefined, prompt: string): Promise<string> {
  const res = await client.openChat(TOKEN, buildChatBody({ message: prompt, modeId: 'fast', temporary: true, disableMemory: true }), { route: t ? { transport: t } : undefined });
  let text = '';
  for await (const ev of res.events as AsyncIterable<GrokEvent>) {
    if (ev.type === 'token' && !ev.thinking) text += ev.text;
  }
  return text;
}

void describe('transports through real proxies', () => {
  let sim: FakeGrok;
  let client: GrokClient;
  let httpProxy: TestProxy;
  let socks: TestProxy;
  before(async () => {
    sim = await startFakeGrok({ tokens: { [TOKEN]: {} } });
    client = new GrokClient({
      endpoints: { baseUrl: sim.baseUrl, assetsUrl: sim.assetsUrl, wsUrl: sim.wsUrl },
      userAgent: UA,
      acceptLanguage: 'en',
      headersTimeoutMs: 5000,
      // What the client built for itself before transports moved to src/egress.
      transport: new UndiciTransport({ connectTimeoutMs: 2000, headersTimeoutMs: 5000, requestTimeoutMs: 5000 }),
      ownsTransport: true,
    });
    httpProxy = await startHttpProxy({ auth: { user: 'alice', pass: 's3cr3t-pass' } });
    socks = await startSocks5Proxy({ auth: { user: 'bob', pass: 'socks-pass-123' } });
  });
  after(async () => {
    await client.close();
    await httpProxy.close();
    await socks.close();
    await sim.close();
  });

  for (const kind of ['undici', 'impit'] as const) {
    void it(`${kind}: chat through the HTTP proxy (basic auth) carries the account's cookie`, async () => {
      httpProxy.reset();
      const t = transport(kind, httpProxy.url);
      try {
        assert.equal(await answerText(client, t, `hello via http ${kind}`), expectedAnswer(`hello via http ${kind}`).answer);
        assert.equal(httpProxy.tokenCounts().get(TOKEN), 1);
        assert.equal(httpProxy.authFailures, 0);
      } finally {
        await t.close();
      }
    });

    for (const scheme of ['socks5', 'socks5h'] as const) {
      void it(`${kind}: chat through the SOCKS5 proxy (${scheme}, user/pass)`, async () => {
        socks.reset();
        const t = transport(kind, socks.url.replace(/^socks5:/, `${scheme}:`));
        try {
          assert.equal(await answerText(client, t, `hi ${scheme}`), expectedAnswer(`hi ${scheme}`).answer);
          assert.equal(socks.tokenCounts().get(TOKEN), 1);
        } finally {
          await t.close();
        }
      });
    }

    void it(`${kind}: wrong proxy credentials and a dead proxy are transport failures`, async () => {
      const bad = transport(kind, httpProxy.url.replace('s3cr3t-pass', 'wrong'));
      const badSocks = transport(kind, socks.url.replace('socks-pass-123', 'wrong'));
      const dead = transport(kind, 'http://127.0.0.1:1');
      try {
        for (const t of [bad, badSocks, dead]) {
          await assert.rejects(answerText(client, t, 'x'), (err: unknown) => {
            assert.ok(err instanceof GrokUpstreamError, String(err));
            assert.equal(err.kind, 'transport', err.message);
            assert.ok(!err.message.includes('s3cr3t-pass') && !err.message.includes('socks-pass-123'), err.message);
            return true;
          });
        }
      } finally {
        await Promise.all([bad.close(), badSocks.close(), dead.close()]);
      }
    });

    void it(`${kind}: fresh requests never reuse a pooled connection`, async () => {
      const t = transport(kind, socks.url);
      try {
        const ask = async (fresh: boolean): Promise<number> => {
          const res = await t.request({ method: 'POST', url: `${sim.baseUrl}/rest/rate-limits`, headers: simHeaders(TOKEN), body: '{"modelName":"auto"}', fresh });
          for await (const _ of res.body) void _;
          await sleep(20); // let the pool take the connection back before the next request
          return res.status;
        };
        socks.reset();
        await ask(false);
        await ask(false);
        const pooled = socks.connections;
        await ask(true);
        await ask(true);
        assert.equal(pooled, 1, 'keep-alive: both pooled requests on one tunnel');
        assert.equal(socks.connections, pooled + 2, 'each fresh request opened its own tunnel');
      } finally {
        await t.close();
      }
    });
  }

  void it('the WebSocket agent tunnels the imagine handshake through HTTP and SOCKS proxies', async () => {
    const headers = new GrokHeaders({ baseUrl: sim.baseUrl, userAgent: UA, acceptLanguage: 'en' }).ws(TOKEN);
    for (const proxy of [httpProxy, socks]) {
      proxy.reset();
      const t = transport('undici', proxy.url);
      try {
        const ws = new WebSocket(sim.wsUrl, { headers, agent: t.webSocketAgent() });
        await new Promise<void>((resolve, reject) => {
          ws.once('open', () => resolve());
          ws.once('error', reject);
          ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
        });
        ws.close();
        assert.equal(proxy.tokenCounts().get(TOKEN), 1);
      } finally {
        await t.close();
      }
    }
  });

  void it('proxy URLs are canonicalised and masked', () => {
    assert.equal(parseProxyUrl('SOCKS5H://u:p%40ss@Example.COM').href, 'socks5h://u:p%40ss@example.com:1080');
    assert.equal(maskProxyUrl('http://user:hunter2@10.0.0.1:3128'), 'http://user:****@10.0.0.1:3128');
    assert.equal(maskProxyUrl('ftp://user:hunter2@x'), 'ftp://****');
    assert.throws(() => parseProxyUrl('ftp://x:1'), /unsupported proxy scheme/);
    assert.throws(() => parseProxyUrl('http://user:hunter2@'), (e: Error) => !e.message.includes('hunter2'));
  });
});
