// Admin writes are in the store when the answer arrives, even with a write-behind interval far
// longer than the test: tokens added, deleted, disabled; proxies added and bound; the password.
// File store: read back from the files on disk; Redis: read back through a second connection.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import pino from 'pino';
import { accountIdFor } from '../../src/accounts/index.js';
import { PROXY_DOC_KEY } from '../../src/egress/proxy-doc.js';
import { createStore, type AccountRecord, type Store } from '../../src/store/index.js';
import { loggedIn, type AdminClient } from './helpers.js';

const REDIS_URL = process.env.G2A_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const PREFIX = `g2a_durable_test_${Date.now().toString(36)}`;
// Nothing would be written behind during the test.
const SLOW_FLUSH = { accounts: { sync_on_import: false, flush_interval: 600, poll_interval: 600 }, calllog: { flush_interval: 600 } };
const NEW_TOKENS = ['sso-durable-token-0001-x', 'sso-durable-token-0002-x', 'sso-durable-token-0003-x', 'sso-durable-token-0004-x'];

type Saved = Pick<AccountRecord, 'id' | 'status' | 'proxyId'>;

async function exercise(c: AdminClient, saved: () => Promise<Map<string, Saved>>, proxyDoc: () => Promise<string>): Promise<void> {
  const add = await c.call('POST', '/api/tokens/add', { text: NEW_TOKENS.join('\n') });
  assert.equal(add.status, 200, add.body);
  let now = await saved();
  for (const t of NEW_TOKENS) assert.ok(now.has(accountIdFor(t)), `${t} is in the store when the answer arrives`);

  const [first, second] = NEW_TOKENS.map(accountIdFor) as [string, string];
  assert.equal((await c.call('POST', '/api/tokens/disable', { ids: [first] })).status, 200);
  assert.equal((await saved()).get(first)?.status, 'disabled');

  const proxy = await c.call('POST', '/api/proxies/add', { text: 'http://127.0.0.1:9' });
  assert.equal(proxy.status, 200, proxy.body);
  assert.match(await proxyDoc(), /127\.0\.0\.1:9/);
  const proxyId = proxy.json<{ ids: string[] }>().ids[0] as string;
  assert.ok(proxyId, proxy.body);
  assert.equal((await c.call('POST', '/api/proxies/bind', { accountId: second, proxyId })).status, 200);
  assert.ok((await proxyDoc()).includes(second), 'the binding is stored');

  assert.equal((await c.call('POST', '/api/tokens/delete', { ids: NEW_TOKENS.map(accountIdFor) })).status, 200);
  now = await saved();
  for (const t of NEW_TOKENS) assert.equal(now.has(accountIdFor(t)), false, `${t} is gone from the store when the answer arrives`);
}

void describe('admin writes are durable before the answer', () => {
  void it('file store: the files on disk have each change when its 200 arrives', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'g2a-durable-'));
    const c = await loggedIn({ dataDir, overrides: SLOW_FLUSH });
    try {
      const saved = async (): Promise<Map<string, Saved>> => {
        const doc = JSON.parse(readFileSync(join(dataDir, 'accounts.json'), 'utf8')) as { accounts: Saved[] };
        return new Map(doc.accounts.map((a) => [a.id, a]));
      };
      await exercise(c, saved, async () => readFileSync(join(dataDir, 'kv.json'), 'utf8'));
    } finally {
      await c.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  void it('redis store: a second connection sees each change when its 200 arrives', { timeout: 30_000 }, async () => {
    const env = { STORAGE_MODE: 'redis', STORAGE_URL: REDIS_URL, GROK2API_STORAGE_KEY_PREFIX: PREFIX };
    const c = await loggedIn({ env, overrides: SLOW_FLUSH });
    let reader: Store | undefined;
    try {
      const store = await createStore({ mode: 'redis', url: REDIS_URL, keyPrefix: PREFIX, dataDir: tmpdir(), logger: pino({ level: 'silent' }) });
      reader = store;
      const saved = async (): Promise<Map<string, Saved>> => new Map((await store.accounts.loadAll()).map((a) => [a.id, a]));
      await exercise(c, saved, async () => (await store.kv.get(PROXY_DOC_KEY)) ?? '');
    } finally {
      await reader?.close();
      await c.close();
    }
  });

  void it('answers 503 storage_unavailable when the change cannot be saved (and keeps it in memory)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'g2a-durable-'));
    const c = await loggedIn({ dataDir, overrides: SLOW_FLUSH });
    try {
      // The next file write fails: the directory is gone.
      rmSync(dataDir, { recursive: true, force: true });
      const res = await c.call('POST', '/api/tokens/add', { text: 'sso-durable-token-0099-x' });
      assert.equal(res.status, 503, res.body);
      assert.equal(res.json<{ error: { code: string } }>().error.code, 'storage_unavailable');
      assert.ok(c.h.gw.accounts.pool.get(accountIdFor('sso-durable-token-0099-x')), 'applied in memory');
      // The store recovers: the next change writes it all.
      mkdirSync(dataDir, { recursive: true });
      assert.equal((await c.call('POST', '/api/tokens/disable', { ids: [accountIdFor('sso-durable-token-0099-x')] })).status, 200);
      assert.match(readFileSync(join(dataDir, 'accounts.json'), 'utf8'), new RegExp(accountIdFor('sso-durable-token-0099-x')));
    } finally {
      await c.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

after(async () => {
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0 });
  await client.connect();
  const keys = await client.keys(`${PREFIX}:*`);
  if (keys.length > 0) await client.del(...keys);
  await client.quit();
});
