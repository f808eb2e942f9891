// Which addresses client-given URLs may not reach, and the URL checks in front of every fetch.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { blockedAddressReason, resolvePublicAddress, safeFetch, UrlRefusedError } from '../../src/media/index.js';

void describe('blockedAddressReason', () => {
  void it('refuses loopback, private, link-local, metadata, CGNAT, unspecified and their IPv6 forms', () => {
    const cases: Array<[string, string]> = [
      ['127.0.0.1', 'loopback'],
      ['127.8.9.10', 'loopback'],
      ['10.1.2.3', 'private'],
      ['172.16.0.1', 'private'],
      ['172.31.255.255', 'private'],
      ['192.168.1.1', 'private'],
      ['169.254.169.254', 'cloud metadata'],
      ['169.254.10.10', 'link-local'],
      ['100.64.0.1', 'CGNAT (shared)'],
      ['100.127.255.254', 'CGNAT (shared)'],
      ['0.0.0.0', 'unspecified'],
      ['::', 'unspecified'],
      ['::1', 'loopback'],
      ['fe80::1', 'link-local'],
      ['fd12:3456::1', 'private (unique local)'],
      ['fc00::1', 'private (unique local)'],
      ['::ffff:127.0.0.1', 'loopback'],
      ['::ffff:a9fe:a9fe', 'cloud metadata'],
      ['[::1]', 'loopback'],
    ];
    for (const [addr, why] of cases) assert.equal(blockedAddressReason(addr), why, addr);
  });

  void it('lets public addresses through', () => {
    for (const addr of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      assert.equal(blockedAddressReason(addr), undefined, addr);
    }
  });

  void it('resolves host names before deciding (localhost is loopback)', async () => {
    await assert.rejects(resolvePublicAddress(new URL('http://localhost/x'), false), (e: unknown) => e instanceof UrlRefusedError && /loopback/.test(e.message));
    const ok = await resolvePublicAddress(new URL('http://127.0.0.1/x'), true);
    assert.equal(ok.address, '127.0.0.1');
  });

  void it('safeFetch refuses other schemes and credentials in URLs before any network use', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://example.org/x', 'gopher://x', 'http://user:pw@example.org/', 'not a url']) {
      await assert.rejects(safeFetch(url, { maxBytes: 10, timeoutMs: 1000, allowPrivate: true }), UrlRefusedError, url);
    }
  });
});
