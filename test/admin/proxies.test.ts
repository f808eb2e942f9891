// /api/proxies*: the admin face of the egress proxy pool. Proxy credentials never appear in answers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loggedIn, type AdminClient } from './helpers.js';

const SECRET = 'proxy-secret-pw-42';
let c: AdminClient;
before(async () => {
  c = await loggedIn();
});
after(async () => {
  for (const a of c.answers) assert.equal(a.body.includes(SECRET), false, `${a.method} ${a.path} leaked the proxy password`);
  await c.close();
});

interface ProxyList {
  total: number;
  healthy: number;
  items: Array<{ id: string; url: string; pool: string; source: string; boundAccounts: number; pinnedAccounts: number; cfClearance: string }>;
}

void describe('admin proxies', () => {
  void it('adds, lists masked, updates, binds, tests and deletes proxies', async () => {
    assert.deepEqual((await c.call('GET', '/api/proxies')).json<ProxyList>().total, 0);
    const add = await c.call('POST', '/api/proxies/add', { text: `http://user:${SECRET}@127.0.0.1:9\nnot a proxy\nsocks5://127.0.0.1:9` });
    assert.equal(add.status, 200, add.body);
    const added = add.json<{ added: number; ids: string[]; errors: Array<{ line: number }> }>();
    assert.equal(added.added, 2);
    assert.deepEqual(added.errors.map((e) => e.line), [2]);
    const list = (await c.call('GET', '/api/proxies')).json<ProxyList>();
    assert.equal(list.total, 2);
    const withAuth = list.items.find((p) => p.url.startsWith('http://'));
    assert.ok(withAuth);
    assert.match(withAuth.url, /^http:\/\/user:\*+@127\.0\.0\.1:9/);
    assert.equal(withAuth.pool, 'app');

    const upd = await c.call('POST', '/api/proxies/update', { id: withAuth.id, cfClearance: 'clearance-value-1234567890' });
    assert.equal(upd.status, 200, upd.body);
    assert.equal((await c.call('POST', '/api/proxies/update', { id: 'px_nope' })).status, 404);

    const accountId = (await c.call('GET', '/api/tokens')).json<{ items: Array<{ id: string }> }>().items[0]?.id as string;
    const bind = await c.call('POST', '/api/proxies/bind', { accountId, proxyId: withAuth.id });
    assert.equal(bind.status, 200, bind.body);
    assert.equal((await c.call('GET', '/api/tokens')).json<{ items: Array<{ proxy: string | null }> }>().items[0]?.proxy, withAuth.id);
    assert.equal((await c.call('GET', '/api/proxies')).json<ProxyList>().items.find((p) => p.id === withAuth.id)?.pinnedAccounts, 1);
    assert.equal((await c.call('POST', '/api/proxies/bind', { accountId: 'acc_0000000000000000', proxyId: withAuth.id })).status, 404);
    assert.equal((await c.call('POST', '/api/proxies/bind', { accountId, proxyId: null })).status, 200);

    const probe = await c.call('POST', '/api/proxies/test', { id: withAuth.id });
    assert.equal(probe.status, 200, probe.body);
    assert.equal(probe.json<{ ok: boolean }>().ok, false, 'nothing listens on port 9');
    assert.equal((await c.call('POST', '/api/proxies/test', { id: 'px_nope' })).status, 404);

    const del = await c.call('POST', '/api/proxies/delete', { ids: [...added.ids, 'px_nope'] });
    assert.equal(del.status, 200);
    assert.equal(del.json<{ removed: number }>().removed, 2);
    assert.equal((await c.call('GET', '/api/proxies')).json<ProxyList>().total, 0);
    assert.equal((await c.call('POST', '/api/proxies/add', { text: '' })).status, 400);
  });
});
