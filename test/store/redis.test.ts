// The store contract against a real Redis (G2A_TEST_REDIS_URL, default redis://127.0.0.1:6379/0),
// plus what only a server store does: fail fast while unreachable, expire leases of dead instances.
// An unreachable test server fails each of these tests with a message naming it (never skips them).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createStore, redactUrl, type Store } from '../../src/store/index.js';
import { runStoreContract, type StoreBackend } from './contract.js';
import { runClientKeyContract } from './client-key-contract.js';
import { captureLogger, expectRejection, makeCallLog, makeRecord, randomSuffix, sleep, TcpProxy, waitFor } from './helpers.js';

const REDIS_URL = process.env.G2A_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const RUN = `g2a_test_${randomSuffix()}`;
let admin: Promise<Redis> | undefined;
let serial = 0;

/** The test's own client; rejects (failing the test, never skipping it) when Redis is unreachable. */
function adminClient(): Promise<Redis> {
  admin ??= (async () => {
    const client = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
      return client;
    } catch (err) {
      client.disconnect();
      throw new Error(`Redis at ${redactUrl(REDIS_URL)} is unreachable (${String(err)}): the Redis store tests need a running server (set G2A_TEST_REDIS_URL)`);
    }
  })();
  return admin;
}

async function deleteKeys(pattern: string): Promise<void> {
  const client = await adminClient();
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== '0');
}

async function makeBackend(): Promise<StoreBackend> {
  await adminClient();
  const keyPrefix = `${RUN}_${++serial}`;
  return {
    open: (o) => createStore({ mode: 'redis', url: REDIS_URL, dataDir: '', keyPrefix, ...o }),
    cleanup: () => deleteKeys(`${keyPrefix}:*`),
  };
}

after(async () => {
  const client = await admin?.catch(() => undefined);
  if (!client) return;
  await deleteKeys(`${RUN}_*`);
  await client.quit();
});

runStoreContract('redis', makeBackend, { shared: true });
runClientKeyContract('redis', makeBackend, { shared: true });

void describe('redis store', () => {
  void it('uses the documented key layout', async () => {
    const backend = await makeBackend();
    const s = await backend.open();
    try {
      await s.accounts.upsertMany([makeRecord(1)]);
      await s.accounts.deleteMany([makeRecord(1).id]);
      await s.accounts.upsertMany([makeRecord(2)]);
      await s.kv.set('k', 'v');
      await s.callLogs.append([makeCallLog(1)], 10);
      const prefix = `${RUN}_${serial}`;
      const keys = (await (await adminClient()).keys(`${prefix}:*`)).sort();
      assert.deepEqual(keys, [
        `${prefix}:account:acc000002`,
        `${prefix}:accounts:changed`,
        `${prefix}:accounts:clock`,
        `${prefix}:accounts:deleted`,
        `${prefix}:calllog`,
        `${prefix}:kv`,
      ]);
      assert.equal(await (await adminClient()).type(`${prefix}:calllog`), 'zset');
      assert.deepEqual(JSON.parse((await (await adminClient()).get(`${prefix}:account:acc000002`)) ?? 'null'), makeRecord(2));
    } finally {
      await s.close();
      await backend.cleanup();
    }
  });

  void it('lets the in-flight counters of a crashed instance expire', async () => {
    const backend = await makeBackend();
    const s = await backend.open({ inflightTtlMs: 300 });
    try {
      assert.equal(await s.inflight.tryAcquire('acc', 2), true);
      assert.equal(await s.inflight.tryAcquire('acc', 2), true);
      assert.equal(await s.inflight.tryAcquire('acc', 2), false);
      await sleep(600);
      assert.equal(await s.inflight.current('acc'), 0);
      assert.equal(await s.inflight.tryAcquire('acc', 2), true);
    } finally {
      await s.close();
      await backend.cleanup();
    }
  });

  void it('fails fast during an outage and reconnects by itself afterwards', async () => {
    const backend = await makeBackend();
    const target = new URL(REDIS_URL);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 6379));
    const proxied = new URL(REDIS_URL);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(await proxy.start());
    const keyPrefix = `${RUN}_${serial}`;
    const s = await createStore({ mode: 'redis', url: proxied.toString(), dataDir: '', keyPrefix });
    try {
      await s.kv.set('a', '1');
      assert.equal(s.healthy(), true);
      await proxy.stop();
      await waitFor(() => !s.healthy(), 3000, 'the store to notice the outage');
      for (let i = 0; i < 3; i++) {
        const { ms } = await expectRejection(s.kv.get('a'), 'kv.get during the outage');
        assert.ok(ms < 3000, `took ${ms} ms`);
        await sleep(300);
      }
      assert.equal(s.healthy(), false);
      await proxy.start();
      await waitFor(() => s.healthy(), 8000, 'the store to reconnect');
      assert.equal(await s.kv.get('a'), '1');
      assert.equal(s.healthy(), true);
    } finally {
      await s.close();
      await proxy.stop();
      await backend.cleanup();
    }
  });

  void it('rejects quickly, reports unhealthy and never shows the password while the server is unreachable', async () => {
    const { logger, text } = captureLogger();
    const s: Store = await createStore({ mode: 'redis', url: 'redis://:s3cret-pw@127.0.0.1:1/0', dataDir: '', logger });
    try {
      const ops: [string, () => Promise<unknown>][] = [
        ['loadAll', () => s.accounts.loadAll()],
        ['upsertMany', () => s.accounts.upsertMany([makeRecord(1)])],
        ['changesSince', () => s.accounts.changesSince(0)],
        ['tryAcquire', () => s.inflight.tryAcquire('a', 1)],
        ['tryLock', () => s.locks.tryLock('l', 'o', 1000)],
        ['kv.get', () => s.kv.get('k')],
        ['ping', () => s.ping()],
      ];
      for (const [label, op] of ops) {
        const { ms, error } = await expectRejection(op(), label);
        assert.ok(ms < 3000, `${label} took ${ms} ms to fail`);
        assert.doesNotMatch(error.message, /s3cret-pw/);
      }
      assert.equal(s.healthy(), false);
      assert.match(s.lastError() ?? '', /ECONNREFUSED|unreachable|connect/i);
      assert.doesNotMatch(s.lastError() ?? '', /s3cret-pw/);
      assert.doesNotMatch(text(), /s3cret-pw/);
      assert.match(text(), /redis:\/\/:\*\*\*\*@127\.0\.0\.1:1/);
    } finally {
      await s.close();
    }
  });
});
