// The proxy schemes the other egress tests do not cover, each carrying a chat call to the simulator:
//   socks4://  a local SOCKS4 proxy that checks the user id;
//   https://   an HTTP proxy reached over TLS, with a self-signed certificate made here (openssl).
//              Node trusts it only through NODE_EXTRA_CA_CERTS, read at process start, so the
//              gateway runs as a child process (src/main.ts) the way an operator would run it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTransport } from '../../src/egress/index.js';
import { expectedAnswer, simHeaders, startFakeGrok, type FakeGrok } from '../fake-grok/index.js';
import { startHarness, type Harness } from '../e2e/harness.js';
import { startGatewayProcess, exitWithin, type GatewayProcess } from '../reliability/gateway-process.js';
import { startHttpProxy, startSocks4Proxy, type Socks4Proxy, type TestProxy } from './test-proxies.js';

const API_KEY = 'sk-test-proxy-schemes-0000';

async function chat(baseUrl: string, content: string): Promise<string> {
  const res = await fetch(`${baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'grok-chat-fast', messages: [{ role: 'user', content }] }),
  });
  const body = (await res.json()) as { choices?: Array<{ message?: { content?: string } }>; error?: { message?: string } };
  assert.equal(res.status, 200, body.error?.message);
  return body.choices?.[0]?.message?.content ?? '';
}

void describe('egress: a socks4:// proxy', () => {
  const token = 'sso-socks4-acct-0001';
  let socks4: Socks4Proxy;
  let h: Harness;
  before(async () => {
    socks4 = await startSocks4Proxy({ userId: 'g2a-user' });
    h = await startHarness({ tokens: [token], apiKey: API_KEY, overrides: { proxy: { urls: [socks4.url], probe_interval: 30 } } });
  });
  after(async () => {
    await h.close();
    await socks4.close();
  });

  void it('carries chat calls, sending the user id from the URL', async () => {
    for (const content of ['socks4 one', 'socks4 two']) assert.equal(await chat(h.baseURL.replace(/\/v1$/, ''), content), expectedAnswer(content).answer);
    assert.ok((socks4.tokenCounts().get(token) ?? 0) >= 2, 'the calls went through the SOCKS4 proxy');
    assert.ok(socks4.userIds.length > 0 && socks4.userIds.every((u) => u === 'g2a-user'), socks4.userIds.join(','));
    assert.equal(socks4.authFailures, 0);
  });
});

/** A self-signed certificate for 127.0.0.1 (key + cert PEM files in `dir`); undefined without openssl. */
function selfSigned(dir: string): { keyPath: string; certPath: string } | undefined {
  const keyPath = join(dir, 'proxy-key.pem');
  const certPath = join(dir, 'proxy-cert.pem');
  const r = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
    { stdio: 'ignore' },
  );
  return r.status === 0 ? { keyPath, certPath } : undefined;
}

const hasOpenssl = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;

void describe('egress: an https:// proxy (TLS to the proxy itself)', { skip: hasOpenssl ? false : 'needs the openssl CLI to make a certificate' }, () => {
  const token = 'sso-https-proxy-acct-01';
  let dir: string;
  let cert: { keyPath: string; certPath: string };
  let proxy: TestProxy;
  let sim: FakeGrok;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'g2a-https-proxy-'));
    const made = selfSigned(dir);
    assert.ok(made, 'openssl made a certificate');
    cert = made;
    proxy = await startHttpProxy({ auth: { user: 'tls', pass: 'tls-P4SS' }, tls: { key: readFileSync(cert.keyPath, 'utf8'), cert: readFileSync(cert.certPath, 'utf8') } });
    sim = await startFakeGrok({ tokenDelayMs: 1, tokens: { [token]: {} } });
  });
  after(async () => {
    await proxy.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  void it('verifies the proxy\'s certificate: an untrusted one is refused before anything is sent', async () => {
    assert.match(proxy.url, /^https:\/\//);
    const t = createTransport({ kind: 'undici', proxyUrl: proxy.url, connectTimeoutMs: 2000, headersTimeoutMs: 2000, requestTimeoutMs: 5000 });
    try {
      await assert.rejects(
        t.request({ method: 'POST', url: `${sim.baseUrl}/rest/rate-limits`, headers: simHeaders(token), body: '{"modelName":"auto"}' }),
        (e: unknown) => /self[- ]signed|certificate/i.test(`${String(e)} ${String((e as { cause?: unknown }).cause)}`),
      );
      assert.equal(proxy.tokenCounts().size, 0);
    } finally {
      await t.close();
    }
  });

  void it('carries chat calls and the imagine WebSocket once its CA is trusted (NODE_EXTRA_CA_CERTS)', async () => {
    const dataDir = join(dir, 'data');
    let gp: GatewayProcess | undefined;
    try {
      gp = await startGatewayProcess({
        NODE_EXTRA_CA_CERTS: cert.certPath,
        DATA_DIR: dataDir,
        GROK2API_GROK_BASE_URL: sim.baseUrl,
        GROK2API_GROK_ASSETS_URL: sim.assetsUrl,
        GROK2API_GROK_WS_URL: sim.wsUrl,
        GROK2API_SSO_TOKENS: token,
        GROK2API_APP_API_KEYS: API_KEY,
        GROK2API_ACCOUNTS_SYNC_ON_IMPORT: 'false',
        GROK2API_ACCOUNTS_DEFAULT_TIER: 'heavy',
        GROK2API_PROXY_URLS: proxy.url,
        GROK2API_PROXY_PROBE_INTERVAL: '30',
        GROK2API_LOG_LEVEL: 'warn',
      });
      for (const content of ['over tls one', 'over tls two']) assert.equal(await chat(gp.url, content), expectedAnswer(content).answer);
      assert.ok((proxy.tokenCounts().get(token) ?? 0) >= 2, 'the calls were tunneled through the https proxy');
      // The WebSocket handshake takes the other tunnel code path (an http.Agent, not undici).
      const before = proxy.tokenCounts().get(token) ?? 0;
      const res = await fetch(`${gp.url}/v1/images/generations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'grok-imagine-image', prompt: 'a fox over tls', n: 1, response_format: 'b64_json' }),
      });
      const img = (await res.json()) as { data?: unknown[]; error?: { message?: string } };
      assert.equal(res.status, 200, img.error?.message);
      assert.equal(img.data?.length, 1);
      assert.ok(sim.requests.some((r) => r.path.startsWith('/ws/imagine/listen') && r.token === token));
      assert.equal(proxy.tokenCounts().get(token), before + 1, 'the handshake was tunneled through the https proxy');
      assert.equal(proxy.authFailures, 0);
    } finally {
      if (gp) {
        gp.child.kill('SIGTERM');
        await exitWithin(gp, 20_000);
      }
    }
  });
});
