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

  void it('judges IPv6 forms that carry an IPv4 address by that address (6to4, Teredo, NAT64, mapped, translated, compatible)', () => {
    const refused: Array<[string, string]> = [
      // 6to4 2002:AABB:CCDD::/48 → AA.BB.CC.DD
      ['2002:7f00:1::', 'loopback (127.0.0.1 inside 6to4)'],
      ['2002:7F00:0001::1', 'loopback (127.0.0.1 inside 6to4)'],
      ['[2002:7f00:1::1]', 'loopback (127.0.0.1 inside 6to4)'],
      ['2002:a00:1::1', 'private (10.0.0.1 inside 6to4)'],
      ['2002:c0a8:101:5::1', 'private (192.168.1.1 inside 6to4)'],
      ['2002:ac10:1::', 'private (172.16.0.1 inside 6to4)'],
      ['2002:a9fe:a9fe::', 'cloud metadata (169.254.169.254 inside 6to4)'],
      ['2002:a9fe:101::', 'link-local (169.254.1.1 inside 6to4)'],
      ['2002::1', 'unspecified (0.0.0.0 inside 6to4)'],
      ['2002:6440:1::', 'CGNAT (shared) (100.64.0.1 inside 6to4)'],
      ['2002:e000:1::', 'multicast (224.0.0.1 inside 6to4)'],
      // Teredo 2001:0:SERVER:flags:port:~CLIENT; either one private is refused
      ['2001:0:a00:1:0:0:f7f6:f7f6', 'private (10.0.0.1 inside Teredo (server))'],
      ['2001:0:7f00:1::f7f6:f7f6', 'loopback (127.0.0.1 inside Teredo (server))'],
      ['2001:0:808:808:0:0:80ff:fffe', 'loopback (127.0.0.1 inside Teredo (client))'],
      ['2001:0:808:808:8000:1234:3f57:fffa', 'private (192.168.0.5 inside Teredo (client))'],
      ['2001:0:808:808::5601:5601', 'cloud metadata (169.254.169.254 inside Teredo (client))'],
      ['2001::5601:5601', 'unspecified (0.0.0.0 inside Teredo (server))'],
      // RFC 4380's own example: server 65.54.227.120, client 192.0.2.45 (a documentation range)
      ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved (192.0.2.45 inside Teredo (client))'],
      ['2001:0000:4136:e378:8000:63bf:f5ff:fffe', 'private (10.0.0.1 inside Teredo (client))'],
      // NAT64 well-known prefix 64:ff9b::/96; the local-use /48 is refused whole
      ['64:ff9b::7f00:1', 'loopback (127.0.0.1 inside NAT64)'],
      ['64:ff9b::10.1.2.3', 'private (10.1.2.3 inside NAT64)'],
      ['64:ff9b::169.254.169.254', 'cloud metadata (169.254.169.254 inside NAT64)'],
      ['64:ff9b:1::8.8.8.8', 'NAT64 (local use)'],
      // IPv4-mapped ::ffff:0:0/96 (the host itself), IPv4-translated ::ffff:0:0:0/96, IPv4-compatible ::/96
      ['::ffff:10.0.0.1', 'private'],
      ['::ffff:7f00:1', 'loopback'],
      ['0:0:0:0:0:ffff:7f00:1', 'loopback'],
      ['::ffff:0:127.0.0.1', 'loopback (127.0.0.1 inside IPv4-translated)'],
      ['::ffff:0:a00:1', 'private (10.0.0.1 inside IPv4-translated)'],
      ['::127.0.0.1', 'loopback (127.0.0.1 inside IPv4-compatible)'],
      ['::10.0.0.1', 'private (10.0.0.1 inside IPv4-compatible)'],
      ['::c0a8:1', 'private (192.168.0.1 inside IPv4-compatible)'],
      // Deprecated and never routed even when the IPv4 is public.
      ['::8.8.8.8', 'reserved'],
      ['192.88.99.1', 'reserved (6to4 relay)'],
    ];
    for (const [addr, why] of refused) assert.equal(blockedAddressReason(addr), why, addr);
    const allowed = [
      '2002:808:808::1', // 6to4 of 8.8.8.8
      '2002:101:101:1::1', // 6to4 of 1.1.1.1
      '2001:0:808:808::f7f6:f7f6', // Teredo: server 8.8.8.8, client 8.9.8.9
      '2001:0:4136:e378:8000:63bf:f7f6:f7f6', // Teredo: server 65.54.227.120, client 8.9.8.9
      '64:ff9b::8.8.8.8', // NAT64 to a public IPv4 (IPv6-only hosts with DNS64 reach IPv4 sites this way)
      '64:ff9b::101:101',
      '::ffff:0:8.8.8.8',
      '::ffff:1.1.1.1',
      '2001:4860:4860::8888', // 2001:4860::/32 is not Teredo (2001:0::/32)
      '2606:4700:4700::1111',
      '2a00:1450:4001:82a::200e',
    ];
    for (const addr of allowed) assert.equal(blockedAddressReason(addr), undefined, addr);
  });

  void it('a URL whose host is a 6to4 / Teredo / NAT64 wrapper of a private address is refused before any connection', async () => {
    for (const host of ['[2002:7f00:1::1]', '[2001:0:a00:1::f7f6:f7f6]', '[64:ff9b::a9fe:a9fe]', '[::ffff:0:7f00:1]']) {
      await assert.rejects(
        safeFetch(`http://${host}/x.png`, { maxBytes: 10, timeoutMs: 1000, allowPrivate: false }),
        (e: unknown) => e instanceof UrlRefusedError && /loopback|private|metadata/.test(e.message) && /inside/.test(e.message),
        host,
      );
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
