// The store contract against a real MySQL/MariaDB (G2A_TEST_MYSQL_URL, default
// mysql://root@127.0.0.1:3306/test), plus what only a server store does. Every test uses its own
// table prefix and drops its tables afterwards. An unreachable test server fails each of these
// tests with a message naming it (never skips them).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import { createStore, MysqlStore, redactUrl, type Store } from '../../src/store/index.js';
import { runStoreContract, type StoreBackend } from './contract.js';
import { runClientKeyContract } from './client-key-contract.js';
import { captureLogger, expectRejection, makeRecord, randomSuffix, sleep, TcpProxy, waitFor } from './helpers.js';

const MYSQL_URL = process.env.G2A_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const RUN = `g2a_test_${randomSuffix()}`;
const TABLES = ['accounts', 'account_deletions', 'inflight', 'locks', 'kv', 'sync_clock', 'call_logs', 'client_keys', 'key_counters', 'key_usage', 'video_jobs', 'media_index', 'documents'];
let admin: Promise<Connection> | undefined;
let serial = 0;

/** The test's own connection; rejects (failing the test, never skipping it) when MySQL is unreachable. */
function adminConn(): Promise<Connection> {
  admin ??= (async () => {
    try {
      const conn = await createConnection({ uri: MYSQL_URL, connectTimeout: 2000 });
      await conn.query('SELECT 1');
      return conn;
    } catch (err) {
      throw new Error(`MySQL at ${redactUrl(MYSQL_URL)} is unreachable (${String(err)}): the MySQL store tests need a running server (set G2A_TEST_MYSQL_URL)`);
    }
  })();
  return admin;
}

async function dropTables(prefix: string): Promise<void> {
  const conn = await adminConn();
  for (const t of TABLES) await conn.query(`DROP TABLE IF EXISTS \`${prefix}_${t}\``);
}

async function makeBackend(): Promise<StoreBackend> {
  await adminConn();
  const keyPrefix = `${RUN}_${++serial}`;
  return {
    open: (o) => createStore({ mode: 'mysql', url: MYSQL_URL, dataDir: '', keyPrefix, ...o }),
    cleanup: () => dropTables(keyPrefix),
  };
}

after(async () => {
  const conn = await admin?.catch(() => undefined);
  if (!conn) return;
  const [rows] = await conn.query<RowDataPacket[]>('SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE ?', [
    `${RUN}\\_%`,
  ]);
  for (const row of rows) await conn.query(`DROP TABLE IF EXISTS \`${String(row.t)}\``);
  await conn.end();
});

runStoreContract('mysql', makeBackend, { shared: true });
runClientKeyContract('mysql', makeBackend, { shared: true });

void describe('mysql store', () => {
  void it('creates its tables on first use, idempotently, from two instances at once', async () => {
    const backend = await makeBackend();
    const [a, b] = await Promise.all([backend.open(), backend.open()]);
    try {
      await Promise.all([a.ping(), b.ping(), a.accounts.loadAll(), b.kv.get('x')]);
      const prefix = `${RUN}_${serial}`;
      const [rows] = await (await adminConn()).query<RowDataPacket[]>(
        'SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE ? ORDER BY table_name',
        [`${prefix}\\_%`],
      );
      assert.deepEqual(
        rows.map((r) => String(r.t)).sort(),
        TABLES.map((t) => `${prefix}_${t}`).sort(),
      );
      await a.accounts.upsertMany([makeRecord(1)]);
      const [acc] = await (await adminConn()).query<RowDataPacket[]>(`SELECT id, token, updated_at FROM \`${prefix}_accounts\``);
      assert.deepEqual(
        acc.map((r) => [r.id, r.token, Number(r.updated_at)]),
        [[makeRecord(1).id, makeRecord(1).token, makeRecord(1).updatedAt]],
      );
    } finally {
      await a.close();
      await b.close();
      await backend.cleanup();
    }
  });

  void it('refuses an unsafe table prefix', async () => {
    await assert.rejects(createStore({ mode: 'mysql', url: MYSQL_URL, dataDir: '', keyPrefix: 'x`; DROP TABLE y' }), /invalid MySQL table prefix/);
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
      assert.equal(await s.inflight.current('acc'), 1);
    } finally {
      await s.close();
      await backend.cleanup();
    }
  });

  void it('holds the in-flight cap with many instances racing on a fresh row', async () => {
    const backend = await makeBackend();
    const stores = await Promise.all(Array.from({ length: 4 }, () => backend.open()));
    try {
      await Promise.all(stores.map((s) => s.ping()));
      for (let round = 0; round < 5; round++) {
        const id = `fresh-${round}`;
        const got = await Promise.all(Array.from({ length: 40 }, (_, i) => stores[i % 4]!.inflight.tryAcquire(id, 3)));
        assert.equal(got.filter(Boolean).length, 3, `round ${round}`);
      }
    } finally {
      for (const s of stores) await s.close();
      await backend.cleanup();
    }
  });

  void it('fails during an outage without hanging and recovers by itself afterwards', async () => {
    const backend = await makeBackend();
    const target = new URL(MYSQL_URL);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 3306));
    const proxied = new URL(MYSQL_URL);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(await proxy.start());
    const keyPrefix = `${RUN}_${serial}`;
    const s = await createStore({ mode: 'mysql', url: proxied.toString(), dataDir: '', keyPrefix });
    try {
      await s.kv.set('a', '1');
      assert.equal(s.healthy(), true);
      await proxy.stop();
      for (let i = 0; i < 3; i++) {
        const { ms } = await expectRejection(s.kv.get('a'), 'kv.get during the outage');
        assert.ok(ms < 3000, `took ${ms} ms`);
      }
      assert.equal(s.healthy(), false);
      await proxy.start();
      await waitFor(async () => (await s.kv.get('a')) === '1', 8000, 'the store to answer again');
      assert.equal(s.healthy(), true);
    } finally {
      await s.close();
      await proxy.stop();
      await backend.cleanup();
    }
  });

  void it('rejects quickly, reports unhealthy and never shows the password while the server is unreachable', async () => {
    const { logger, text } = captureLogger();
    const s: Store = await createStore({ mode: 'mysql', url: 'mysql://root:s3cret-pw@127.0.0.1:1/test', dataDir: '', logger });
    assert.ok(s instanceof MysqlStore);
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
      assert.match(s.lastError() ?? '', /ECONNREFUSED|connect/i);
      assert.doesNotMatch(s.lastError() ?? '', /s3cret-pw/);
      assert.doesNotMatch(text(), /s3cret-pw/);
      assert.match(text(), /mysql:\/\/root:\*\*\*\*@127\.0\.0\.1:1/);
    } finally {
      await s.close();
    }
  });
});
