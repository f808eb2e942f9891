// The store contract against the file store, plus what only it must do: atomic writes that
// survive kill -9, coalesced write-behind, and careful handling of corrupt or invalid files.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createStore, FileStore, type Store, type StoreOptions } from '../../src/store/index.js';
import { runStoreContract, type StoreBackend } from './contract.js';
import { runClientKeyContract } from './client-key-contract.js';
import { byId, captureLogger, makeRecord, sleep } from './helpers.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'g2a-file-store-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function openFile(dataDir: string, o: Partial<StoreOptions> = {}): Promise<FileStore> {
  const s: Store = await createStore({ mode: 'file', url: '', dataDir, ...o });
  assert.ok(s instanceof FileStore);
  return s;
}

function readAccounts(dir: string): unknown[] {
  const doc = JSON.parse(readFileSync(join(dir, 'accounts.json'), 'utf8')) as { version: number; accounts: unknown[] };
  assert.equal(doc.version, 1);
  return doc.accounts;
}

function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.includes('.tmp-'));
}

async function makeBackend(): Promise<StoreBackend> {
  const dataDir = tempDir();
  return { open: (o) => createStore({ mode: 'file', url: '', dataDir, ...o }), cleanup: async () => undefined };
}

runStoreContract('file', makeBackend, { shared: false });
runClientKeyContract('file', makeBackend, { shared: false });

void describe('file store', () => {
  void it('starts empty without files and creates the data directory', async () => {
    const dir = join(tempDir(), 'nested', 'data');
    const s = await openFile(dir);
    assert.deepEqual(await s.accounts.loadAll(), []);
    assert.equal(await s.kv.get('x'), undefined);
    await s.close();
    assert.deepEqual(readdirSync(dir), [], 'nothing written when nothing changed');
  });

  void it('writes behind: a burst of 10 000 upserts becomes a couple of writes', async () => {
    const dir = tempDir();
    const s = await openFile(dir);
    const started = Date.now();
    for (let i = 0; i < 10_000; i++) {
      await s.accounts.upsertMany([makeRecord(i % 500, { calls: i, updatedAt: 1_700_000_000_000 + i })]);
      if (i % 1000 === 999) await sleep(100);
    }
    const elapsed = Date.now() - started;
    if (process.env.G2A_TEST_VERBOSE) console.log(`burst: ${s.writes.accounts} writes in ${elapsed} ms`);
    assert.equal(s.writes.accounts <= Math.ceil(elapsed / 1000) + 1, true, `${s.writes.accounts} writes in ${elapsed} ms`);
    await s.close();
    assert.ok(s.writes.accounts >= 1 && s.writes.accounts <= Math.ceil(elapsed / 1000) + 2, `${s.writes.accounts} writes`);
    const recs = readAccounts(dir);
    assert.equal(recs.length, 500);
    assert.ok(recs.some((r) => (r as { calls: number }).calls === 9999), 'the last write is on disk');
  });

  void it('writes at most once per interval and picks later changes up on the next one', async () => {
    const dir = tempDir();
    const s = await openFile(dir, { flushIntervalMs: 300 });
    await s.accounts.upsertMany([makeRecord(1)]);
    await s.kv.set('a', '1');
    await sleep(150);
    assert.equal(s.writes.accounts, 1);
    assert.equal(s.writes.kv, 1);
    await s.accounts.upsertMany([makeRecord(2)]);
    await sleep(50);
    assert.equal(s.writes.accounts, 1, 'the second change waits for the interval');
    assert.equal(readAccounts(dir).length, 1);
    await sleep(400);
    assert.equal(s.writes.accounts, 2);
    assert.equal(readAccounts(dir).length, 2);
    await s.close();
  });

  void it('replaces files atomically: no temp files left, private mode, valid JSON', async () => {
    const dir = tempDir();
    const s = await openFile(dir, { flushIntervalMs: 0 });
    let writing = true;
    let reads = 0;
    // A reader polling the file while writes go on never sees a partial file.
    const reader = (async () => {
      while (writing) {
        try {
          readAccounts(dir);
          reads++;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
        await sleep(1);
      }
    })();
    const until = Date.now() + 15_000;
    for (let i = 0; s.writes.accounts < 6 && Date.now() < until; i++) {
      await s.accounts.upsertMany(Array.from({ length: 2000 }, (_, j) => makeRecord(j, { calls: i, updatedAt: Date.now() })));
      await sleep(10);
    }
    writing = false;
    await reader;
    assert.ok(reads > 5, `${reads} reads`);
    assert.ok(s.writes.accounts > 5, `${s.writes.accounts} writes`);
    await s.kv.set('k', 'v');
    await s.close();
    assert.deepEqual(leftovers(dir), []);
    assert.equal(statSync(join(dir, 'accounts.json')).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'kv.json')).mode & 0o777, 0o600);
    assert.equal(readAccounts(dir).length, 2000);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'kv.json'), 'utf8')), { version: 1, entries: { k: 'v' } });
  });

  void it('never leaves a torn file when the writer is killed with SIGKILL', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const child = fileURLToPath(new URL('./fixtures/file-writer-child.ts', import.meta.url));
    for (let round = 0; round < 6; round++) {
      const proc = spawn(process.execPath, ['--import', 'tsx', child, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      await new Promise<void>((resolve, reject) => {
        proc.stdout.on('data', (d: Buffer) => {
          if (d.toString().includes('ready')) resolve();
        });
        proc.once('exit', (code) => reject(new Error(`writer exited early (${String(code)})`)));
      });
      await sleep(20 + Math.floor(Math.random() * 200));
      proc.kill('SIGKILL');
      await exited;
      const recs = readAccounts(dir);
      assert.equal(recs.length, 3000, `round ${round}: a complete file`);
      JSON.parse(readFileSync(join(dir, 'kv.json'), 'utf8'));
      const s = await openFile(dir);
      assert.equal((await s.accounts.loadAll()).length, 3000);
      assert.deepEqual(leftovers(dir), [], 'stale temp files are removed at start');
      await s.close();
    }
  });

  void it('moves a corrupt accounts file aside, logs it, and starts empty', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'accounts.json'), '{"version":1,"accounts":[{"id":');
    writeFileSync(join(dir, 'kv.json'), '');
    const { logger, lines } = captureLogger();
    const s = await openFile(dir, { logger });
    assert.deepEqual(await s.accounts.loadAll(), []);
    assert.equal(await s.kv.get('x'), undefined);
    const moved = readdirSync(dir).filter((n) => n.startsWith('accounts.json.corrupt-'));
    assert.equal(moved.length, 1);
    assert.equal(readFileSync(join(dir, moved[0]!), 'utf8'), '{"version":1,"accounts":[{"id":');
    assert.equal(readdirSync(dir).filter((n) => n.startsWith('kv.json.corrupt-')).length, 1);
    const errors = lines.filter((l) => l.level === 50).map((l) => String(l.msg));
    assert.ok(errors.some((m) => /accounts file is corrupt/.test(m)), errors.join('\n'));
    assert.ok(errors.some((m) => /kv file is corrupt/.test(m)), errors.join('\n'));
    await s.accounts.upsertMany([makeRecord(1)]);
    await s.close();
    assert.equal(readAccounts(dir).length, 1);
  });

  void it('moves a file of an unknown shape aside', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'accounts.json'), '{"something":"else"}');
    const s = await openFile(dir);
    assert.deepEqual(await s.accounts.loadAll(), []);
    assert.equal(readdirSync(dir).filter((n) => n.startsWith('accounts.json.corrupt-')).length, 1);
    await s.close();
  });

  void it('skips invalid records (keeping a copy of the original), fills defaults, keeps the newest duplicate', async () => {
    const dir = tempDir();
    const full = makeRecord(1);
    const { tags: _t, note: _n, quotas: _q, lastUsedAt: _l, ...partial } = makeRecord(2);
    const doc = {
      version: 1,
      accounts: [full, { ...partial, extra: 'dropped' }, { id: 'broken', token: 5 }, makeRecord(3, { updatedAt: 5 }), makeRecord(3, { calls: 33, updatedAt: 6 })],
    };
    const original = JSON.stringify(doc);
    writeFileSync(join(dir, 'accounts.json'), original);
    const { logger, lines } = captureLogger();
    const s = await openFile(dir, { logger });
    const loaded = (await s.accounts.loadAll()).sort(byId);
    assert.deepEqual(loaded, [full, { ...makeRecord(2), tags: [], note: '', quotas: {}, lastUsedAt: 0 }, makeRecord(3, { calls: 33, updatedAt: 6 })]);
    const copies = readdirSync(dir).filter((n) => n.startsWith('accounts.json.rejected-'));
    assert.equal(copies.length, 1);
    assert.equal(readFileSync(join(dir, copies[0]!), 'utf8'), original);
    assert.ok(lines.some((l) => l.level === 50 && /invalid records/.test(String(l.msg))));
    assert.doesNotMatch(JSON.stringify(lines), /sso-token/, 'tokens are not logged');
    await s.close();
  });

  void it('reads its own line-per-record layout, normalising records that need defaults', async () => {
    const dir = tempDir();
    const { tags: _t, ...noTags } = makeRecord(2);
    const text = ['{"version":1,"accounts":[', JSON.stringify(makeRecord(1)) + ',', JSON.stringify(noTags) + ',', '{"id":"bad"},', JSON.stringify(makeRecord(3)), ']}', ''].join('\n');
    writeFileSync(join(dir, 'accounts.json'), text);
    const s = await openFile(dir);
    assert.deepEqual((await s.accounts.loadAll()).sort(byId), [makeRecord(1), { ...makeRecord(2), tags: [] }, makeRecord(3)]);
    await s.accounts.upsertMany([makeRecord(4)]);
    await s.close();
    const lines = readFileSync(join(dir, 'accounts.json'), 'utf8').split('\n');
    assert.equal(lines[0], '{"version":1,"accounts":[');
    assert.deepEqual(JSON.parse(lines[2]!.replace(/,$/, '')), { ...makeRecord(2), tags: [] });
    assert.equal(readAccounts(dir).length, 4);
  });

  void it('reads a pretty-printed file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'accounts.json'), JSON.stringify({ version: 1, accounts: [makeRecord(1), makeRecord(2)] }, null, 2));
    const s = await openFile(dir);
    assert.deepEqual((await s.accounts.loadAll()).sort(byId), [makeRecord(1), makeRecord(2)]);
    await s.close();
  });

  void it('accepts a bare array of records', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'accounts.json'), JSON.stringify([makeRecord(1), makeRecord(2)]));
    const s = await openFile(dir);
    assert.equal((await s.accounts.loadAll()).length, 2);
    await s.close();
  });

  void it('hands out records the caller may mutate without changing the store', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'accounts.json'), JSON.stringify([makeRecord(1)]));
    const s = await openFile(dir);
    const [first] = await s.accounts.loadAll();
    first!.calls = 999;
    first!.quotas.fast!.remaining = 0;
    const rec = makeRecord(2);
    await s.accounts.upsertMany([rec]);
    rec.calls = 777;
    const again = (await s.accounts.loadAll()).sort(byId);
    assert.deepEqual(again, [makeRecord(1), makeRecord(2)]);
    await s.close();
  });

  void it('reports a failed write as unhealthy and keeps the change pending', async () => {
    const dir = tempDir();
    const s = await openFile(join(dir, 'sub'), { flushIntervalMs: 50 });
    rmSync(join(dir, 'sub'), { recursive: true });
    await s.accounts.upsertMany([makeRecord(1)]);
    await sleep(150);
    assert.equal(s.healthy(), false);
    assert.match(s.lastError() ?? '', /ENOENT/);
    await assert.rejects(s.flush(), /ENOENT/);
    await assert.rejects(s.close(), /ENOENT/);
  });
});
