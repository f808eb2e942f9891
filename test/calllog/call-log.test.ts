// The call log service: recording never waits for storage, batched write-behind, the cap, a
// store outage, close() flushing, and queries/statistics checked against a naive computation over
// 100 000 synthetic entries (speed is measured in bench/calllog.ts, not here).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { CallLog, arraySource, computeStats, queryEntries, RingBuffer, type CallLogFilter } from '../../src/calllog/index.js';
import type { FinishedCall } from '../../src/calllog/index.js';
import type { CallLogRecord, CallLogStore } from '../../src/store/index.js';
import { syntheticEntries } from './synthetic.js';

class FakeStore implements CallLogStore {
  appended: CallLogRecord[][] = [];
  rows: CallLogRecord[] = [];
  fail = false;
  gate: Promise<void> | undefined;

  async append(entries: readonly CallLogRecord[], cap: number): Promise<void> {
    if (this.gate) await this.gate;
    if (this.fail) throw new Error('store down');
    this.appended.push([...entries]);
    this.rows.push(...entries);
    this.rows = this.rows.slice(-cap);
  }
  async loadRecent(limit: number): Promise<CallLogRecord[]> {
    return this.rows.slice(-limit);
  }
  async deleteBefore(before?: number): Promise<number> {
    const n = this.rows.length;
    this.rows = before === undefined ? [] : this.rows.filter((r) => r.time >= before);
    return n - this.rows.length;
  }
}

const silent = pino({ level: 'silent' });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function call(n: number, over: Partial<FinishedCall> = {}): FinishedCall {
  return {
    requestId: `r${n}`,
    method: 'POST',
    endpoint: '/v1/chat/completions',
    startedAt: 1_800_000_000_000 + n,
    status: 200,
    latencyMs: 10 + n,
    model: 'grok-chat-fast',
    account: 'sso-to****0001',
    apiKey: 'sk-tes****0000',
    ...over,
  };
}

void describe('call log service', () => {
  void it('records without waiting for the store and writes in batches on the timer', async () => {
    const store = new FakeStore();
    let release!: () => void;
    store.gate = new Promise<void>((r) => (release = r));
    const log = await CallLog.create({ store, logger: silent, settings: () => ({ flushMs: 50, maxEntries: 1000 }) });
    const t0 = performance.now();
    for (let i = 0; i < 500; i++) log.listener(call(i));
    assert.ok(performance.now() - t0 < 200);
    assert.equal(log.query({}, 1, 10).total, 500, 'visible at once');
    await sleep(120);
    assert.equal(store.appended.length, 0, 'the write is still waiting on the store');
    for (let i = 500; i < 600; i++) log.listener(call(i));
    release();
    store.gate = undefined;
    await sleep(200);
    assert.deepEqual(store.appended.map((b) => b.length).reduce((a, b) => a + b, 0), 600);
    assert.ok(store.appended.length <= 3, `batched: ${store.appended.length} writes`);
    assert.deepEqual(store.rows.map((r) => r.requestId), Array.from({ length: 600 }, (_, i) => `r${i}`));
    await log.close();
  });

  void it('ignores non-API endpoints and masks nothing it was not given', async () => {
    const store = new FakeStore();
    const log = await CallLog.create({ store, logger: silent, settings: () => ({ flushMs: 10_000, maxEntries: 100 }) });
    log.listener(call(1, { endpoint: '/api/tokens' }));
    log.listener(call(2, { endpoint: '/manage/index.html' }));
    log.listener(call(3, { model: 'm'.repeat(5000), error: 'e'.repeat(5000), upstream: [{ account: 'a****b', kind: undefined, status: 200 }] }));
    const items = log.query({}, 1, 10).items;
    assert.equal(items.length, 1);
    assert.equal(items[0]?.model?.length, 200);
    assert.equal(items[0]?.error?.length, 300);
    assert.deepEqual(items[0]?.upstream, [{ account: 'a****b', status: 200 }]);
    assert.match(items[0]?.id ?? '', /^[0-9a-z]+-[0-9a-f]{8}[0-9a-z]+$/);
    await log.close();
    assert.equal(store.rows.length, 1, 'close() flushed');
  });

  void it('caps the window at max_entries (oldest dropped), live', async () => {
    const store = new FakeStore();
    let max = 100;
    const log = await CallLog.create({ store, logger: silent, settings: () => ({ flushMs: 10_000, maxEntries: max }) });
    for (let i = 0; i < 250; i++) log.listener(call(i));
    const page = log.query({}, 1, 500);
    assert.equal(page.total, 100);
    assert.equal(page.items[0]?.requestId, 'r249');
    assert.equal(page.items[99]?.requestId, 'r150');
    max = 50;
    log.listener(call(250));
    assert.equal(log.query({}, 1, 500).total, 50);
    await log.close();
    assert.equal(store.rows.length, 50);
  });

  void it('keeps a backlog while the store is down and writes it when it is back', async () => {
    const store = new FakeStore();
    store.fail = true;
    const log = await CallLog.create({ store, logger: silent, settings: () => ({ flushMs: 30, maxEntries: 1000 }) });
    for (let i = 0; i < 10; i++) log.listener(call(i));
    await sleep(100);
    assert.equal(log.status().pending, 10);
    assert.match(log.status().lastFlushError ?? '', /store down/);
    store.fail = false;
    await sleep(100);
    assert.equal(log.status().pending, 0);
    assert.equal(log.status().lastFlushError, undefined);
    assert.equal(store.rows.length, 10);
    await log.close();
  });

  void it('loads the newest entries at start and deletes before a time', async () => {
    const store = new FakeStore();
    store.rows = syntheticEntries(300, 1);
    const log = await CallLog.create({ store, logger: silent, settings: () => ({ flushMs: 10_000, maxEntries: 200 }) });
    assert.equal(log.query({}, 1, 1).total, 200);
    const cut = store.rows[150]?.time as number;
    const r = await log.deleteBefore(cut);
    assert.equal(r.deleted, 50);
    assert.equal(r.storeDeleted, 150);
    assert.equal(log.query({}, 1, 1).total, 150);
    const all = await log.deleteBefore();
    assert.equal(all.deleted, 150);
    assert.equal(log.query({}, 1, 1).total, 0);
    await log.close();
  });

  void it('answers queries like a naive filter over 100 000 entries', () => {
    const entries = syntheticEntries(100_000, 7);
    const src = arraySource(entries);
    const filters: CallLogFilter[] = [
      {},
      { model: 'grok-chat-expert' },
      { status: 'error' },
      { status: 429 },
      { status: '5xx' },
      { account: 'sso-to****0003' },
      { apiKey: 'sk-key****0002', status: 'success' },
      { from: entries[20_000]?.time, to: entries[60_000]?.time, model: 'grok-chat-fast' },
      { kind: 'rate-limited', stream: true },
    ];
    for (const f of filters) {
      const naive = entries.filter((e) => {
        if (f.model !== undefined && e.model !== f.model) return false;
        if (f.apiKey !== undefined && e.apiKey !== f.apiKey) return false;
        if (f.kind !== undefined && e.kind !== f.kind) return false;
        if (f.stream !== undefined && (e.stream ?? false) !== f.stream) return false;
        if (f.account !== undefined && e.account !== f.account && !(e.upstream ?? []).some((u) => u.account === f.account)) return false;
        if (f.from !== undefined && e.time < f.from) return false;
        if (f.to !== undefined && e.time >= f.to) return false;
        if (f.status === 'error' && e.status < 400) return false;
        if (f.status === 'success' && e.status >= 400) return false;
        if (typeof f.status === 'number' && e.status !== f.status) return false;
        if (f.status === '5xx' && (e.status < 500 || e.status > 599)) return false;
        return true;
      }).reverse();
      const page3 = queryEntries(src, f, 3, 100);
      assert.equal(page3.total, naive.length, JSON.stringify(f));
      assert.deepEqual(page3.items.map((e) => e.id), naive.slice(200, 300).map((e) => e.id), JSON.stringify(f));
    }
  });

  void it('computes statistics like a naive computation over 100 000 entries', () => {
    const entries = syntheticEntries(100_000, 11);
    const now = (entries.at(-1)?.time ?? 0) + 1000;
    const s = computeStats(arraySource(entries), { filter: {}, bucket: 'hour', now });
    const ok = entries.filter((e) => e.status < 400);
    assert.equal(s.total, 100_000);
    assert.equal(s.success, ok.length);
    assert.equal(s.successRate, ok.length / 100_000);
    const lat = entries.map((e) => e.latencyMs).sort((a, b) => a - b);
    const rank = (p: number): number => lat[Math.ceil(p * lat.length) - 1] as number;
    assert.deepEqual([s.latencyMs.p50, s.latencyMs.p95, s.latencyMs.p99, s.latencyMs.max], [rank(0.5), rank(0.95), rank(0.99), lat.at(-1)]);
    const perModel = new Map<string, number>();
    for (const e of entries) perModel.set(e.model ?? '(none)', (perModel.get(e.model ?? '(none)') ?? 0) + 1);
    assert.deepEqual(new Map(s.byModel.map((m) => [m.model, m.total])), perModel);
    const perAccount = new Map<string, number>();
    for (const e of entries) if (e.account) perAccount.set(e.account, (perAccount.get(e.account) ?? 0) + 1);
    assert.deepEqual(new Map(s.byAccount.map((a) => [a.account, a.total])), perAccount);
    const kinds = new Map<string, number>();
    for (const e of entries) if (e.status >= 400) kinds.set(e.kind ?? e.error ?? `http_${e.status}`, (kinds.get(e.kind ?? e.error ?? `http_${e.status}`) ?? 0) + 1);
    assert.deepEqual(new Map(s.errorsByKind.map((k) => [k.kind, k.count])), kinds);
    assert.equal(s.buckets.size, 'hour');
    assert.equal(s.buckets.items.reduce((n, b) => n + b.total, 0), 100_000);
    for (const b of s.buckets.items) {
      const naive = entries.filter((e) => e.time >= b.t && e.time < b.t + 3_600_000);
      assert.equal(b.total, naive.length);
      assert.equal(b.failed, naive.filter((e) => e.status >= 400).length);
    }
    assert.equal(s.tokens.prompt, entries.reduce((n, e) => n + (e.promptTokens ?? 0), 0));
    // Minute buckets over a span of days are coarsened so a chart stays drawable.
    assert.notEqual(computeStats(arraySource(entries), { filter: {}, bucket: 'minute', now }).buckets.size, 'minute');
    const empty = computeStats(arraySource([]), { filter: {}, bucket: 'auto', now });
    assert.deepEqual([empty.total, empty.successRate, empty.latencyMs.p50, empty.buckets.items.length], [0, null, null, 0]);
  });
});

void describe('ring buffer', () => {
  void it('keeps the newest items in order, resizes and filters', () => {
    const r = new RingBuffer<number>(3);
    assert.equal(r.push(1), undefined);
    r.push(2);
    r.push(3);
    assert.equal(r.push(4), 1);
    assert.deepEqual(r.toArray(), [2, 3, 4]);
    assert.deepEqual([r.at(0), r.at(2), r.at(3)], [2, 4, undefined]);
    r.resize(2);
    assert.deepEqual(r.toArray(), [3, 4]);
    r.resize(4);
    r.push(5);
    r.push(6);
    r.push(7);
    assert.deepEqual(r.toArray(), [4, 5, 6, 7]);
    assert.equal(r.retain((x) => x % 2 === 0), 2);
    assert.deepEqual(r.toArray(), [4, 6]);
    assert.throws(() => new RingBuffer(0), RangeError);
  });
});
