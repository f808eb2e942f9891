// Media links are built from the request's scheme and Host when app.app_url is unset. Those come
// from the client (or its proxy), so only an http(s) scheme and a plain host[:port] are used;
// anything else (a javascript: scheme, quotes and markup in Host) falls back to the address the
// request came in on. Checked through /v1/images/generations over real sockets.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isPlainHost } from '../../src/media/links.js';
import type { Harness } from '../e2e/harness.js';
import { startMediaHarness } from '../e2e/media-helpers.js';
import { portOf, rawRequest } from '../server/raw-http.js';

const KEY = 'sk-test-harness-key-000000';

void describe('media links without app.app_url', () => {
  let h: Harness;
  let port: number;
  before(async () => {
    // The test is the reverse proxy: its X-Forwarded-* count.
    h = await startMediaHarness({ apiKey: KEY, config: { server: { trust_proxy: '127.0.0.1' }, image: { use_ws: true } } });
    port = portOf(h.baseURL);
  });
  after(async () => {
    await h.close();
  });

  async function linkFor(headers: Record<string, string>): Promise<string> {
    const res = await rawRequest(
      port,
      'POST',
      '/v1/images/generations',
      { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...headers },
      JSON.stringify({ model: 'grok-imagine-image', prompt: 'a red fox', n: 1 }),
    );
    assert.equal(res.status, 200, res.body);
    const url = (JSON.parse(res.body) as { data: Array<{ url: string }> }).data[0]?.url ?? '';
    return url.slice(0, url.indexOf('/images/'));
  }

  void it('uses a plain forwarded scheme and host', async () => {
    assert.equal(await linkFor({ 'x-forwarded-proto': 'https', 'x-forwarded-host': 'grok.example.com:8443' }), 'https://grok.example.com:8443');
    assert.equal(await linkFor({ host: 'gw.internal:8000' }), 'http://gw.internal:8000');
  });

  void it('falls back to the listening address for another scheme or a host with markup', async () => {
    const local = `http://127.0.0.1:${port}`;
    const cases: Array<Record<string, string>> = [
      { 'x-forwarded-proto': 'javascript', 'x-forwarded-host': 'evil.example' },
      { host: 'a"><script>x</script>' },
      { 'x-forwarded-host': 'user:pw@evil.example' },
      { 'x-forwarded-host': 'evil.example/path' },
      { 'x-forwarded-host': 'evil example' },
      { 'x-forwarded-host': 'evil.example:99999' },
    ];
    for (const headers of cases) assert.equal(await linkFor(headers), local, JSON.stringify(headers));
  });

  void it('warns at start-up that app.app_url is unset', () => {
    assert.ok(h.logs.some((l) => l.includes('"level":40') && l.includes('app.app_url is unset')));
  });

  void it('isPlainHost takes names, IPv4, bracketed IPv6 and ports only', () => {
    for (const ok of ['example.com', 'a-b.example.com:8080', '127.0.0.1', '[::1]:8000', 'localhost', 'example.com.']) assert.ok(isPlainHost(ok), ok);
    for (const bad of ['', 'a b', 'x"y', '<b>', 'u@h', 'h/p', 'h:0', 'h:70000', '-bad.com', '::1', 'h:', `${'a'.repeat(64)}.com`]) assert.ok(!isPlainHost(bad), bad);
  });
});
