// network.transport = "impit" (browser-impersonating TLS/HTTP client) end to end: the whole chat
// end-to-end suite runs over it, and the proxy behaviour (binding, failover) holds with it too.
// impit speaks plain HTTP to the local simulator (its fingerprinting only matters on TLS, which
// the simulator does not use), so these prove the plumbing, not the fingerprint.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { accountIdFor } from '../../src/accounts/index.js';
import { expectedAnswer } from '../fake-grok/index.js';
import { startHarness, type Harness } from '../e2e/harness.js';
import { startHttpProxy, startSocks5Proxy, type TestProxy } from './test-proxies.js';

void describe('impit transport', () => {
  void it('passes the chat end-to-end suite (test/e2e/chat.test.ts with G2A_E2E_TRANSPORT=impit)', async () => {
    // A test file of its own run: without the parent runner's context variable.
    const env: NodeJS.ProcessEnv = { ...process.env, G2A_E2E_TRANSPORT: 'impit' };
    delete env.NODE_TEST_CONTEXT;
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', 'test/e2e/chat.test.ts'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, out.slice(-4000));
    assert.match(out, /# fail 0/);
    assert.doesNotMatch(out, /# pass 0\b/);
  });

  void describe('through proxies', () => {
    const tokens = ['sso-impit-acct-0001', 'sso-impit-acct-0002'];
    let http: TestProxy;
    let socks: TestProxy;
    let h: Harness;
    before(async () => {
      http = await startHttpProxy({ auth: { user: 'imp', pass: 'imp-P4SS' } });
      socks = await startSocks5Proxy({ auth: { user: 'imp', pass: 'imp-P4SS' } });
      h = await startHarness({
        tokens,
        overrides: {
          network: { transport: 'impit' },
          proxy: { urls: [http.url, socks.url], probe_interval: 0.4, probe_backoff: 0.2, probe_timeout: 1, fail_threshold: 2 },
          chat: { connect_timeout: 1 },
          retry: { backoff_base: 0.01, backoff_max: 0.05, max_attempts: 3 },
        },
      });
    });
    after(async () => {
      await h.close();
      await http.close();
      await socks.close();
    });

    const ask = async (n: number, tag: string): Promise<void> => {
      for (let i = 0; i < n; i++) {
        const content = `${tag} ${i}`;
        const stream = await h.openai.chat.completions.create({ model: 'grok-chat-fast', stream: true, messages: [{ role: 'user', content }] });
        let text = '';
        for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
        assert.equal(text, expectedAnswer(content).answer);
      }
    };

    void it('each account leaves through its own proxy, and a stopped proxy loses nothing', async () => {
      await ask(6, 'impit');
      const ids = tokens.map((t) => h.gw.accounts.proxyOf(accountIdFor(t)));
      assert.equal(new Set(ids).size, 2, 'one account per proxy');
      for (const proxy of [http, socks]) {
        const id = h.gw.egress.list().find((p) => p.url.endsWith(`:${proxy.port}`))?.id;
        for (const [token] of proxy.tokenCounts()) assert.equal(h.gw.accounts.proxyOf(accountIdFor(token)), id);
      }
      // impit forwards http:// targets in absolute form (undici would CONNECT-tunnel): proof impit carried them.
      assert.ok(http.forwarded > 0);
      await http.stop();
      await ask(6, 'impit-failover');
      const socksId = h.gw.egress.list().find((p) => p.url.endsWith(`:${socks.port}`))?.id;
      for (const t of tokens) assert.equal(h.gw.accounts.proxyOf(accountIdFor(t)), socksId);
      await http.start();
    });
  });
});
