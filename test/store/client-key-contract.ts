// What every store driver must do with client keys: records round-trip, admissions are atomic and
// count every limit the same way, disabling shows at the next admission, usage adds up. Run by
// each driver's test file against its real backend (shared backends: from two store instances).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../../src/store/index.js';
import type { AdmitSpec, ClientKeyRecord, KeyLimits } from '../../src/store/client-key-types.js';
import type { StoreBackend } from './contract.js';

const DAY_MS = 86_400_000;

function spec(limits: KeyLimits, now = Date.UTC(2026, 11, 4, 12)): AdmitSpec {
  const d = new Date(now);
  const day = d.toISOString().slice(0, 10);
  return {
    limits,
    now,
    day,
    month: day.slice(0, 7),
    dayEndsAt: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) + DAY_MS,
    monthEndsAt: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1),
  };
}

let serial = 0;
function record(over: Partial<ClientKeyRecord> = {}): ClientKeyRecord {
  const id = `ck_${(++serial).toString(16).padStart(16, '0')}`;
  return { id, name: `key ${serial}`, note: '', hash: 'ab'.repeat(32), masked: 'sk-abcd…wxyz', models: [], limits: {}, enabled: true, createdAt: 1, updatedAt: 1, ...over };
}

async function withStores(makeBackend: () => Promise<StoreBackend>, shared: boolean, fn: (a: Store, b: Store) => Promise<void>): Promise<void> {
  const backend = await makeBackend();
  const a = await backend.open();
  const b = shared ? await backend.open() : a;
  try {
    await fn(a, b);
  } finally {
    await a.close().catch(() => undefined);
    if (b !== a) await b.close().catch(() => undefined);
    await backend.cleanup();
  }
}

export function runClientKeyContract(name: string, makeBackend: () => Promise<StoreBackend>, options: { shared: boolean }): void {
  void describe(`${name} client key store`, () => {
    void it('round-trips records, replaces on put, and removes', () =>
      withStores(makeBackend, options.shared, async (a, b) => {
        const r1 = record({ models: ['grok-4'], limits: { rpm: 5, tokens_per_day: 1000 }, expiresAt: 1_900_000_000_000, note: 'ünï "q"' });
        const r2 = record();
        await a.keys.put(r1);
        await a.keys.put(r2);
        assert.deepEqual((await b.keys.loadAll()).sort((x, y) => x.id.localeCompare(y.id)), [r1, r2]);
        await a.keys.put({ ...r1, enabled: false, updatedAt: 2 });
        assert.equal((await b.keys.loadAll()).find((r) => r.id === r1.id)?.enabled, false);
        await b.keys.remove(r2.id);
        assert.deepEqual((await a.keys.loadAll()).map((r) => r.id), [r1.id]);
      }));

    void it('counts requests per minute across instances and refuses the one over the limit', () =>
      withStores(makeBackend, options.shared, async (a, b) => {
        const r = record({ limits: { rpm: 5 } });
        await a.keys.put(r);
        const s = spec(r.limits);
        // Ten admissions at once, alternating instances: exactly five get through.
        const verdicts = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).keys.admit(r.id, s)));
        assert.equal(verdicts.filter((v) => v.ok).length, 5);
        const denied = verdicts.find((v) => !v.ok);
        assert.ok(denied && !denied.ok && denied.reason === 'limit' && denied.limit === 'rpm');
        assert.ok(denied.retryAfterMs > 0 && denied.retryAfterMs <= 60_000);
        assert.equal(denied.counts.minute, 5);
        // A minute later the window has rolled over.
        const later = await a.keys.admit(r.id, spec(r.limits, s.now + 60_001));
        assert.ok(later.ok && later.counts.minute === 1);
      }));

    void it('holds concurrency until released, and the day, token and month limits', () =>
      withStores(makeBackend, options.shared, async (a, b) => {
        const r = record({ limits: { concurrency: 1, requests_per_day: 3, tokens_per_day: 100, monthly_requests: 4 } });
        await a.keys.put(r);
        const s = spec(r.limits);
        assert.ok((await a.keys.admit(r.id, s)).ok);
        const busy = await b.keys.admit(r.id, s);
        assert.ok(!busy.ok && busy.reason === 'limit' && busy.limit === 'concurrency');
        await a.keys.release(r.id);
        assert.ok((await b.keys.admit(r.id, s)).ok);
        await b.keys.release(r.id);
        await a.keys.record(r.id, { day: s.day, model: 'grok-4', errors: 0, tokensIn: 60, tokensOut: 50 });
        const tokens = await a.keys.admit(r.id, s);
        assert.ok(!tokens.ok && tokens.reason === 'limit' && tokens.limit === 'tokens_per_day');
        assert.equal(tokens.counts.tokensToday, 110);
        assert.ok(tokens.retryAfterMs <= s.dayEndsAt - s.now);
        // Next day: tokens reset; the day allows 3, the month 4 (two used yesterday).
        const next = spec(r.limits, s.now + DAY_MS);
        assert.ok((await a.keys.admit(r.id, next)).ok);
        await a.keys.release(r.id);
        assert.ok((await b.keys.admit(r.id, next)).ok);
        await b.keys.release(r.id);
        const month = await a.keys.admit(r.id, next);
        assert.ok(!month.ok && month.reason === 'limit' && month.limit === 'monthly_requests', JSON.stringify(month));
      }));

    void it('refuses a disabled, expired or deleted key at the next admission, on every instance', () =>
      withStores(makeBackend, options.shared, async (a, b) => {
        const r = record();
        await a.keys.put(r);
        const s = spec({});
        assert.ok((await b.keys.admit(r.id, s)).ok);
        await a.keys.put({ ...r, enabled: false });
        assert.deepEqual(await b.keys.admit(r.id, s), { ok: false, reason: 'invalid' });
        await a.keys.put({ ...r, expiresAt: s.now - 1 });
        assert.deepEqual(await b.keys.admit(r.id, s), { ok: false, reason: 'invalid' });
        await a.keys.put(r);
        assert.ok((await b.keys.admit(r.id, s)).ok);
        await a.keys.remove(r.id);
        assert.deepEqual(await b.keys.admit(r.id, s), { ok: false, reason: 'invalid' });
      }));

    void it('adds usage up by day and model', () =>
      withStores(makeBackend, options.shared, async (a, b) => {
        const r = record();
        await a.keys.put(r);
        await a.keys.record(r.id, { day: '2026-12-03', model: 'grok-4', errors: 0, tokensIn: 10, tokensOut: 20 });
        await b.keys.record(r.id, { day: '2026-12-04', model: 'grok-4', errors: 1, tokensIn: 1, tokensOut: 0 });
        await a.keys.record(r.id, { day: '2026-12-04', model: 'grok-4', errors: 0, tokensIn: 2, tokensOut: 3 });
        await b.keys.record(r.id, { day: '2026-12-04', model: 'a|b model', errors: 0, tokensIn: 5, tokensOut: 5 });
        await a.keys.record('ck_missing', { day: '2026-12-04', model: 'x', errors: 0, tokensIn: 1, tokensOut: 1 });
        assert.deepEqual(await a.keys.usage(r.id), [
          { day: '2026-12-03', model: 'grok-4', requests: 1, errors: 0, tokensIn: 10, tokensOut: 20 },
          { day: '2026-12-04', model: 'a|b model', requests: 1, errors: 0, tokensIn: 5, tokensOut: 5 },
          { day: '2026-12-04', model: 'grok-4', requests: 2, errors: 1, tokensIn: 3, tokensOut: 3 },
        ]);
        assert.deepEqual(await b.keys.usage('ck_missing'), []);
      }));
  });
}
