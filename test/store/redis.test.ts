// The store contract against a real Redis (G2A_TEST_REDIS_URL, default redis://127.0.0.1:6379/0),
// plus what only a server store does: fail fast while unreachable, expire leases of dead instances.
// An unreachable test server fails these tests (it never skips them).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createStore, type Store } from '../../src/store/index.js';
import { runStoreContract, type StoreBackend } from './contract.js';
import { captureLogger, expectRejection, makeRecord, randomSuffix, sleep } from './helpers.js';

const URL = process.env.G2A_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const RUN = `g2a_test_${randomSuffix()}`;
let admin: Redis | undefined;
let serial = 0;

function adminClient(): Redis {
  if (!admin) throw new Error(`Redis at ${URL} is unreachable: the Redis store tests need a running server (set G2A_TEST_REDIS_URL)`);
  return admin;
}

async function deleteKeys(pattern: string): Promise<void> {
  const client = adminClient();
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== '0');
}

async function makeBackend(): Promise<StoreBackend> {
  adminClient();
  const keyPrefix = `${RUN}_${++serial}`;
  return {
    open: (o) => createStore({ mode: 'redis', url: URL, dataDir: '', keyPrefix, ...o }),
    cleanup: () => deleteKeys(`${keyPrefix}:*`),
  };
}

before(async () => {
  const client = new Redis(URL, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    admin = client;
  } catch (err) {
    client.disconnect();
    throw new Error(`Redis at ${URL} is unreachable (${String(err)}): the Redis store tests need a running server (set G2A_TEST_REDIS_URL)`);
  }
});

after(async () => {
  if (!admin) return;
  await deleteKeys(`${RUN}_*`);
  await admin.quit();
});

runStoreContract('redis', makeBackend, { shared: true });

void describe('redis store', () => {
  void it('uses the documented key layout', async () => {
    const backend = await makeBackend();
    const s = await backend.open();
    try {
      await s.accounts.upsertMany([makeRecord(1)]);
      await s.accounts.deleteMany([makeRecord(1).id]);
      await s.accounts.upsertMany([makeRecord(2)]);
      await s.kv.set('k', 'v');
      const prefix = `${RUN}_${serial}`;
      const keys = (await adminClient().keys(`${prefix}:*`)).sort();
      assert.deepEqual(keys, [`${prefix}:account:acc000002`, `${prefix}:accounts:changed`, `${prefix}:accounts:clock`, `${prefix}:accounts:deleted`, `${prefix}:kv`]);
      assert.deepEqual(JSON.parse((await adminClient().get(`${prefix}:account:acc000002`)) ?? 'null'), makeRecord(2));
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
