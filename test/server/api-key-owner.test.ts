// The owner id the API-key check gives each key (who owns video jobs and other stored objects),
// and the one access rule every per-client resource follows.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkApiKey } from '../../src/server/api-key-auth.js';
import type { FastifyRequest } from 'fastify';
import { requestOwner, requestViewer } from '../../src/server/request-owner.js';
import { ADMIN_VIEWER, canAccess, clientViewer, OPEN_GATEWAY_OWNER } from '../../src/gateway/resource-owner.js';

void describe('API-key owners', () => {
  void it('keys whose masked names collide still get distinct, stable owners that are not the key', () => {
    const keys = ['sk-same-prefix-AAAAAAAA-tail1234', 'sk-same-prefix-BBBBBBBB-tail1234'];
    const a = checkApiKey(`Bearer ${keys[0]}`, undefined, keys);
    const b = checkApiKey(undefined, keys[1], keys);
    assert.ok(a && b);
    assert.equal(a.name, b.name, 'the masked names collide');
    assert.notEqual(a.owner, b.owner);
    assert.match(a.owner, /^key:[0-9a-f]{32}$/);
    assert.ok(!a.owner.includes(keys[0] as string));
    // Stable: the same key on a later request (cached path) and after the key list is rebuilt.
    assert.equal(checkApiKey(`Bearer ${keys[0]}`, undefined, keys)?.owner, a.owner);
    assert.equal(checkApiKey(`Bearer ${keys[0]}`, undefined, [...keys, 'sk-third-key-000000'])?.owner, a.owner);
  });

  void it('an open gateway (no keys) has one owner for everyone', () => {
    assert.equal(checkApiKey('Bearer x', undefined, [])?.owner, OPEN_GATEWAY_OWNER);
    assert.equal(checkApiKey(undefined, undefined, [])?.owner, OPEN_GATEWAY_OWNER);
  });

  void it('a client sees only its own resources; the admin sees all', () => {
    assert.equal(canAccess(clientViewer('key:a'), 'key:a'), true);
    assert.equal(canAccess(clientViewer('key:b'), 'key:a'), false);
    assert.equal(canAccess(clientViewer(OPEN_GATEWAY_OWNER), 'key:a'), false);
    assert.equal(canAccess(ADMIN_VIEWER, 'key:a'), true);
    assert.equal(canAccess(ADMIN_VIEWER, OPEN_GATEWAY_OWNER), true);
  });

  void it('a request the key check never saw has no owner: routes fail closed instead of sharing one', () => {
    const unchecked = { keyOwner: undefined, method: 'GET', routeOptions: { url: '/v1/videos' } } as unknown as FastifyRequest;
    assert.throws(() => requestOwner(unchecked), /key check did not run/);
    assert.throws(() => requestViewer(unchecked), /key check did not run/);
    const checked = { ...unchecked, keyOwner: 'key:abc' } as unknown as FastifyRequest;
    assert.deepEqual(requestViewer(checked), clientViewer('key:abc'));
  });
});
