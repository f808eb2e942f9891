// server.trust_proxy lists the reverse proxies whose X-Forwarded-For counts. The client is the
// right-most address that is not a trusted proxy: what nginx appended, never the left-most entry a
// client wrote itself. `true` (trust every peer) and hop counts are refused at start-up.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/index.js';
import { startHarness, type Harness } from '../e2e/harness.js';
import { portOf, rawRequest } from './raw-http.js';

const PASSWORD = 'trust-proxy-admin-password';

/** A failed login through "nginx" (the test, on 127.0.0.1) and the address the gateway logged for it. */
async function loggedIp(h: Harness, xff: string, user: string): Promise<string | undefined> {
  const res = await rawRequest(portOf(h.baseURL), 'POST', '/api/login', { 'content-type': 'application/json', 'x-forwarded-for': xff }, JSON.stringify({ username: user, password: 'wrong-password' }));
  assert.equal(res.status, 401, res.body);
  for (let i = 0; i < 50; i++) {
    // Each failed login's line is taken out once read, so the first one left is this login's.
    const line = h.logs.find((l) => l.includes('failed login') && l.includes('"ip"'));
    if (line) {
      h.logs.splice(h.logs.indexOf(line), 1);
      return (JSON.parse(line) as { ip?: string }).ip;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return undefined;
}

async function withGateway(trustProxy: unknown, run: (h: Harness) => Promise<void>): Promise<void> {
  const h = await startHarness({ env: { GROK2API_ADMIN_PASSWORD: PASSWORD }, overrides: { server: { trust_proxy: trustProxy } } });
  try {
    await run(h);
  } finally {
    await h.close();
  }
}

void describe('server.trust_proxy', () => {
  void it('with the proxy address listed, the client is the right-most untrusted hop, not the spoofed left-most one', async () => {
    await withGateway('127.0.0.1', async (h) => {
      // nginx with `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;` appends the peer it saw.
      assert.equal(await loggedIp(h, '6.6.6.6, 203.0.113.9', 'alice'), '203.0.113.9');
      assert.equal(await loggedIp(h, '203.0.113.10', 'bob'), '203.0.113.10');
    });
  });

  void it('a chain of listed proxies (list form, CIDR) is skipped from the right', async () => {
    await withGateway(['127.0.0.1', '10.0.0.0/8'], async (h) => {
      assert.equal(await loggedIp(h, '6.6.6.6, 198.51.100.7, 10.1.2.3', 'carol'), '198.51.100.7');
    });
  });

  void it('a peer that is not a listed proxy speaks for itself', async () => {
    await withGateway('10.9.9.9', async (h) => {
      assert.equal(await loggedIp(h, '6.6.6.6', 'dave'), '127.0.0.1');
    });
  });

  void it('true and hop counts are refused at start-up with a message naming the key', () => {
    for (const [value, env] of [
      [true, undefined],
      [2, undefined],
      [['127.0.0.1', 'not an address'], undefined],
      [undefined, 'true'],
      [undefined, '1'],
    ] as const) {
      assert.throws(
        () => loadConfig({ env: env === undefined ? {} : { GROK2API_SERVER_TRUST_PROXY: env }, dataDir: '/nonexistent-g2a', ...(value === undefined ? {} : { overrides: { server: { trust_proxy: value } } as never }) }),
        (err: Error) => /server\.trust_proxy: expected "" \(off\) or the addresses\/CIDRs/.test(err.message),
        `${String(value ?? env)} is refused`,
      );
    }
    const ok = loadConfig({ env: { GROK2API_SERVER_TRUST_PROXY: 'loopback, ::1, 192.168.0.0/16' }, dataDir: '/nonexistent-g2a' });
    assert.equal(ok.config.server.trust_proxy, 'loopback, ::1, 192.168.0.0/16');
    assert.equal(loadConfig({ env: {}, dataDir: '/nonexistent-g2a', overrides: { server: { trust_proxy: false } } as never }).config.server.trust_proxy, '');
  });
});
