// The behaviour every store driver must have. Each driver's test file runs it against its backend:
// runStoreContract('redis', makeBackend, { shared: true }).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store, StoreOptions, VideoJobRecord } from '../../src/store/index.js';
import { byId, makeCallLog, makeRecord, sleep } from './helpers.js';

export type StoreOverrides = Partial<Pick<StoreOptions, 'inflightTtlMs' | 'flushIntervalMs' | 'logger'>>;

export interface StoreBackend {
  /** Opens a Store on this test's backend; on a shared backend each call is another gateway instance. */
  open(overrides?: StoreOverrides): Promise<Store>;
  /** Removes what the test left on the backend (keys, tables, files). */
  cleanup(): Promise<void>;
}

export interface ContractOptions {
  /** Two open stores share state at once (redis, mysql). False for file: one instance per data dir. */
  shared: boolean;
}

/** Runs `fn` with a fresh backend; closes every store it opened and cleans up afterwards. */
async function withBackend(
  makeBackend: () => Promise<StoreBackend>,
  fn: (open: (o?: StoreOverrides) => Promise<Store>) => Promise<void>,
): Promise<void> {
  const backend = await makeBackend();
  const opened: Store[] = [];
  try {
    await fn(async (o) => {
      const s = await backend.open(o);
      opened.push(s);
      return s;
    });
  } finally {
    for (const s of opened) await s.close().catch(() => undefined);
    await backend.cleanup();
  }
}

export function runStoreContract(name: string, makeBackend: () => Promise<StoreBackend>, options: ContractOptions): void {
  /** Two "instances": two stores on a shared backend, the same store otherwise. */
  async function pair(open: (o?: StoreOverrides) => Promise<Store>): Promise<[Store, Store]> {
    const a = await open();
    return [a, options.shared ? await open() : a];
  }

  void describe(`${name} store contract`, () => {
    void it('round-trips records through upsertMany and loadAll', () =>
      withBackend(makeBackend, async (open) => {
        const s = await open();
        assert.deepEqual(await s.accounts.loadAll(), []);
        const recs = [
          makeRecord(1),
          makeRecord(2, { proxyId: 'px-1', lastErrorKind: 'rate-limited', lastErrorMessage: 'slow down', tier: 'super' }),
          makeRecord(3, { quotas: {}, tags: [], status: 'cooling', coolingUntil: 1_800_000_000_000, note: 'ünïcødé 🚀 "quoted"' }),
          // The Grok user id (mgw socket address) is persisted with the account.
          makeRecord(4, { userId: '3f6c2a9e-8b41-4d7a-9c55-0e2b7d1a4f86' }),
        ];
        await s.accounts.upsertMany(recs);
        assert.deepEqual((await s.accounts.loadAll()).sort(byId), recs);
        await s.accounts.upsertMany([]);
        assert.equal((await s.accounts.loadAll()).length, 4);
      }));

    void it('replaces a record when updatedAt is newer or equal, keeps it when the write is older', () =>
      withBackend(makeBackend, async (open) => {
        const s = await open();
        const r = makeRecord(1, { updatedAt: 2000 });
        await s.accounts.upsertMany([r]);
        const newer = { ...r, calls: 50, status: 'invalid' as const, updatedAt: 3000 };
        await s.accounts.upsertMany([newer]);
        assert.deepEqual(await s.accounts.loadAll(), [newer]);
        const same = { ...newer, calls: 51 };
        await s.accounts.upsertMany([same]);
        assert.deepEqual(await s.accounts.loadAll(), [same]);
        await s.accounts.upsertMany([{ ...r, calls: 1, updatedAt: 2500 }]);
        assert.deepEqual(await s.accounts.loadAll(), [same], 'an older write must not replace a newer record');
        // Within one batch the newest write of an id wins too.
        await s.accounts.upsertMany([{ ...same, calls: 70, updatedAt: 5000 }, { ...same, calls: 60, updatedAt: 4000 }]);
        assert.equal((await s.accounts.loadAll())[0]?.calls, 70);
      }));

    void it('deletes records; an older write does not bring a deleted record back, a newer one does', () =>
      withBackend(makeBackend, async (open) => {
        const s = await open();
        const now = Date.now();
        const [r1, r2, r3] = [makeRecord(1, { updatedAt: now - 10_000 }), makeRecord(2), makeRecord(3)];
        await s.accounts.upsertMany([r1, r2, r3]);
        await s.accounts.deleteMany([r1.id, r3.id, 'never-existed']);
        assert.deepEqual(await s.accounts.loadAll(), [r2]);
        await s.accounts.upsertMany([{ ...r1, calls: 99, updatedAt: now - 5000 }]);
        assert.deepEqual(await s.accounts.loadAll(), [r2], 'a write older than the deletion must be ignored');
        const readded = { ...r1, createdAt: Date.now() + 1000, updatedAt: Date.now() + 1000 };
        await s.accounts.upsertMany([readded]);
        assert.deepEqual((await s.accounts.loadAll()).sort(byId), [readded, r2]);
        await s.accounts.deleteMany([]);
      }));

    void it('changesSince reports changes and deletions after the cursor, and the cursor advances', () =>
      withBackend(makeBackend, async (open) => {
        const s = await open();
        const recs = [makeRecord(1), makeRecord(2), makeRecord(3)];
        await s.accounts.upsertMany(recs);
        const all = await s.accounts.changesSince(0);
        assert.deepEqual(all.records.sort(byId), recs);
        assert.deepEqual(all.deleted, []);
        assert.ok(all.cursor > 0);

        const none = await s.accounts.changesSince(all.cursor);
        assert.deepEqual(none, { records: [], deleted: [], cursor: all.cursor });

        const changed = { ...recs[0]!, calls: 7, updatedAt: recs[0]!.updatedAt + 1 };
        await s.accounts.upsertMany([changed]);
        await s.accounts.deleteMany([recs[1]!.id]);
        const next = await s.accounts.changesSince(all.cursor);
        assert.deepEqual(next.records, [changed]);
        assert.deepEqual(next.deleted, [recs[1]!.id]);
        assert.ok(next.cursor > all.cursor, 'the cursor advances');

        assert.deepEqual(await s.accounts.changesSince(next.cursor), { records: [], deleted: [], cursor: next.cursor });
        // A stale write changes nothing, so it is not reported either.
        await s.accounts.upsertMany([{ ...changed, calls: 1, updatedAt: 1 }]);
        assert.deepEqual((await s.accounts.changesSince(next.cursor)).records, []);
      }));

    void it('reports a write even when its updatedAt is older than the reader\'s cursor (late write-behind)', () =>
      withBackend(makeBackend, async (open) => {
        const [writer, reader] = await pair(open);
        await writer.accounts.upsertMany([makeRecord(1, { updatedAt: Date.now() })]);
        const { cursor } = await reader.accounts.changesSince(0);
        // Another instance flushes a change it made a while ago.
        const late = makeRecord(2, { updatedAt: Date.now() - 60_000 });
        await writer.accounts.upsertMany([late]);
        const got = await reader.accounts.changesSince(cursor);
        assert.deepEqual(got.records, [late]);
      }));

    void it(options.shared ? 'lets a second instance pick up changes through changesSince' : 'changesSince sees the same instance\'s changes', () =>
      withBackend(makeBackend, async (open) => {
        const [a, b] = await pair(open);
        await a.accounts.upsertMany([makeRecord(1), makeRecord(2)]);
        const first = await b.accounts.changesSince(0);
        assert.equal(first.records.length, 2);
        const upd = makeRecord(1, { status: 'disabled', updatedAt: Date.now() });
        await a.accounts.upsertMany([upd, makeRecord(3)]);
        await a.accounts.deleteMany([makeRecord(2).id]);
        const second = await b.accounts.changesSince(first.cursor);
        assert.deepEqual(second.records.sort(byId), [upd, makeRecord(3)]);
        assert.deepEqual(second.deleted, [makeRecord(2).id]);
        assert.deepEqual((await b.accounts.loadAll()).map((r) => r.id).sort(), [makeRecord(1).id, makeRecord(3).id]);
      }));

    void it('round-trips large batches (chunk boundaries)', () =>
      withBackend(makeBackend, async (open) => {
        const s = await open();
        const recs = Array.from({ length: 1203 }, (_, i) => makeRecord(i));
        await s.accounts.upsertMany(recs);
        assert.deepEqual((await s.accounts.loadAll()).sort(byId), recs);
        assert.equal((await s.accounts.changesSince(0)).records.length, 1203);
        await s.accounts.deleteMany(recs.slice(0, 1100).map((r) => r.id));
        assert.deepEqual((await s.accounts.loadAll()).sort(byId), recs.slice(1100));
      }));

    void it('holds the in-flight cap under concurrent acquires from two instances', () =>
      withBackend(makeBackend, async (open) => {
        const [a, b] = await pair(open);
        const results = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).inflight.tryAcquire('acc-x', 8)));
        assert.equal(results.filter(Boolean).length, 8);
        assert.equal(await a.inflight.current('acc-x'), 8);
        assert.equal(await b.inflight.current('acc-x'), 8);
        assert.equal(await a.inflight.current('acc-other'), 0);
        assert.equal(await b.inflight.tryAcquire('acc-other', 8), true, 'accounts are counted separately');

        await a.inflight.release('acc-x');
        await b.inflight.release('acc-x');
        assert.equal(await a.inflight.current('acc-x'), 6);
        const again = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).inflight.tryAcquire('acc-x', 8)));
        assert.equal(again.filter(Boolean).length, 2);
        for (let i = 0; i < 8; i++) await (i % 2 ? a : b).inflight.release('acc-x');
        assert.equal(await b.inflight.current('acc-x'), 0);
        await a.inflight.release('acc-x');
        assert.equal(await a.inflight.current('acc-x'), 0, 'never below zero');
        assert.equal(await a.inflight.tryAcquire('acc-x', 0), false);
        assert.equal(await a.inflight.tryAcquire('acc-x', 1), true);
        assert.equal(await b.inflight.tryAcquire('acc-x', 1), false);
      }));

    void it('keeps locks exclusive between instances, extends for the owner, and lets them expire', () =>
      withBackend(makeBackend, async (open) => {
        const [a, b] = await pair(open);
        assert.equal(await a.locks.tryLock('quota-sync', 'A', 10_000), true);
        assert.equal(await b.locks.tryLock('quota-sync', 'B', 10_000), false);
        assert.equal(await a.locks.tryLock('quota-sync', 'A', 10_000), true, 'the owner may extend');
        await b.locks.unlock('quota-sync', 'B');
        assert.equal(await b.locks.tryLock('quota-sync', 'B', 10_000), false, 'unlock by another owner does nothing');
        await a.locks.unlock('quota-sync', 'A');
        assert.equal(await b.locks.tryLock('quota-sync', 'B', 10_000), true);

        const racers = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).locks.tryLock('race', `owner-${i}`, 10_000)));
        assert.equal(racers.filter(Boolean).length, 1);

        assert.equal(await a.locks.tryLock('short', 'A', 300), true);
        assert.equal(await b.locks.tryLock('short', 'B', 300), false);
        await sleep(700);
        assert.equal(await b.locks.tryLock('short', 'B', 10_000), true, 'an expired lock can be taken');
        assert.equal(await a.locks.tryLock('short', 'A', 10_000), false);
      }));

    void it('gets, sets and deletes documents', () =>
      withBackend(makeBackend, async (open) => {
        const [a, b] = await pair(open);
        assert.equal(await a.kv.get('settings'), undefined);
        await a.kv.set('settings', '{"x":1}');
        assert.equal(await b.kv.get('settings'), '{"x":1}');
        const big = 'ü🚀'.repeat(50_000);
        await a.kv.set('settings', big);
        assert.equal(await b.kv.get('settings'), big);
        await a.kv.set('empty', '');
        assert.equal(await a.kv.get('empty'), '');
        await b.kv.delete('settings');
        assert.equal(await a.kv.get('settings'), undefined);
        await a.kv.delete('missing');
      }));

    void it('stores expiring documents: shared, replaced, deleted, and gone after their TTL', () =>
      withBackend(makeBackend, async (open) => {
        const [a, b] = await pair(open);
        assert.equal(await a.documents.get('response:r1'), undefined);
        await a.documents.put('response:r1', '{"id":"r1"}', 60_000);
        assert.equal(await b.documents.get('response:r1'), '{"id":"r1"}');
        const big = 'ü🚀'.repeat(50_000);
        await b.documents.put('response:r1', big, 60_000);
        assert.equal(await a.documents.get('response:r1'), big);
        assert.equal(await a.documents.delete('response:r1'), true);
        assert.equal(await b.documents.get('response:r1'), undefined);
        assert.equal(await b.documents.delete('response:r1'), false, 'deleting twice reports nothing deleted');
        await a.documents.put('response:short', 'x', 300);
        assert.equal(await b.documents.get('response:short'), 'x');
        await sleep(700);
        assert.equal(await b.documents.get('response:short'), undefined, 'an expired document is gone');
        assert.equal(await a.documents.delete('response:short'), false, 'an expired document cannot be deleted');
      }));

    void it('keeps everything across close() and a new store (close flushes)', () =>
      withBackend(makeBackend, async (open) => {
        const s = await open();
        const recs = [makeRecord(1), makeRecord(2)];
        await s.accounts.upsertMany(recs);
        await s.accounts.deleteMany([recs[1]!.id]);
        await s.kv.set('admin', 'hash');
        await s.close();
        await s.close();
        await assert.rejects(s.accounts.loadAll(), /closed/);
        assert.equal(s.healthy(), false);
        const again = await open();
        assert.deepEqual(await again.accounts.loadAll(), [recs[0]]);
        assert.equal(await again.kv.get('admin'), 'hash');
      }));

    void it('appends call-log entries and loads the newest, oldest first', () =>
      withBackend(makeBackend, async (open) => {
        const [a, b] = await pair(open);
        assert.deepEqual(await a.callLogs.loadRecent(10), []);
        const first = [1, 2, 3].map((n) => makeCallLog(n));
        await a.callLogs.append(first, 100);
        await a.callLogs.append([], 100);
        const second = [4, 5].map((n) => makeCallLog(n, { model: 'ünïcødé 🚀 "model"' }));
        await a.callLogs.append(second, 100);
        assert.deepEqual(await b.callLogs.loadRecent(100), [...first, ...second]);
        assert.deepEqual(await b.callLogs.loadRecent(2), second);
        assert.deepEqual(await b.callLogs.loadRecent(0), []);
      }));

    void it('keeps the call log capped at the newest entries', () =>
      withBackend(makeBackend, async (open) => {
        const s = await open();
        const all = Array.from({ length: 250 }, (_, i) => makeCallLog(i + 1));
        for (let i = 0; i < all.length; i += 25) await s.callLogs.append(all.slice(i, i + 25), 50);
        // Whatever the driver keeps beyond the cap (file: up to 2 × cap), loadRecent returns the newest.
        assert.deepEqual(await s.callLogs.loadRecent(50), all.slice(-50));
        assert.deepEqual((await s.callLogs.loadRecent(1000)).slice(-50), all.slice(-50));
        assert.ok((await s.callLogs.loadRecent(1000)).length <= 100, 'at most 2 × cap retained');
        // One big batch past the cap.
        const big = Array.from({ length: 1200 }, (_, i) => makeCallLog(1000 + i));
        await s.callLogs.append(big, 1000);
        assert.deepEqual(await s.callLogs.loadRecent(1000), big.slice(-1000));
      }));

    void it('deletes call-log entries before a time, or all', () =>
      withBackend(makeBackend, async (open) => {
        const [a, b] = await pair(open);
        const all = Array.from({ length: 20 }, (_, i) => makeCallLog(i + 1));
        await a.callLogs.append(all, 100);
        const cut = all[10]!.time;
        assert.equal(await b.callLogs.deleteBefore(cut), 10);
        assert.deepEqual(await a.callLogs.loadRecent(100), all.slice(10));
        assert.equal(await a.callLogs.deleteBefore(cut), 0);
        await a.callLogs.append([makeCallLog(30)], 100);
        assert.equal(await b.callLogs.deleteBefore(), 11);
        assert.deepEqual(await a.callLogs.loadRecent(100), []);
        assert.equal(await a.callLogs.deleteBefore(), 0);
        await a.callLogs.append([makeCallLog(31)], 100);
        assert.deepEqual(await b.callLogs.loadRecent(100), [makeCallLog(31)]);
      }));

    void it('keeps the call log across close() and a new store', () =>
      withBackend(makeBackend, async (open) => {
        const s = await open();
        const all = Array.from({ length: 5 }, (_, i) => makeCallLog(i + 1));
        await s.callLogs.append(all, 100);
        await s.close();
        await assert.rejects(s.callLogs.append([makeCallLog(9)], 100), /closed/);
        const again = await open();
        assert.deepEqual(await again.callLogs.loadRecent(100), all);
      }));

    void it('stores video jobs: create, get, list newest first, update (not after delete), delete', () =>
      withBackend(makeBackend, async (open) => {
        const [a, b] = await pair(open);
        const j1 = makeVideoJob(1);
        const j2 = makeVideoJob(2, { callbackUrl: 'http://127.0.0.1:9/cb', callbackState: 'pending' });
        await a.videoJobs.create(j1);
        await a.videoJobs.create(j2);
        assert.deepEqual(await b.videoJobs.get(j1.id), j1);
        assert.deepEqual((await b.videoJobs.list()).map((j) => j.id), [j2.id, j1.id]);
        const done = { ...j1, status: 'completed' as const, progress: 100, url: 'http://x/videos/a.mp4', events: [{ at: 5, message: 'ünï "q"' }] };
        assert.equal(await b.videoJobs.update(done), true);
        assert.deepEqual(await a.videoJobs.get(j1.id), done);
        assert.equal(await a.videoJobs.delete(j1.id), true);
        assert.equal(await a.videoJobs.delete(j1.id), false);
        assert.equal(await b.videoJobs.update(done), false, 'a deleted job is not brought back by its runner');
        assert.equal(await b.videoJobs.get(j1.id), undefined);
        assert.equal(await b.videoJobs.get('video_missing'), undefined);
      }));

    void it('moves a video callback state by compare-and-swap: one of several instances wins', () =>
      withBackend(makeBackend, async (open) => {
        const [a, b] = await pair(open);
        const j = makeVideoJob(3, { callbackUrl: 'http://127.0.0.1:9/cb', callbackState: 'pending' });
        await a.videoJobs.create(j);
        const wins = await Promise.all([
          a.videoJobs.swapCallbackState(j.id, 'pending', 'sending:a'),
          b.videoJobs.swapCallbackState(j.id, 'pending', 'sending:b'),
          a.videoJobs.swapCallbackState(j.id, 'pending', 'sending:c'),
        ]);
        assert.equal(wins.filter(Boolean).length, 1, `exactly one swap wins: ${wins.join(',')}`);
        const state = (await b.videoJobs.get(j.id))?.callbackState;
        assert.match(state ?? '', /^sending:[abc]$/);
        // A record update leaves the callback state alone.
        assert.equal(await a.videoJobs.update({ ...j, progress: 50 }), true);
        assert.equal((await b.videoJobs.get(j.id))?.callbackState, state);
        assert.equal(await b.videoJobs.swapCallbackState(j.id, state ?? '', 'delivered'), true);
        assert.equal(await a.videoJobs.swapCallbackState(j.id, 'pending', 'sending:a'), false);
        assert.equal(await a.videoJobs.swapCallbackState('video_missing', 'pending', 'delivered'), false);
      }));

    void it('deletes expired video jobs only', () =>
      withBackend(makeBackend, async (open) => {
        const [a, b] = await pair(open);
        await a.videoJobs.create(makeVideoJob(4, { expiresAt: 1000 }));
        await a.videoJobs.create(makeVideoJob(5, { expiresAt: 5000 }));
        await a.videoJobs.create(makeVideoJob(6, { expiresAt: null }));
        assert.equal(await b.videoJobs.deleteExpired(2000), 1);
        assert.deepEqual((await a.videoJobs.list()).map((j) => j.id).sort(), [makeVideoJob(5).id, makeVideoJob(6).id]);
      }));

    void it('keeps video jobs and the media index across close() and a new store', () =>
      withBackend(makeBackend, async (open) => {
        const s = await open();
        const j = makeVideoJob(7, { callbackState: 'pending', callbackUrl: 'http://127.0.0.1:9/cb' });
        await s.videoJobs.create(j);
        await s.videoJobs.swapCallbackState(j.id, 'pending', 'delivered');
        const entry = { name: `${'ab'.repeat(16)}.mp4`, kind: 'video' as const, size: 12, contentType: 'video/mp4', createdAt: 10, upstreamUrl: 'https://assets/x.mp4', accountId: 'acc-1' };
        await s.mediaIndex.put(entry);
        await s.close();
        const again = await open();
        assert.deepEqual(await again.videoJobs.get(j.id), { ...j, callbackState: 'delivered' });
        assert.deepEqual(await again.mediaIndex.get(entry.name), entry);
      }));

    void it('stores the media index: put, get from another instance, replace, delete', () =>
      withBackend(makeBackend, async (open) => {
        const [a, b] = await pair(open);
        const entry = { name: `${'cd'.repeat(16)}.jpg`, kind: 'image' as const, size: 3, contentType: 'image/jpeg', createdAt: 1, upstreamUrl: null, accountId: null };
        await a.mediaIndex.put(entry);
        assert.deepEqual(await b.mediaIndex.get(entry.name), entry);
        await b.mediaIndex.put({ ...entry, size: 4, upstreamUrl: 'https://assets/y.jpg', accountId: 'acc' });
        assert.equal((await a.mediaIndex.get(entry.name))?.size, 4);
        await a.mediaIndex.delete(entry.name);
        assert.equal(await b.mediaIndex.get(entry.name), undefined);
      }));

    void it('answers ping and reports healthy', () =>
      withBackend(makeBackend, async (open) => {
        const s = await open();
        await s.ping();
        assert.equal(s.healthy(), true);
        assert.equal(s.lastError(), undefined);
      }));
  });
}

function makeVideoJob(n: number, over: Partial<VideoJobRecord> = {}): VideoJobRecord {
  return {
    id: `video_${String(n).padStart(24, '0')}`,
    owner: 'key-owner-1',
    model: 'grok-imagine-video',
    size: '1280x720',
    input: {
      requestId: `req-${n}`,
      prompt: `a fox ${n}`,
      seconds: 6,
      aspectRatio: '16:9',
      resolution: '720p',
      preset: 'custom',
      target: { format: 'url', baseUrl: 'http://127.0.0.1:8000' },
    },
    status: 'queued',
    progress: 0,
    createdAt: 1_700_000_000_000 + n,
    completedAt: null,
    expiresAt: null,
    ownerInstance: 'inst-a',
    leaseExpiresAt: 0,
    attempts: 0,
    events: [],
    error: null,
    url: null,
    thumbnailUrl: null,
    callbackUrl: null,
    callbackKey: `cb-${n}`,
    callbackState: 'none',
    ...over,
  };
}
